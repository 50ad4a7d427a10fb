#include "core/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace upravdom::phone {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::optional<std::string> ToE164(std::string_view input, const char* region) {
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
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(e164, "RU", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return e164;
  std::string out;
  util.Format(number, PhoneNumberUtil::INTERNATIONAL, &out);
  return out;
}

std::string SearchDigits(std::string_view input) {
  std::string digits;
  for (char c : input)
    if (c >= '0' && c <= '9') digits += c;
  if (digits.size() < 3) return {};
  // Russian numbers are typed with a trunk 8 or without the country code: both mean +7.
  if (digits.size() >= 4 && digits[0] == '8' && input.find('+') == std::string_view::npos)
    digits[0] = '7';
  else if (digits.size() == 10 && digits[0] == '9')
    digits = "7" + digits;
  return digits;
}

}  // namespace upravdom::phone
