// The Excel routes (docs/import-excel.md): the template, the export in its columns, the
// import of an uploaded .xlsx (multipart/form-data) and the error file of an operation.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "db/database.hpp"
#include "domains/exchange/excel_import.hpp"
#include "http/router.hpp"

namespace upravdom::exchange {

inline constexpr const char* kExcelImportPath = "/api/v1/exchange/excel";
// An .xlsx of 200,000 rows is ~15 MB; the request holds the file whole.
inline constexpr size_t kExcelBodyLimit = 32 * 1024 * 1024;

// One part of a multipart/form-data body (a view into the body).
struct FormPart {
  std::string filename;
  std::string_view data;
};
// Parses a multipart/form-data body by the boundary of `content_type`; throws ApiError 400
// for a body that is not one.
std::map<std::string, FormPart> ParseMultipart(const std::string& content_type,
                                               std::string_view body);

void RegisterExcelRoutes(http::Router& router, db::Database& database,
                         excel::ExcelImporter& importer, OperationLog& log);

}  // namespace upravdom::exchange
