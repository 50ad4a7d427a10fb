#include "db/database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "db/sql.hpp"
#include "db/test_database.hpp"

namespace upravdom::db {
namespace {

constexpr long long kPage = 4096;

// Commits `commits` transactions of `pages` pages of data each.
void Write(Database& database, int commits, int pages) {
  Session sql(database);
  for (int i = 0; i < commits; ++i) {
    WriteTransaction tx(sql, Dialect::kSqlite);
    Sql insert("INSERT INTO blobs (data) VALUES (randomblob(");
    insert.Bind(static_cast<long long>(pages) * kPage) << "))";
    Exec(sql, insert);
    tx.Commit();
  }
}

long long FileSize(const std::filesystem::path& path) {
  std::error_code error;
  auto size = std::filesystem::file_size(path, error);
  return error ? 0 : static_cast<long long>(size);
}

TEST(WalCheckpoints, StillCopyThePagesIntoTheDatabase) {
  TestDatabaseFile file;
  Database database(file.url(), 1);
  {
    Session sql(database);
    ExecScript(sql, Dialect::kSqlite, "CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
  }
  // 1,200 pages in the WAL: past the threshold, far from the committing connection's own
  // fallback. Until a checkpoint copies them, the database file holds only the schema.
  Write(database, 12, 100);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (FileSize(file.path()) < 1000 * kPage && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_GE(FileSize(file.path()), 1000 * kPage) << "the pages were copied into the database";
}

TEST(WalCheckpoints, KeepTheWalBounded) {
  TestDatabaseFile file;
  Database database(file.url(), 1);
  {
    Session sql(database);
    ExecScript(sql, Dialect::kSqlite, "CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
  }
  // 10,000 pages committed back to back: the WAL starts again from its beginning at the
  // latest once it holds 8,000 pages (the committing connection checkpoints itself), so the
  // file never grows much past that.
  Write(database, 100, 100);
  const std::filesystem::path wal = file.path().string() + "-wal";
  EXPECT_LT(FileSize(wal), 8300 * (kPage + 24)) << "WAL of " << FileSize(wal) << " bytes";
  Session sql(database);
  EXPECT_EQ(QueryInt(sql, Sql("SELECT COUNT(*) FROM blobs")), 100);
}

}  // namespace
}  // namespace upravdom::db
