#include "domains/accounts/repository.hpp"

#include "core/time.hpp"

namespace upravdom::accounts {

using db::Row;
using db::Sql;

namespace {

const std::string kSelect =
    "SELECT a.id, a.premise_id, a.legal_entity_id, le.name, a.number, a.unified_account, "
    "a.external_id, a.hidden_from_resident, a.debt, a.created_at, a.updated_at, "
    "(SELECT COALESCE(SUM(amount), 0) FROM account_charges WHERE account_id = a.id), "
    "(SELECT COALESCE(SUM(amount), 0) FROM account_payments WHERE account_id = a.id) "
    "FROM personal_accounts a JOIN legal_entities le ON le.id = a.legal_entity_id "
    // `+`: by id or by premise, never by walking the organisation's accounts in number order
    // (what SQLite picks for «premise's accounts by number» without planner statistics).
    "WHERE +a.organization_id = ";

Account ReadAccount(const Row& row) {
  Account a;
  a.id = row.Int(0);
  a.premise_id = row.Int(1);
  a.legal_entity_id = row.Int(2);
  a.legal_entity_name = row.Text(3);
  a.number = row.Text(4);
  a.unified_account = row.OptText(5);
  a.external_id = row.OptText(6);
  a.hidden_from_resident = row.Bool(7);
  a.debt = row.Int(8);
  a.created_at = row.Text(9);
  a.updated_at = row.Text(10);
  a.charges_total = row.Int(11);
  a.payments_total = row.Int(12);
  return a;
}

}  // namespace

std::optional<Account> AccountRepository::Find(long long organization_id, long long id) {
  Sql query(kSelect);
  query.Bind(organization_id) << " AND a.id = ";
  query.Bind(id);
  std::optional<Account> found;
  db::ForEachRow(sql_, query, [&](const Row& row) { found = ReadAccount(row); });
  return found;
}

std::vector<Account> AccountRepository::OfPremise(long long organization_id, long long premise_id) {
  Sql query(kSelect);
  query.Bind(organization_id) << " AND a.premise_id = ";
  query.Bind(premise_id) << " ORDER BY a.number, a.id";
  std::vector<Account> accounts;
  db::ForEachRow(sql_, query, [&](const Row& row) { accounts.push_back(ReadAccount(row)); });
  return accounts;
}

long long AccountRepository::Insert(long long organization_id, const Account& a) {
  const std::string now = timeutil::NowIso();
  Sql insert(
      "INSERT INTO personal_accounts (organization_id, premise_id, legal_entity_id, number, "
      "unified_account, external_id, hidden_from_resident, debt, created_at, updated_at) VALUES (");
  insert.Bind(organization_id) << ", ";
  insert.Bind(a.premise_id) << ", ";
  insert.Bind(a.legal_entity_id) << ", ";
  insert.Bind(a.number) << ", ";
  insert.Bind(a.unified_account) << ", ";
  insert.Bind(a.external_id) << ", ";
  insert.Bind(a.hidden_from_resident) << ", 0, ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") RETURNING id";
  return db::InsertReturningId(sql_, insert);
}

void AccountRepository::Update(long long organization_id, const Account& a) {
  Sql update("UPDATE personal_accounts SET premise_id = ");
  update.Bind(a.premise_id) << ", legal_entity_id = ";
  update.Bind(a.legal_entity_id) << ", number = ";
  update.Bind(a.number) << ", unified_account = ";
  update.Bind(a.unified_account) << ", external_id = ";
  update.Bind(a.external_id) << ", hidden_from_resident = ";
  update.Bind(a.hidden_from_resident) << ", updated_at = ";
  update.Bind(timeutil::NowIso()) << " WHERE organization_id = ";
  update.Bind(organization_id) << " AND id = ";
  update.Bind(a.id);
  db::Exec(sql_, update);
}

