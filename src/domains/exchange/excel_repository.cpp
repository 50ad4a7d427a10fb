#include "domains/exchange/excel_repository.hpp"

#include <algorithm>
#include <unordered_map>

#include "db/sql.hpp"
#include "domains/links/model.hpp"

namespace upravdom::exchange::excel {

using db::Sql;

std::map<std::string, std::vector<long long>> ExcelRepository::ObjectNames(
    long long organization_id) {
  Sql query("SELECT id, name FROM objects WHERE organization_id = ");
  query.Bind(organization_id) << " ORDER BY id";
  std::map<std::string, std::vector<long long>> names;
  db::ForEachRow(sql_, query,
                 [&](const db::Row& row) { names[row.Text(1)].push_back(row.Int(0)); });
  return names;
}

std::vector<ExportPremise> ExcelRepository::PremisePage(long long organization_id,
                                                        const std::string& space,
                                                        long long after_id, long long limit) {
  (void)dialect_;
  std::vector<ExportPremise> page;
  {
    Sql query(
        "SELECT p.id, p.object_id, o.external_id, o.name, p.type, p.number, p.total_area, "
        "p.living_area, p.rooms, p.external_id, p.street, p.house, p.level, p.room FROM premises "
        "p JOIN objects o ON o.id = "
        "p.object_id WHERE p.organization_id = ");
    query.Bind(organization_id) << " AND p.id > ";
    query.Bind(after_id) << " ORDER BY p.id LIMIT ";
    query.Bind(limit);
    db::ForEachRow(sql_, query, [&](const db::Row& row) {
      ExportPremise p;
      p.id = row.Int(0);
      p.object_id = row.Int(1);
      p.object_external_id = row.OptText(2);
      p.object_name = row.Text(3);
      p.type = row.Text(4);
      p.number = row.OptText(5);
      p.total_area = row.OptInt(6);
      p.living_area = row.OptInt(7);
      p.rooms = row.OptInt(8);
      p.external_id = row.OptText(9);
      p.street = row.OptText(10);
      p.house = row.OptText(11);
      p.level = row.OptText(12);
      p.room = row.OptText(13);
      page.push_back(std::move(p));
    });
  }
  if (page.empty()) return page;
  std::unordered_map<long long, size_t> at;
  std::vector<long long> ids;
  for (size_t i = 0; i < page.size(); ++i) {
    at[page[i].id] = i;
    ids.push_back(page[i].id);
  }
  // A client's external id in the space: the first one (the import matches by any of them).
  auto external_id = [&](Sql& query, const char* client) {
    query << "(SELECT e.value FROM client_external_ids e WHERE e.client_id = " << client
          << " AND e.space = ";
    query.Bind(space) << " ORDER BY e.id LIMIT 1)";
  };
  {
    Sql query("SELECT l.premise_id, l.role, l.ownership_share, ");
    external_id(query, "l.owner_client_id");
    query << ", ";
    external_id(query, "c.id");
    query << ", c.type, c.last_name, c.first_name, c.middle_name, c.organization_name, c.phone, "
             "c.email, c.inn, c.snils, c.note FROM premise_clients l JOIN clients c ON c.id = "
             "l.client_id WHERE l.organization_id = ";
    query.Bind(organization_id) << " AND l.premise_id IN ";
    query.BindList(ids) << " ORDER BY l.premise_id, l.id";
    db::ForEachRow(sql_, query, [&](const db::Row& row) {
      ExportLink link;
      link.role = row.Text(1);
      link.share = row.OptText(2);
      link.owner_external_id = row.OptText(3);
      link.external_id = row.OptText(4);
      link.type = row.Text(5);
      link.last_name = row.OptText(6);
      link.first_name = row.OptText(7);
      link.middle_name = row.OptText(8);
      link.organization_name = row.OptText(9);
      link.phone = row.OptText(10);
      link.email = row.OptText(11);
      link.inn = row.OptText(12);
      link.snils = row.OptText(13);
      link.note = row.OptText(14);
      page[at[row.Int(0)]].links.push_back(std::move(link));
    });
  }
  for (ExportPremise& p : page)
    std::stable_sort(p.links.begin(), p.links.end(), [](const ExportLink& a, const ExportLink& b) {
      return links::RoleRank(a.role) < links::RoleRank(b.role);
    });
  {
    Sql query(
        "SELECT a.premise_id, le.inn, a.number, a.unified_account, a.external_id, "
        "a.hidden_from_resident FROM personal_accounts a JOIN legal_entities le ON le.id = "
        "a.legal_entity_id WHERE a.organization_id = ");
    query.Bind(organization_id) << " AND a.premise_id IN ";
    query.BindList(ids) << " ORDER BY a.premise_id, a.id";
    db::ForEachRow(sql_, query, [&](const db::Row& row) {
      page[at[row.Int(0)]].accounts.push_back(
          {row.Text(1), row.Text(2), row.OptText(3), row.OptText(4), row.Bool(5)});
    });
  }
  return page;
}

}  // namespace upravdom::exchange::excel
