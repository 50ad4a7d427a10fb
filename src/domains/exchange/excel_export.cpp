#include "domains/exchange/excel_export.hpp"

#include <xlsxwriter.h>

#include <map>
#include <stdexcept>
#include <variant>

#include "core/xlsx_workbook.hpp"
#include "domains/exchange/excel_columns.hpp"
#include "domains/exchange/excel_repository.hpp"
#include "domains/premises/service.hpp"

namespace upravdom::exchange::excel {

namespace {

// The data sheet's header row, widths and cell formats (text columns stay text: «1/2» typed
// into a general cell becomes a date, a phone loses its leading 8).
struct DataSheet {
  lxw_worksheet* sheet = nullptr;
  lxw_format* text = nullptr;
  lxw_format* area = nullptr;
};

DataSheet AddDataSheet(lxw_workbook* workbook, bool lists) {
  DataSheet data;
  data.sheet = workbook_add_worksheet(workbook, "Данные");
  data.text = workbook_add_format(workbook);
  format_set_num_format(data.text, "@");
  data.area = workbook_add_format(workbook);
  format_set_num_format(data.area, "0.00");
  std::map<Section, lxw_format*> headers;
  const std::pair<Section, lxw_color_t> colours[] = {
      {Section::kPremise, 0xDDEBF7}, {Section::kClient, 0xE2EFDA}, {Section::kAccount, 0xFFF2CC}};
  for (const auto& [section, colour] : colours) {
    lxw_format* format = workbook_add_format(workbook);
    format_set_bold(format);
    format_set_bg_color(format, colour);
    format_set_border(format, LXW_BORDER_THIN);
    format_set_text_wrap(format);
    headers[section] = format;
  }
  const auto& columns = Columns();
  for (size_t i = 0; i < columns.size(); ++i) {
    const Column& column = columns[i];
    const auto col = static_cast<lxw_col_t>(i);
    const bool number = column.kind == Kind::kArea || column.kind == Kind::kInteger;
    double width = column.kind == Kind::kText ? 18 : 14;
    if (std::string_view(column.key) == "object_name" || column.kind == Kind::kRole) width = 28;
    worksheet_set_column(data.sheet, col, col, width,
                         column.kind == Kind::kArea ? data.area
                         : number                   ? nullptr
                                                    : data.text);
    worksheet_write_string(data.sheet, 0, col, column.header, headers[column.section]);
    // Drop-down lists of the allowed names (typing another value is still possible: a code
    // like «flat» is accepted too).
    if (!lists) continue;
    std::vector<std::string> names;
    if (column.kind == Kind::kPremiseType)
      for (const auto& type : premises::Types()) names.push_back(type.name);
    if (column.kind == Kind::kClientType)
      for (const Choice& choice : ClientTypes()) names.push_back(choice.name);
    if (column.kind == Kind::kRole)
      for (const Choice& choice : Roles()) names.push_back(choice.name);
    if (column.kind == Kind::kBool) names = {"да", "нет"};
    if (names.empty()) continue;
    std::vector<const char*> list;
    for (const std::string& name : names) list.push_back(name.c_str());
    list.push_back(nullptr);
    lxw_data_validation validation = {};
    validation.validate = LXW_VALIDATION_TYPE_LIST;
    validation.value_list = const_cast<char**>(list.data());
    validation.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;
    worksheet_data_validation_range(data.sheet, 1, col, 10000, col, &validation);
  }
  worksheet_set_row(data.sheet, 0, 32, nullptr);
  worksheet_freeze_panes(data.sheet, 1, 0);
  return data;
}

using Value = std::variant<std::monostate, std::string, double>;

void WriteCell(const DataSheet& data, lxw_row_t row, size_t index, const Value& value) {
  const Column& column = Columns()[index];
  const auto col = static_cast<lxw_col_t>(index);
  if (const std::string* text = std::get_if<std::string>(&value))
    worksheet_write_string(data.sheet, row, col, text->c_str(), data.text);
  else if (const double* number = std::get_if<double>(&value))
    worksheet_write_number(data.sheet, row, col, *number,
                           column.kind == Kind::kArea ? data.area : nullptr);
}

// A row given as {section, key} → value.
using RowValues = std::map<std::pair<Section, std::string>, Value>;

void WriteRow(const DataSheet& data, lxw_row_t row, const RowValues& values) {
  const auto& columns = Columns();
  for (size_t i = 0; i < columns.size(); ++i) {
    auto found = values.find({columns[i].section, columns[i].key});
    if (found != values.end()) WriteCell(data, row, i, found->second);
  }
}

Value Text(const std::optional<std::string>& value) {
  return value ? Value(*value) : Value(std::monostate{});
}

void WriteInstruction(lxw_workbook* workbook) {
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "Инструкция");
  lxw_format* title = workbook_add_format(workbook);
  format_set_bold(title);
  format_set_font_size(title, 14);
  lxw_format* wrap = workbook_add_format(workbook);
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
  lxw_format* warning = workbook_add_format(workbook);
  format_set_bold(warning);
  format_set_font_color(warning, 0x9C0006);
  format_set_text_wrap(warning);
  lxw_format* header = workbook_add_format(workbook);
  format_set_bold(header);
  format_set_bg_color(header, 0xD9D9D9);
  format_set_border(header, LXW_BORDER_THIN);
  const double widths[] = {9, 26, 14, 60, 30, 40};
  for (lxw_col_t c = 0; c < 6; ++c) worksheet_set_column(sheet, c, c, widths[c], wrap);

