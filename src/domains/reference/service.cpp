#include "domains/reference/service.hpp"

#include "core/text.hpp"

namespace upravdom::reference {

nlohmann::json ToJson(const Values& values) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : values) {
    if (const long long* number = std::get_if<long long>(&value))
      out[name] = *number;
    else if (const std::string* text = std::get_if<std::string>(&value))
      out[name] = *text;
    else
      out[name] = nullptr;
  }
  return out;
}

std::string SearchKey(const ResourceSpec& spec, const Values& values) {
  std::string key;
  for (const FieldSpec& field : spec.fields) {
    if (!field.searchable) continue;
    auto it = values.find(field.name);
    if (it == values.end()) continue;
    std::string part;
    if (const std::string* text = std::get_if<std::string>(&it->second))
      part = *text;
    else if (const long long* number = std::get_if<long long>(&it->second))
      part = std::to_string(*number);
    if (part.empty()) continue;
    if (!key.empty()) key += ' ';
    key += part;
  }
  return text::FoldForSearch(key);
}

void ReferenceService::RequireParent(const ResourceSpec& spec, ReferenceRepository& repository,
                                     long long organization_id,
                                     std::optional<long long> parent_id) {
  if (spec.parent_column.empty()) return;
  if (!parent_id || !repository.Exists(spec.parent_table, organization_id, *parent_id))
    ThrowNotFound(spec.parent_not_found);
}

ListPage ReferenceService::List(const ResourceSpec& spec, long long organization_id,
                                const ListQuery& query) {
  db::Session sql(database_);
  ReferenceRepository repository(sql, database_.dialect());
  RequireParent(spec, repository, organization_id, query.parent_id);
  return repository.List(spec, organization_id, query);
}

Values ReferenceService::Read(const ResourceSpec& spec, long long organization_id,
                              std::optional<long long> parent_id, long long id) {
  db::Session sql(database_);
  ReferenceRepository repository(sql, database_.dialect());
  RequireParent(spec, repository, organization_id, parent_id);
  std::optional<Values> found = repository.Find(spec, organization_id, parent_id, id);
  if (!found) ThrowNotFound(spec.not_found);
  return *found;
}

void ReferenceService::ReadBody(const ResourceSpec& spec, const nlohmann::json& body, bool creating,
                                Values& record) {
  BodyReader reader(body);
  for (const FieldSpec& field : spec.fields) {
    const bool sent = reader.Has(field.name);
    if (!creating && !sent) {
      reader.Text(field.name, {});  // marks it known; absent fields keep their values
      continue;
    }
    const bool required = field.required && (creating || sent);
    Value value;
    switch (field.kind) {
      case FieldKind::kText: {
        TextRule rule = field.text;
        rule.required = required;
        if (auto text = reader.Text(field.name, rule)) {
          if (field.check)
            if (auto problem = field.check(*text)) reader.Fail(field.name, *problem);
          value = *text;
        }
        break;
      }
      case FieldKind::kInteger: {
        IntegerRule rule = field.integer;
        rule.required = required;
        if (auto number = reader.Integer(field.name, rule)) value = *number;
        break;
      }
      case FieldKind::kReference: {
        if (auto id = reader.Integer(field.name, {.required = required, .min = 1})) value = *id;
        break;
      }
    }
    record[field.name] = value;
  }
  reader.Finish();
}

void ReferenceService::Validate(const ResourceSpec& spec, ReferenceRepository& repository,
                                long long organization_id, std::optional<long long> parent_id,
                                Values& record, std::optional<long long> id) {
  FieldErrors errors;
  for (const FieldSpec& field : spec.fields) {
    if (field.kind != FieldKind::kReference) continue;
    const long long* ref = std::get_if<long long>(&record[field.name]);
    if (!ref) continue;
    bool exists = field.ref_same_parent ? repository.Exists(field.ref_table, organization_id, *ref,
                                                            spec.parent_column, parent_id)
                                        : repository.Exists(field.ref_table, organization_id, *ref);
    if (!exists) errors[field.name] = field.ref_not_found;
  }
  if (errors.empty() && spec.cross_check)
    spec.cross_check(record, errors, repository, organization_id);
  if (!errors.empty()) ThrowValidation(errors);
  for (const UniqueSpec& unique : spec.uniques)
    if (repository.FindDuplicate(spec, organization_id, parent_id, unique, record, id))
      throw ApiError(ErrorCode::kConflict, unique.message, {{unique.field, unique.message}});
}

Values ReferenceService::Create(const ResourceSpec& spec, long long organization_id,
                                std::optional<long long> parent_id, const nlohmann::json& body) {
  Values record;
  ReadBody(spec, body, /*creating=*/true, record);
  db::Session sql(database_);
  ReferenceRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  RequireParent(spec, repository, organization_id, parent_id);
  Validate(spec, repository, organization_id, parent_id, record, std::nullopt);
  long long id =
      repository.Insert(spec, organization_id, parent_id, record, SearchKey(spec, record));
  Values created = repository.Find(spec, organization_id, parent_id, id).value();
  tx.Commit();
  return created;
}

Values ReferenceService::Update(const ResourceSpec& spec, long long organization_id,
                                std::optional<long long> parent_id, long long id,
                                const nlohmann::json& body) {
  db::Session sql(database_);
  ReferenceRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  RequireParent(spec, repository, organization_id, parent_id);
  std::optional<Values> record = repository.Find(spec, organization_id, parent_id, id);
  if (!record) ThrowNotFound(spec.not_found);
  ReadBody(spec, body, /*creating=*/false, *record);
  Validate(spec, repository, organization_id, parent_id, *record, id);
  repository.Update(spec, organization_id, id, *record, SearchKey(spec, *record));
  for (const ChangeHook& hook : update_hooks_[spec.table]) hook(sql, organization_id, id);
  Values updated = repository.Find(spec, organization_id, parent_id, id).value();
  tx.Commit();
  return updated;
}

void ReferenceService::Delete(const ResourceSpec& spec, long long organization_id,
                              std::optional<long long> parent_id, long long id) {
  db::Session sql(database_);
  ReferenceRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  RequireParent(spec, repository, organization_id, parent_id);
  if (!repository.Find(spec, organization_id, parent_id, id)) ThrowNotFound(spec.not_found);
  nlohmann::json usage = nlohmann::json::object();
  std::string listed;
  for (const UsageSpec& use : spec.usages) {
    long long count = repository.CountUsage(use, organization_id, id);
    if (count == 0) continue;
    usage[use.table] = count;
    listed += (listed.empty() ? "" : ", ") + use.what + ": " + std::to_string(count);
  }
  if (!usage.empty())
    throw ApiError(ErrorCode::kInUse,
                   "Нельзя удалить: запись используется (" + listed +
                       "). Сначала удалите или перенесите связанные записи",
                   {}, usage);
  repository.Delete(spec, organization_id, id);
  tx.Commit();
}

}  // namespace upravdom::reference
