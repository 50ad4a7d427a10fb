#include "domains/resident/repository.hpp"

#include "db/sql.hpp"
#include "domains/clients/model.hpp"

namespace upravdom::resident {

using db::Row;
using db::Sql;

namespace {

// The name columns of clients c, read by FullNameAt.
constexpr const char* kNameColumns =
    "c.type, c.last_name, c.first_name, c.middle_name, "
    "c.organization_name";

std::string FullNameAt(const Row& row, size_t first) {
  clients::Client client;
  client.type = row.Text(first);
  client.last_name = row.OptText(first + 1);
  client.first_name = row.OptText(first + 2);
  client.middle_name = row.OptText(first + 3);
  client.organization_name = row.OptText(first + 4);
  return clients::FullName(client);
}

}  // namespace

void ResidentRepository::LockPhone(const std::string& phone) {
  if (dialect_ != db::Dialect::kPostgres) return;
  db::Exec(sql_, Sql("SELECT pg_advisory_xact_lock(hashtext(").Bind(phone) << "))");
}

CodeStats ResidentRepository::CodesSince(const std::string& phone, const std::string& since) {
  Sql query("SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM resident_codes WHERE phone = ");
  query.Bind(phone) << " AND created_at > ";
  query.Bind(since);
  CodeStats stats;
  db::ForEachRow(sql_, query, [&](const Row& row) {
    stats = {row.Int(0), row.OptText(1), row.OptText(2)};
  });
  return stats;
}

void ResidentRepository::InsertCode(const std::string& phone, const std::string& code_hash,
                                    const std::string& expires_at, const std::string& now) {
  Sql insert(
      "INSERT INTO resident_codes (phone, code_hash, expires_at, attempts, created_at) VALUES (");
  insert.Bind(phone) << ", ";
  insert.Bind(code_hash) << ", ";
  insert.Bind(expires_at) << ", 0, ";
  insert.Bind(now) << ")";
  db::Exec(sql_, insert);
}

std::optional<CodeAttempt> ResidentRepository::TakeAttempt(const std::string& phone,
                                                           const std::string& now,
                                                           int max_attempts) {
  // One statement: two verifications at once cannot both take the last attempt.
  Sql update(
      "UPDATE resident_codes SET attempts = attempts + 1 WHERE id = (SELECT MAX(id) FROM "
      "resident_codes WHERE phone = ");
  update.Bind(phone) << ") AND used_at IS NULL AND attempts < ";
  update.Bind(max_attempts) << " AND expires_at > ";
  update.Bind(now) << " RETURNING id, code_hash";
  std::optional<CodeAttempt> attempt;
  db::ForEachRow(sql_, update, [&](const Row& row) {
    attempt = CodeAttempt{row.Int(0), row.Text(1)};
  });
  return attempt;
}

void ResidentRepository::MarkCodeUsed(long long code_id, const std::string& now) {
  Sql update("UPDATE resident_codes SET used_at = ");
  update.Bind(now) << " WHERE id = ";
  update.Bind(code_id);
  db::Exec(sql_, update);
}

long long ResidentRepository::UpsertResident(const std::string& phone, const std::string& now) {
  Sql upsert("INSERT INTO residents (phone, created_at, last_seen_at) VALUES (");
  upsert.Bind(phone) << ", ";
  upsert.Bind(now) << ", ";
  upsert.Bind(now) << ") ON CONFLICT (phone) DO UPDATE SET last_seen_at = excluded.last_seen_at "
                      "RETURNING id";
  return db::InsertReturningId(sql_, upsert);
}

void ResidentRepository::TouchClients(const std::string& phone, const std::string& now) {
  Sql update("UPDATE clients SET last_seen_at = ");
  update.Bind(now) << ", logged_in_at = COALESCE(logged_in_at, ";
  update.Bind(now) << ") WHERE phone = ";
  update.Bind(phone);
  db::Exec(sql_, update);
}

void ResidentRepository::InsertSession(const std::string& token_hash, long long resident_id,
                                       const std::string& now, const std::string& expires_at) {
  Sql insert(
      "INSERT INTO resident_sessions (token_hash, resident_id, created_at, expires_at) VALUES (");
  insert.Bind(token_hash) << ", ";
  insert.Bind(resident_id) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(expires_at) << ")";
  db::Exec(sql_, insert);
}

std::optional<SessionOwner> ResidentRepository::FindLiveSession(const std::string& token_hash,
                                                                const std::string& now) {
  Sql query(
      "SELECT r.id, r.phone FROM resident_sessions s JOIN residents r ON r.id = s.resident_id "
      "WHERE s.token_hash = ");
  query.Bind(token_hash) << " AND s.expires_at > ";
  query.Bind(now);
  std::optional<SessionOwner> owner;
  db::ForEachRow(sql_, query, [&](const Row& row) {
    owner = SessionOwner{row.Int(0), row.Text(1)};
  });
  return owner;
}

void ResidentRepository::DeleteSession(const std::string& token_hash) {
  db::Exec(sql_, Sql("DELETE FROM resident_sessions WHERE token_hash = ").Bind(token_hash));
}

void ResidentRepository::DeleteExpiredSessions(long long resident_id, const std::string& now) {
  Sql query("DELETE FROM resident_sessions WHERE resident_id = ");
  query.Bind(resident_id) << " AND expires_at <= ";
  query.Bind(now);
  db::Exec(sql_, query);
}

std::vector<ResidentClient> ResidentRepository::Clients(const std::string& phone) {
  Sql query("SELECT c.id, c.organization_id, o.name, c.status, ");
  query << kNameColumns
        << " FROM clients c JOIN organizations o ON o.id = c.organization_id WHERE c.phone = ";
  query.Bind(phone) << " ORDER BY o.name, o.id";
  std::vector<ResidentClient> clients;
  db::ForEachRow(sql_, query, [&](const Row& row) {
    clients.push_back({row.Int(0), row.Int(1), row.Text(2), FullNameAt(row, 4), row.Text(3)});
  });
  return clients;
}

std::vector<ResidentPremise> ResidentRepository::Premises(const std::string& phone) {
  Sql query(
      "SELECT p.id, p.organization_id, o.name, pc.client_id, pc.role FROM clients c "
      "JOIN premise_clients pc ON pc.client_id = c.id "
      "JOIN premises p ON p.id = pc.premise_id "
      "JOIN organizations o ON o.id = c.organization_id WHERE c.phone = ");
  query.Bind(phone) << " ORDER BY o.name, o.id, p.address_sort, p.id";
  std::vector<ResidentPremise> premises;
  db::ForEachRow(sql_, query, [&](const Row& row) {
    premises.push_back({row.Int(0), row.Int(1), row.Text(2), row.Int(3), row.Text(4)});
  });
  return premises;
}

std::optional<Membership> ResidentRepository::FindMembership(const std::string& phone,
                                                             long long premise_id) {
  Sql query("SELECT c.organization_id, c.id, pc.role, c.status, ");
  query << kNameColumns
        << " FROM clients c JOIN premise_clients pc ON pc.client_id = c.id "
           "AND pc.organization_id = c.organization_id WHERE c.phone = ";
  query.Bind(phone) << " AND pc.premise_id = ";
  query.Bind(premise_id);
  std::optional<Membership> membership;
  db::ForEachRow(sql_, query, [&](const Row& row) {
    membership = Membership{row.Int(0), row.Int(1), row.Text(2), row.Text(3), FullNameAt(row, 4)};
  });
  return membership;
}

std::vector<AccountItem> ResidentRepository::VisibleAccounts(long long organization_id,
                                                             long long premise_id) {
  Sql query(
      "SELECT a.id, a.number, a.unified_account, a.legal_entity_id, le.name, a.debt "
      "FROM personal_accounts a JOIN legal_entities le ON le.id = a.legal_entity_id "
      "WHERE a.organization_id = ");
  query.Bind(organization_id) << " AND a.premise_id = ";
  query.Bind(premise_id) << " AND a.hidden_from_resident = 0 ORDER BY a.number, a.id";
  std::vector<AccountItem> accounts;
  db::ForEachRow(sql_, query, [&](const Row& row) {
    accounts.push_back(
        {row.Int(0), row.Text(1), row.OptText(2), row.Int(3), row.Text(4), row.Int(5)});
  });
  return accounts;
}

namespace {

constexpr const char* kLinkColumns =
    "SELECT pc.client_id, pc.role, pc.owner_client_id, pc.created_by, c.type, c.last_name, "
    "c.first_name, c.middle_name, c.organization_name FROM premise_clients pc "
    "JOIN clients c ON c.id = pc.client_id WHERE pc.organization_id = ";

LinkItem ReadLink(const Row& row) {
  return {row.Int(0), FullNameAt(row, 4), row.Text(1), row.OptInt(2), row.Text(3)};
}

}  // namespace

std::vector<LinkItem> ResidentRepository::Links(long long organization_id, long long premise_id) {
  Sql query(kLinkColumns);
  query.Bind(organization_id) << " AND pc.premise_id = ";
  query.Bind(premise_id)
      << " ORDER BY CASE pc.role WHEN 'owner' THEN 0 WHEN 'unconfirmed_owner' THEN 1 "
         "WHEN 'representative' THEN 2 WHEN 'resident' THEN 3 ELSE 4 END, c.name_sort, c.id";
  std::vector<LinkItem> links;
  db::ForEachRow(sql_, query, [&](const Row& row) { links.push_back(ReadLink(row)); });
  return links;
}

std::optional<LinkItem> ResidentRepository::FindLink(long long organization_id,
                                                     long long premise_id, long long client_id) {
  Sql query(kLinkColumns);
  query.Bind(organization_id) << " AND pc.premise_id = ";
  query.Bind(premise_id) << " AND pc.client_id = ";
  query.Bind(client_id);
  std::optional<LinkItem> link;
  db::ForEachRow(sql_, query, [&](const Row& row) { link = ReadLink(row); });
  return link;
}

void ResidentRepository::InsertLink(long long organization_id, long long premise_id,
                                    long long client_id, const std::string& role,
                                    long long owner_client_id, const std::string& now) {
  Sql insert(
      "INSERT INTO premise_clients (organization_id, premise_id, client_id, role, "
      "owner_client_id, created_by, created_at, updated_at) VALUES (");
  insert.Bind(organization_id) << ", ";
  insert.Bind(premise_id) << ", ";
  insert.Bind(client_id) << ", ";
  insert.Bind(role) << ", ";
  insert.Bind(owner_client_id) << ", 'resident_app', ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ")";
  db::Exec(sql_, insert);
}

void ResidentRepository::DeleteLink(long long organization_id, long long premise_id,
                                    long long client_id) {
  Sql query("DELETE FROM premise_clients WHERE organization_id = ");
  query.Bind(organization_id) << " AND premise_id = ";
  query.Bind(premise_id) << " AND client_id = ";
  query.Bind(client_id);
  db::Exec(sql_, query);
}

}  // namespace upravdom::resident
