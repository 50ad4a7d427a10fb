// Reading the XML import format (docs/import-xml.xsd, docs/import-xml.md) with expat as a
// stream from a file: the file is read in chunks, so memory does not grow with its size.
// Two passes, like the JSON batch reader: the first checks the whole file (well-formed,
// the root and shape right, no DTD) and counts the records, so a broken file writes
// nothing; the second hands the records over one at a time as the JSON records of
// docs/import-api.md.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domains/exchange/batch_reader.hpp"  // kMaxRecords

namespace upravdom::exchange {

struct XmlHeader {
  // The root's space and source when the file names them: what the file says wins. Absent,
  // the importer's default applies — operations and "xml" for an upload, the organisation's
  // «Импорт» settings for a file the scheduler fetched (docs/import-xml.md).
  std::optional<std::string> space;
  std::optional<std::string> source;
  size_t records = 0;
};

// First pass over the file: well-formed, the root and shape right, no DOCTYPE/entities
// (refused: billion laughs, XXE), ≤ kMaxRecords records. Throws ApiError (422, field
// "file") naming the line.
XmlHeader ReadXmlHeader(const std::string& file_path);

// Second pass: hands each record over as the JSON record of docs/import-api.md, until
// `visit` returns false. The file must have passed ReadXmlHeader.
void ForEachXmlRecord(const std::string& file_path,
                      const std::function<bool(size_t, nlohmann::json&)>& visit);

}  // namespace upravdom::exchange
