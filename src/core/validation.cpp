#include "core/validation.hpp"

#include <array>
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

}  // namespace upravdom::validation
