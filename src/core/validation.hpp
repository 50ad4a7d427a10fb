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

// СНИЛС: 11 digits (separators allowed as typed: "112-233-445 95") with its checksum.
std::optional<std::string> CheckSnils(std::string_view snils);
// The 11 digits of a СНИЛС as typed, or empty when there are not exactly 11.
std::string SnilsDigits(std::string_view snils);
// A person's name: letters of any script, spaces and hyphens.
std::optional<std::string> CheckPersonName(std::string_view name);
// An e-mail address: one "@", a local part, a domain with a dot, no spaces.
std::optional<std::string> CheckEmail(std::string_view email);
// A calendar date "YYYY-MM-DD"; `not_in_future` compares with today (UTC).
std::optional<std::string> CheckDate(std::string_view date, bool not_in_future);

bool IsAllDigits(std::string_view s);

}  // namespace upravdom::validation
