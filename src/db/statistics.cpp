#include "db/statistics.hpp"

#include <map>

#include <spdlog/spdlog.h>

#include "db/sql.hpp"

namespace upravdom::db {

namespace {

std::string QuoteIdentifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

std::vector<std::string> TablesWithStaleStatistics(soci::session& sql, long long min_rows) {
  std::vector<std::string> tables;
  // Ordinary rowid tables: not FTS5's shadow tables, not WITHOUT ROWID ones.
  ForEachRow(sql,
             Sql("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' "
                 "AND wr = 0 AND name NOT LIKE 'sqlite_%' ORDER BY name"),
             [&](const Row& row) { tables.push_back(row.Text(0)); });
  // The row count each table had when it was last analyzed: the first number of its stat.
  std::map<std::string, long long> analyzed;
  if (QueryInt(sql, Sql("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"))
          .value_or(0) > 0) {
    ForEachRow(sql, Sql("SELECT tbl, MAX(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl"),
               [&](const Row& row) { analyzed[row.Text(0)] = row.OptInt(1).value_or(0); });
  }
  std::vector<std::string> stale;
  for (const std::string& table : tables) {
    const long long rows =
        QueryInt(sql, Sql("SELECT MAX(rowid) FROM " + QuoteIdentifier(table))).value_or(0);
    if (rows < min_rows) continue;
    auto known = analyzed.find(table);
    if (known == analyzed.end() || rows > 2 * known->second || 2 * rows < known->second)
      stale.push_back(table);
  }
  return stale;
}

std::vector<std::string> RefreshStaleStatistics(soci::session& sql) {
  std::vector<std::string> stale = TablesWithStaleStatistics(sql);
  for (const std::string& table : stale) {
    auto started = std::chrono::steady_clock::now();
    ExecScript(sql, Dialect::kSqlite, "PRAGMA analysis_limit=0; ANALYZE " + QuoteIdentifier(table));
    spdlog::info("planner statistics of {} refreshed in {} ms", table,
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count());
  }
  return stale;
}

StatisticsKeeper::StatisticsKeeper(Database& database, std::chrono::seconds interval)
    : database_(database) {
  if (database_.dialect() == Dialect::kSqlite)
    loop_.emplace("refreshing planner statistics", interval, [this] {
      Session sql(database_);
      RefreshStaleStatistics(sql);
    });
}

StatisticsKeeper::~StatisticsKeeper() = default;

void StatisticsKeeper::Nudge() {
  if (loop_) loop_->Wake();
}

}  // namespace upravdom::db
