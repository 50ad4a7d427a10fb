// The Excel export of the clients list (SPEC C-4), written row by row in constant memory.
#include <stdexcept>

#include <xlsxwriter.h>

#include "core/phone.hpp"
#include "core/xlsx_workbook.hpp"
#include "domains/clients/service.hpp"

namespace upravdom::clients {

void ClientService::ExportXlsx(long long organization_id, ClientFilter filter,
                               const std::string& path) {
  XlsxWorkbook book(path);
  lxw_workbook* workbook = book.get();
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "Клиенты");
  lxw_format* header = workbook_add_format(workbook);
  format_set_bold(header);
  const char* headers[] = {"№",          "ФИО / название", "Тип",
                           "Телефон",    "E-mail",         "Статус",
                           "ИНН",        "СНИЛС",          "Дата рождения",
                           "Примечание", "Был(а) в ЛК",    "Создан",
                           "Изменён",    "Помещения",      "Задолженность, ₽"};
  const double widths[] = {7, 40, 16, 18, 28, 13, 14, 14, 14, 30, 20, 20, 20, 60, 16};
  for (lxw_col_t col = 0; col < std::size(headers); ++col) {
    worksheet_write_string(sheet, 0, col, headers[col], header);
    worksheet_set_column(sheet, col, col, widths[col], nullptr);
  }
  worksheet_freeze_panes(sheet, 1, 0);
  static const std::map<std::string, const char*> kTypes = {
      {"individual", "Физ. лицо"},
      {"legal_entity", "Юр. лицо"},
      {"sole_proprietor", "ИП"},
      {"foreign_branch", "Филиал иностр. юр. лица"}};

  lxw_format* money = workbook_add_format(workbook);
  format_set_num_format(money, "#,##0.00");

  db::Session sql(database_);
  ClientRepository repository(sql, database_.dialect());
  filter.limit = -1;
  filter.offset = 0;
  lxw_row_t row = 1;
  // Rows go out in batches: the premises of a batch's clients come in one query.
  constexpr size_t kBatch = 1000;
  constexpr long long kPremisesAtMost = 100;
  std::vector<Client> batch;
  auto flush = [&] {
    std::vector<long long> ids;
    for (const Client& c : batch) ids.push_back(c.id);
    auto premises = repository.PremisesOf(organization_id, ids, kPremisesAtMost);
    for (const Client& c : batch) {
      auto text = [&](lxw_col_t col, const std::optional<std::string>& value) {
        if (value) worksheet_write_string(sheet, row, col, value->c_str(), nullptr);
      };
      worksheet_write_number(sheet, row, 0, static_cast<double>(row), nullptr);
      text(1, FullName(c));
      text(2, std::string(kTypes.count(c.type) ? kTypes.at(c.type) : c.type.c_str()));
      if (c.phone) text(3, phone::Format(*c.phone));
      text(4, c.email);
      text(5, std::string(c.status == "blocked" ? "Заблокирован" : "Активен"));
      text(6, c.inn);
      text(7, c.snils);
      text(8, c.birth_date);
      text(9, c.note);
      text(10, c.last_seen_at);
      text(11, c.created_at);
      text(12, c.updated_at);
      const ClientPremises& of = premises[c.id];
      std::string addresses;
      for (const ClientPremise& p : of.first) {
        if (!addresses.empty()) addresses += "; ";
        addresses += p.address;
      }
      if (of.count > static_cast<long long>(of.first.size()))
        addresses +=
            "; и ещё " + std::to_string(of.count - static_cast<long long>(of.first.size()));
      if (!addresses.empty()) text(13, addresses);
      worksheet_write_number(sheet, row, 14, static_cast<double>(c.debt) / 100.0, money);
      ++row;
    }
    batch.clear();
  };
  repository.List(organization_id, filter, false, [&](const Client& c) {
    batch.push_back(c);
    if (batch.size() >= kBatch) flush();
  });
  flush();
  book.Close();
}

}  // namespace upravdom::clients