  lxw_row_t row = 0;
  worksheet_write_string(sheet, row++, 0, "Импорт помещений, клиентов и лицевых счетов из Excel",
                         title);
  ++row;
  worksheet_merge_range(sheet, row, 0, row, 5, kOwnersWarning, warning);
  worksheet_set_row(sheet, row++, 48, nullptr);
  ++row;
  const nlohmann::json info = ColumnsJson();
  for (const auto& rule : info["rules"]) {
    const std::string text = "• " + rule.get<std::string>();
    worksheet_merge_range(sheet, row, 0, row, 5, text.c_str(), wrap);
    worksheet_set_row(sheet, row++, 45, nullptr);
  }
  ++row;
  const char* headers[] = {"Столбец", "Заголовок", "Раздел", "Что это", "Обязательно", "Формат"};
  for (lxw_col_t c = 0; c < 6; ++c) worksheet_write_string(sheet, row, c, headers[c], header);
  ++row;
  for (const auto& column : info["columns"]) {
    const char* keys[] = {"letter", "header", "section", "meaning", "required", "format"};
    for (lxw_col_t c = 0; c < 6; ++c) {
      std::string text = column[keys[c]].get<std::string>();
      if (c == 4 && text.empty()) text = "нет";
      worksheet_write_string(sheet, row, c, text.c_str(), wrap);
    }
    ++row;
  }
}

}  // namespace

