#include "domains/reference/repository.hpp"

#include "core/time.hpp"
#include "db/sql.hpp"

namespace upravdom::reference {

using db::Row;
using db::Sql;

namespace {

void BindValue(Sql& sql, const Value& value) {
  if (const long long* number = std::get_if<long long>(&value))
    sql.Bind(*number);
  else if (const std::string* text = std::get_if<std::string>(&value))
    sql.Bind(*text);
  else
    sql.BindNull();
}

std::string SelectColumns(const ResourceSpec& spec) {
  std::string columns = "id";
  if (!spec.parent_column.empty()) columns += ", " + spec.parent_column;
  for (const FieldSpec& field : spec.fields) columns += ", " + field.name;
  columns += ", created_at, updated_at";
  return columns;
}

Values ReadValues(const ResourceSpec& spec, const Row& row) {
  Values values;
  size_t i = 0;
  values["id"] = row.Int(i++);
  if (!spec.parent_column.empty()) values[spec.parent_column] = row.Int(i++);
  for (const FieldSpec& field : spec.fields) {
    if (row.IsNull(i))
      values[field.name] = std::monostate{};
    else if (field.kind == FieldKind::kText)
      values[field.name] = row.Text(i);
    else
      values[field.name] = row.Int(i);
    ++i;
  }
  values["created_at"] = row.Text(i++);
  values["updated_at"] = row.Text(i++);
  return values;
}

// "organization_id = :p1 [AND parent = :p2]" for the resource's own table.
void ScopeFilter(Sql& sql, const ResourceSpec& spec, long long organization_id,
                 std::optional<long long> parent_id) {
  sql << " WHERE organization_id = ";
  sql.Bind(organization_id);
  if (!spec.parent_column.empty() && parent_id) {
    sql << " AND " << spec.parent_column << " = ";
    sql.Bind(*parent_id);
  }
}

}  // namespace

std::optional<Values> ReferenceRepository::Find(const ResourceSpec& spec, long long organization_id,
                                                std::optional<long long> parent_id, long long id) {
  Sql query("SELECT " + SelectColumns(spec) + " FROM " + spec.table);
  ScopeFilter(query, spec, organization_id, parent_id);
  query << " AND id = ";
  query.Bind(id);
  std::optional<Values> found;
  db::ForEachRow(sql_, query, [&](const Row& row) { found = ReadValues(spec, row); });
  return found;
}

ListPage ReferenceRepository::List(const ResourceSpec& spec, long long organization_id,
                                   const ListQuery& list) {
  auto where = [&](Sql& sql) {
    ScopeFilter(sql, spec, organization_id, list.parent_id);
    for (const auto& [column, ids] : list.filters) {
      sql << " AND " << column << " IN ";
      sql.BindList(ids);
    }
    if (!list.search.empty()) {
      // A substring test without LIKE, so '%' and '_' typed by a user are plain characters.
      sql << " AND " << db::PositionFunction(dialect_) << "(search_key, ";
      sql.Bind(list.search) << ") > 0";
    }
    return true;
  };
  ListPage page;
  const std::string from = "FROM " + spec.table;
  page.total = db::ListPage(sql_, SelectColumns(spec), from, from, where, spec.order_by, list.limit,
                            list.offset, /*count=*/true,
                            [&](const Row& row) { page.items.push_back(ReadValues(spec, row)); });
  return page;
}

long long ReferenceRepository::Insert(const ResourceSpec& spec, long long organization_id,
                                      std::optional<long long> parent_id, const Values& values,
                                      const std::string& search_key) {
  const std::string now = timeutil::NowIso();
  Sql insert("INSERT INTO " + spec.table + " (organization_id");
  if (!spec.parent_column.empty()) insert << ", " << spec.parent_column;
  for (const FieldSpec& field : spec.fields) insert << ", " << field.name;
  insert << ", search_key, created_at, updated_at) VALUES (";
  insert.Bind(organization_id);
  if (!spec.parent_column.empty()) {
    insert << ", ";
    insert.Bind(parent_id.value());
  }
  for (const FieldSpec& field : spec.fields) {
    insert << ", ";
    auto it = values.find(field.name);
    BindValue(insert, it == values.end() ? Value{} : it->second);
  }
  insert << ", ";
  insert.Bind(search_key) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") RETURNING id";
  return db::InsertReturningId(sql_, insert);
}

void ReferenceRepository::Update(const ResourceSpec& spec, long long organization_id, long long id,
                                 const Values& values, const std::string& search_key) {
  Sql update("UPDATE " + spec.table + " SET ");
  for (const FieldSpec& field : spec.fields) {
    update << field.name << " = ";
    auto it = values.find(field.name);
    BindValue(update, it == values.end() ? Value{} : it->second);
    update << ", ";
  }
  update << "search_key = ";
  update.Bind(search_key) << ", updated_at = ";
  update.Bind(timeutil::NowIso()) << " WHERE organization_id = ";
  update.Bind(organization_id) << " AND id = ";
  update.Bind(id);
  db::Exec(sql_, update);
}

void ReferenceRepository::Delete(const ResourceSpec& spec, long long organization_id,
                                 long long id) {
  Sql remove("DELETE FROM " + spec.table + " WHERE organization_id = ");
  remove.Bind(organization_id) << " AND id = ";
  remove.Bind(id);
  db::Exec(sql_, remove);
}

bool ReferenceRepository::Exists(const std::string& table, long long organization_id, long long id,
                                 const std::string& parent_column,
                                 std::optional<long long> parent_id) {
  Sql query("SELECT COUNT(*) FROM " + table + " WHERE organization_id = ");
  query.Bind(organization_id) << " AND id = ";
  query.Bind(id);
  if (!parent_column.empty() && parent_id) {
    query << " AND " << parent_column << " = ";
    query.Bind(*parent_id);
  }
  return db::QueryInt(sql_, query).value_or(0) > 0;
}

std::optional<long long> ReferenceRepository::FindDuplicate(
    const ResourceSpec& spec, long long organization_id, std::optional<long long> parent_id,
    const UniqueSpec& unique, const Values& values, std::optional<long long> except_id) {
  Sql query("SELECT id FROM " + spec.table + " WHERE organization_id = ");
  query.Bind(organization_id);
  for (const std::string& column : unique.columns) {
    Value value;
    if (column == spec.parent_column) {
      value = parent_id.value();
    } else if (auto it = values.find(column); it != values.end()) {
      value = it->second;
    }
    if (std::holds_alternative<std::monostate>(value)) {
      if (unique.empty_is_unique) return std::nullopt;
      query << " AND " << column << " IS NULL";
    } else {
      query << " AND " << column << " = ";
      BindValue(query, value);
    }
  }
  if (except_id) {
    query << " AND id <> ";
    query.Bind(*except_id);
  }
  query << " LIMIT 1";
  return db::QueryInt(sql_, query);
}

long long ReferenceRepository::CountUsage(const UsageSpec& usage, long long organization_id,
                                          long long id) {
  Sql query("SELECT COUNT(*) FROM " + usage.table + " WHERE organization_id = ");
  query.Bind(organization_id) << " AND " << usage.column << " = ";
  query.Bind(id);
  return db::QueryInt(sql_, query).value_or(0);
}

std::optional<long long> ReferenceRepository::ReadInteger(const std::string& table,
                                                          const std::string& column,
                                                          long long organization_id, long long id) {
  Sql query("SELECT " + column + " FROM " + table + " WHERE organization_id = ");
  query.Bind(organization_id) << " AND id = ";
  query.Bind(id);
  return db::QueryInt(sql_, query);
}

}  // namespace upravdom::reference
