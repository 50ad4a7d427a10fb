// Reading an uploaded .xlsx with liborcus 0.17: the zip container is checked first (a zip
// bomb is refused before anything is inflated for parsing), then orcus's zip archive gives the
// parts and orcus's SAX parser reads the first worksheet, handed over row by row. Memory: the
// upload, one part's XML (capped), the shared strings (capped, kept compactly) and one row —
// orcus's document model
// would keep every cell of every sheet with its styles, and orcus_xlsx 0.17 drops inline
// strings (our own constant-memory export writes them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace upravdom::exchange::excel {

struct ReadLimits {
  size_t max_entries = 1000;              // files in the zip
  size_t max_entry_bytes = 256ull << 20;  // one part, uncompressed (the sheet's XML)
  size_t max_total_bytes = 512ull << 20;  // all parts, uncompressed
  size_t max_rows = 200'001;              // the header and 200,000 records' rows
  uint32_t max_columns = 200;             // cells further right are ignored
  // The shared strings are parsed from their part's XML held whole and then kept for the
  // whole sheet, so they have caps of their own, well below a part's: the inflated part, the
  // number of entries and the bytes of text kept. Measured on our export of 100,000 rows
  // saved with shared strings (docs/import-excel.md «Limits and memory»): 7.5 MB of XML,
  // 300,000 entries, 2.9 MB of text as Excel writes it (one entry per distinct text); 34 MB,
  // 1.25 million, 15 MB with one entry per cell. So a 1,000,000-row sheet saved by Excel, and
  // 200,000 rows (max_rows) written without sharing, fit with room to spare.
  size_t max_shared_strings_bytes = 128ull << 20;  // xl/sharedStrings.xml, uncompressed
  size_t max_shared_strings = 8'000'000;           // <si> entries (4 bytes each kept)
  size_t max_shared_text_bytes = 64ull << 20;      // their text, kept while the sheet is read
  // One cell's text: Excel itself holds at most 32,767 characters in a cell (≤ 4 bytes each in
  // UTF-8). Without it one shared string of 64 MB, referenced by every cell of a row, would be
  // copied into each of them.
  size_t max_cell_bytes = 32'767 * 4;
};

struct Cell {
  enum class Type { kText, kNumber, kBool };
  uint32_t column = 0;  // from 0
  Type type = Type::kText;
  std::string text;
  double number = 0;  // kNumber; kBool: 0 or 1
};

// Throws ApiError 422 with a Russian message: an empty file, not a zip, not a workbook, a
// part over the limits (declared or actual: every part is inflated into a small scratch
// buffer and counted, so a lying header does not get through).
void CheckXlsxContainer(std::string_view file, const ReadLimits& limits = {});

// Reads the first worksheet: `visit(row, cells)` for every row that has a cell, in order;
// `row` counts from 1 as Excel shows it, `cells` are ordered by column. Throws ApiError 422
// for a file orcus cannot read, over max_rows or over a shared strings cap (the part's size
// before it is inflated). The file must have passed CheckXlsxContainer (which makes the
// declared sizes of the zip's directory trustworthy).
void ReadFirstSheet(std::string_view file,
                    const std::function<void(uint32_t row, const std::vector<Cell>& cells)>& visit,
                    const ReadLimits& limits = {});

// A number as a cell's text: integers without ".0" or an exponent (phones, account numbers).
std::string NumberText(double value);

}  // namespace upravdom::exchange::excel
