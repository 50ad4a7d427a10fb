#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <limits>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/xlsx_workbook.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
#include "db/test_database.hpp"
#include "domains/exchange/excel_columns.hpp"
#include "domains/exchange/excel_export.hpp"
#include "domains/exchange/excel_handlers.hpp"
#include "domains/exchange/excel_import.hpp"
#include "domains/exchange/excel_reader.hpp"

namespace upravdom::exchange::excel {
namespace {

Cell Text(uint32_t column, std::string text) {
  return {column, Cell::Type::kText, text, 0};
}
Cell Number(uint32_t column, double value) {
  return {column, Cell::Type::kNumber, "", value};
}

std::vector<Cell> Header() {
  std::vector<Cell> cells;
  for (size_t i = 0; i < Columns().size(); ++i)
    cells.push_back(Text(static_cast<uint32_t>(i), Columns()[i].header));
  return cells;
}

uint32_t Col(Section section, const char* key) {
  return static_cast<uint32_t>(FindColumn(section, key) - Columns().data());
}

TEST(ExcelColumns, LettersAndChoices) {
  EXPECT_EQ(ColumnLetter(0), "A");
  EXPECT_EQ(ColumnLetter(25), "Z");
  EXPECT_EQ(ColumnLetter(26), "AA");
  EXPECT_EQ(ColumnLetter(27), "AB");
  EXPECT_EQ(ChoiceCode(Kind::kPremiseType, "квартира"), "flat");
  EXPECT_EQ(ChoiceCode(Kind::kPremiseType, "flat"), "flat");
  EXPECT_EQ(ChoiceCode(Kind::kRole, "СОБСТВЕННИК"), "owner");
  EXPECT_EQ(ChoiceCode(Kind::kRole, "Проживающий"), "resident");
  EXPECT_EQ(ChoiceCode(Kind::kClientType, "ИП"), "sole_proprietor");
  EXPECT_FALSE(ChoiceCode(Kind::kRole, "Садовник"));
  EXPECT_EQ(ChoiceName(Kind::kRole, "tenant"), "Арендатор");
}

TEST(ExcelSheet, ConsecutiveRowsOfOnePremiseFormOneRecord) {
  ObjectNames objects = {{"Дом 1", {7}}};
  SheetConverter sheet(objects);
  sheet.Row(1, Header());
  using S = Section;
  sheet.Row(
      2,
      {Text(Col(S::kPremise, "object_name"), "Дом 1"), Text(Col(S::kPremise, "type"), "Квартира"),
       Number(Col(S::kPremise, "number"), 15), Text(Col(S::kPremise, "total_area"), "54,3"),
       Text(Col(S::kClient, "external_id"), "C-1"), Text(Col(S::kClient, "last_name"), "Иванов"),
       Number(Col(S::kClient, "phone"), 89123456789.0),
       Text(Col(S::kAccount, "legal_entity_inn"), "7707083893"),
       Number(Col(S::kAccount, "number"), 5501)});
  // Another owner: the premise's cells left empty.
  sheet.Row(3, {Text(Col(S::kClient, "external_id"), "C-2"),
                Text(Col(S::kClient, "first_name"), "Мария")});
  // The same owner listed for a second premise by its id only.
  sheet.Row(
      4, {Text(Col(S::kPremise, "object_name"), "Дом 1"), Text(Col(S::kPremise, "type"), "parking"),
          Text(Col(S::kPremise, "number"), "7"), Text(Col(S::kClient, "external_id"), "C-1")});
  sheet.Finish();
  ASSERT_TRUE(sheet.errors().empty()) << sheet.errors()[0].message;
  ASSERT_EQ(sheet.RecordCount(), 2u);
  auto first = sheet.Record(0);
  EXPECT_EQ(first["premise"]["object_id"], 7);
  EXPECT_EQ(first["premise"]["type"], "flat");
  EXPECT_EQ(first["premise"]["number"], "15");
  EXPECT_DOUBLE_EQ(first["premise"]["total_area"].get<double>(), 54.3);
  EXPECT_TRUE(first["premise"]["living_area"].is_null());  // an empty cell clears
  ASSERT_EQ(first["clients"].size(), 2u);
  EXPECT_EQ(first["clients"][0]["phone"], "89123456789");
  EXPECT_TRUE(first["clients"][1]["last_name"].is_null());
  EXPECT_FALSE(first["clients"][1].contains("phone"));  // an empty phone is left as it is
  ASSERT_EQ(first["accounts"].size(), 1u);
  EXPECT_EQ(first["accounts"][0]["number"], "5501");
  auto second = sheet.Record(1);
  EXPECT_EQ(second["clients"][0], (nlohmann::json{{"external_id", "C-1"}}));
  EXPECT_FALSE(second.contains("accounts"));
  // Engine errors map back to the sheet.
  CellError where = sheet.Locate(0, "clients[1].first_name");
  EXPECT_EQ(where.row, 3u);
  EXPECT_EQ(where.column, static_cast<int>(Col(S::kClient, "first_name")));
  where = sheet.Locate(0, "premise.object_id");  // found by name: the name's column
  EXPECT_EQ(where.row, 2u);
  EXPECT_EQ(where.column, static_cast<int>(Col(S::kPremise, "object_name")));
  where = sheet.Locate(1, "");
  EXPECT_EQ(where.row, 4u);
  EXPECT_EQ(where.column, -1);
}

TEST(ExcelSheet, TextInNumberColumnsAndUnknownObjectsAreCellErrors) {
  ObjectNames objects = {{"Дом", {1, 2}}};
  SheetConverter sheet(objects);
  sheet.Row(1, Header());
  using S = Section;
  sheet.Row(
      2, {Text(Col(S::kPremise, "object_name"), "Дом"), Text(Col(S::kPremise, "type"), "Квартира"),
          Text(Col(S::kPremise, "number"), "1"), Text(Col(S::kPremise, "rooms"), "два")});
  sheet.Finish();
  ASSERT_EQ(sheet.errors().size(), 2u);
  EXPECT_EQ(sheet.errors()[0].column, static_cast<int>(Col(S::kPremise, "rooms")));
  EXPECT_NE(sheet.errors()[0].message.find("целое число"), std::string::npos);
  EXPECT_NE(sheet.errors()[1].message.find("несколько"), std::string::npos);
}

TEST(ExcelSheet, AnAreaThatIsNoFiniteNumberIsACellError) {
  // A number cell of 1e999 reads as infinity; JSON has no such number, and null would clear
  // the premise's area without a word.
  ObjectNames objects = {{"Дом", {1}}};
  SheetConverter sheet(objects);
  sheet.Row(1, Header());
  using S = Section;
  sheet.Row(2, {Text(Col(S::kPremise, "object_name"), "Дом"),
                Text(Col(S::kPremise, "type"), "Квартира"), Text(Col(S::kPremise, "number"), "1"),
                Number(Col(S::kPremise, "total_area"), std::numeric_limits<double>::infinity())});
  sheet.Row(
      3, {Text(Col(S::kPremise, "object_name"), "Дом"), Text(Col(S::kPremise, "type"), "Квартира"),
          Text(Col(S::kPremise, "number"), "2"), Text(Col(S::kPremise, "total_area"), "nan")});
  sheet.Finish();
  ASSERT_EQ(sheet.errors().size(), 2u);
  for (const auto& error : sheet.errors()) {
    EXPECT_EQ(error.column, static_cast<int>(Col(S::kPremise, "total_area")));
    EXPECT_NE(error.message.find("должно быть число"), std::string::npos) << error.message;
  }
}

TEST(ExcelSheet, HeaderProblemsAreNamed) {
  ObjectNames objects;
  SheetConverter sheet(objects);
  try {
    sheet.Row(1, {Text(0, "Объект"), Text(1, "Номер помещения"), Text(2, "Площадь")});
    FAIL() << "no error";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), ErrorCode::kValidationFailed);
    EXPECT_NE(error.message().find("«Тип помещения»"), std::string::npos);
    EXPECT_NE(error.message().find("«Площадь» (столбец C)"), std::string::npos);
  }
  SheetConverter empty(objects);
  EXPECT_THROW(empty.Finish(), ApiError);
}

