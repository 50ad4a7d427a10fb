#include "db/database.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include "db/search_rowid.hpp"
#include "db/sql.hpp"
#include "db/statement_cache.hpp"
#include "db/wal_write_buffer.hpp"

namespace upravdom::db {

namespace {

// SOCI mangles a bare URI ("…/dbname" becomes a database named "dbname="), so the URI is
// turned into libpq's "key='value'" form with libpq's own parser.
std::string PostgresKeywords(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (!options) {
    std::string message = error ? error : "";
    PQfreemem(error);
    throw std::invalid_argument("Неверный адрес PostgreSQL: " + message);
  }
  std::string keywords;
  for (PQconninfoOption* option = options; option->keyword; ++option) {
    if (!option->val) continue;
    std::string value;
    for (const char* c = option->val; *c; ++c) {
      if (*c == '\\' || *c == '\'') value += '\\';
      value += *c;
    }
    keywords += std::string(keywords.empty() ? "" : " ") + option->keyword + "='" + value + "'";
  }
  PQconninfoFree(options);
  return keywords;
}

}  // namespace

DbUrl ParseDbUrl(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.empty())
      throw std::invalid_argument("Пустой путь к файлу SQLite в адресе базы данных");
    // SOCI's connect string separates options by spaces; quote the path.
    return {Dialect::kSqlite, "db=\"" + path + "\" timeout=5 shared_cache=false"};
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
    return {Dialect::kPostgres, PostgresKeywords(url)};
  throw std::invalid_argument(
      "Неизвестный адрес базы данных «" + url +
      "»: ожидается sqlite:ПУТЬ или postgresql://пользователь@хост:порт/база");
}

namespace {

void ConfigurePostgres(soci::session& sql) {
  sql << "SET client_min_messages TO WARNING";
}

void ConfigureSqlite(soci::session& sql) {
  // WAL lets readers run beside the writer; NORMAL sync is durable across application
  // crashes in WAL mode; foreign keys are off by default in SQLite.
  sql << "PRAGMA journal_mode=WAL";
  sql << "PRAGMA synchronous=NORMAL";
  sql << "PRAGMA foreign_keys=ON";
  sql << "PRAGMA busy_timeout=10000";
  sql << "PRAGMA temp_store=MEMORY";
  sql << "PRAGMA cache_size=-65536";  // 64 MiB of page cache per connection, on demand
}

// SQLite's process-wide settings; they take effect only before the library's first use in
// the process (a later call is refused with SQLITE_MISUSE and changes nothing).
void ConfigureSqliteLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Multi-thread mode: no mutex per connection. The pool lends a connection to one thread
    // at a time and the checkpointer has its own, so those mutexes guarded nothing, yet every
    // sqlite3_column_* call took and released one: 9.6 % of the CPU of an unchanged import
    // batch (docs/performance.md, issue 6).
    if (sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD) != SQLITE_OK)
      spdlog::warn(
          "SQLite refused multi-thread mode (in use already, or built without threads): its "
          "connections keep their mutexes");
    // Memory statistics lock a process-wide mutex around every allocation; nothing reads them.
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

sqlite_api::sqlite3* NativeSqlite(soci::session& sql) {
  return static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_;
}

}  // namespace

// SQLite: WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs in
// the connection whose commit takes the WAL past 1,000 pages: that request copies the pages
// into the database file and waits for two fdatasyncs: one client create in 30–40 took
// 10–20 ms (docs/performance.md). Here a commit past the threshold only wakes the
// thread, which runs the same PASSIVE checkpoint (it blocks neither readers nor writers) on
// a connection of its own, at most every 100 ms: commits gather in between, and a page many
// of them write (a record count, the FTS structure, index roots) is copied once — copying
// after every commit cost a fifth more CPU per create. A checkpoint that runs beside
// commits rarely finds the WAL fully copied at the moment the next write begins, which is
// when SQLite restarts the WAL from its start; so at 8× the threshold the committing
// connection checkpoints itself, as SQLite would have, and the WAL stays under ~32 MB.
class WalCheckpointer {
 public:
  static constexpr int kPages = 1000;  // SQLite's default autocheckpoint threshold
  static constexpr std::chrono::milliseconds kInterval{100};

  explicit WalCheckpointer(const std::string& connect) : sql_(soci::sqlite3, connect) {
    // Reads the header, so that this connection knows the file is in WAL mode (a connection
    // that never read would not checkpoint).
    sql_ << "PRAGMA journal_mode=WAL";
    sql_ << "PRAGMA busy_timeout=10000";
    thread_ = std::thread([this] { Run(); });
  }

  ~WalCheckpointer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  // Replaces the connection's automatic checkpoint with a signal to this thread.
  void Attach(soci::session& sql) {
    sqlite_api::sqlite3_wal_hook(NativeSqlite(sql), &WalCheckpointer::OnCommit, this);
  }

