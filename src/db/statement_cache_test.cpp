#include "db/statement_cache.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/sql.hpp"
#include "db/test_database.hpp"

namespace upravdom::db {
namespace {

using sqlite_api::sqlite3;
using sqlite_api::sqlite3_stmt;

sqlite3* Native(soci::session& sql) {
  return static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_;
}

// Statements of the connection that are stepped and not reset (each holds a read
// transaction open).
int StatementsInProgress(soci::session& sql) {
  int busy = 0;
  for (sqlite3_stmt* s = sqlite_api::sqlite3_next_stmt(Native(sql), nullptr); s;
       s = sqlite_api::sqlite3_next_stmt(Native(sql), s))
    busy += sqlite_api::sqlite3_stmt_busy(s) ? 1 : 0;
  return busy;
}

std::vector<long long> Ints(soci::session& sql, const Sql& query) {
  std::vector<long long> out;
  ForEachRow(sql, query, [&](const Row& row) { out.push_back(row.Int(0)); });
  return out;
}

TEST(StatementCache, DatabaseAttachesOneToEachSqliteConnection) {
  Database database("sqlite::memory:", 2);
  Session first(database), second(database);
  StatementCache* a = StatementCache::Of(first);
  StatementCache* b = StatementCache::Of(second);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_EQ(a->connection(), Native(first));
  EXPECT_THROW(StatementCache again(first.get()), std::logic_error) << "one cache a connection";

  soci::session plain(soci::sqlite3, ":memory:");
  EXPECT_EQ(StatementCache::Of(plain), nullptr) << "a session nobody attached a cache to";
  EXPECT_EQ(QueryInt(plain, Sql("SELECT 7")), 7) << "runs through SOCI";
}

TEST(StatementCache, InsertReturningIdGivesTheNewRowsId) {
  Database database("sqlite::memory:", 1);
  Session sql(database);
  Exec(sql, Sql("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, n INTEGER)"));
  Exec(sql, Sql("CREATE TABLE log (id INTEGER PRIMARY KEY, x INTEGER)"));
  // A trigger's own inserts do not change the id the INSERT gives.
  Exec(sql, Sql("CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log (x) VALUES (100); "
                "INSERT INTO log (x) VALUES (101); END"));
  auto insert = [&](const std::string& key) {
    Sql query("INSERT INTO t (k, n) VALUES (");
    query.Bind(key) << ", 1) RETURNING id";
    return InsertReturningId(sql, query);
  };
  EXPECT_EQ(insert("a"), 1);
  EXPECT_EQ(insert("b"), 2);
  EXPECT_THROW(insert("a"), soci::soci_error) << "a constraint still fails";
  EXPECT_EQ(insert("c"), 3);
  // An upsert that updates gives the updated row's id, not the last inserted one.
  Sql upsert(
      "INSERT INTO t (k, n) VALUES ('a', 2) ON CONFLICT (k) DO UPDATE SET n = 2 RETURNING id");
  EXPECT_EQ(InsertReturningId(sql, upsert), 1);
  EXPECT_EQ(Ints(sql, Sql("SELECT n FROM t WHERE k = 'a'")), std::vector<long long>{2});
}

TEST(StatementCache, ReusesTheStatementWithNewValues) {
  Database database("sqlite::memory:", 1);
  Session sql(database);
  StatementCache& cache = *StatementCache::Of(sql);
  Exec(sql, Sql("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER)"));
  for (int i = 1; i <= 3; ++i) {
    Sql insert("INSERT INTO t (name, n) VALUES (");
    insert.Bind("name " + std::to_string(i)) << ", ";
    insert.Bind(i * 10) << ") RETURNING id";
    EXPECT_EQ(InsertReturningId(sql, insert), i);
  }
  const size_t prepared = cache.counters().prepared;
  const size_t reused = cache.counters().reused;
  for (int i = 1; i <= 3; ++i) {
    Sql query("SELECT name FROM t WHERE n = ");
    query.Bind(i * 10);
    EXPECT_EQ(QueryText(sql, query), "name " + std::to_string(i)) << "rebound on every use";
  }
  EXPECT_EQ(cache.counters().prepared, prepared + 1) << "prepared once";
  EXPECT_EQ(cache.counters().reused, reused + 2);
  EXPECT_EQ(StatementsInProgress(sql), 0);
}

TEST(StatementCache, BindsAndReadsNulls) {
  Database database("sqlite::memory:", 1);
  Session sql(database);
  Exec(sql, Sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)"));
  auto insert = [&](std::optional<std::string> a, std::optional<long long> b) {
    Sql query("INSERT INTO t (a, b) VALUES (");
    query.Bind(a) << ", ";
    query.Bind(b) << ")";
    Exec(sql, query);
  };
  insert("x", 1);
  insert(std::nullopt, std::nullopt);  // the same statement: the earlier values must not stay
  insert("y", std::nullopt);
  std::vector<std::string> seen;
  ForEachRow(sql, Sql("SELECT a, b FROM t ORDER BY id"), [&](const Row& row) {
    EXPECT_EQ(row.size(), 2u);
    seen.push_back((row.IsNull(0) ? "NULL" : row.Text(0)) + "/" +
                   (row.OptInt(1) ? std::to_string(*row.OptInt(1)) : "NULL"));
    EXPECT_EQ(row.OptText(0).has_value(), !row.IsNull(0));
    if (row.IsNull(1)) {
      EXPECT_THROW(row.Int(1), soci::soci_error) << "as SOCI: NULL read without an indicator";
      EXPECT_EQ(row.Text(1), "");
    }
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"x/1", "NULL/NULL", "y/NULL"}));
  EXPECT_EQ(QueryText(sql, Sql("SELECT NULL")), std::nullopt);
  EXPECT_EQ(QueryInt(sql, Sql("SELECT NULL")), std::nullopt);
}

// Every accessor of Row gives what it gives on SOCI's row of the same value.
TEST(StatementCache, RowsReadAsSociRows) {
  TestDatabaseFile file;
  const std::string setup =
      "CREATE TABLE v (i INTEGER, t TEXT, n NUMERIC, b BIGINT, x, r REAL, d DATE, bl BLOB,"
      " dec DECIMAL(10,2), vc VARCHAR(20), j JSON, big INTEGER, dp DOUBLE PRECISION);"
      "INSERT INTO v VALUES (42, '17', 3, 5000000000, 'abc', 1, '2026-01-02', x'00ff', 3, 7,"
      " 5, 5000000000, 4),"
      " (-7, 'слово', NULL, -1, 2.5, 2.25, NULL, NULL, 2.5, 'x', 6, -1, 0.5),"
      " (0, '', 1.5, 0, NULL, NULL, '2026-03-04 05:06:07', x'', NULL, NULL, NULL, 0, NULL),"
      " (NULL, NULL, NULL, NULL, 12, -3, NULL, 'text', -1, 2.5, 7.5, NULL, 'z');";
  {
    Database database(file.url(), 1);
    Session sql(database);
    ExecScript(sql, Dialect::kSqlite, setup);
  }
  const std::vector<std::string> columns = {"i",
                                            "t",
                                            "n",
                                            "b",
                                            "x",
                                            "r",
                                            "d",
                                            "bl",
                                            "dec",
                                            "vc",
                                            "j",
                                            "big",
                                            "dp",
                                            "COUNT(*) OVER ()",
                                            "i * 2",
                                            "i + 0.5",
                                            "'12' || ''",
                                            "NULL",
                                            "1 = 1",
                                            "typeof(x)",
                                            "length(t)",
                                            "rowid",
                                            "CAST(r AS INTEGER)",
                                            "r * 2"};
  std::string select = "SELECT ";
  for (size_t c = 0; c < columns.size(); ++c) select += (c ? ", " : "") + columns[c];
  select += " FROM v ORDER BY rowid";

  // Each accessor's result (or "throws") for every row and column.
  auto read_all = [&](soci::session& sql) {
    std::vector<std::string> out;
    auto record = [&](const std::function<std::string()>& read) {
      try {
        out.push_back(read());
      } catch (const std::exception&) {
        out.push_back("throws");
      }
    };
    ForEachRow(sql, Sql(select), [&](const Row& row) {
      out.push_back("size " + std::to_string(row.size()));
      for (size_t c = 0; c < columns.size(); ++c) {
        record([&] { return columns[c] + " null " + std::to_string(row.IsNull(c)); });
        record([&] { return columns[c] + " int " + std::to_string(row.Int(c)); });
        record([&] {
          auto v = row.OptInt(c);
          return columns[c] + " optint " + (v ? std::to_string(*v) : "-");
        });
        record([&] { return columns[c] + " text " + row.Text(c); });
        record([&] { return columns[c] + " opttext " + row.OptText(c).value_or("-"); });
        record([&] { return columns[c] + " real " + std::to_string(row.Real(c)); });
        record([&] { return columns[c] + " bool " + std::to_string(row.Bool(c)); });
      }
      record([&] { return "column past the end " + std::to_string(row.IsNull(columns.size())); });
    });
    return out;
  };

  soci::session plain(soci::sqlite3, file.connect());
  ASSERT_EQ(StatementCache::Of(plain), nullptr);
  std::vector<std::string> soci_rows = read_all(plain);

  Database database(file.url(), 1);
  Session cached(database);
  ASSERT_NE(StatementCache::Of(cached), nullptr);
  std::vector<std::string> cached_rows = read_all(cached);

  ASSERT_EQ(cached_rows.size(), soci_rows.size());
  for (size_t k = 0; k < soci_rows.size(); ++k) {
    // SOCI's SQLite backend reads INTEGER columns as a 32-bit int: 5000000000 does not fit.
    // The cache reads the 64-bit value.
    if (soci_rows[k].rfind("big ", 0) == 0 &&
        cached_rows[k].find("5000000000") != std::string::npos) {
      EXPECT_EQ(soci_rows[k].find("5000000000"), std::string::npos) << soci_rows[k];
      continue;
    }
    EXPECT_EQ(cached_rows[k], soci_rows[k]) << "entry " << k;
  }
}

TEST(StatementCache, ErrorsLeaveTheStatementReusable) {
  Database database("sqlite::memory:", 1);
  Session sql(database);
  StatementCache& cache = *StatementCache::Of(sql);
  Exec(sql, Sql("CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE)"));
  auto insert = [&](const std::string& code) {
    Sql query("INSERT INTO t (code) VALUES (");
    query.Bind(code) << ") RETURNING id";
    return InsertReturningId(sql, query);
  };
  EXPECT_EQ(insert("a"), 1);
  try {
    insert("a");
    FAIL() << "a duplicate was inserted";
  } catch (const soci::sqlite3_soci_error& error) {
    // What the dispatcher reads: the category (409) and SQLite's column list (the field).
    EXPECT_EQ(error.get_error_category(), soci::soci_error::constraint_violation);
    EXPECT_EQ(error.get_error_message(), "UNIQUE constraint failed: t.code");
    EXPECT_EQ(error.result() & 0xff, SQLITE_CONSTRAINT);
    EXPECT_NE(std::string(error.what()).find("INSERT INTO t"), std::string::npos)
        << "the statement as context: " << error.what();
  }
  EXPECT_EQ(StatementsInProgress(sql), 0) << "reset after the failure";
  const size_t prepared = cache.counters().prepared;
  EXPECT_EQ(insert("b"), 2) << "the same statement again";
  EXPECT_EQ(cache.counters().prepared, prepared) << "not prepared again";

  // A text that does not prepare: SQLite's message, nothing cached.
  const size_t size = cache.size();
  try {
    Exec(sql, Sql("SELEC 1"));
    FAIL();
  } catch (const soci::soci_error& error) {
    EXPECT_EQ(error.get_error_category(), soci::soci_error::unknown);
    EXPECT_NE(error.get_error_message().find("syntax error"), std::string::npos);
  }
  EXPECT_EQ(cache.size(), size);

  // A visitor that throws halfway: the statement is reset, and runs again from the start.
  Exec(sql, Sql("INSERT INTO t (code) VALUES ('c'), ('d')"));
  int visited = 0;
  EXPECT_THROW(ForEachRow(sql, Sql("SELECT id FROM t ORDER BY id"),
                          [&](const Row&) {
                            if (++visited == 2) throw std::runtime_error("stop");
                          }),
               std::runtime_error);
  EXPECT_EQ(StatementsInProgress(sql), 0);
  EXPECT_EQ(Ints(sql, Sql("SELECT id FROM t ORDER BY id")).size(), 4u);

  Sql unbound("SELECT :p1");
  EXPECT_THROW(Exec(sql, unbound), std::logic_error) << "a placeholder without its value";
}

TEST(StatementCache, KeepsAtMostItsCapacity) {
  soci::session sql(soci::sqlite3, ":memory:");
  StatementCache cache(sql, 3);
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(QueryInt(sql, Sql("SELECT " + std::to_string(i))), i);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.counters().evicted, 2u);
  EXPECT_EQ(QueryInt(sql, Sql("SELECT 5")), 5);
  EXPECT_EQ(cache.counters().reused, 1u) << "the most recent are kept";
  EXPECT_EQ(QueryInt(sql, Sql("SELECT 1")), 1);
  EXPECT_EQ(cache.counters().prepared, 6u) << "the oldest was finalized: prepared again";
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(QueryInt(sql, Sql("SELECT 1")), 1);
}

