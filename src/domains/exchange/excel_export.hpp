// The Excel template and the export in the template's columns (SPEC I-10, R-4): export → edit
// → import changes exactly what was edited.
#pragma once

#include <string>

#include "db/database.hpp"

namespace upravdom::exchange::excel {

// The template: the data sheet with example rows (per premise type and role) and the
// «Инструкция» sheet.
void WriteTemplate(const std::string& path);

// The organisation's premises with their clients (external ids of `space`) and accounts, one
// row per client/account of a premise; libxlsxwriter's constant-memory mode and pages of
// premises keep memory bounded whatever the register's size. A sheet has at most
// kExcelRows rows: a register with more rows ends with a row that says the export was cut
// there (libxlsxwriter would drop the rest without a word). `max_rows` is for tests.
inline constexpr unsigned kExcelRows = 1'048'576;
void WriteExport(db::Database& database, long long organization_id, const std::string& space,
                 const std::string& path, unsigned max_rows = kExcelRows);

}  // namespace upravdom::exchange::excel
