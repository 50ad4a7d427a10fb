// Numbered, forward-only schema migrations, embedded from migrations/<dialect>/NNNN_name.sql.
#pragma once

#include <string>
#include <vector>

#include "db/database.hpp"

namespace upravdom::db {

struct EmbeddedMigration {
  const char* dialect;  // "sqlite" or "postgres"
  int version;
  const char* name;
  const char* sql;
};

const std::vector<EmbeddedMigration>& EmbeddedMigrations();

// Applies every migration newer than the database's version, each in its own transaction.
// Returns how many were applied. Safe to run from several processes at once.
int ApplyMigrations(Database& database);

}  // namespace upravdom::db
