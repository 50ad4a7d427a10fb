// Addresses as people type them: normalised keys stored on premises for search and natural
// sorting, and the parser of the search box (street – house – premise, SPEC R-2).
// Pure functions; see docs/premises.md for the rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace upravdom::address {

// "ул. Ленина" → "ленина", "пр-т Мира" → "мира", "ул. 8 Марта" → "8 марта".
std::string StreetKey(std::string_view street);
// "10 А" → "10а", "10 корп. 2" → "10к2", "10 стр 1" → "10с1", "10/2" → "10/2".
std::string HouseKey(std::string_view house);
// A premise number: "5А" → "5а", "1 Н" → "1н".
std::string NumberKey(std::string_view number);
// Digit runs left-padded to 10 digits so that byte order is natural order:
// "2" < "10" < "10а" < "10к2".
std::string NaturalKey(std::string_view key);

struct AddressQuery {
  std::vector<std::string> street_terms;  // each must occur in the street key
  std::optional<std::string> house;       // a HouseKey
  std::optional<std::string> number;      // a NumberKey
  // Nothing searchable was typed (empty, punctuation, abbreviations only).
  bool empty() const { return street_terms.empty() && !house && !number; }
  // Numeric tokens beyond house and premise: no address can match.
  bool impossible = false;
};

AddressQuery ParseAddressQuery(std::string_view query);

}  // namespace upravdom::address