void WriteTemplate(const std::string& path) {
  XlsxWorkbook workbook(path, /*constant_memory=*/false);
  DataSheet data = AddDataSheet(workbook.get(), /*lists=*/true);
  using S = Section;
  auto premise = [](const char* type, const char* number, Value total, Value living, Value rooms,
                    const char* external_id) {
    return RowValues{{{S::kPremise, "object_external_id"}, std::string("ДОМ-1")},
                     {{S::kPremise, "object_name"}, std::string("ЖК «Пример», дом 1")},
                     {{S::kPremise, "type"}, std::string(type)},
                     {{S::kPremise, "number"}, std::string(number)},
                     {{S::kPremise, "total_area"}, total},
                     {{S::kPremise, "living_area"}, living},
                     {{S::kPremise, "rooms"}, rooms},
                     {{S::kPremise, "external_id"}, std::string(external_id)}};
  };
  auto client = [](RowValues row, const char* id, const char* type, const char* last,
                   const char* first, const char* middle, const char* organization,
                   const char* phone, const char* role, const char* share, const char* owner) {
    auto put = [&](const char* key, const char* value) {
      if (value && *value) row[{S::kClient, key}] = std::string(value);
    };
    put("external_id", id);
    put("type", type);
    put("last_name", last);
    put("first_name", first);
    put("middle_name", middle);
    put("organization_name", organization);
    put("phone", phone);
    put("role", role);
    put("share", share);
    put("owner_external_id", owner);
    return row;
  };
  auto account = [](RowValues row, const char* number, const char* unified, const char* id) {
    row[{S::kAccount, "legal_entity_inn"}] = std::string("7707083893");
    row[{S::kAccount, "number"}] = std::string(number);
    if (*unified) row[{S::kAccount, "unified_account"}] = std::string(unified);
    row[{S::kAccount, "external_id"}] = std::string(id);
    row[{S::kAccount, "hidden_from_resident"}] = std::string("нет");
    return row;
  };
  const Value none;
  const RowValues flat = premise("Квартира", "15", 54.3, 32.1, 2.0, "КВ-15");
  const RowValues parking = premise("Машиноместо", "101", 13.25, none, none, "ММ-101");
  const RowValues storage = premise("Кладовая", "7", 4.5, none, none, "КЛ-7");
  const RowValues apartments = premise("Апартаменты", "305", 41.0, 30.0, 1.0, "АП-305");
  const RowValues office = premise("Нежилое помещение", "2", 120.0, none, none, "НП-2");
  const RowValues plot = premise("Участок", "12", 600.0, none, none, "УЧ-12");
  std::vector<RowValues> rows = {
      account(client(flat, "C-1001", "Физ. лицо", "Иванов", "Иван", "Иванович", "",
                     "+7 912 345-67-89", "Собственник", "1/2", ""),
              "5501", "12АБ345678", "LS-5501"),
      client(flat, "C-1002", "Физ. лицо", "Иванова", "Мария", "Петровна", "", "89120000002",
             "Собственник", "1/2", ""),
      client(flat, "C-1003", "Физ. лицо", "Иванов", "Пётр", "Иванович", "", "89120000003",
             "Проживающий / член семьи", "", "C-1001"),
      account(client(parking, "C-2001", "Юр. лицо", "", "", "", "ООО «Ромашка»", "84951234567",
                     "Собственник", "", ""),
              "7101", "", "LS-7101"),
      client(parking, "C-2002", "Физ. лицо", "Сидоров", "Алексей", "", "", "89120000005",
             "Арендатор", "", "C-2001"),
      client(storage, "C-3001", "ИП", "Петров", "Олег", "Сергеевич", "ИП Петров О. С.",
             "89120000006", "Неподтверждённый собственник", "100%", ""),
      client(apartments, "C-4001", "Физ. лицо", "Смирнова", "Анна", "", "", "89120000007",
             "Собственник", "", ""),
      client(apartments, "C-4002", "Физ. лицо", "Кузнецов", "Дмитрий", "", "", "89120000008",
             "Представитель", "", "C-4001"),
      account(client(office, "C-5001", "Филиал иностр. юр. лица", "", "", "",
                     "Филиал «Example GmbH»", "84957654321", "Собственник", "", ""),
              "9002", "", "LS-9002"),
      client(plot, "C-6001", "Физ. лицо", "Волков", "Сергей", "", "", "89120000009", "Собственник",
             "", ""),
  };
  for (size_t i = 0; i < rows.size(); ++i) WriteRow(data, static_cast<lxw_row_t>(i + 1), rows[i]);
  WriteInstruction(workbook.get());
  workbook.Close();
}

