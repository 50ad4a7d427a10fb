// The Excel import (SPEC I-10, docs/import-excel.md): the first sheet of an .xlsx becomes the
// consolidated records of docs/import-api.md — consecutive rows of one premise form one
// record with its clients and accounts — and goes through ImportEngine::Run with source
// "excel". Errors are located by sheet row and column; a copy of the upload with an error
// column is kept for download.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "db/database.hpp"
#include "domains/exchange/excel_reader.hpp"
#include "domains/exchange/import_engine.hpp"

namespace upravdom::exchange::excel {

// An error at a cell (column ≥ 0) or a row (column < 0) of the sheet.
struct CellError {
  uint32_t row = 0;
  int column = -1;  // sheet column from 0
  std::string message;
};

// Where a record came from: its rows, and the row of each of its clients and accounts.
struct RecordRows {
  uint32_t first_row = 0, last_row = 0;
  std::vector<uint32_t> client_rows, account_rows;
  bool object_by_name = false;  // the object was found by the «Объект» column
};

// Object names of the organisation → their ids (a name may be shared by several).
using ObjectNames = std::map<std::string, std::vector<long long>>;

// The sheet as records. Rows are fed in order (from ReadFirstSheet); the first is the header.
class SheetConverter {
 public:
  explicit SheetConverter(const ObjectNames& objects) : objects_(objects) {}
  // Throws ApiError 422 for a header with missing, unknown or repeated columns.
  void Row(uint32_t row, const std::vector<Cell>& cells);
  // Ends the sheet. Throws ApiError 422 when it had no header or no data rows.
  void Finish();

  size_t RecordCount() const { return offsets_.size(); }
  // The record `index` as JSON (kept as text: a 50,000-row sheet is tens of MB as json values).
  nlohmann::json Record(size_t index) const;
  const RecordRows& Rows(size_t index) const { return rows_[index]; }
  const std::vector<CellError>& errors() const { return errors_; }
  size_t error_count() const { return error_count_; }
  uint32_t header_row() const { return header_row_; }
  // The sheet column of Columns()[i], or -1.
  int SheetColumn(size_t column_index) const { return sheet_column_[column_index]; }
  // Locates an engine error or warning (record index, field path) in the sheet.
  CellError Locate(size_t index, const std::string& field) const;

 private:
  void Header(uint32_t row, const std::vector<Cell>& cells);
  void Data(uint32_t row, const std::vector<Cell>& cells);
  void EndRecord();
  void AddError(uint32_t row, int column, std::string message);

  const ObjectNames& objects_;
  uint32_t header_row_ = 0;
  std::vector<int> sheet_column_;               // per Columns() index
  std::map<uint32_t, size_t> by_sheet_column_;  // sheet column → Columns() index
  // The record being built.
  std::optional<nlohmann::json> premise_;
  std::vector<std::string> premise_identity_;  // its first row's identity cells
  nlohmann::json clients_, accounts_;
  RecordRows current_;
  // Finished records.
  std::string text_;
  std::vector<size_t> offsets_;
  std::vector<RecordRows> rows_;
  std::vector<CellError> errors_;  // the first kKeptErrors
  size_t error_count_ = 0;
  size_t data_rows_ = 0;
};

inline constexpr size_t kKeptErrors = 10'000;

// A cell error as the answer shows it: {row, column: "G", column_name, message}.
nlohmann::json ErrorJson(const CellError& error, const SheetConverter& sheet);

// Writes the uploaded sheet again with an «Ошибки» column (and the cells at fault in red).
void WriteErrorFile(std::string_view upload, const std::vector<CellError>& errors,
                    uint32_t header_row, const std::string& path);

class ExcelImporter {
 public:
  ExcelImporter(db::Database& database, OperationLog& log, ImportEngine& engine,
                std::string error_dir);

  // Runs the import of an uploaded .xlsx and gives the answer's JSON text (docs/import-excel.md).
  // Throws ApiError 422 for a file that cannot be imported (every such failure is an operation
  // of the exchange log too).
  std::string Import(const Actor& actor, const std::string& space, std::string_view file,
                     bool dry_run);

  // The error file of an operation of the organisation (its .xlsx bytes), if one was kept:
  // in the exchange log's files (OperationLog::KeepFile), which every instance reads.
  std::optional<std::string> ErrorFile(long long organization_id, long long operation_id);

 private:
  // Writes the error file of the operation (through a private temporary file: libxlsxwriter
  // writes files) and keeps it in the exchange log; returns its URL ("" when it could not be
  // written).
  std::string KeepErrorFile(long long organization_id, long long operation_id,
                            std::string_view upload, const std::vector<CellError>& errors,
                            uint32_t header_row);

  db::Database& database_;
  OperationLog& log_;
  ImportEngine& engine_;
  std::string error_dir_;
};

}  // namespace upravdom::exchange::excel
