#include "domains/links/repository.hpp"

#include "core/time.hpp"
#include "domains/clients/model.hpp"
#include "domains/premises/repository.hpp"

namespace upravdom::links {

using db::Row;
using db::Sql;

namespace {

struct TextField {
  const char* name;
  std::optional<std::string> Link::*member;
};

// The optional text columns of a link, in table order.
const std::vector<TextField>& TextFields() {
  static const std::vector<TextField> fields = {
      {"ddu_number", &Link::ddu_number},
      {"ddu_date", &Link::ddu_date},
      {"acceptance_act_number", &Link::acceptance_act_number},
      {"acceptance_act_date", &Link::acceptance_act_date},
      {"certificate_number", &Link::certificate_number},
      {"certificate_date", &Link::certificate_date},
      {"management_contract_number", &Link::management_contract_number},
      {"management_contract_date", &Link::management_contract_date},
      {"ownership_share", &Link::ownership_share},
      {"comment", &Link::comment},
  };
  return fields;
}

std::string Columns() {
  std::string columns = "l.id, l.premise_id, l.client_id, l.role, l.owner_client_id";
  for (const TextField& field : TextFields()) columns += std::string(", l.") + field.name;
  columns +=
      ", l.share_numerator, l.share_denominator, l.online_payment, l.keep_on_sync, l.created_by, "
      "l.created_at, l.updated_at";
  return columns;
}

Link ReadLink(const Row& row) {
  Link link;
  link.id = row.Int(0);
  link.premise_id = row.Int(1);
  link.client_id = row.Int(2);
  link.role = row.Text(3);
  link.owner_client_id = row.OptInt(4);
  size_t i = 5;
  for (const TextField& field : TextFields()) link.*field.member = row.OptText(i++);
  link.share_numerator = row.OptInt(i++);
  link.share_denominator = row.OptInt(i++);
  link.online_payment = row.Bool(i++);
  link.keep_on_sync = row.Bool(i++);
  link.created_by = row.Text(i++);
  link.created_at = row.Text(i++);
  link.updated_at = row.Text(i++);
  return link;
}

}  // namespace

std::vector<Link> LinkRepository::Select(Sql& query) {
  std::vector<Link> links;
  db::ForEachRow(sql_, query, [&](const Row& row) { links.push_back(ReadLink(row)); });
  return links;
}

std::optional<Link> LinkRepository::Find(long long organization_id, long long premise_id,
                                         long long client_id) {
  Sql query("SELECT " + Columns() + " FROM premise_clients l WHERE l.organization_id = ");
  query.Bind(organization_id) << " AND l.premise_id = ";
  query.Bind(premise_id) << " AND l.client_id = ";
  query.Bind(client_id);
  std::vector<Link> links = Select(query);
  if (links.empty()) return std::nullopt;
  return links.front();
}

std::vector<Link> LinkRepository::OfPremise(long long organization_id, long long premise_id) {
  // `+`: the premise's links by premise_clients_pair. Without planner statistics (a new
  // database, a first import) SQLite would walk every link of the organisation instead.
  Sql query("SELECT " + Columns() + " FROM premise_clients l WHERE +l.organization_id = ");
  query.Bind(organization_id) << " AND l.premise_id = ";
  query.Bind(premise_id) << " ORDER BY l.id";
  return Select(query);
}

std::map<long long, std::vector<Link>> LinkRepository::OfPremises(
    long long organization_id, const std::vector<long long>& premise_ids) {
  std::map<long long, std::vector<Link>> found;
  if (premise_ids.empty()) return found;
  Sql query("SELECT " + Columns() + " FROM premise_clients l WHERE +l.organization_id = ");
  query.Bind(organization_id) << " AND l.premise_id IN ";
  query.BindList(premise_ids) << " ORDER BY l.id";
  for (Link& link : Select(query)) found[link.premise_id].push_back(std::move(link));
  return found;
}

std::vector<Link> LinkRepository::OfClient(long long organization_id, long long client_id) {
  Sql query("SELECT " + Columns() +
            " FROM premise_clients l JOIN premises p ON p.id = l.premise_id WHERE "
            "l.organization_id = ");
  query.Bind(organization_id) << " AND l.client_id = ";
  query.Bind(client_id) << " ORDER BY p.address_sort, p.id";
  return Select(query);
}

std::vector<Link> LinkRepository::Dependants(long long organization_id, long long premise_id,
                                             long long owner_client_id) {
  Sql query("SELECT " + Columns() + " FROM premise_clients l WHERE l.organization_id = ");
  query.Bind(organization_id) << " AND l.premise_id = ";
  query.Bind(premise_id) << " AND l.owner_client_id = ";
  query.Bind(owner_client_id) << " AND l.client_id <> ";
  query.Bind(owner_client_id) << " ORDER BY l.id";
  return Select(query);
}

long long LinkRepository::Insert(long long organization_id, const Link& link) {
  const std::string now = timeutil::NowIso();
  Sql insert(
      "INSERT INTO premise_clients (organization_id, premise_id, client_id, role, "
      "owner_client_id");
  for (const TextField& field : TextFields()) insert << ", " << field.name;
  insert << ", share_numerator, share_denominator, online_payment, keep_on_sync, created_by, "
            "created_at, updated_at) VALUES (";
  insert.Bind(organization_id) << ", ";
  insert.Bind(link.premise_id) << ", ";
  insert.Bind(link.client_id) << ", ";
  insert.Bind(link.role) << ", ";
  insert.Bind(link.owner_client_id);
  for (const TextField& field : TextFields()) {
    insert << ", ";
    insert.Bind(link.*field.member);
  }
  insert << ", ";
  insert.Bind(link.share_numerator) << ", ";
  insert.Bind(link.share_denominator) << ", ";
  insert.Bind(link.online_payment) << ", ";
  insert.Bind(link.keep_on_sync) << ", ";
  insert.Bind(link.created_by) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") RETURNING id";
  return db::InsertReturningId(sql_, insert);
}

void LinkRepository::Update(long long organization_id, const Link& link) {
  Sql update("UPDATE premise_clients SET role = ");
  update.Bind(link.role) << ", owner_client_id = ";
  update.Bind(link.owner_client_id);
  for (const TextField& field : TextFields()) {
    update << ", " << field.name << " = ";
    update.Bind(link.*field.member);
  }
  update << ", share_numerator = ";
  update.Bind(link.share_numerator) << ", share_denominator = ";
  update.Bind(link.share_denominator) << ", online_payment = ";
  update.Bind(link.online_payment) << ", keep_on_sync = ";
  update.Bind(link.keep_on_sync) << ", updated_at = ";
  update.Bind(timeutil::NowIso()) << " WHERE organization_id = ";
  update.Bind(organization_id) << " AND id = ";
  update.Bind(link.id);
  db::Exec(sql_, update);
}

void LinkRepository::Delete(long long organization_id, long long id) {
  Sql remove("DELETE FROM premise_clients WHERE organization_id = ");
  remove.Bind(organization_id) << " AND id = ";
  remove.Bind(id);
  db::Exec(sql_, remove);
}

std::map<long long, ClientBrief> LinkRepository::Clients(long long organization_id,
                                                         const std::vector<long long>& ids) {
  std::map<long long, ClientBrief> result;
  if (ids.empty()) return result;
  Sql query(
      "SELECT id, type, status, phone, last_name, first_name, middle_name, organization_name, "
      "name_sort FROM clients WHERE organization_id = ");
  query.Bind(organization_id) << " AND id IN ";
  query.BindList(ids);
  db::ForEachRow(sql_, query, [&](const Row& row) {
    clients::Client client;
    client.type = row.Text(1);
    client.last_name = row.OptText(4);
    client.first_name = row.OptText(5);
    client.middle_name = row.OptText(6);
    client.organization_name = row.OptText(7);
    result[row.Int(0)] = {row.Int(0),     clients::FullName(client),
                          row.OptText(3), row.Text(1),
                          row.Text(2),    row.Text(8)};
  });
  return result;
}

std::map<long long, PremiseBrief> LinkRepository::Premises(long long organization_id,
                                                           const std::vector<long long>& ids) {
  std::map<long long, PremiseBrief> result;
  for (const auto& [id, row] :
       premises::PremiseRepository(sql_, dialect_).FindMany(organization_id, ids))
    result[id] = {id, premises::FormatAddress(row.premise, row.object), row.premise.type,
                  row.premise.object_id, row.premise.total_area};
  return result;
}

}  // namespace upravdom::links