TEST(StatementCache, RunsTheSameTextNestedInAVisitor) {
  Database database("sqlite::memory:", 1);
  Session sql(database);
  StatementCache& cache = *StatementCache::Of(sql);
  Exec(sql, Sql("CREATE TABLE t (id INTEGER PRIMARY KEY)"));
  Exec(sql, Sql("INSERT INTO t (id) VALUES (1), (2), (3)"));
  const Sql all("SELECT id FROM t ORDER BY id");
  std::vector<std::string> pairs;
  ForEachRow(sql, all, [&](const Row& outer) {
    for (long long inner : Ints(sql, all))
      pairs.push_back(std::to_string(outer.Int(0)) + std::to_string(inner));
  });
  EXPECT_EQ(pairs.size(), 9u);
  EXPECT_EQ(pairs.front(), "11");
  EXPECT_EQ(pairs.back(), "33");
  EXPECT_EQ(cache.counters().transient, 3u) << "the text in use: a statement of its own";
  EXPECT_EQ(StatementsInProgress(sql), 0);
}

TEST(StatementCache, AReopenedConnectionNeverSeesTheOldStatements) {
  TestDatabaseFile file;
  const std::string connect = file.connect();
  soci::session sql(soci::sqlite3, connect);
  Exec(sql, Sql("CREATE TABLE t (id INTEGER PRIMARY KEY)"));
  {
    StatementCache cache(sql);
    EXPECT_EQ(QueryInt(sql, Sql("SELECT COUNT(*) FROM t")), 0);
    EXPECT_EQ(cache.size(), 1u);
  }  // finalized: now the connection can be closed
  sql.close();
  sql.open(soci::sqlite3, connect);
  {
    StatementCache cache(sql);
    EXPECT_EQ(QueryInt(sql, Sql("SELECT COUNT(*) FROM t")), 0);
    EXPECT_EQ(cache.counters().prepared, 1u) << "a new cache prepares anew";
  }

  // Reopened behind the cache's back: SQLite refuses to close the old connection while it
  // has statements, so it stays allocated and the new one has another handle — the new
  // connection runs uncached, never on the old statements.
  auto cache = std::make_unique<StatementCache>(sql);
  EXPECT_EQ(QueryInt(sql, Sql("SELECT COUNT(*) FROM t")), 0);
  sqlite3* old = Native(sql);
  sql.reconnect();
  EXPECT_NE(Native(sql), old);
  EXPECT_EQ(StatementCache::Of(sql), nullptr);
  Exec(sql, Sql("INSERT INTO t (id) VALUES (1)"));
  EXPECT_EQ(QueryInt(sql, Sql("SELECT COUNT(*) FROM t")), 1);
  cache.reset();
  EXPECT_EQ(sqlite_api::sqlite3_close(old), SQLITE_OK) << "the old one, once its cache is gone";
}

