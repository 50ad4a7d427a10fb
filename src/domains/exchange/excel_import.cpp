#include "domains/exchange/excel_import.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/temp_files.hpp"
#include "core/text.hpp"
#include "core/xlsx_workbook.hpp"
#include "domains/exchange/excel_columns.hpp"
#include "domains/exchange/excel_repository.hpp"

namespace upravdom::exchange::excel {

namespace {

using json = nlohmann::json;

// The converted records of a sheet, kept until it is read whole (SheetConverter::EndRecord).
constexpr size_t kMaxRecordsText = 256ull << 20;

[[noreturn]] void Refuse(const std::string& message, json details = nullptr) {
  throw ApiError(ErrorCode::kValidationFailed, message, {{"file", message}}, std::move(details));
}

std::string Trim(const std::string& text) {
  const char* space = " \t\r\n\xC2\xA0";
  size_t begin = text.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(space);
  // A no-break space (C2 A0) trimmed byte-wise can leave a lone C2: put it back.
  std::string out = text.substr(begin, end - begin + 1);
  if (!out.empty() && static_cast<unsigned char>(out.back()) == 0xC2) out.pop_back();
  return out;
}

std::string CellText(const Cell& cell) {
  if (cell.type == Cell::Type::kText) return Trim(cell.text);
  if (cell.type == Cell::Type::kBool) return cell.number != 0 ? "да" : "нет";
  return NumberText(cell.number);
}

// A cell's text in a message: at most 60 characters of it (a message per bad row, and a
// cell may hold 32,767).
std::string Quoted(const std::string& text) {
  return "«" + text::Clip(text, 60) + "»";
}

// Reads "54,3", " 54.30 " as a number.
std::optional<double> ParseNumber(std::string text) {
  std::replace(text.begin(), text.end(), ',', '.');
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<bool> ParseBool(const std::string& text) {
  static const std::set<std::string> yes = {"да", "Да", "ДА", "1", "true", "TRUE", "yes", "Yes"};
  static const std::set<std::string> no = {"нет", "Нет", "НЕТ", "0", "false", "FALSE", "no", "No"};
  if (yes.count(text)) return true;
  if (no.count(text)) return false;
  return std::nullopt;
}

// Path "clients[2].phone" → {"clients", 2, "phone"}.
struct FieldPath {
  std::string list;
  size_t item = 0;
  std::string key;
};
FieldPath SplitField(const std::string& field) {
  FieldPath path;
  size_t dot = field.find('.');
  std::string head = field.substr(0, dot);
  path.key = dot == std::string::npos ? "" : field.substr(dot + 1);
  size_t bracket = head.find('[');
  if (bracket != std::string::npos) {
    path.item = std::strtoul(head.c_str() + bracket + 1, nullptr, 10);
    head.resize(bracket);
  }
  path.list = head;
  return path;
}

}  // namespace

// ---- the sheet → records ------------------------------------------------------------------

void SheetConverter::AddError(uint32_t row, int column, std::string message) {
  ++error_count_;
  if (errors_.size() < kKeptErrors) errors_.push_back({row, column, std::move(message)});
}

void SheetConverter::Row(uint32_t row, const std::vector<Cell>& cells) {
  if (!header_row_)
    Header(row, cells);
  else
    Data(row, cells);
}

void SheetConverter::Header(uint32_t row, const std::vector<Cell>& cells) {
  const auto& columns = Columns();
  sheet_column_.assign(columns.size(), -1);
  std::vector<std::string> unknown, repeated;
  for (const Cell& cell : cells) {
    const std::string text = CellText(cell);
    if (text.empty() || text == kErrorsHeader) continue;
    const std::string where = Quoted(text) + " (столбец " + ColumnLetter(cell.column) + ")";
    auto found = std::find_if(columns.begin(), columns.end(),
                              [&](const Column& c) { return text == c.header; });
    if (found == columns.end()) {
      unknown.push_back(where);
      continue;
    }
    const size_t index = static_cast<size_t>(found - columns.begin());
    if (sheet_column_[index] >= 0) {
      repeated.push_back(where);
      continue;
    }
    sheet_column_[index] = static_cast<int>(cell.column);
    by_sheet_column_[cell.column] = index;
  }
  auto has = [&](Section section, const char* key) {
    return sheet_column_[static_cast<size_t>(FindColumn(section, key) - columns.data())] >= 0;
  };
  auto any = [&](Section section) {
    for (size_t i = 0; i < columns.size(); ++i)
      if (columns[i].section == section && sheet_column_[i] >= 0) return true;
    return false;
  };
  std::vector<std::string> missing;
  if (!has(Section::kPremise, "object_id") && !has(Section::kPremise, "object_external_id") &&
      !has(Section::kPremise, "object_name"))
    missing.push_back("«ID объекта», «Внешний ID объекта» или «Объект»");
  if (!has(Section::kPremise, "type")) missing.push_back("«Тип помещения»");
  if (!has(Section::kPremise, "number")) missing.push_back("«Номер помещения»");
  if (any(Section::kClient) && !has(Section::kClient, "external_id"))
    missing.push_back("«Внешний ID клиента»");
  if (any(Section::kAccount)) {
    if (!has(Section::kAccount, "legal_entity_inn")) missing.push_back("«ИНН юрлица ЛС»");
    if (!has(Section::kAccount, "number")) missing.push_back("«Номер ЛС»");
  }
  if (missing.empty() && unknown.empty() && repeated.empty()) {
    header_row_ = row;
    return;
  }
  auto join = [](const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
  };
  std::string message = "Строка заголовков " + std::to_string(row) + ": ";
  std::vector<std::string> parts;
  if (!missing.empty()) parts.push_back("нет обязательных столбцов " + join(missing));
  if (!unknown.empty())
    parts.push_back("неизвестные столбцы " + join(unknown) +
                    " (названия столбцов — как в шаблоне, см. инструкцию)");
  if (!repeated.empty()) parts.push_back("повторяются столбцы " + join(repeated));
  message += join(parts);
  Refuse(message, {{"missing_columns", missing},
                   {"unknown_columns", unknown},
                   {"repeated_columns", repeated},
                   {"errors", json::array({{{"row", row},
                                            {"column", nullptr},
                                            {"column_name", nullptr},
                                            {"message", message}}})}});
}

void SheetConverter::Data(uint32_t row, const std::vector<Cell>& cells) {
  const auto& columns = Columns();
  ++data_rows_;
  // The row's values by Columns() index.
  std::vector<const Cell*> value(columns.size(), nullptr);
  std::vector<std::string> text(columns.size());
  bool any_cell = false;
  for (const Cell& cell : cells) {
    auto found = by_sheet_column_.find(cell.column);
    if (found == by_sheet_column_.end()) continue;
    std::string t = CellText(cell);
    if (t.empty()) continue;
    value[found->second] = &cell;
    text[found->second] = std::move(t);
    any_cell = true;
  }
  if (!any_cell) {  // a row with nothing but unknown or error-column cells
    --data_rows_;
    return;
  }
  auto index_of = [&](Section section, const char* key) {
    return static_cast<size_t>(FindColumn(section, key) - columns.data());
  };
  auto column_of = [&](size_t i) { return sheet_column_[i]; };
  bool ok = true;
  // A cell's JSON value, by the column's kind; an unreadable number is an error of the cell.
  auto read = [&](size_t i) -> json {
    const Column& column = columns[i];
    const std::string& t = text[i];
    switch (column.kind) {
      case Kind::kText:
        return t;
      case Kind::kInteger: {
        auto number = value[i]->type == Cell::Type::kNumber ? std::optional(value[i]->number)
                                                            : ParseNumber(t);
        if (!number || *number != std::floor(*number) || std::fabs(*number) > 1e15) {
          AddError(
              row, column_of(i),
              "В столбце " + Quoted(column.header) + " должно быть целое число, а не " + Quoted(t));
          ok = false;
          return nullptr;
        }
        return static_cast<long long>(*number);
      }
      case Kind::kArea: {
        auto number = value[i]->type == Cell::Type::kNumber ? std::optional(value[i]->number)
                                                            : ParseNumber(t);
        // A cell of inf, nan or 1e999 would become JSON null: the area silently cleared.
        if (!number || !std::isfinite(*number)) {
          AddError(row, column_of(i),
                   "В столбце " + Quoted(column.header) + " должно быть число, а не " + Quoted(t));
          ok = false;
          return nullptr;
        }
        // 54.3 may arrive as 54.29999999999: two decimals are what an area has.
        double rounded = std::round(*number * 100) / 100;
        return std::fabs(rounded - *number) < 1e-7 ? rounded : *number;
      }
      case Kind::kBool: {
        auto flag = value[i]->type == Cell::Type::kBool ? std::optional(value[i]->number != 0)
                                                        : ParseBool(t);
        if (!flag) {
          AddError(row, column_of(i),
                   "В столбце " + Quoted(column.header) + " должно быть «да» или «нет», а не " +
                       Quoted(t));
          ok = false;
          return nullptr;
        }
        return *flag;
      }
      case Kind::kPremiseType:
      case Kind::kClientType:
      case Kind::kRole:
        // An unknown name goes to the engine as typed: it names the field.
        return ChoiceCode(column.kind, t).value_or(t);
    }
    return t;
  };

  // -- the premise part
  json premise = json::object();
  bool premise_cells = false;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].section != Section::kPremise || sheet_column_[i] < 0) continue;
    if (!value[i]) {
      // An empty area or rooms cell clears the value; empty identity cells say nothing.
      const Kind kind = columns[i].kind;
      if (kind == Kind::kArea || kind == Kind::kInteger) {
        if (std::string_view(columns[i].key) != "object_id") premise[columns[i].key] = nullptr;
      }
      continue;
    }
    premise_cells = true;
    premise[columns[i].key] = read(i);
  }
  static const char* const kIdentity[] = {"object_id", "object_external_id", "object_name", "type",
                                          "number",    "external_id"};
  std::vector<std::string> identity_texts;
  bool identity = false;
  for (const char* key : kIdentity) {
    identity_texts.push_back(text[index_of(Section::kPremise, key)]);
    identity |= !identity_texts.back().empty();
  }
  // A row continues the premise above it when the identity cells it fills say the same as
  // the premise's first row (so a second owner's row may repeat them or leave them empty); a
  // premise external id the first row did not have starts another premise.
  bool same = true;
  for (size_t k = 0; premise_ && k < identity_texts.size(); ++k)
    if (!identity_texts[k].empty() && identity_texts[k] != premise_identity_[k]) same = false;
  const bool continues = premise_ && (!identity || same);
  if (!continues) {
    EndRecord();
    if (!identity) {
      AddError(row, -1,
               "Строка не относится ни к одному помещению: заполните столбцы помещения (объект, "
               "тип и номер или внешний ID помещения)");
      return;
    }
    // The object by its name, when no id is given.
    if (premise.contains("object_name")) {
      const std::string name = premise["object_name"];
      premise.erase("object_name");
      if (!premise.contains("object_id") && !premise.contains("object_external_id")) {
        auto found = objects_.find(name);
        const int column = column_of(index_of(Section::kPremise, "object_name"));
        if (found == objects_.end()) {
          AddError(row, column, "Объект " + Quoted(name) + " не найден");
          ok = false;
        } else if (found->second.size() > 1) {
          AddError(row, column,
                   "Объектов с названием " + Quoted(name) + " несколько: укажите «ID объекта»");
          ok = false;
        } else {
          premise["object_id"] = found->second.front();
          current_.object_by_name = true;
        }
      }
    }
    premise_ = std::move(premise);
    premise_identity_ = std::move(identity_texts);
    current_.first_row = row;
  } else if (premise_cells) {
    // A repeated premise part must say the same as the premise's first row.
    for (auto& [key, v] : premise.items()) {
      if (key == "object_name" || v.is_null() || !premise_->contains(key)) continue;
      if ((*premise_)[key] != v) {
        const Column* column = FindColumn(Section::kPremise, key);
        AddError(row, column_of(static_cast<size_t>(column - columns.data())),
                 "Значение отличается от строки " + std::to_string(current_.first_row) +
                     " того же помещения");
        ok = false;
      }
    }
  }
  current_.last_row = row;

  // -- the client and the account of the row
  for (Section section : {Section::kClient, Section::kAccount}) {
    bool given = false;
    for (size_t i = 0; i < columns.size(); ++i)
      if (columns[i].section == section && value[i]) given = true;
    if (!given) continue;
    // A client row with nothing but the client's external id (and its link: role, share,
    // owner) refers to a client without changing it — the same owner of a second premise
    // need not be written out again; any other client cell makes the row the client's data.
    auto link_only = [](std::string_view key) {
      return key == "external_id" || key == "role" || key == "share" || key == "owner_external_id";
    };
    bool data = section == Section::kAccount;
    for (size_t i = 0; i < columns.size(); ++i)
      if (columns[i].section == section && value[i] && !link_only(columns[i].key)) data = true;
    json item = json::object();
    for (size_t i = 0; i < columns.size(); ++i) {
      const Column& column = columns[i];
      if (column.section != section || sheet_column_[i] < 0) continue;
      const std::string_view key = column.key;
      if (value[i]) {
        item[column.key] = read(i);
        continue;
      }
      if (!data) continue;
      // Empty: these say nothing (the default, or «leave as it is»); the rest clear.
      if (key == "type" || key == "role" || key == "share" || key == "owner_external_id" ||
          key == "phone" || key == "hidden_from_resident")
        continue;
      item[column.key] = nullptr;
    }
    if (section == Section::kClient) {
      clients_.push_back(std::move(item));
      current_.client_rows.push_back(row);
    } else {
      accounts_.push_back(std::move(item));
      current_.account_rows.push_back(row);
    }
  }
  (void)ok;
}