void WriteExport(db::Database& database, long long organization_id, const std::string& space,
                 const std::string& path, unsigned max_rows) {
  XlsxWorkbook workbook(path);
  DataSheet data = AddDataSheet(workbook.get(), /*lists=*/false);
  db::Session sql(database);
  ExcelRepository repository(sql.get(), database.dialect());
  using S = Section;
  lxw_row_t row = 1;
  // Pages of premises, each with its links and accounts in two queries: memory stays bounded
  // on both databases (SOCI reads a whole PostgreSQL result at once).
  constexpr long long kPage = 1000;
  for (long long after = 0;;) {
    std::vector<ExportPremise> page = repository.PremisePage(organization_id, space, after, kPage);
    for (const ExportPremise& p : page) {
      RowValues base = {
          {{S::kPremise, "object_id"}, static_cast<double>(p.object_id)},
          {{S::kPremise, "object_external_id"}, Text(p.object_external_id)},
          {{S::kPremise, "object_name"}, p.object_name},
          {{S::kPremise, "type"}, ChoiceName(Kind::kPremiseType, p.type)},
          {{S::kPremise, "number"}, Text(p.number)},
          {{S::kPremise, "external_id"}, Text(p.external_id)},
          {{S::kPremise, "street"}, Text(p.street)},
          {{S::kPremise, "house"}, Text(p.house)},
          {{S::kPremise, "level"}, Text(p.level)},
          {{S::kPremise, "room"}, Text(p.room)},
      };
      if (p.total_area) base[{S::kPremise, "total_area"}] = premises::AreaToMetres(*p.total_area);
      if (p.living_area)
        base[{S::kPremise, "living_area"}] = premises::AreaToMetres(*p.living_area);
      if (p.rooms) base[{S::kPremise, "rooms"}] = static_cast<double>(*p.rooms);
      const size_t lines = std::max<size_t>({1, p.links.size(), p.accounts.size()});
      for (size_t i = 0; i < lines; ++i) {
        RowValues values = base;
        if (i < p.links.size()) {
          const ExportLink& l = p.links[i];
          values[{S::kClient, "external_id"}] = Text(l.external_id);
          values[{S::kClient, "type"}] = ChoiceName(Kind::kClientType, l.type);
          values[{S::kClient, "last_name"}] = Text(l.last_name);
          values[{S::kClient, "first_name"}] = Text(l.first_name);
          values[{S::kClient, "middle_name"}] = Text(l.middle_name);
          values[{S::kClient, "organization_name"}] = Text(l.organization_name);
          values[{S::kClient, "phone"}] = Text(l.phone);
          values[{S::kClient, "email"}] = Text(l.email);
          values[{S::kClient, "role"}] = ChoiceName(Kind::kRole, l.role);
          values[{S::kClient, "share"}] = Text(l.share);
          values[{S::kClient, "owner_external_id"}] = Text(l.owner_external_id);
          values[{S::kClient, "inn"}] = Text(l.inn);
          values[{S::kClient, "snils"}] = Text(l.snils);
          values[{S::kClient, "note"}] = Text(l.note);
        }
        if (i < p.accounts.size()) {
          const ExportAccount& a = p.accounts[i];
          values[{S::kAccount, "legal_entity_inn"}] = a.legal_entity_inn;
          values[{S::kAccount, "number"}] = a.number;
          values[{S::kAccount, "unified_account"}] = Text(a.unified_account);
          values[{S::kAccount, "external_id"}] = Text(a.external_id);
          values[{S::kAccount, "hidden_from_resident"}] =
              std::string(a.hidden_from_resident ? "да" : "нет");
        }
        if (row + 1 >= max_rows) {  // the sheet's last row says why the export ends there
          worksheet_write_string(
              data.sheet, row, 0,
              ("Выгрузка обрезана: на листе Excel не больше " + std::to_string(max_rows) +
               " строк, строки после этой не выгружены")
                  .c_str(),
              nullptr);
          workbook.Close();
          return;
        }
        WriteRow(data, row++, values);
      }
      after = p.id;
    }
    if (static_cast<long long>(page.size()) < kPage) break;
  }
  workbook.Close();
}

}  // namespace upravdom::exchange::excel
