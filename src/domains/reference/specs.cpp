// The reference resources of SPEC P-2 and P-3 (see docs/reference-data.md).
#include "core/validation.hpp"
#include "domains/reference/repository.hpp"
#include "domains/reference/spec.hpp"

namespace upravdom::reference {

namespace {

FieldSpec Name(size_t max_length = 200) {
  FieldSpec field{.name = "name", .kind = FieldKind::kText, .required = true};
  field.text.max_length = max_length;
  field.searchable = true;
  return field;
}

FieldSpec Reference(std::string name, std::string table, std::string not_found,
                    bool required = false) {
  FieldSpec field{.name = std::move(name), .kind = FieldKind::kReference, .required = required};
  field.ref_table = std::move(table);
  field.ref_not_found = std::move(not_found);
  field.filterable = true;
  return field;
}

FieldSpec Text(std::string name, size_t max_length, bool required = false) {
  FieldSpec field{.name = std::move(name), .kind = FieldKind::kText, .required = required};
  field.text.max_length = max_length;
  return field;
}

FieldSpec Integer(std::string name, long long min, long long max, bool required) {
  FieldSpec field{.name = std::move(name), .kind = FieldKind::kInteger, .required = required};
  field.integer.min = min;
  field.integer.max = max;
  return field;
}

// An object's quarter must lie in its group; a quarter alone brings its group along.
void CheckObjectQuarter(Values& record, FieldErrors& errors, ReferenceRepository& repository,
                        long long organization_id) {
  const long long* quarter = std::get_if<long long>(&record["quarter_id"]);
  if (!quarter) return;
  std::optional<long long> quarter_group =
      repository.ReadInteger("quarters", "object_group_id", organization_id, *quarter);
  if (!quarter_group) return;
  const long long* group = std::get_if<long long>(&record["object_group_id"]);
  if (!group)
    record["object_group_id"] = *quarter_group;
  else if (*group != *quarter_group)
    errors["quarter_id"] = "Квартал относится к другой группе объектов";
}

std::vector<ResourceSpec> MakeSpecs() {
  std::vector<ResourceSpec> specs;

  ResourceSpec groups;
  groups.table = "object_groups";
  groups.collection_path = "/api/v1/object-groups";
  groups.not_found = "Группа объектов не найдена";
  groups.fields = {Name()};
  groups.uniques = {{{"name"}, "name", "Группа объектов с таким названием уже есть"}};
  groups.usages = {{"quarters", "object_group_id", "кварталы"},
                   {"objects", "object_group_id", "объекты"}};
  groups.order_by = "search_key, id";
  specs.push_back(groups);

  ResourceSpec quarters;
  quarters.table = "quarters";
  quarters.collection_path = "/api/v1/quarters";
  quarters.not_found = "Квартал не найден";
  quarters.fields = {Name(),
                     Reference("object_group_id", "object_groups", "Группа объектов не найдена",
                               /*required=*/true)};
  quarters.uniques = {
      {{"object_group_id", "name"}, "name", "В группе уже есть квартал с таким названием"}};
  quarters.usages = {{"objects", "quarter_id", "объекты"}};
  quarters.order_by = "search_key, id";
  specs.push_back(quarters);

  ResourceSpec objects;
  objects.table = "objects";
  objects.collection_path = "/api/v1/objects";
  objects.not_found = "Объект не найден";
  FieldSpec street = Text("street", 200, true);
  street.searchable = true;
  FieldSpec house = Text("house", 20, true);
  house.searchable = true;
  FieldSpec city = Text("city", 100);
  city.searchable = true;
  // The object's id in the accounting system: imports name the house by it
  // (`object_external_id`, docs/import-api.md).
  FieldSpec external_id = Text("external_id", 100);
  external_id.searchable = true;
  objects.fields = {Name(),
                    Reference("object_group_id", "object_groups", "Группа объектов не найдена"),
                    Reference("quarter_id", "quarters", "Квартал не найден"),
                    city,
                    street,
                    house,
                    external_id};
  objects.uniques = {{{"external_id"},
                      "external_id",
                      "Объект с таким внешним идентификатором уже есть",
                      /*empty_is_unique=*/true}};
  objects.usages = {{"entrances", "object_id", "подъезды"},
                    {"floors", "object_id", "этажи"},
                    {"premises", "object_id", "помещения"}};
  objects.order_by = "search_key, id";
  objects.cross_check = CheckObjectQuarter;
  specs.push_back(objects);

  ResourceSpec entrances;
  entrances.table = "entrances";
  entrances.collection_path = "/api/v1/objects/{object_id}/entrances";
  entrances.parent_column = "object_id";
  entrances.parent_table = "objects";
  entrances.parent_not_found = "Объект не найден";
  entrances.not_found = "Подъезд не найден";
  FieldSpec entrance_number = Integer("number", 1, 999, true);
  entrance_number.searchable = true;
  FieldSpec entrance_name = Text("name", 100);
  entrance_name.searchable = true;
  entrances.fields = {entrance_number, entrance_name};
  entrances.uniques = {{{"object_id", "number"}, "number", "Подъезд с таким номером уже есть"}};
  entrances.usages = {{"floors", "entrance_id", "этажи"}, {"premises", "entrance_id", "помещения"}};
  entrances.order_by = "number, id";
  specs.push_back(entrances);

  ResourceSpec floors;
  floors.table = "floors";
  floors.collection_path = "/api/v1/objects/{object_id}/floors";
  floors.parent_column = "object_id";
  floors.parent_table = "objects";
  floors.parent_not_found = "Объект не найден";
  floors.not_found = "Этаж не найден";
  FieldSpec floor_entrance =
      Reference("entrance_id", "entrances", "Подъезд этого объекта не найден");
  floor_entrance.ref_same_parent = true;
  FieldSpec floor_number = Integer("number", -20, 300, true);
  floor_number.searchable = true;
  floors.fields = {floor_number, floor_entrance};
  floors.uniques = {
      {{"object_id", "entrance_id", "number"}, "number", "Такой этаж в этом подъезде уже есть"}};
  floors.usages = {{"premises", "floor_id", "помещения"}};
  floors.order_by = "entrance_id, number, id";
  specs.push_back(floors);

  ResourceSpec legal;
  legal.table = "legal_entities";
  legal.collection_path = "/api/v1/legal-entities";
  legal.not_found = "Юридическое лицо не найдено";
  FieldSpec inn = Text("inn", 12, true);
  inn.check = validation::CheckInn;
  inn.searchable = true;
  FieldSpec kpp = Text("kpp", 9);
  kpp.check = validation::CheckKpp;
  FieldSpec ogrn = Text("ogrn", 15);
  ogrn.check = validation::CheckOgrn;
  legal.fields = {Name(300), inn, kpp, ogrn};
  legal.uniques = {{{"inn"}, "inn", "Юридическое лицо с таким ИНН уже есть"}};
  legal.usages = {{"personal_accounts", "legal_entity_id", "лицевые счета"}};
  legal.order_by = "search_key, id";
  specs.push_back(legal);

  return specs;
}

}  // namespace

const std::vector<ResourceSpec>& ReferenceSpecs() {
  static const std::vector<ResourceSpec> specs = MakeSpecs();
  return specs;
}

}  // namespace upravdom::reference