void SheetConverter::EndRecord() {
  if (!premise_) return;
  json record = {{"premise", std::move(*premise_)}};
  if (!clients_.empty()) record["clients"] = std::move(clients_);
  if (!accounts_.empty()) record["accounts"] = std::move(accounts_);
  offsets_.push_back(text_.size());
  text_ += record.dump(-1, ' ', false, json::error_handler_t::replace);
  // The records are kept until the sheet is read: bounded, whatever the cells repeat (a
  // legitimate 200,000-premise file makes ~100 MB).
  if (text_.size() > kMaxRecordsText)
    Refuse("Данных в файле слишком много (больше " + std::to_string(kMaxRecordsText >> 20) +
           " МБ после разбора): разделите его на несколько файлов");
  rows_.push_back(std::move(current_));
  premise_.reset();
  clients_ = json::array();
  accounts_ = json::array();
  current_ = RecordRows{};
}

void SheetConverter::Finish() {
  if (!header_row_)
    Refuse("Лист пустой: в первой строке должны быть заголовки столбцов, как в шаблоне");
  EndRecord();
  if (data_rows_ == 0) Refuse("В файле нет строк с данными: заполните строки под заголовками");
  if (offsets_.size() > 200'000)
    Refuse("В файле больше 200 000 помещений: разделите его на несколько файлов");
}

json SheetConverter::Record(size_t index) const {
  const size_t begin = offsets_[index];
  const size_t end = index + 1 < offsets_.size() ? offsets_[index + 1] : text_.size();
  return json::parse(std::string_view(text_).substr(begin, end - begin));
}

CellError SheetConverter::Locate(size_t index, const std::string& field) const {
  if (index >= rows_.size()) return {};
  const RecordRows& rows = rows_[index];
  const FieldPath path = SplitField(field);
  CellError where{rows.first_row, -1, ""};
  auto column = [&](Section section, std::string key) {
    if (section == Section::kPremise && key == "object_id" && rows.object_by_name)
      key = "object_name";
    if (const Column* c = FindColumn(section, key))
      return sheet_column_[static_cast<size_t>(c - Columns().data())];
    return -1;
  };
  if (path.list == "premise") {
    where.column = column(Section::kPremise, path.key);
  } else if (path.list == "clients" && field.find('[') != std::string::npos) {
    if (path.item < rows.client_rows.size()) where.row = rows.client_rows[path.item];
    where.column = column(Section::kClient, path.key);
  } else if (path.list == "accounts" && field.find('[') != std::string::npos) {
    if (path.item < rows.account_rows.size()) where.row = rows.account_rows[path.item];
    where.column = column(Section::kAccount, path.key);
  }
  return where;
}

json ErrorJson(const CellError& error, const SheetConverter& sheet) {
  std::string name;
  if (error.column >= 0)
    for (size_t i = 0; i < Columns().size(); ++i)
      if (sheet.SheetColumn(i) == error.column) name = Columns()[i].header;
  return {{"row", error.row},
          {"column", error.column >= 0 ? json(ColumnLetter(static_cast<size_t>(error.column)))
                                       : json(nullptr)},
          {"column_name", name.empty() ? json(nullptr) : json(name)},
          {"message", error.message}};
}

// ---- the error file -----------------------------------------------------------------------

void WriteErrorFile(std::string_view upload, const std::vector<CellError>& errors,
                    uint32_t header_row, const std::string& path) {
  std::map<uint32_t, std::vector<const CellError*>> by_row;
  for (const CellError& error : errors) by_row[error.row].push_back(&error);
  // The error column: the uploaded file's own «Ошибки» column (a corrected error file sent
  // again), else the first free one right of the header.
  int error_column = -1;
  uint32_t last_column = 0;
  ReadFirstSheet(upload, [&](uint32_t row, const std::vector<Cell>& cells) {
    if (row != header_row) return;
    for (const Cell& cell : cells) {
      last_column = std::max(last_column, cell.column);
      if (cell.type == Cell::Type::kText && Trim(cell.text) == kErrorsHeader)
        error_column = static_cast<int>(cell.column);
    }
  });
  if (error_column < 0) error_column = static_cast<int>(last_column) + 1;

  XlsxWorkbook book(path);
  lxw_workbook* workbook = book.get();
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "Данные");
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  lxw_format* red_header = workbook_add_format(workbook);
  format_set_bold(red_header);
  format_set_font_color(red_header, LXW_COLOR_RED);
  lxw_format* bad = workbook_add_format(workbook);
  format_set_bg_color(bad, 0xFFC7CE);
  lxw_format* message = workbook_add_format(workbook);
  format_set_font_color(message, 0x9C0006);
  worksheet_set_column(sheet, static_cast<lxw_col_t>(error_column),
                       static_cast<lxw_col_t>(error_column), 60, nullptr);
  auto pending = by_row.begin();
  // Errors of a row with no cells (none expected) still get their line.
  auto write_errors = [&](uint32_t row, const std::vector<const CellError*>& list) {
    std::string text;
    for (const CellError* e : list) {
      if (!text.empty()) text += "\n";
      if (e->column >= 0) text += ColumnLetter(static_cast<size_t>(e->column)) + ": ";
      text += e->message;
    }
    worksheet_write_string(sheet, row - 1, static_cast<lxw_col_t>(error_column), text.c_str(),
                           message);
  };
  ReadFirstSheet(upload, [&](uint32_t row, const std::vector<Cell>& cells) {
    while (pending != by_row.end() && pending->first < row) {
      write_errors(pending->first, pending->second);
      ++pending;
    }
    const std::vector<const CellError*>* row_errors =
        pending != by_row.end() && pending->first == row ? &pending->second : nullptr;
    for (const Cell& cell : cells) {
      if (static_cast<int>(cell.column) == error_column) continue;
      lxw_format* format = row == header_row ? bold : nullptr;
      if (row_errors)
        for (const CellError* e : *row_errors)
          if (e->column == static_cast<int>(cell.column)) format = bad;
      const lxw_row_t r = row - 1;
      const lxw_col_t c = static_cast<lxw_col_t>(cell.column);
      if (cell.type == Cell::Type::kNumber)
        worksheet_write_number(sheet, r, c, cell.number, format);
      else if (cell.type == Cell::Type::kBool)
        worksheet_write_boolean(sheet, r, c, cell.number != 0, format);
      else
        worksheet_write_string(sheet, r, c, cell.text.c_str(), format);
    }
    if (row == header_row)
      worksheet_write_string(sheet, row - 1, static_cast<lxw_col_t>(error_column), kErrorsHeader,
                             red_header);
    if (row_errors) {
      write_errors(row, *row_errors);
      ++pending;
    }
  });
  for (; pending != by_row.end(); ++pending) write_errors(pending->first, pending->second);
  worksheet_freeze_panes(sheet, static_cast<lxw_row_t>(header_row), 0);
  book.Close();
}