TEST(ExcelFile, NotAZipIsRefused) {
  EXPECT_THROW(CheckXlsxContainer(""), ApiError);
  EXPECT_THROW(CheckXlsxContainer("name;phone\n"), ApiError);
  EXPECT_THROW(CheckXlsxContainer(std::string("PK\x03\x04", 4) + std::string(200, '\0')), ApiError);
}

// A workbook as Excel saves it: libxlsxwriter in its normal mode writes every text into
// xl/sharedStrings.xml (one entry per distinct text) and the cells refer to it by index.
// Row r (from 0) holds texts[r] in column A and the number r in column B.
std::string SharedStringsWorkbook(const std::vector<std::string>& texts) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("upravdom-excel-test-" + std::to_string(::getpid()) + ".xlsx");
  {
    XlsxWorkbook book(path.string(), /*constant_memory=*/false);
    lxw_worksheet* sheet = workbook_add_worksheet(book.get(), "Данные");
    for (size_t r = 0; r < texts.size(); ++r) {
      worksheet_write_string(sheet, static_cast<lxw_row_t>(r), 0, texts[r].c_str(), nullptr);
      worksheet_write_number(sheet, static_cast<lxw_row_t>(r), 1, static_cast<double>(r), nullptr);
    }
    book.Close();
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  std::filesystem::remove(path);
  return content.str();
}

