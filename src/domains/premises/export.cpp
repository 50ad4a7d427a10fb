// The Excel export of the premises register (SPEC R-4): libxlsxwriter in constant-memory
// mode writes row by row while the rows stream from the database.
#include <stdexcept>

#include <xlsxwriter.h>

#include "core/xlsx_workbook.hpp"

#include "domains/premises/service.hpp"
#include "domains/tags/tags.hpp"

namespace upravdom::premises {

namespace {

// One premise as a row of the sheet.
void WriteRow(lxw_worksheet* sheet, lxw_row_t row_index, const PremiseRow& row,
              const std::vector<std::string>& tags, lxw_format* area) {
  const Premise& p = row.premise;
  const TypeInfo* type = FindType(p.type);
  auto text = [&](lxw_col_t col, const std::optional<std::string>& value) {
    if (value) worksheet_write_string(sheet, row_index, col, value->c_str(), nullptr);
  };
  auto number = [&](lxw_col_t col, const std::optional<long long>& value, lxw_format* format) {
    if (value)
      worksheet_write_number(sheet, row_index, col,
                             format == area ? AreaToMetres(*value) : static_cast<double>(*value),
                             format);
  };
  text(0, FormatAddress(p, row.object));
  text(1, std::string(type ? type->name : p.type.c_str()));
  text(2, row.object.name);
  number(3, row.entrance_number, nullptr);
  number(4, row.floor_number, nullptr);
  text(5, p.number);
  number(6, p.total_area, area);
  number(7, p.living_area, area);
  number(8, p.rooms, nullptr);
  text(9, std::string(p.online_payment ? "да" : "нет"));
  std::string tag_list;
  for (const std::string& tag : tags) {
    if (!tag_list.empty()) tag_list += ", ";
    tag_list += tag;
  }
  if (!tag_list.empty()) text(10, tag_list);
  text(11, p.external_id);
  text(12, p.note);
  text(13, p.created_at);
  text(14, p.updated_at);
}

}  // namespace

void PremiseService::ExportXlsx(long long organization_id, PremiseFilter filter,
                                const std::string& path) {
  XlsxWorkbook workbook(path);
  lxw_worksheet* sheet = workbook_add_worksheet(workbook.get(), "Помещения");
  lxw_format* header = workbook_add_format(workbook.get());
  format_set_bold(header);
  lxw_format* area = workbook_add_format(workbook.get());
  format_set_num_format(area, "0.00");

  const char* headers[] = {"Адрес",
                           "Тип",
                           "Объект",
                           "Подъезд",
                           "Этаж",
                           "Номер",
                           "Общая площадь, м²",
                           "Жилая площадь, м²",
                           "Комнат",
                           "Оплата онлайн",
                           "Теги",
                           "Внешний идентификатор",
                           "Примечание",
                           "Создано",
                           "Изменено"};
  const double widths[] = {45, 18, 30, 9, 7, 9, 12, 12, 8, 10, 25, 22, 30, 20, 20};
  for (lxw_col_t col = 0; col < std::size(headers); ++col) {
    worksheet_write_string(sheet, 0, col, headers[col], header);
    worksheet_set_column(sheet, col, col, widths[col], nullptr);
  }
  worksheet_freeze_panes(sheet, 1, 0);

  db::Session sql(database_);
  PremiseRepository repository(sql, database_.dialect());
  tags::TagRepository tag_repository(sql, database_.dialect());
  // Pages of rows, each with its tags in one query: memory stays bounded on both databases
  // (SOCI reads a whole PostgreSQL result at once) and there is no query per row.
  constexpr long long kBatch = 10000;
  filter.limit = kBatch;
  lxw_row_t row_index = 1;
  for (filter.offset = 0;; filter.offset += kBatch) {
    std::vector<PremiseRow> batch;
    repository.List(organization_id, filter, /*count=*/false,
                    [&](const PremiseRow& row) { batch.push_back(row); });
    std::vector<long long> ids;
    for (const PremiseRow& row : batch) ids.push_back(row.premise.id);
    auto tags = tag_repository.TagsOf(tags::kPremiseTags, organization_id, ids);
    for (const PremiseRow& row : batch) {
      WriteRow(sheet, row_index++, row, tags[row.premise.id], area);
    }
    if (static_cast<long long>(batch.size()) < kBatch) break;
  }
  workbook.Close();
}

}  // namespace upravdom::premises