// ---- the import ---------------------------------------------------------------------------

ExcelImporter::ExcelImporter(db::Database& database, OperationLog& log, ImportEngine& engine,
                             std::string error_dir)
    : database_(database), log_(log), engine_(engine), error_dir_(std::move(error_dir)) {
  if (error_dir_.empty())
    error_dir_ = (std::filesystem::temp_directory_path() / "upravdom-excel-errors").string();
}

std::optional<std::string> ExcelImporter::ErrorFile(long long organization_id,
                                                    long long operation_id) {
  return log_.File(organization_id, operation_id);
}

std::string ExcelImporter::KeepErrorFile(long long organization_id, long long operation_id,
                                         std::string_view upload,
                                         const std::vector<CellError>& errors,
                                         uint32_t header_row) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(error_dir_, ec);
  // The files hold whole uploaded sheets (ИНН, СНИЛС, phones): a directory only this server's
  // user can enter — a directory someone else made (or a link) in a shared temp dir is refused.
  struct stat dir {};
  if (::lstat(error_dir_.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode) ||
      dir.st_uid != ::geteuid()) {
    spdlog::warn("excel import {}: {} is not a directory of this user; no error file", operation_id,
                 error_dir_);
    return "";
  }
  fs::permissions(error_dir_, fs::perms::owner_all, fs::perm_options::replace, ec);
  // A file is here only while it is written; older ones are leftovers of a crash, or error
  // files an earlier version kept here for a day (whole sheets of personal data).
  RemoveStaleTempFiles(error_dir_, "", std::chrono::hours(1));
  const std::string path = error_dir_ + "/" + std::to_string(organization_id) + "-" +
                           std::to_string(operation_id) + ".xlsx.part";
  try {
    WriteErrorFile(upload, errors, header_row, path);
    std::ifstream written(path, std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(written)),
                              std::istreambuf_iterator<char>());
    if (!written.good() && !written.eof()) throw std::runtime_error("cannot read " + path);
    fs::remove(path, ec);
    log_.KeepFile(organization_id, operation_id, content);
  } catch (const std::exception& error) {
    // The import's answer has every error; the file is a convenience.
    spdlog::warn("excel import {}: error file not kept: {}", operation_id, error.what());
    fs::remove(path, ec);
    return "";
  }
  return "/api/v1/exchange/operations/" + std::to_string(operation_id) + "/excel-errors.xlsx";
}

