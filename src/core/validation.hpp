// Checks of Russian registration numbers (ИНН, КПП, ОГРН). Pure functions, no I/O.
// Each returns std::nullopt when the value is valid, or a Russian message for the user.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace upravdom::validation {

// ИНН: 10 digits (organisation) or 12 digits (person), check digits per the ФНС algorithm.
std::optional<std::string> CheckInn(std::string_view inn);
// КПП: 9 characters, NNNNPPNNN where PP may be digits or capital Latin letters.
std::optional<std::string> CheckKpp(std::string_view kpp);
// ОГРН (13 digits) or ОГРНИП (15 digits) with its check digit.
std::optional<std::string> CheckOgrn(std::string_view ogrn);

bool IsAllDigits(std::string_view s);

}  // namespace upravdom::validation
