// Reference data (object groups, quarters, objects, entrances, floors, legal entities) are
// simple records with the same life cycle. Each is described once by a ResourceSpec; one
// repository, one service and one set of handlers serve them all. Rich aggregates
// (premises, clients) get services of their own.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_input.hpp"

namespace upravdom::reference {

using Value = std::variant<std::monostate, long long, std::string>;
using Values = std::map<std::string, Value>;  // column → value; monostate = NULL

enum class FieldKind { kText, kInteger, kReference };

struct FieldSpec {
  std::string name;  // the JSON key and the column
  FieldKind kind = FieldKind::kText;
  bool required = false;
  TextRule text;        // kText
  IntegerRule integer;  // kInteger
  // kReference: the table of the referenced record, which must belong to the same
  // organisation (and to the same parent when ref_same_parent).
  std::string ref_table;
  bool ref_same_parent = false;
  std::string ref_not_found;  // Russian message when the referenced record is missing
  // Extra check of a text value; returns a Russian message when invalid.
  std::function<std::optional<std::string>(const std::string&)> check;
  bool searchable = false;  // part of the text that the list's `q` searches
  bool filterable = false;  // a list filter ?name=value (may repeat)
};

struct UniqueSpec {
  std::vector<std::string> columns;  // may include the parent column
  std::string field;                 // the field an error names
  std::string message;
  // An empty value is not a duplicate of another empty one (an optional identifier, like
  // SQL's unique index); otherwise empty values compare equal (two floors 5 without an
  // entrance are one floor).
  bool empty_is_unique = false;
};

struct UsageSpec {
  std::string table;
  std::string column;
  std::string what;  // Russian plural: "кварталы"
};

class ReferenceRepository;

struct ResourceSpec {
  std::string table;
  std::string collection_path;  // "/api/v1/quarters" or "/api/v1/objects/{object_id}/entrances"
  std::string parent_column;    // "object_id" for nested resources, else empty
  std::string parent_table;
  std::string parent_not_found;
  std::string not_found;
  std::vector<FieldSpec> fields;
  std::vector<UniqueSpec> uniques;
  std::vector<UsageSpec> usages;
  std::string order_by = "id";
  // Checks across fields of the complete record, may fill derived values.
  std::function<void(Values& record, FieldErrors& errors, ReferenceRepository& repository,
                     long long organization_id)>
      cross_check;

  const FieldSpec* Field(const std::string& name) const {
    for (const FieldSpec& field : fields)
      if (field.name == name) return &field;
    return nullptr;
  }
};

// The specs of every reference resource, in route-registration order.
const std::vector<ResourceSpec>& ReferenceSpecs();

}  // namespace upravdom::reference
