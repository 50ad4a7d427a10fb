#include "core/text.hpp"

#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace upravdom::text {

std::string FoldForSearch(std::string_view utf8) {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  s.foldCase();
  s.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x0451)),   // ё
                   icu::UnicodeString(static_cast<UChar32>(0x0435)));  // е
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (pending_space) out.append(static_cast<UChar>(' '));
    pending_space = false;
    out.append(c);
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

std::string Trim(std::string_view utf8) {
  // Most texts have nothing to trim: valid UTF-8 that neither starts nor ends with a space
  // comes back as it is, without the round trip through UTF-16 (which is also what turns
  // invalid sequences into U+FFFD, so those take the long way).
  if (!utf8.empty() && IsValidUtf8(utf8)) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
    const auto length = static_cast<int32_t>(utf8.size());
    UChar32 first, last;
    int32_t at = 0;
    U8_NEXT(bytes, at, length, first);
    at = length;
    U8_PREV(bytes, 0, at, last);
    if (!u_isUWhiteSpace(first) && !u_isUWhiteSpace(last)) return std::string(utf8);
  }
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  int32_t begin = 0, end = s.length();
  while (begin < end && u_isUWhiteSpace(s.char32At(begin))) begin += U16_LENGTH(s.char32At(begin));
  while (end > begin) {
    int32_t prev = s.moveIndex32(end, -1);
    if (!u_isUWhiteSpace(s.char32At(prev))) break;
    end = prev;
  }
  std::string result;
  s.tempSubStringBetween(begin, end).toUTF8String(result);
  return result;
}

size_t CodePointCount(std::string_view utf8) {
  size_t count = 0;
  for (unsigned char c : utf8)
    if ((c & 0xC0) != 0x80) ++count;
  return count;
}

std::string Clip(std::string_view utf8, size_t characters) {
  size_t end = 0, count = 0;
  while (end < utf8.size() && count < characters) {
    ++end;
    while (end < utf8.size() && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) ++end;
    ++count;
  }
  return std::string(utf8.substr(0, end)) + (end < utf8.size() ? "…" : "");
}

bool IsValidUtf8(std::string_view s) {
  int32_t i = 0, length = static_cast<int32_t>(s.size());
  while (i < length) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, length, c);
    if (c < 0) return false;
  }
  return true;
}

}  // namespace upravdom::text
