#include "db/migrations.hpp"

#include <spdlog/spdlog.h>

#include "core/time.hpp"
#include "db/sql.hpp"

namespace upravdom::db {

int ApplyMigrations(Database& database) {
  db::Session sql(database);
  const Dialect dialect = database.dialect();
  const std::string wanted = dialect == Dialect::kSqlite ? "sqlite" : "postgres";
  ExecScript(sql, dialect,
             "CREATE TABLE IF NOT EXISTS schema_migrations ("
             " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  int applied = 0;
  for (const EmbeddedMigration& migration : EmbeddedMigrations()) {
    if (wanted != migration.dialect) continue;
    WriteTransaction tx(sql, dialect);
    if (dialect == Dialect::kPostgres)  // one migrator at a time across instances
      sql.get() << "LOCK TABLE schema_migrations IN EXCLUSIVE MODE";
    bool done =
        QueryInt(
            sql,
            Sql("SELECT COUNT(*) FROM schema_migrations WHERE version = ").Bind(migration.version))
            .value_or(0) > 0;
    if (done) continue;
    ExecScript(sql, dialect, migration.sql);
    Sql record("INSERT INTO schema_migrations (version, name, applied_at) VALUES (");
    record.Bind(migration.version) << ", ";
    record.Bind(migration.name) << ", ";
    record.Bind(timeutil::NowIso()) << ")";
    Exec(sql, record);
    spdlog::info("migration {} applied", migration.name);
    tx.Commit();
    ++applied;
  }
  return applied;
}

}  // namespace upravdom::db
