// The database: a pool of SOCI sessions over SQLite or PostgreSQL, opened from a URL
// ("sqlite:PATH" or "postgresql://…"), and the write-transaction helper.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <soci/soci.h>

namespace upravdom::db {

enum class Dialect { kSqlite, kPostgres };

struct DbUrl {
  Dialect dialect;
  std::string connect;  // what the SOCI backend takes
};

// Throws std::invalid_argument with a Russian message on an unknown scheme.
DbUrl ParseDbUrl(const std::string& url);

class StatementCache;
class WalCheckpointer;

class Database {
 public:
  // Opens `pool_size` connections. Throws soci::soci_error when the database is unreachable.
  Database(const std::string& url, size_t pool_size);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return dialect_; }
  soci::connection_pool& pool() { return *pool_; }
  size_t pool_size() const { return pool_size_; }

 private:
  Dialect dialect_;
  size_t pool_size_;
  // SQLite: checkpoints the WAL for the connections of the pool, which signal it.
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::unique_ptr<soci::connection_pool> pool_;
  // SQLite: one per connection of the pool; destroyed (their statements finalized) before
  // the pool closes the connections.
  std::vector<std::unique_ptr<StatementCache>> statement_caches_;
};

// A session leased from the pool for one unit of work. A PostgreSQL connection that was
// lost (server restart, failover) is reopened on lease, so an instance heals by itself: the
// request that met the broken connection fails with 503, the next ones work.
class Session {
 public:
  explicit Session(Database& database);
  operator soci::session&() { return sql_; }
  soci::session& get() { return sql_; }

 private:
  soci::session sql_;
};

// A connection of the pool only if one is free at once, else none: for a write that
// may be skipped (an import's progress) by a caller that already holds a connection. Such
// callers waiting for a second one would wait forever once they held all of the pool's.
class TrySession {
 public:
  explicit TrySession(Database& database);
  ~TrySession();
  TrySession(const TrySession&) = delete;
  TrySession& operator=(const TrySession&) = delete;
  explicit operator bool() const { return sql_ != nullptr; }
  soci::session& get() { return *sql_; }

 private:
  Database& database_;
  std::size_t position_ = 0;
  soci::session* sql_ = nullptr;
};

// Runs a multi-statement SQL script on the session's native connection (SOCI runs only
// the first statement of a string).
void ExecScript(soci::session& sql, Dialect dialect, const std::string& script);

// A write transaction. On SQLite it takes the write lock at BEGIN (BEGIN IMMEDIATE) so two
// writers wait on the busy timeout instead of failing on a lock upgrade. Rolls back unless
// Commit() was called. On SQLite BEGIN, COMMIT and ROLLBACK are cached statements too; every
// statement of the cache is reset when its call returns or throws, so none is in progress
// (holding a read transaction) at COMMIT or ROLLBACK.
class WriteTransaction {
 public:
  WriteTransaction(soci::session& sql, Dialect dialect);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void Commit();

 private:
  void Run(const char* statement);

  soci::session& sql_;
  bool open_ = true;
};

}  // namespace upravdom::db
