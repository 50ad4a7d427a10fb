#include "core/validation.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <string>

#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <cstdint>

namespace upravdom::validation {

bool IsAllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

namespace {

int InnCheckDigit(std::string_view digits, const int* weights, size_t count) {
  int sum = 0;
  for (size_t i = 0; i < count; ++i) sum += (digits[i] - '0') * weights[i];
  return sum % 11 % 10;
}

}  // namespace

std::optional<std::string> CheckInn(std::string_view inn) {
  if (!IsAllDigits(inn) || (inn.size() != 10 && inn.size() != 12))
    return "ИНН должен состоять из 10 цифр (организация) или 12 цифр (физическое лицо)";
  static const int k10[] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
  static const int k11[] = {7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
  static const int k12[] = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
  if (inn.size() == 10) {
    if (InnCheckDigit(inn, k10, 9) != inn[9] - '0') return "Неверное контрольное число ИНН";
  } else {
    if (InnCheckDigit(inn, k11, 10) != inn[10] - '0' ||
        InnCheckDigit(inn, k12, 11) != inn[11] - '0')
      return "Неверное контрольное число ИНН";
  }
  return std::nullopt;
}

std::optional<std::string> CheckKpp(std::string_view kpp) {
  bool ok = kpp.size() == 9;
  for (size_t i = 0; ok && i < kpp.size(); ++i) {
    char c = kpp[i];
    bool digit = c >= '0' && c <= '9';
    bool letter = c >= 'A' && c <= 'Z';
    ok = digit || ((i == 4 || i == 5) && letter);
  }
  if (!ok)
    return "КПП должен состоять из 9 символов: цифры, в 5–6 позиции допустимы латинские буквы";
  return std::nullopt;
}

std::optional<std::string> CheckOgrn(std::string_view ogrn) {
  if (!IsAllDigits(ogrn) || (ogrn.size() != 13 && ogrn.size() != 15))
    return "ОГРН должен состоять из 13 цифр (ОГРНИП — из 15)";
  // The check digit is the remainder of the number without it divided by 11 (13 for
  // ОГРНИП), taken mod 10. 14 digits fit in uint64_t.
  uint64_t body = 0;
  for (size_t i = 0; i + 1 < ogrn.size(); ++i) body = body * 10 + (ogrn[i] - '0');
  uint64_t divisor = ogrn.size() == 13 ? 11 : 13;
  if (static_cast<int>(body % divisor % 10) != ogrn.back() - '0')
    return "Неверное контрольное число ОГРН";
  return std::nullopt;
}

std::string SnilsDigits(std::string_view snils) {
  std::string digits;
  for (char c : snils) {
    if (c >= '0' && c <= '9')
      digits += c;
    else if (c != '-' && c != ' ')
      return {};
  }
  return digits.size() == 11 ? digits : std::string();
}

std::optional<std::string> CheckSnils(std::string_view snils) {
  std::string digits = SnilsDigits(snils);
  if (digits.empty()) return "СНИЛС должен состоять из 11 цифр: XXX-XXX-XXX YY";
  // The checksum is defined for numbers above 001-001-998.
  if (std::stoll(digits.substr(0, 9)) <= 1001998) return std::nullopt;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (digits[i] - '0') * (9 - i);
  int check = sum < 100 ? sum : sum <= 101 ? 0 : sum % 101;
  if (check == 100) check = 0;
  if (check != std::stoi(digits.substr(9))) return "Неверная контрольная сумма СНИЛС";
  return std::nullopt;
}

std::optional<std::string> CheckPersonName(std::string_view name) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  for (int32_t i = 0; i < text.length();) {
    UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || c == ' ' || c == '-') continue;
    return "Допустимы только буквы, пробел и дефис";
  }
  return std::nullopt;
}

std::optional<std::string> CheckEmail(std::string_view email) {
  size_t at = email.find('@');
  // No spaces, control characters or the characters that separate or quote addresses: an
  // address goes into mail headers and SMTP commands (a CR LF there would add a header).
  bool ok = email.size() <= 254 && at != std::string_view::npos && at > 0 &&
            email.find('@', at + 1) == std::string_view::npos &&
            std::none_of(email.begin(), email.end(), [](char c) {
              return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F ||
                     std::string_view("<>,;\"()[]\\").find(c) != std::string_view::npos;
            });
  if (ok) {
    std::string_view domain = email.substr(at + 1);
    size_t dot = domain.find('.');
    ok = dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size();
  }
  if (!ok) return "Неверный адрес электронной почты";
  return std::nullopt;
}

std::optional<std::string> CheckDate(std::string_view date, bool not_in_future) {
  std::tm parsed{};
  const std::string text(date);
  const char* end = strptime(text.c_str(), "%Y-%m-%d", &parsed);
  if (text.size() != 10 || !end || *end != '\0') return "Дата в формате ГГГГ-ММ-ДД";
  std::tm check = parsed;
  if (timegm(&check) == -1 || check.tm_mday != parsed.tm_mday || check.tm_mon != parsed.tm_mon)
    return "Такой даты нет в календаре";
  if (parsed.tm_year + 1900 < 1900) return "Слишком ранняя дата";
  if (not_in_future) {
    std::time_t now = std::time(nullptr);
    std::tm today{};
    gmtime_r(&now, &today);
    char buffer[11];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &today);
    if (text > buffer) return "Дата не может быть в будущем";
  }
  return std::nullopt;
}

}  // namespace upravdom::validation
