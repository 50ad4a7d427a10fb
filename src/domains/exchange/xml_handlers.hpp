// POST /api/v1/exchange/xml: an import file in the XML format of docs/import-xml.xsd as the
// request body (docs/import-xml.md), imported by the same engine as the JSON API.
#pragma once

#include <string>

#include "core/actor.hpp"
#include "domains/exchange/import_engine.hpp"
#include "http/router.hpp"

namespace upravdom::exchange {

// The body is written to a temporary file and parsed from there as a stream; it arrives
// whole, so it has the import route's limit. Larger files come from FTP or a link.
inline constexpr size_t kXmlBodyLimit = 64 * 1024 * 1024;
inline constexpr const char* kXmlImportPath = "/api/v1/exchange/xml";

// Imports an XML file already on disk: ReadXmlHeader (the whole file checked first; throws
// ApiError 422 naming the line, nothing written), then the engine with the file's `space` and
// `source` (default "xml") over ForEachXmlRecord.
ImportAnswer ImportXmlFile(ImportEngine& engine, const Actor& actor, const std::string& path,
                           bool dry_run);

// A file refused before the import (not XML, malformed, a bomb, no records) is a failed
// operation of `log` too, as a refused Excel file is: the log shows every try (SPEC I-9).
void RegisterXmlRoutes(http::Router& router, ImportEngine& engine, OperationLog& log);

}  // namespace upravdom::exchange
