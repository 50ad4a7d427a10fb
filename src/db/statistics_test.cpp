#include "db/statistics.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace upravdom::db {
namespace {

void Fill(soci::session& sql, const std::string& table, int from, int to) {
  ExecScript(sql, Dialect::kSqlite,
             "WITH RECURSIVE n(i) AS (SELECT " + std::to_string(from) +
                 " UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(to) +
                 ") INSERT INTO " + table + " (id, k) SELECT i, i % 7 FROM n");
}

TEST(Statistics, AnalyzesTablesWithoutStatisticsAndAgainWhenTheyGrow) {
  soci::session sql(soci::sqlite3, ":memory:");
  ExecScript(sql, Dialect::kSqlite,
             "CREATE TABLE big (id INTEGER PRIMARY KEY, k INT); CREATE INDEX big_k ON big(k);"
             "CREATE TABLE small (id INTEGER PRIMARY KEY, k INT); CREATE INDEX small_k ON "
             "small(k); CREATE TABLE pairs (a INT, b INT, PRIMARY KEY (a, b)) WITHOUT ROWID;");
  Fill(sql, "big", 1, 2000);
  Fill(sql, "small", 1, 10);

  EXPECT_EQ(TablesWithStaleStatistics(sql), std::vector<std::string>{"big"});
  EXPECT_EQ(RefreshStaleStatistics(sql), std::vector<std::string>{"big"});
  EXPECT_TRUE(TablesWithStaleStatistics(sql).empty()) << "fresh statistics are kept";

  Fill(sql, "big", 2001, 3000);  // 1.5× its analyzed size: not yet worth an ANALYZE
  EXPECT_TRUE(TablesWithStaleStatistics(sql).empty());
  Fill(sql, "big", 3001, 4500);  // more than twice
  EXPECT_EQ(RefreshStaleStatistics(sql), std::vector<std::string>{"big"});

  std::string stat;
  sql << "SELECT stat FROM sqlite_stat1 WHERE idx = 'big_k'", soci::into(stat);
  EXPECT_EQ(stat.substr(0, stat.find(' ')), "4500") << "a full ANALYZE, not a sample";
}

}  // namespace
}  // namespace upravdom::db