 private:
  static int OnCommit(void* self, sqlite_api::sqlite3* connection, const char* database,
                      int pages) {
    if (pages < kPages) return SQLITE_OK;
    auto* checkpointer = static_cast<WalCheckpointer*>(self);
    if (pages >= 8 * kPages) {
      // A checkpoint already running (the thread's) would make this one return SQLITE_BUSY
      // at once, and the WAL would grow on: wait for it, then copy what is left.
      std::lock_guard running(checkpointer->checkpointing_);
      sqlite_api::sqlite3_wal_checkpoint_v2(connection, database, SQLITE_CHECKPOINT_PASSIVE,
                                            nullptr, nullptr);
      return SQLITE_OK;
    }
    {
      std::lock_guard lock(checkpointer->mutex_);
      // Once due, the thread is only waiting out the interval: waking it on every commit
      // (futex, context switch on the other core) cost a create 3 % for nothing.
      if (checkpointer->due_) return SQLITE_OK;
      checkpointer->due_ = true;
    }
    checkpointer->wake_.notify_one();
    return SQLITE_OK;
  }

  void Run() {
    std::unique_lock lock(mutex_);
    auto last = std::chrono::steady_clock::now() - kInterval;
    for (;;) {
      wake_.wait(lock, [this] { return due_ || stopping_; });
      if (wake_.wait_until(lock, last + kInterval, [this] { return stopping_; })) return;
      due_ = false;
      lock.unlock();
      int result;
      {
        std::lock_guard running(checkpointing_);
        result = sqlite_api::sqlite3_wal_checkpoint_v2(NativeSqlite(sql_), nullptr,
                                                       SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      }
      if (result != SQLITE_OK && result != SQLITE_BUSY)
        spdlog::warn("WAL checkpoint failed: {}", sqlite_api::sqlite3_errmsg(NativeSqlite(sql_)));
      last = std::chrono::steady_clock::now();
      lock.lock();
    }
  }

  soci::session sql_;
  std::mutex mutex_;
  std::mutex checkpointing_;  // held while a checkpoint of this process runs
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

Database::Database(const std::string& url, size_t pool_size) : pool_size_(pool_size) {
  DbUrl parsed = ParseDbUrl(url);
  dialect_ = parsed.dialect;
  if (dialect_ == Dialect::kSqlite) {
    ConfigureSqliteLibrary();  // first: anything below already uses the library
    InstallWalWriteBuffer();
    checkpointer_ = std::make_unique<WalCheckpointer>(parsed.connect);
  }
  pool_ = std::make_unique<soci::connection_pool>(pool_size);
  for (size_t i = 0; i < pool_size; ++i) {
    soci::session& sql = pool_->at(i);
    if (dialect_ == Dialect::kSqlite) {
      sql.open(soci::sqlite3, parsed.connect);
      ConfigureSqlite(sql);
      RegisterSearchFunctions(NativeSqlite(sql));
      checkpointer_->Attach(sql);
      statement_caches_.push_back(std::make_unique<StatementCache>(sql));
    } else {
      sql.open(soci::postgresql, parsed.connect);
      ConfigurePostgres(sql);
    }
  }
}

Database::~Database() {
  statement_caches_.clear();  // before the pool closes their connections
  pool_.reset();
  checkpointer_.reset();  // after the connections that signal it
}

namespace {

// A PostgreSQL connection the server dropped (a restart, an idle timeout) is opened again
// when it is lent, not found broken by the statement after.
void Revive(Database& database, soci::session& sql) {
  if (database.dialect() != Dialect::kPostgres) return;
  auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  if (backend && PQstatus(backend->conn_) == CONNECTION_OK) return;
  sql.reconnect();
  ConfigurePostgres(sql);
}

}  // namespace

Session::Session(Database& database) : sql_(database.pool()) {
  Revive(database, sql_);
}

TrySession::TrySession(Database& database) : database_(database) {
  if (!database.pool().try_lease(position_, /*timeout=*/0)) return;
  sql_ = &database.pool().at(position_);
  try {
    Revive(database, *sql_);
  } catch (...) {
    database.pool().give_back(position_);
    throw;
  }
}

TrySession::~TrySession() {
  if (sql_) database_.pool().give_back(position_);
}

void ExecScript(soci::session& sql, Dialect dialect, const std::string& script) {
  if (dialect == Dialect::kSqlite) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    char* error = nullptr;
    if (sqlite_api::sqlite3_exec(backend->conn_, script.c_str(), nullptr, nullptr, &error) != 0) {
      std::string message = error ? error : "unknown error";
      sqlite_api::sqlite3_free(error);
      throw soci::soci_error(message);
    }
  } else {
    auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
    PGresult* result = PQexec(backend->conn_, script.c_str());
    ExecStatusType status = PQresultStatus(result);
    std::string message = PQresultErrorMessage(result);
    PQclear(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw soci::soci_error(message);
  }
}

WriteTransaction::WriteTransaction(soci::session& sql, Dialect dialect) : sql_(sql) {
  Run(dialect == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

WriteTransaction::~WriteTransaction() {
  if (!open_) return;
  try {
    Run("ROLLBACK");
  } catch (...) {
    // The connection may be broken; nothing more can be done here.
  }
}

void WriteTransaction::Commit() {
  Run("COMMIT");
  open_ = false;
}

void WriteTransaction::Run(const char* statement) {
  if (StatementCache::Of(sql_))
    Exec(sql_, Sql(statement));
  else
    sql_ << statement;
}

}  // namespace upravdom::db
