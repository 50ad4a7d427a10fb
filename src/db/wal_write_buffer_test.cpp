#include "db/wal_write_buffer.hpp"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "db/test_database.hpp"

using namespace upravdom;

namespace {

// A raw connection through the default VFS (the WAL write buffer once installed).
class Connection {
 public:
  explicit Connection(const std::string& path) {
    db::InstallWalWriteBuffer();
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) ADD_FAILURE() << sqlite3_errmsg(db_);
    Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000");
  }
  ~Connection() { sqlite3_close(db_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (error ? error : "");
      sqlite3_free(error);
    }
  }
  std::string Text(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    std::string result;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW)
      result = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    else
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(statement);
    return result;
  }
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

const char* const kSchema =
    "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"
    "CREATE INDEX t_body ON t(body);";

}  // namespace

TEST(WalWriteBuffer, ACommitReachesTheFileInOneWriteAndOtherConnectionsSeeItAtOnce) {
  db::TestDatabaseFile file;
  Connection writer(file.path().string());
  Connection reader(file.path().string());
  writer.Exec(kSchema);
  for (int i = 1; i <= 300; ++i) {
    const db::WalWriteCounts before = db::WalWriteBufferCounts();
    writer.Exec("INSERT INTO t (body) VALUES (printf('%0100d', " + std::to_string(i) + "))");
    const db::WalWriteCounts after = db::WalWriteBufferCounts();
    // A frame is two writes asked (header, page): a commit of several frames is one write.
    EXPECT_GE(after.asked - before.asked, 4u);
    EXPECT_EQ(after.written - before.written, 1u);
    ASSERT_EQ(reader.Text("SELECT COUNT(*) FROM t"), std::to_string(i))
        << "the commit of row " << i;
  }
}

TEST(WalWriteBuffer, LargeTransactionsSpilledPagesAndRollbacksKeepTheDatabaseWhole) {
  db::TestDatabaseFile file;
  Connection writer(file.path().string());
  Connection reader(file.path().string());
  writer.Exec(kSchema);
  // A small cache: the transaction spills pages into the WAL before its commit, reads them
  // back and writes some of them again.
  writer.Exec("PRAGMA cache_size=20");
  writer.Exec(
      "BEGIN; WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE "
      "value < 20000) INSERT INTO t (body) SELECT printf('%0500d', value) FROM s; UPDATE t SET "
      "body = body || 'x' WHERE id % 3 = 0; SAVEPOINT s; DELETE FROM t "
      "WHERE id % 2 = 0; ROLLBACK TO s; RELEASE s; COMMIT");
  EXPECT_EQ(reader.Text("SELECT COUNT(*) FROM t"), "20000");
  EXPECT_EQ(reader.Text("SELECT COUNT(*) FROM t WHERE body LIKE '%x'"), "6666");
  EXPECT_EQ(reader.Text("PRAGMA integrity_check"), "ok");
  // A transaction rolled back after spilling leaves nothing.
  writer.Exec("BEGIN; UPDATE t SET body = 'gone'; ROLLBACK");
  EXPECT_EQ(reader.Text("SELECT COUNT(*) FROM t WHERE body = 'gone'"), "0");
  // After a checkpoint the WAL starts again from its beginning (its header rewritten).
  writer.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  writer.Exec("INSERT INTO t (body) VALUES ('after the restart')");
  EXPECT_EQ(reader.Text("SELECT COUNT(*) FROM t"), "20001");
  EXPECT_EQ(reader.Text("PRAGMA integrity_check"), "ok");
}

TEST(WalWriteBuffer, AProcessKilledInTheMiddleOfATransactionLosesOnlyThatTransaction) {
  db::TestDatabaseFile file;
  {
    Connection setup(file.path().string());
    setup.Exec(kSchema);
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Connection writer(file.path().string());
    for (int i = 0; i < 50; ++i) writer.Exec("INSERT INTO t (body) VALUES ('committed')");
    writer.Exec("PRAGMA cache_size=20");
    // Uncommitted frames (spilled pages, and some gathered in memory) when the process dies.
    writer.Exec(
        "BEGIN; WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE "
        "value < 5000) INSERT INTO t (body) SELECT printf('%0500d', value) FROM s");
    ::_exit(0);  // no COMMIT, no close: as a kill would leave it
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  Connection after(file.path().string());
  EXPECT_EQ(after.Text("SELECT COUNT(*) FROM t"), "50");
  EXPECT_EQ(after.Text("PRAGMA integrity_check"), "ok");
  after.Exec("INSERT INTO t (body) VALUES ('next')");
  EXPECT_EQ(after.Text("SELECT COUNT(*) FROM t"), "51");
}
