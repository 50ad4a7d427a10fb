#include "domains/history/history.hpp"

#include <algorithm>

#include "core/time.hpp"
#include "db/sql.hpp"

namespace upravdom::history {

using db::Row;
using db::Sql;

nlohmann::json Diff(const nlohmann::json& before, const nlohmann::json& after,
                    const std::set<std::string>& ignored) {
  auto value_of = [](const nlohmann::json& record, const std::string& field) {
    return record.contains(field) ? record.at(field) : nlohmann::json(nullptr);
  };
  std::set<std::string> fields;
  for (const auto& [field, value] : before.items()) fields.insert(field);
  for (const auto& [field, value] : after.items()) fields.insert(field);
  nlohmann::json changes = nlohmann::json::object();
  for (const std::string& field : fields) {
    if (ignored.count(field)) continue;
    nlohmann::json old = value_of(before, field), now = value_of(after, field);
    if (old != now) changes[field] = {{"old", old}, {"new", now}};
  }
  return changes;
}

void HistoryRepository::Record(const Actor& actor, const std::string& entity, long long entity_id,
                               const std::string& action, const nlohmann::json& changes) {
  const std::string now = timeutil::NowIso();
  Sql insert(
      "INSERT INTO change_history (organization_id, entity, entity_id, action, actor_user_id, "
      "actor_name, changes, created_at, updated_at) VALUES (");
  insert.Bind(actor.organization_id) << ", ";
  insert.Bind(entity) << ", ";
  insert.Bind(entity_id) << ", ";
  insert.Bind(action) << ", ";
  insert.Bind(actor.user_id) << ", ";
  insert.Bind(actor.name) << ", ";
  insert.Bind(changes.dump()) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ")";
  db::Exec(sql_, insert);
}

void HistoryRepository::RecordMany(const Actor& actor, const std::vector<PendingEntry>& entries) {
  // 100 rows of 9 values: far below SQLite's and PostgreSQL's limits on parameters, and one
  // cached statement for every full chunk.
  constexpr size_t kRowsPerStatement = 100;
  for (size_t start = 0; start < entries.size(); start += kRowsPerStatement) {
    const size_t end = std::min(entries.size(), start + kRowsPerStatement);
    Sql insert(
        "INSERT INTO change_history (organization_id, entity, entity_id, action, actor_user_id, "
        "actor_name, changes, created_at, updated_at) VALUES ");
    for (size_t i = start; i < end; ++i) {
      const PendingEntry& entry = entries[i];
      insert << (i == start ? "(" : ", (");
      insert.Bind(actor.organization_id) << ", ";
      insert.Bind(entry.entity) << ", ";
      insert.Bind(entry.entity_id) << ", ";
      insert.Bind(entry.action) << ", ";
      insert.Bind(actor.user_id) << ", ";
      insert.Bind(actor.name) << ", ";
      insert.Bind(entry.changes) << ", ";
      insert.Bind(entry.at) << ", ";
      insert.Bind(entry.at) << ")";
    }
    db::Exec(sql_, insert);
  }
}

std::vector<Entry> HistoryRepository::List(long long organization_id, const std::string& entity,
                                           long long entity_id, long long limit, long long offset,
                                           long long& total) {
  auto where = [&](Sql& sql) {
    sql << " WHERE organization_id = ";
    sql.Bind(organization_id) << " AND entity = ";
    sql.Bind(entity) << " AND entity_id = ";
    sql.Bind(entity_id);
    return true;
  };
  std::vector<Entry> entries;
  total = db::ListPage(sql_, "id, action, actor_name, created_at, changes", "FROM change_history",
                       "FROM change_history", where, "id DESC", limit, offset, /*count=*/true,
                       [&](const Row& row) {
                         entries.push_back({row.Int(0), row.Text(1), row.Text(2), row.Text(3),
                                            nlohmann::json::parse(row.Text(4), nullptr, false)});
                       });
  return entries;
}

nlohmann::json ToJson(const Entry& entry) {
  return {{"id", entry.id},
          {"action", entry.action},
          {"actor", entry.actor_name},
          {"changed_at", entry.changed_at},
          {"changes", entry.changes}};
}

nlohmann::json PageJson(const std::vector<Entry>& entries, long long total) {
  nlohmann::json items = nlohmann::json::array();
  for (const Entry& entry : entries) items.push_back(ToJson(entry));
  return {{"items", items}, {"total", total}};
}

}  // namespace upravdom::history
