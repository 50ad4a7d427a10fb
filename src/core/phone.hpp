// Phone numbers through libphonenumber (region RU by default): "+7 916 …", "8 916 …",
// "8(916)…" and "9161234567" are one number, +79161234567.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace upravdom::phone {

// The number in E.164 ("+79161234567"), or nullopt when it is not a valid number.
std::optional<std::string> ToE164(std::string_view input, const char* region = "RU");
// ToE164 without its fast path for Russian mobile numbers: libphonenumber alone.
std::optional<std::string> ParseNumber(std::string_view input, const char* region = "RU");
// "+7 916 123-45-67" for people to read.
std::string Format(const std::string& e164);
// Format without its fast path for Russian mobile numbers: libphonenumber alone.
std::string FormatWithLibphonenumber(const std::string& e164);
// The digits a search for part of a number should look for: "8 916 12" → "791612",
// "+7 (916)" → "7916", "4567" → "4567". Empty when there are fewer than 3 digits.
std::string SearchDigits(std::string_view input);
// The digits as typed when SearchDigits read a leading 8 as the trunk prefix, for they may
// as well be part of a number: "8036" (the end of +7 916 233-80-36) → "8036"; nothing when
// SearchDigits kept them.
std::optional<std::string> SearchDigitsAsTyped(std::string_view input);

}  // namespace upravdom::phone
