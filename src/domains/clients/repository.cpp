#include "domains/clients/repository.hpp"

#include "core/phone.hpp"
#include "core/text.hpp"
#include "core/time.hpp"

namespace upravdom::clients {

using db::Row;
using db::Sql;

const std::vector<TextColumn>& TextColumns() {
  static const std::vector<TextColumn> columns = {
      {"last_name", &Client::last_name},
      {"first_name", &Client::first_name},
      {"middle_name", &Client::middle_name},
      {"organization_name", &Client::organization_name},
      {"phone", &Client::phone},
      {"email", &Client::email},
      {"gender", &Client::gender},
      {"birth_date", &Client::birth_date},
      {"passport_series", &Client::passport_series},
      {"passport_number", &Client::passport_number},
      {"passport_issued_by", &Client::passport_issued_by},
      {"passport_issued_at", &Client::passport_issued_at},
      {"passport_department_code", &Client::passport_department_code},
      {"passport_comment", &Client::passport_comment},
      {"registration_address", &Client::registration_address},
      {"registration_postcode", &Client::registration_postcode},
      {"registration_comment", &Client::registration_comment},
      {"inn", &Client::inn},
      {"snils", &Client::snils},
      {"loyalty_card", &Client::loyalty_card},
      {"note", &Client::note},
  };
  return columns;
}

namespace {

std::string SelectColumns() {
  std::string columns =
      "c.id, c.type, c.status, c.tester, c.last_seen_at, c.created_at, c.updated_at";
  for (const TextColumn& column : TextColumns()) columns += std::string(", c.") + column.name;
  return columns;
}

Client ReadClient(const Row& row) {
  Client client;
  client.id = row.Int(0);
  client.type = row.Text(1);
  client.status = row.Text(2);
  client.tester = row.Bool(3);
  client.last_seen_at = row.OptText(4);
  client.created_at = row.Text(5);
  client.updated_at = row.Text(6);
  size_t i = 7;
  for (const TextColumn& column : TextColumns()) client.*column.member = row.OptText(i++);
  return client;
}

// Values of the search and sort columns, derived from the client.
struct Keys {
  std::string name_key;
  std::string phone_digits;
};

Keys MakeKeys(const Client& client) {
  std::string digits;
  for (char c : client.phone.value_or(""))
    if (c >= '0' && c <= '9') digits += c;
  return {text::FoldForSearch(FullName(client)), digits};
}

// A term for an FTS5 MATCH: a quoted string, quotes doubled.
std::string FtsString(const std::string& term) {
  std::string quoted = "\"";
  for (char c : term) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// A LIKE pattern matching `term` anywhere, with LIKE's own characters escaped.
std::string LikeAnywhere(const std::string& term) {
  std::string pattern = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

bool HasLetters(const std::string& text) {
  for (unsigned char c : text)
    if (c >= 0x80 || std::isalpha(c)) return true;
  return false;
}

}  // namespace

bool ClientRepository::AppendWhere(Sql& sql, long long organization_id,
                                   const ClientFilter& filter) {
  sql << " WHERE c.organization_id = ";
  sql.Bind(organization_id);
  if (!filter.types.empty()) {
    sql << " AND c.type IN ";
    sql.BindList(filter.types);
  }
  if (!filter.statuses.empty()) {
    sql << " AND c.status IN ";
    sql.BindList(filter.statuses);
  }
  if (!filter.tags.empty()) {
    sql << " AND c.id IN (SELECT ct.client_id FROM client_tags ct JOIN tags t ON t.id = "
           "ct.tag_id WHERE t.organization_id = ";
    sql.Bind(organization_id) << " AND t.name_key IN ";
    sql.BindList(filter.tags);
    sql << ")";
  }
  // Premise–client links arrive with the links issue; until then no client has a premise.
  for (const auto* ids : {&filter.object_group_ids, &filter.quarter_ids, &filter.object_ids,
                          &filter.entrance_ids, &filter.floor_ids, &filter.premise_ids})
    if (!ids->empty()) return false;

  const std::string query = text::FoldForSearch(filter.query);
  if (query.empty()) return true;
  if (!HasLetters(query)) {
    // Part of a phone number, in any format, of at least 3 digits.
    // A whole number goes straight to the unique phone index.
    if (auto full = phone::ToE164(filter.query)) {
      sql << " AND c.phone = ";
      sql.Bind(*full);
      return true;
    }
    const std::string digits = phone::SearchDigits(query);
    if (digits.empty()) return false;
    if (dialect_ == db::Dialect::kSqlite) {
      sql << " AND c.id IN (SELECT rowid FROM clients_search WHERE clients_search MATCH ";
      sql.Bind("phone_digits : " + FtsString(digits)) << ")";
    } else {
      sql << " AND c.phone_digits LIKE ";
      sql.Bind(LikeAnywhere(digits));
    }
    return true;
  }
  // A name: every word must occur in the full name, in any order, as any part of a word.
  std::vector<std::string> words;
  for (size_t start = 0; start < query.size();) {
    size_t end = query.find(' ', start);
    if (end == std::string::npos) end = query.size();
    if (end > start) words.push_back(query.substr(start, end - start));
    start = end + 1;
  }
  std::string match;
  for (const std::string& word : words) {
    // Trigram search needs three characters; shorter words filter the rows found.
    if (dialect_ == db::Dialect::kSqlite && text::CodePointCount(word) >= 3) {
      if (!match.empty()) match += " AND ";
      match += "name_key : " + FtsString(word);
    } else if (dialect_ == db::Dialect::kSqlite) {
      sql << " AND instr(c.name_key, ";
      sql.Bind(word) << ") > 0";
    } else {
      sql << " AND c.name_key LIKE ";
      sql.Bind(LikeAnywhere(word));
    }
  }
  if (!match.empty()) {
    sql << " AND c.id IN (SELECT rowid FROM clients_search WHERE clients_search MATCH ";
    sql.Bind(match) << ")";
  }
  return true;
}

long long ClientRepository::List(long long organization_id, const ClientFilter& filter, bool count,
                                 const std::function<void(const Client&)>& visit) {
  static const std::map<ClientSort, std::string> kOrder = {
      {ClientSort::kName, "c.name_sort, c.id"},
      {ClientSort::kNameDesc, "c.name_sort DESC, c.id DESC"},
      {ClientSort::kPhone, "(c.phone IS NULL), c.phone, c.id"},
      {ClientSort::kPhoneDesc, "(c.phone IS NULL), c.phone DESC, c.id DESC"},
      {ClientSort::kLastSeen, "(c.last_seen_at IS NULL), c.last_seen_at, c.id"},
      {ClientSort::kLastSeenDesc, "(c.last_seen_at IS NULL), c.last_seen_at DESC, c.id DESC"}};
  // The whole register's total is kept in record_counts: counting a million rows is slow.
  const bool counted = count && filter.Unfiltered();
  long long total = db::ListPage(
      sql_, SelectColumns(), "FROM clients c", "FROM clients c",
      [&](Sql& sql) { return AppendWhere(sql, organization_id, filter); }, kOrder.at(filter.sort),
      filter.limit, filter.offset, count && !counted,
      [&](const Row& row) { visit(ReadClient(row)); });
  return counted ? db::RecordCount(sql_, organization_id, "clients") : total;
}

std::optional<Client> ClientRepository::Find(long long organization_id, long long id) {
  Sql query("SELECT " + SelectColumns() + " FROM clients c WHERE c.organization_id = ");
  query.Bind(organization_id) << " AND c.id = ";
  query.Bind(id);
  std::optional<Client> found;
  db::ForEachRow(sql_, query, [&](const Row& row) { found = ReadClient(row); });
  return found;
}

long long ClientRepository::Insert(long long organization_id, const Client& client) {
  db::AdjustRecordCount(sql_, organization_id, "clients", +1);
  const Keys keys = MakeKeys(client);
  const std::string now = timeutil::NowIso();
  Sql insert("INSERT INTO clients (organization_id, type, status, tester");
  for (const TextColumn& column : TextColumns()) insert << ", " << column.name;
  insert << ", name_key, name_sort, phone_digits, created_at, updated_at) VALUES (";
  insert.Bind(organization_id) << ", ";
  insert.Bind(client.type) << ", ";
  insert.Bind(client.status) << ", ";
  insert.Bind(client.tester);
  for (const TextColumn& column : TextColumns()) {
    insert << ", ";
    insert.Bind(client.*column.member);
  }
  insert << ", ";
  insert.Bind(keys.name_key) << ", ";
  insert.Bind(keys.name_key) << ", ";
  insert.Bind(keys.phone_digits) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") RETURNING id";
  return db::InsertReturningId(sql_, insert);
}

void ClientRepository::Update(long long organization_id, const Client& client) {
  const Keys keys = MakeKeys(client);
  Sql update("UPDATE clients SET type = ");
  update.Bind(client.type) << ", status = ";
  update.Bind(client.status) << ", tester = ";
  update.Bind(client.tester);
  for (const TextColumn& column : TextColumns()) {
    update << ", " << column.name << " = ";
    update.Bind(client.*column.member);
  }
  update << ", name_key = ";
  update.Bind(keys.name_key) << ", name_sort = ";
  update.Bind(keys.name_key) << ", phone_digits = ";
  update.Bind(keys.phone_digits) << ", updated_at = ";
  update.Bind(timeutil::NowIso()) << " WHERE organization_id = ";
  update.Bind(organization_id) << " AND id = ";
  update.Bind(client.id);
  db::Exec(sql_, update);
}

void ClientRepository::Delete(long long organization_id, long long id) {
  Sql remove("DELETE FROM clients WHERE organization_id = ");
  remove.Bind(organization_id) << " AND id = ";
  remove.Bind(id);
  db::Exec(sql_, remove);
  db::AdjustRecordCount(sql_, organization_id, "clients", -1);
}

std::optional<long long> ClientRepository::FindByPhone(long long organization_id,
                                                       const std::string& phone) {
  Sql query("SELECT id FROM clients WHERE organization_id = ");
  query.Bind(organization_id) << " AND phone = ";
  query.Bind(phone);
  return db::QueryInt(sql_, query);
}

namespace {

constexpr const char* kExternalColumns =
    "SELECT id, space, system, value, note, created_at, updated_at FROM client_external_ids "
    "WHERE organization_id = ";

ExternalId ReadExternalId(const Row& row) {
  return {row.Int(0),     row.Text(1), row.Text(2), row.Text(3),
          row.OptText(4), row.Text(5), row.Text(6)};
}

}  // namespace

std::vector<ExternalId> ClientRepository::ExternalIds(long long organization_id,
                                                      long long client_id) {
  Sql query(kExternalColumns);
  query.Bind(organization_id) << " AND client_id = ";
  query.Bind(client_id) << " ORDER BY space, system, id";
  std::vector<ExternalId> ids;
  db::ForEachRow(sql_, query, [&](const Row& row) { ids.push_back(ReadExternalId(row)); });
  return ids;
}

std::map<long long, std::vector<ExternalId>> ClientRepository::ExternalIdsOf(
    long long organization_id, const std::vector<long long>& ids) {
  std::map<long long, std::vector<ExternalId>> result;
  if (ids.empty()) return result;
  Sql query(
      "SELECT id, space, system, value, note, created_at, updated_at, client_id FROM "
      "client_external_ids WHERE organization_id = ");
  query.Bind(organization_id) << " AND client_id IN ";
  query.BindList(ids);
  query << " ORDER BY space, system, id";
  db::ForEachRow(sql_, query,
                 [&](const Row& row) { result[row.Int(7)].push_back(ReadExternalId(row)); });
  return result;
}

std::optional<ExternalId> ClientRepository::FindExternalId(long long organization_id,
                                                           long long client_id, long long id) {
  Sql query(kExternalColumns);
  query.Bind(organization_id) << " AND client_id = ";
  query.Bind(client_id) << " AND id = ";
  query.Bind(id);
  std::optional<ExternalId> found;
  db::ForEachRow(sql_, query, [&](const Row& row) { found = ReadExternalId(row); });
  return found;
}

std::optional<long long> ClientRepository::ClientByExternalId(long long organization_id,
                                                              const std::string& space,
                                                              const std::string& value) {
  Sql query("SELECT client_id FROM client_external_ids WHERE organization_id = ");
  query.Bind(organization_id) << " AND space = ";
  query.Bind(space) << " AND value = ";
  query.Bind(value);
  return db::QueryInt(sql_, query);
}

long long ClientRepository::InsertExternalId(long long organization_id, long long client_id,
                                             const ExternalId& external_id) {
  const std::string now = timeutil::NowIso();
  Sql insert(
      "INSERT INTO client_external_ids (organization_id, client_id, space, system, value, note, "
      "created_at, updated_at) VALUES (");
  insert.Bind(organization_id) << ", ";
  insert.Bind(client_id) << ", ";
  insert.Bind(external_id.space) << ", ";
  insert.Bind(external_id.system) << ", ";
  insert.Bind(external_id.value) << ", ";
  insert.Bind(external_id.note) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") RETURNING id";
  return db::InsertReturningId(sql_, insert);
}

void ClientRepository::UpdateExternalId(long long organization_id, const ExternalId& external_id) {
  Sql update("UPDATE client_external_ids SET system = ");
  update.Bind(external_id.system) << ", value = ";
  update.Bind(external_id.value) << ", note = ";
  update.Bind(external_id.note) << ", updated_at = ";
  update.Bind(timeutil::NowIso()) << " WHERE organization_id = ";
  update.Bind(organization_id) << " AND id = ";
  update.Bind(external_id.id);
  db::Exec(sql_, update);
}

void ClientRepository::DeleteExternalId(long long organization_id, long long id) {
  Sql remove("DELETE FROM client_external_ids WHERE organization_id = ");
  remove.Bind(organization_id) << " AND id = ";
  remove.Bind(id);
  db::Exec(sql_, remove);
}

}  // namespace upravdom::clients
