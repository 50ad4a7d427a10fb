// A premise (помещение) and the rules of its types: which address fields each type has and
// how its full address reads (docs/premises.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace upravdom::premises {

enum class Need { kNo, kOptional, kRequired };

struct TypeInfo {
  const char* code;         // "flat"
  const char* name;         // "Квартира"
  Need number;              // the premise's own number within its object
  const char* number_mark;  // "кв." — how the number reads in the address
  Need own_address;         // own street + house (houses and plots in a settlement)
  Need level;               // parking / storage level
  Need room;                // room within a flat
};

const std::vector<TypeInfo>& Types();
const TypeInfo* FindType(const std::string& code);

struct Premise {
  long long id = 0;
  long long object_id = 0;
  std::optional<long long> entrance_id;
  std::optional<long long> floor_id;
  std::string type;
  std::optional<std::string> number;
  std::optional<std::string> street;
  std::optional<std::string> house;
  std::optional<std::string> level;
  std::optional<std::string> room;
  std::optional<long long> total_area;   // hundredths of a square metre
  std::optional<long long> living_area;  // hundredths of a square metre
  std::optional<long long> rooms;
  bool online_payment = false;
  std::optional<std::string> note;
  std::optional<std::string> external_id;
  std::vector<std::string> tags;
  std::string created_at;
  std::string updated_at;
};

// The parts of the object that the premise's address is made of, and where the object
// stands in the hierarchy (copied onto premises for the group and quarter filters).
struct ObjectAddress {
  std::string name;
  std::optional<std::string> city;
  std::string street;
  std::string house;
  std::optional<long long> object_group_id;
  std::optional<long long> quarter_id;
};

// Street and house that the premise's address uses: its own for houses and plots that
// have one, else the object's.
std::string EffectiveStreet(const Premise& premise, const ObjectAddress& object);
std::string EffectiveHouse(const Premise& premise, const ObjectAddress& object);

// "Москва, ул. Ленина, д. 10, кв. 5".
std::string FormatAddress(const Premise& premise, const ObjectAddress& object);

// The search keys stored with the premise (see core/address.hpp).
struct SearchKeys {
  std::string street_key;
  std::string house_key;
  std::string number_key;
  std::string address_sort;
};
SearchKeys MakeSearchKeys(const Premise& premise, const ObjectAddress& object);

}  // namespace upravdom::premises
