// Keeps SQLite's query planner statistics (sqlite_stat1) in step with the data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/polling_thread.hpp"
#include "db/database.hpp"

namespace upravdom::db {

// The tables whose statistics are missing or describe a table of less than half or more
// than twice its present size (sizes from MAX(rowid), which costs one index probe).
// Tables under `min_rows` rows are left alone: any plan is fast on them.
std::vector<std::string> TablesWithStaleStatistics(soci::session& sql, long long min_rows = 1000);

// Runs a full ANALYZE of each stale table and returns their names. A sampled ANALYZE
// (analysis_limit) is no substitute: it reads the first rows of each index only, so for an
// index led by organization_id and type it concludes that every type has ~1,000 rows, and the
// planner then prefers a type index over a selective search key.
std::vector<std::string> RefreshStaleStatistics(soci::session& sql);

// Refreshes stale statistics on a background thread: once at start and then every
// `interval`. SQLite only (PostgreSQL's autovacuum analyzes by itself). ANALYZE holds the
// write lock while it reads a table (~2 s per million premises); writers wait on the busy
// timeout meanwhile, readers are not blocked (WAL).
class StatisticsKeeper {
 public:
  StatisticsKeeper(Database& database, std::chrono::seconds interval);
  ~StatisticsKeeper();
  StatisticsKeeper(const StatisticsKeeper&) = delete;
  StatisticsKeeper& operator=(const StatisticsKeeper&) = delete;

  // Checks for stale statistics now rather than at the next interval (after an import
  // wrote many rows: a first import into an empty database would otherwise leave the
  // planner without statistics for up to an hour).
  void Nudge();

 private:
  Database& database_;
  std::optional<PollingThread> loop_;  // SQLite only
};

}  // namespace upravdom::db