std::vector<std::string> FirstColumn(const std::string& file, const ReadLimits& limits = {}) {
  CheckXlsxContainer(file, limits);
  std::vector<std::string> texts;
  ReadFirstSheet(
      file,
      [&](uint32_t row, const std::vector<Cell>& cells) {
        EXPECT_EQ(row, texts.size() + 1);
        EXPECT_EQ(cells.at(0).type, Cell::Type::kText);
        texts.push_back(cells.at(0).text);
      },
      limits);
  return texts;
}

std::string RefusedMessage(const std::string& file, const ReadLimits& limits) {
  try {
    FirstColumn(file, limits);
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), ErrorCode::kValidationFailed);
    EXPECT_EQ(error.fields().count("file"), 1u);
    return error.message();
  }
  ADD_FAILURE() << "the file was read";
  return "";
}

TEST(ExcelFile, SharedStringsAreRead) {
  std::vector<std::string> texts = {
      "Иванов", "", "Квартира", "Иванов", "ООО «Ромашка» & Ко", std::string(300, 'x'), "Квартира"};
  for (int i = 0; i < 1000; ++i) texts.push_back("XC-" + std::to_string(i));
  const std::string file = SharedStringsWorkbook(texts);
  ASSERT_NE(file.find("xl/sharedStrings.xml"), std::string::npos);
  std::vector<std::string> expected = texts;
  expected.erase(expected.begin() + 1);  // an empty text is no cell
  std::vector<std::string> read;
  CheckXlsxContainer(file);
  ReadFirstSheet(file, [&](uint32_t row, const std::vector<Cell>& cells) {
    ASSERT_EQ(cells.size(), row == 2 ? 1u : 2u) << row;
    EXPECT_EQ(cells.back().number, row - 1);
    if (row != 2) read.push_back(cells[0].text);
  });
  EXPECT_EQ(read, expected);
}