std::string ExcelImporter::Import(const Actor& actor, const std::string& space,
                                  std::string_view file, bool dry_run) {
  const long long organization_id = actor.organization_id;
  const auto started = std::chrono::steady_clock::now();
  // A file that cannot be imported is an operation of the log too: the log shows every try.
  auto log_failure = [&](const std::string& message, json errors) {
    json logged = json::array();
    for (const json& e : errors) {
      if (logged.size() >= 1000) break;
      logged.push_back(
          {{"index", nullptr},
           {"field", e.value("column_name", json(nullptr)).is_null()
                         ? ""
                         : e["column_name"].get<std::string>()},
           {"message",
            "Строка " + std::to_string(e.value("row", 0)) +
                (e["column"].is_null() ? "" : ", столбец " + e["column"].get<std::string>()) +
                ": " + e["message"].get<std::string>()},
           {"row", e["row"]},
           {"column", e["column"]}});
    }
    if (logged.empty()) logged.push_back({{"index", nullptr}, {"field", ""}, {"message", message}});
    return log_.Refused(organization_id, dry_run, "excel", actor.name,
                        "Файл Excel не загружен: " + message, logged,
                        std::max<size_t>(1, errors.size()));
  };

  ObjectNames objects;
  {
    db::Session sql(database_);
    objects = ExcelRepository(sql.get(), database_.dialect()).ObjectNames(organization_id);
  }
  SheetConverter sheet(objects);
  try {
    CheckXlsxContainer(file);
    ReadFirstSheet(file,
                   [&](uint32_t row, const std::vector<Cell>& cells) { sheet.Row(row, cells); });
    sheet.Finish();
  } catch (const ApiError& error) {
    json details = error.details().is_object() ? error.details() : json::object();
    json errors = details.value("errors", json::array());
    details["operation_id"] = log_failure(error.message(), errors);
    details["errors"] = errors;
    throw ApiError(error.code(), error.message(), error.fields(), details);
  }
  const double read_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // Cells that are not what their column holds: nothing is imported (the whole file is checked
  // first, so the staff member fixes every cell at once).
  if (!sheet.errors().empty()) {
    json errors = json::array();
    for (const CellError& e : sheet.errors()) errors.push_back(ErrorJson(e, sheet));
    const std::string first = errors[0]["message"].get<std::string>();
    std::string message =
        "Ошибок в ячейках: " + std::to_string(sheet.error_count()) +
        ", ничего не загружено. Первая: строка " + std::to_string(sheet.errors()[0].row) +
        (errors[0]["column"].is_null() ? ""
                                       : ", столбец " + errors[0]["column"].get<std::string>()) +
        ": " + first;
    const long long id = log_failure(message, errors);
    std::string url = KeepErrorFile(organization_id, id, file, sheet.errors(), sheet.header_row());
    json details = {{"operation_id", id},
                    {"error_count", sheet.error_count()},
                    {"errors", errors},
                    {"error_file", url.empty() ? json(nullptr) : json(url)}};
    throw ApiError(ErrorCode::kValidationFailed, message, {{"file", message}}, details);
  }

  ImportSettings settings{space, "excel", dry_run, sheet.RecordCount()};
  ImportAnswer answer = engine_.Run(actor, settings, [&](const auto& visit) {
    for (size_t i = 0; i < sheet.RecordCount(); ++i) {
      json record = sheet.Record(i);
      if (!visit(i, record)) break;
    }
  });
  const double total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // The engine's errors and warnings with their place in the sheet.
  json errors = json::parse(answer.errors);
  std::vector<CellError> located;
  for (json& e : errors) {
    if (e["index"].is_null()) continue;
    CellError where = sheet.Locate(e["index"].get<size_t>(), e["field"].get<std::string>());
    where.message = e["message"].get<std::string>();
    json place = ErrorJson(where, sheet);
    e["row"] = place["row"];
    e["column"] = place["column"];
    e["column_name"] = place["column_name"];
    if (located.size() < kKeptErrors) located.push_back(std::move(where));
  }
  for (json& w : answer.summary["warnings"]) {
    CellError where = sheet.Locate(w["index"].get<size_t>(), w.value("field", ""));
    w["row"] = where.row;
    w["column"] =
        where.column >= 0 ? json(ColumnLetter(static_cast<size_t>(where.column))) : json(nullptr);
  }
  const long long operation_id = answer.summary["operation_id"].get<long long>();
  std::string url;
  if (!located.empty())
    url = KeepErrorFile(organization_id, operation_id, file, located, sheet.header_row());
  answer.summary["rows"] =
      sheet.RecordCount() ? sheet.Rows(sheet.RecordCount() - 1).last_row - sheet.header_row() : 0;
  answer.summary["error_file"] = url.empty() ? json(nullptr) : json(url);
  answer.summary["timing"] = {{"read_seconds", read_seconds},
                              {"engine_seconds", total_seconds - read_seconds}};
  return AnswerBody(std::move(answer.results),
                    errors.dump(-1, ' ', false, json::error_handler_t::replace), answer.summary);
}

}  // namespace upravdom::exchange::excel