void AccountRepository::Delete(long long organization_id, long long id) {
  Sql remove("DELETE FROM personal_accounts WHERE organization_id = ");
  remove.Bind(organization_id) << " AND id = ";
  remove.Bind(id);
  db::Exec(sql_, remove);  // charges and payments go by ON DELETE CASCADE
}

std::optional<std::string> AccountRepository::LegalEntityName(long long organization_id,
                                                              long long legal_entity_id) {
  Sql query("SELECT name FROM legal_entities WHERE organization_id = ");
  query.Bind(organization_id) << " AND id = ";
  query.Bind(legal_entity_id);
  return db::QueryText(sql_, query);
}

std::optional<long long> AccountRepository::FindByNumber(long long legal_entity_id,
                                                         const std::string& number) {
  Sql query("SELECT id FROM personal_accounts WHERE legal_entity_id = ");
  query.Bind(legal_entity_id) << " AND number = ";
  query.Bind(number);
  return db::QueryInt(sql_, query);
}

std::optional<long long> AccountRepository::FindByExternalId(long long organization_id,
                                                             const std::string& external_id) {
  Sql query("SELECT id FROM personal_accounts WHERE organization_id = ");
  query.Bind(organization_id) << " AND external_id = ";
  query.Bind(external_id);
  return db::QueryInt(sql_, query);
}

std::map<long long, Account> AccountRepository::FindMany(long long organization_id,
                                                         const std::vector<long long>& ids) {
  std::map<long long, Account> found;
  if (ids.empty()) return found;
  Sql query(kSelect);
  query.Bind(organization_id) << " AND a.id IN ";
  query.BindList(ids);
  db::ForEachRow(sql_, query, [&](const Row& row) {
    Account account = ReadAccount(row);
    found.emplace(account.id, std::move(account));
  });
  return found;
}

std::map<std::string, long long> AccountRepository::FindByNumbers(
    long long legal_entity_id, const std::vector<std::string>& numbers) {
  if (numbers.empty()) return {};
  Sql query("SELECT number, id FROM personal_accounts WHERE legal_entity_id = ");
  query.Bind(legal_entity_id) << " AND number IN ";
  query.BindList(numbers);
  return db::QueryIdsByText(sql_, query);
}

std::map<std::string, long long> AccountRepository::FindByExternalIds(
    long long organization_id, const std::vector<std::string>& external_ids) {
  if (external_ids.empty()) return {};
  Sql query("SELECT external_id, id FROM personal_accounts WHERE organization_id = ");
  query.Bind(organization_id) << " AND external_id IN ";
  query.BindList(external_ids);
  return db::QueryIdsByText(sql_, query);
}

long long AccountRepository::CountCharges(long long account_id) {
  Sql query("SELECT COUNT(*) FROM account_charges WHERE account_id = ");
  query.Bind(account_id);
  return db::QueryInt(sql_, query).value_or(0);
}

long long AccountRepository::CountPayments(long long account_id) {
  Sql query("SELECT COUNT(*) FROM account_payments WHERE account_id = ");
  query.Bind(account_id);
  return db::QueryInt(sql_, query).value_or(0);
}

std::vector<Charge> AccountRepository::Charges(long long organization_id, long long account_id,
                                               long long limit, long long offset) {
  Sql query(
      "SELECT id, account_id, period, service, amount, created_at FROM account_charges WHERE "
      "organization_id = ");
  query.Bind(organization_id) << " AND account_id = ";
  query.Bind(account_id) << " ORDER BY period DESC, id DESC";
  query.Page(limit, offset);
  std::vector<Charge> charges;
  db::ForEachRow(sql_, query, [&](const Row& row) {
    charges.push_back({row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Int(4), row.Text(5)});
  });
  return charges;
}

