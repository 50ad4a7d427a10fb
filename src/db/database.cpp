#include "db/database.hpp"

#include <stdexcept>

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "db/sql.hpp"
#include "db/statement_cache.hpp"

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

}  // namespace

Database::Database(const std::string& url, size_t pool_size) : pool_size_(pool_size) {
  DbUrl parsed = ParseDbUrl(url);
  dialect_ = parsed.dialect;
  pool_ = std::make_unique<soci::connection_pool>(pool_size);
  for (size_t i = 0; i < pool_size; ++i) {
    soci::session& sql = pool_->at(i);
    if (dialect_ == Dialect::kSqlite) {
      sql.open(soci::sqlite3, parsed.connect);
      ConfigureSqlite(sql);
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
}

Session::Session(Database& database) : sql_(database.pool()) {
  if (database.dialect() != Dialect::kPostgres) return;
  auto* backend = static_cast<soci::postgresql_session_backend*>(sql_.get_backend());
  if (backend && PQstatus(backend->conn_) == CONNECTION_OK) return;
  sql_.reconnect();
  ConfigurePostgres(sql_);
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