TEST(StatementCache, NoStatementHoldsAReadTransactionAcrossCalls) {
  TestDatabaseFile file;
  Database database(file.url(), 2);
  {
    Session setup(database);
    ExecScript(setup, Dialect::kSqlite, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)");
  }
  Session reader(database), writer(database);
  Exec(reader, Sql("INSERT INTO t (n) VALUES (1), (2), (3)"));
  // The reader reads (the statement stays cached) ...
  EXPECT_EQ(Ints(reader, Sql("SELECT n FROM t ORDER BY id")).size(), 3u);
  EXPECT_EQ(QueryInt(reader, Sql("SELECT MAX(n) FROM t")), 3);
  EXPECT_EQ(StatementsInProgress(reader), 0);
  // ... another connection commits ...
  {
    WriteTransaction tx(writer, Dialect::kSqlite);
    Exec(writer, Sql("INSERT INTO t (n) VALUES (4)"));
    tx.Commit();
  }
  // ... and the reader can write: a statement left stepped would hold its old snapshot and
  // BEGIN IMMEDIATE would fail with SQLITE_BUSY (snapshot).
  {
    WriteTransaction tx(reader, Dialect::kSqlite);
    EXPECT_EQ(QueryInt(reader, Sql("SELECT MAX(n) FROM t")), 4);
    Exec(reader, Sql("INSERT INTO t (n) VALUES (5)"));
    tx.Commit();
  }
  {
    WriteTransaction tx(writer, Dialect::kSqlite);
    Exec(writer, Sql("INSERT INTO t (n) VALUES (6)"));
  }  // rolled back
  EXPECT_EQ(QueryInt(writer, Sql("SELECT COUNT(*) FROM t")), 5);
  // A checkpoint can copy the whole WAL: no reader holds it.
  int log = -1, copied = -2;
  EXPECT_EQ(sqlite_api::sqlite3_wal_checkpoint_v2(Native(writer), nullptr,
                                                  SQLITE_CHECKPOINT_PASSIVE, &log, &copied),
            SQLITE_OK);
  EXPECT_EQ(log, copied);
}

}  // namespace
}  // namespace upravdom::db
