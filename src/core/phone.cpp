#include "core/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace upravdom::phone {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

// A Russian mobile number (+7 9XX …) written the usual ways: "+7 912 345-67-89",
// "8 (912) 345-67-89", "79123456789", "9123456789". Every +7 9XX XXX-XX-XX is a valid number
// to libphonenumber, which costs ~20 µs a call; an import reads hundreds of thousands.
std::optional<std::string> RussianMobile(std::string_view input) {
  std::string digits;
  bool plus = false;
  for (char c : input) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c != ' ' && c != '-' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  std::string_view national = digits;
  if (digits.size() == 11 && (digits[0] == '7' || (digits[0] == '8' && !plus)))
    national.remove_prefix(1);
  else if (digits.size() != 10 || plus)
    return std::nullopt;
  if (national[0] != '9') return std::nullopt;
  return "+7" + std::string(national);
}

// "+79XXXXXXXXX": formatted without libphonenumber (~10 µs a call; a page of clients and
// every client answer format their phones).
bool IsRussianMobileE164(const std::string& e164) {
  if (e164.size() != 12 || e164[0] != '+' || e164[1] != '7' || e164[2] != '9') return false;
  for (size_t i = 3; i < e164.size(); ++i)
    if (e164[i] < '0' || e164[i] > '9') return false;
  return true;
}

}  // namespace

std::optional<std::string> ToE164(std::string_view input, const char* region) {
  if (input.size() > 40) return std::nullopt;
  if (std::string_view(region) == "RU")
    if (auto mobile = RussianMobile(input)) return mobile;
  return ParseNumber(input, region);
}

std::optional<std::string> ParseNumber(std::string_view input, const char* region) {
  if (input.size() > 40) return std::nullopt;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(input), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return std::nullopt;
  if (!util.IsValidNumber(number)) return std::nullopt;
  std::string out;
  util.Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

std::string Format(const std::string& e164) {
  if (IsRussianMobileE164(e164))  // "+7 912 345-67-89", as libphonenumber writes it
    return e164.substr(0, 2) + ' ' + e164.substr(2, 3) + ' ' + e164.substr(5, 3) + '-' +
           e164.substr(8, 2) + '-' + e164.substr(10, 2);
  return FormatWithLibphonenumber(e164);
}

std::string FormatWithLibphonenumber(const std::string& e164) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(e164, "RU", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return e164;
  std::string out;
  util.Format(number, PhoneNumberUtil::INTERNATIONAL, &out);
  return out;
}

namespace {

std::string DigitsOf(std::string_view input) {
  std::string digits;
  for (char c : input)
    if (c >= '0' && c <= '9') digits += c;
  return digits;
}

}  // namespace

std::optional<std::string> SearchDigitsAsTyped(std::string_view input) {
  std::string typed = DigitsOf(input);
  if (typed.size() < 3 || SearchDigits(input).find(typed) != std::string::npos) return std::nullopt;
  return typed;
}

std::string SearchDigits(std::string_view input) {
  std::string digits = DigitsOf(input);
  if (digits.size() < 3) return {};
  // Russian numbers are typed with a trunk 8 or without the country code: both mean +7.
  if (digits.size() >= 4 && digits[0] == '8' && input.find('+') == std::string_view::npos)
    digits[0] = '7';
  else if (digits.size() == 10 && digits[0] == '9')
    digits = "7" + digits;
  return digits;
}

}  // namespace upravdom::phone
