// Prepared statements of one SQLite connection, kept between calls and found by their SQL
// text, so that db::Exec, ForEachRow, QueryInt, QueryText and InsertReturningId do not parse
// and plan the same statement again (SOCI prepares every statement anew: parsing was a third
// of the time of a client create).
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include <soci/soci.h>

// SOCI's SQLite header declares the C API inside this namespace; only pointers are needed here.
namespace sqlite_api {
struct sqlite3;
struct sqlite3_stmt;
}  // namespace sqlite_api

namespace upravdom::db {

// The cache of one open SQLite connection. While it exists it is registered under the
// connection's native handle, where the helpers of sql.hpp find it (StatementCache::Of); a
// session without one (PostgreSQL, or an SQLite session nobody attached a cache to) runs
// its statements through SOCI. `Database` attaches one to each connection of its pool.
//
// - Destroy the cache before its connection is closed: it finalizes its statements, and
//   SQLite will not close a connection that still has any (SOCI would leak it). A connection
//   closed or reopened behind the cache's back keeps its old handle allocated (the close
//   fails), so the new connection never finds the old statements: it runs uncached.
// - One thread at a time, like the session itself (a pooled session is leased to one
//   thread); only the registry behind Of() is shared and locked.
// - A statement is "in use" from Acquire until its lease ends; then it is reset (a reset
//   SELECT holds no read transaction, so COMMIT and checkpoints are not held up) and its
//   bindings cleared. The same text acquired again while in use (a query nested in a
//   visitor) gets a statement of its own, finalized after use.
// - At most `capacity` statements are kept (some statements are built with IN lists of
//   varying length); the least recently used one goes first.
class StatementCache {
  struct Entry {
    std::string text;
    sqlite_api::sqlite3_stmt* statement;
    bool in_use;
  };

 public:
  static constexpr size_t kDefaultCapacity = 500;

  // Attaches a cache to the session's SQLite connection. Throws std::logic_error when the
  // session is not an open SQLite session or its connection already has a cache.
  explicit StatementCache(soci::session& sql, size_t capacity = kDefaultCapacity);
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The cache of the session's connection, or null.
  static StatementCache* Of(soci::session& sql);

  class Lease {
   public:
    ~Lease();
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    // Null for a text without a statement (empty, or only a comment).
    sqlite_api::sqlite3_stmt* statement() const { return statement_; }

   private:
    friend class StatementCache;
    // `cache` null: a statement of its own, finalized when the lease ends.
    Lease(StatementCache* cache, sqlite_api::sqlite3_stmt* statement,
          std::list<Entry>::iterator entry);
    StatementCache* cache_;
    sqlite_api::sqlite3_stmt* statement_;
    std::list<Entry>::iterator entry_;
  };

  // The statement of `text`, prepared now or earlier, for binding and stepping until the
  // lease ends. Throws soci::soci_error (SQLite's message) when the text does not prepare.
  Lease Acquire(const std::string& text);

  sqlite_api::sqlite3* connection() const { return connection_; }
  size_t size() const { return entries_.size(); }
  size_t capacity() const { return capacity_; }
  // Finalizes every statement not in use.
  void Clear();

  struct Counters {
    size_t prepared = 0;   // statements prepared into the cache
    size_t reused = 0;     // acquisitions served by a cached statement
    size_t evicted = 0;    // statements finalized to stay within the capacity
    size_t transient = 0;  // statements prepared for one use (the text was in use)
  };
  const Counters& counters() const { return counters_; }

 private:
  sqlite_api::sqlite3_stmt* Prepare(const std::string& text);
  void Release(std::list<Entry>::iterator entry);
  void EvictBeyondCapacity();

  sqlite_api::sqlite3* connection_;
  size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views of Entry::text
  Counters counters_;
};

// Throws what SOCI's SQLite backend throws, soci::sqlite3_soci_error with SQLite's message
// (sqlite3_errmsg) and result code, the statement's text as context (never its values) —
// but classified: a constraint failure is `constraint_violation`, as on PostgreSQL (the
// dispatcher answers 409 naming the field); everything else, SQLITE_BUSY included, stays
// `unknown`, as SOCI 4.0 reports every SQLite error.
[[noreturn]] void ThrowSqliteError(sqlite_api::sqlite3* connection, int result,
                                   const std::string& text);

}  // namespace upravdom::db