std::vector<Payment> AccountRepository::Payments(long long organization_id, long long account_id,
                                                 long long limit, long long offset) {
  Sql query(
      "SELECT id, account_id, date, amount, source, created_at FROM account_payments WHERE "
      "organization_id = ");
  query.Bind(organization_id) << " AND account_id = ";
  query.Bind(account_id) << " ORDER BY date DESC, id DESC";
  query.Page(limit, offset);
  std::vector<Payment> payments;
  db::ForEachRow(sql_, query, [&](const Row& row) {
    payments.push_back(
        {row.Int(0), row.Int(1), row.Text(2), row.Int(3), row.OptText(4), row.Text(5)});
  });
  return payments;
}

void AccountRepository::AddToDebt(long long account_id, long long premise_id, long long delta) {
  Sql account("UPDATE personal_accounts SET debt = debt + ");
  account.Bind(delta) << " WHERE id = ";
  account.Bind(account_id);
  db::Exec(sql_, account);
  Sql clients("UPDATE clients SET debt = debt + ");
  clients.Bind(delta) << " WHERE id IN (SELECT client_id FROM premise_clients WHERE premise_id = ";
  clients.Bind(premise_id) << ")";
  db::Exec(sql_, clients);
}

Charge AccountRepository::InsertCharge(long long organization_id, long long premise_id,
                                       const Charge& charge) {
  Charge saved = charge;
  saved.created_at = timeutil::NowIso();
  Sql insert(
      "INSERT INTO account_charges (organization_id, account_id, period, service, amount, "
      "created_at) VALUES (");
  insert.Bind(organization_id) << ", ";
  insert.Bind(charge.account_id) << ", ";
  insert.Bind(charge.period) << ", ";
  insert.Bind(charge.service) << ", ";
  insert.Bind(charge.amount) << ", ";
  insert.Bind(saved.created_at) << ") RETURNING id";
  saved.id = db::InsertReturningId(sql_, insert);
  AddToDebt(charge.account_id, premise_id, charge.amount);
  return saved;
}

Payment AccountRepository::InsertPayment(long long organization_id, long long premise_id,
                                         const Payment& payment) {
  Payment saved = payment;
  saved.created_at = timeutil::NowIso();
  Sql insert(
      "INSERT INTO account_payments (organization_id, account_id, date, amount, source, "
      "created_at) VALUES (");
  insert.Bind(organization_id) << ", ";
  insert.Bind(payment.account_id) << ", ";
  insert.Bind(payment.date) << ", ";
  insert.Bind(payment.amount) << ", ";
  insert.Bind(payment.source) << ", ";
  insert.Bind(saved.created_at) << ") RETURNING id";
  saved.id = db::InsertReturningId(sql_, insert);
  AddToDebt(payment.account_id, premise_id, -payment.amount);
  return saved;
}

void RecomputeClientDebt(soci::session& sql, long long organization_id,
                         const std::vector<long long>& client_ids) {
  constexpr size_t kChunk = 500;
  for (size_t start = 0; start < client_ids.size(); start += kChunk) {
    std::vector<long long> chunk(
        client_ids.begin() + static_cast<long>(start),
        client_ids.begin() + static_cast<long>(std::min(client_ids.size(), start + kChunk)));
    Sql update(
        "UPDATE clients SET debt = COALESCE((SELECT SUM(a.debt) FROM premise_clients l JOIN "
        "personal_accounts a ON a.premise_id = l.premise_id WHERE l.client_id = clients.id), 0) "
        "WHERE organization_id = ");
    update.Bind(organization_id) << " AND id IN ";
    update.BindList(chunk);
    db::Exec(sql, update);
  }
}

std::vector<long long> ClientsOfPremise(soci::session& sql, long long organization_id,
                                        long long premise_id) {
  Sql query("SELECT client_id FROM premise_clients WHERE +organization_id = ");
  query.Bind(organization_id) << " AND premise_id = ";
  query.Bind(premise_id);
  std::vector<long long> ids;
  db::ForEachRow(sql, query, [&](const Row& row) { ids.push_back(row.Int(0)); });
  return ids;
}

}  // namespace upravdom::accounts
