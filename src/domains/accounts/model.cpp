#include "domains/accounts/model.hpp"

#include <regex>

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace upravdom::accounts {

std::optional<std::string> NormalizeUnifiedAccount(std::string_view typed) {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(typed.data(), static_cast<int32_t>(typed.size())));
  icu::UnicodeString compact;
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (!u_isUWhiteSpace(c)) compact.append(c);
  }
  if (compact.length() != 10) return std::nullopt;
  for (int32_t i = 0; i < 10; ++i) {
    UChar c = compact.charAt(i);
    const bool letter_place = i == 2 || i == 3;
    if (letter_place) {
      // Cyrillic А–Я, а–я, Ё, ё only.
      const bool cyrillic = (c >= 0x0410 && c <= 0x044F) || c == 0x0401 || c == 0x0451;
      if (!cyrillic) return std::nullopt;
    } else if (c < '0' || c > '9') {
      return std::nullopt;
    }
  }
  compact.toUpper(icu::Locale("ru"));
  std::string out;
  compact.toUTF8String(out);
  static const std::regex kForm(R"(^\d{2}(\xD0[\x81\x90-\xAF]){2}\d{6}$)");
  if (!std::regex_match(out, kForm)) return std::nullopt;
  return out;
}

bool IsPeriod(std::string_view period) {
  if (period.size() != 7 || period[4] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6})
    if (period[i] < '0' || period[i] > '9') return false;
  const int year = std::stoi(std::string(period.substr(0, 4)));
  const int month = std::stoi(std::string(period.substr(5, 2)));
  return year >= 2000 && year <= 2100 && month >= 1 && month <= 12;
}

}  // namespace upravdom::accounts