TEST(ExcelFile, SharedStringsOverACapAreRefused) {
  std::vector<std::string> texts;
  for (int i = 0; i < 101; ++i) texts.push_back("Строка " + std::to_string(i));
  const std::string file = SharedStringsWorkbook(texts);
  EXPECT_EQ(FirstColumn(file).size(), 101u) << "the default limits take it";

  // The part's inflated size: refused before it is inflated.
  ReadLimits limits;
  limits.max_shared_strings_bytes = 2048;
  std::string message = RefusedMessage(file, limits);
  EXPECT_NE(message.find("общие строки (часть «xl/sharedStrings.xml») после распаковки больше"),
            std::string::npos)
      << message;

  // The number of entries: 101 distinct texts, 100 allowed.
  limits = {};
  limits.max_shared_strings = 100;
  message = RefusedMessage(file, limits);
  EXPECT_NE(message.find("больше 100 текстовых значений (общих строк)"), std::string::npos)
      << message;
  limits.max_shared_strings = 101;
  EXPECT_EQ(FirstColumn(file, limits).size(), 101u);

  // The bytes of text kept: 101 texts of 13 to 16 bytes.
  limits = {};
  limits.max_shared_text_bytes = 1000;
  message = RefusedMessage(file, limits);
  EXPECT_NE(message.find("Текст ячеек файла Excel (общие строки) занимает больше"),
            std::string::npos)
      << message;
  limits.max_shared_text_bytes = 2000;
  EXPECT_EQ(FirstColumn(file, limits).size(), 101u);
}

TEST(ExcelFile, ACellOverExcelsLengthIsRefused) {
  // One shared string referenced by a cell: its copy into the cell is what is bounded.
  const std::string file = SharedStringsWorkbook({"Иванов", std::string(300, 'x')});
  ReadLimits limits;
  limits.max_cell_bytes = 300;
  EXPECT_EQ(FirstColumn(file, limits).size(), 2u) << "300 bytes: at the cap";
  limits.max_cell_bytes = 299;
  const std::string message = RefusedMessage(file, limits);
  EXPECT_NE(message.find("Строка 2: в ячейке больше 32 767 символов"), std::string::npos)
      << message;
}

TEST(Multipart, PartsAreFound) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\ntrue\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\nPK\r\n\x01\x02\r\n--XyZ--\r\n";
  auto parts = ParseMultipart("multipart/form-data; boundary=XyZ", body);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts["dry_run"].data, "true");
  EXPECT_EQ(parts["file"].filename, "a.xlsx");
  EXPECT_EQ(parts["file"].data, std::string_view("PK\r\n\x01\x02", 6));
  EXPECT_THROW(ParseMultipart("application/json", body), ApiError);
  EXPECT_THROW(ParseMultipart("multipart/form-data; boundary=\"XyZ\"", "--XyZ\r\nbroken"),
               ApiError);
}

// A sheet holds at most 1,048,576 rows; libxlsxwriter drops the rows past it without a word.
// Here the sheet's limit is 4: the header, two premises and a last row saying why.
TEST(ExcelExport, ARegisterOverTheSheetsRowsEndsWithARowSayingSo) {
  db::TestDatabaseFile file;
  db::Database database(file.url(), 1);
  db::ApplyMigrations(database);
  {
    db::Session sql(database);
    db::ExecScript(
        sql.get(), db::Dialect::kSqlite,
        "INSERT INTO organizations (id, name, created_at, updated_at) VALUES (1, 'УК', 'x', 'x');"
        "INSERT INTO objects (id, organization_id, name, street, house, search_key, created_at, "
        "updated_at) VALUES (1, 1, 'Дом', 'Ленина', '1', 'дом', 'x', 'x');"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) "
        "INSERT INTO premises (organization_id, object_id, type, number, street_key, house_key, "
        "number_key, address_sort, created_at, updated_at) SELECT 1, 1, 'flat', i, 'ленина', "
        "'1', i, printf('%05d', i), 'x', 'x' FROM n;");
  }
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("upravdom-export-test-" + std::to_string(::getpid()) + ".xlsx");
  WriteExport(database, 1, "operations", path.string(), /*max_rows=*/4);
  std::ifstream in(path, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  std::vector<std::pair<uint32_t, std::string>> rows;
  ReadFirstSheet(content, [&](uint32_t row, const std::vector<Cell>& cells) {
    rows.emplace_back(row, cells.empty() ? "" : cells[0].text);
  });
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows.back().first, 4u);
  EXPECT_NE(rows.back().second.find("Выгрузка обрезана: на листе Excel не больше 4 строк"),
            std::string::npos)
      << rows.back().second;
}

}  // namespace
}  // namespace upravdom::exchange::excel
