// POST /api/v1/exchange/import: a JSON batch of records for the import engine
// (docs/import-api.md).
#pragma once

#include "domains/exchange/import_engine.hpp"
#include "http/router.hpp"

namespace upravdom::exchange {

// The import route's body limit: a batch is read as a stream, but it arrives whole.
inline constexpr size_t kImportBodyLimit = 64 * 1024 * 1024;
inline constexpr const char* kImportPath = "/api/v1/exchange/import";

void RegisterImportRoutes(http::Router& router, ImportEngine& engine);

}  // namespace upravdom::exchange
