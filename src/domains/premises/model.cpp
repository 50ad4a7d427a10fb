#include "domains/premises/model.hpp"

#include "core/address.hpp"

namespace upravdom::premises {

const std::vector<TypeInfo>& Types() {
  using N = Need;
  static const std::vector<TypeInfo> types = {
      {"flat", "Квартира", N::kRequired, "кв.", N::kNo, N::kNo, N::kNo},
      {"parking", "Машиноместо", N::kRequired, "м/м", N::kNo, N::kOptional, N::kNo},
      {"storage", "Кладовая", N::kRequired, "кл.", N::kNo, N::kOptional, N::kNo},
      {"apartments", "Апартаменты", N::kRequired, "апарт.", N::kNo, N::kNo, N::kNo},
      {"non_residential", "Нежилое помещение", N::kRequired, "пом.", N::kNo, N::kNo, N::kNo},
      {"house", "Дом", N::kOptional, "№", N::kRequired, N::kNo, N::kNo},
      {"townhouse", "Таунхаус", N::kOptional, "секц.", N::kRequired, N::kNo, N::kNo},
      {"duplex", "Дуплекс", N::kOptional, "секц.", N::kRequired, N::kNo, N::kNo},
      {"room", "Комната", N::kRequired, "кв.", N::kNo, N::kNo, N::kRequired},
      {"land_plot", "Участок", N::kRequired, "уч.", N::kOptional, N::kNo, N::kNo},
  };
  return types;
}

const TypeInfo* FindType(const std::string& code) {
  for (const TypeInfo& type : Types())
    if (code == type.code) return &type;
  return nullptr;
}

namespace {

bool UsesOwnAddress(const Premise& premise) {
  const TypeInfo* type = FindType(premise.type);
  return type && type->own_address != Need::kNo && premise.street;
}

}  // namespace

std::string EffectiveStreet(const Premise& premise, const ObjectAddress& object) {
  return UsesOwnAddress(premise) ? *premise.street : object.street;
}

std::string EffectiveHouse(const Premise& premise, const ObjectAddress& object) {
  if (UsesOwnAddress(premise)) return premise.house.value_or("");
  return object.house;
}

std::string FormatAddress(const Premise& premise, const ObjectAddress& object) {
  const TypeInfo* type = FindType(premise.type);
  std::string out;
  auto add = [&out](const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += ", ";
    out += part;
  };
  if (object.city) add(*object.city);
  add(EffectiveStreet(premise, object));
  std::string house = EffectiveHouse(premise, object);
  if (!house.empty()) add("д. " + house);
  if (premise.number && type) add(std::string(type->number_mark) + " " + *premise.number);
  if (premise.room) add("комн. " + *premise.room);
  if (premise.level) add("уровень " + *premise.level);
  return out;
}

SearchKeys MakeSearchKeys(const Premise& premise, const ObjectAddress& object) {
  SearchKeys keys;
  keys.street_key = address::StreetKey(EffectiveStreet(premise, object));
  keys.house_key = address::HouseKey(EffectiveHouse(premise, object));
  keys.number_key = address::NumberKey(premise.number.value_or(""));
  // \x01 sorts before every printable character: "ленина" before "ленина 2".
  keys.address_sort = keys.street_key + '\x01' + address::NaturalKey(keys.house_key) + '\x01' +
                      address::NaturalKey(keys.number_key) + '\x01' +
                      address::NaturalKey(address::NumberKey(premise.room.value_or("")));
  return keys;
}

}  // namespace upravdom::premises
