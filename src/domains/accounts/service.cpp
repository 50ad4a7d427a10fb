#include "domains/accounts/service.hpp"

#include "core/error.hpp"
#include "core/json_input.hpp"
#include "core/json_output.hpp"
#include "core/validation.hpp"
#include "domains/history/history.hpp"

namespace upravdom::accounts {

namespace {

constexpr long long kMaxAmount = 1'000'000'000'000;  // 10^12 kopecks

[[noreturn]] void ThrowNoAccount() {
  ThrowNotFound("Лицевой счёт не найден");
}

const char* kUnifiedFormat = "ЕЛС в формате ГИС ЖКХ: 2 цифры, 2 буквы, 6 цифр";

// What the premise's change history keeps of an account.
nlohmann::json HistoryJson(const Account& a) {
  return {{"number", a.number},
          {"legal_entity", a.legal_entity_name},
          {"unified_account", Optional(a.unified_account)},
          {"external_id", Optional(a.external_id)},
          {"hidden_from_resident", a.hidden_from_resident}};
}

}  // namespace

nlohmann::json ToJson(const Account& a) {
  return {{"id", a.id},
          {"premise_id", a.premise_id},
          {"legal_entity_id", a.legal_entity_id},
          {"legal_entity", {{"id", a.legal_entity_id}, {"name", a.legal_entity_name}}},
          {"number", a.number},
          {"unified_account", Optional(a.unified_account)},
          {"external_id", Optional(a.external_id)},
          {"hidden_from_resident", a.hidden_from_resident},
          {"debt", a.debt},
          {"charges_total", a.charges_total},
          {"payments_total", a.payments_total},
          {"created_at", a.created_at},
          {"updated_at", a.updated_at}};
}

nlohmann::json ToJson(const Charge& c) {
  return {{"id", c.id},           {"account_id", c.account_id}, {"period", c.period},
          {"service", c.service}, {"amount", c.amount},         {"created_at", c.created_at}};
}

nlohmann::json ToJson(const Payment& p) {
  return {{"id", p.id},         {"account_id", p.account_id},   {"date", p.date},
          {"amount", p.amount}, {"source", Optional(p.source)}, {"created_at", p.created_at}};
}

std::vector<Account> AccountService::List(long long organization_id, long long premise_id) {
  db::Session sql(database_);
  if (!db::RowExists(sql, "premises", organization_id, premise_id))
    ThrowNotFound("Помещение не найдено");
  return AccountRepository(sql, database_.dialect()).OfPremise(organization_id, premise_id);
}

Account AccountService::Read(long long organization_id, long long id) {
  db::Session sql(database_);
  auto account = AccountRepository(sql, database_.dialect()).Find(organization_id, id);
  if (!account) ThrowNoAccount();
  return *account;
}

Account AccountService::Create(const Actor& actor, long long premise_id,
                               const nlohmann::json& body) {
  return Save(actor, premise_id, std::nullopt, body);
}

Account AccountService::Update(const Actor& actor, long long id, const nlohmann::json& body) {
  return Save(actor, std::nullopt, id, body);
}

Account AccountService::Save(const Actor& actor, std::optional<long long> premise_id,
                             std::optional<long long> id, const nlohmann::json& body) {
  const long long organization_id = actor.organization_id;
  db::Session sql(database_);
  AccountRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  Account account;
  const bool creating = !id;
  if (creating) {
    // The premise is locked (PostgreSQL): account and ledger writes and link changes of
    // one premise (which recompute its clients' debt) run one after the other.
    if (!db::LockRow(sql, database_.dialect(), "premises", organization_id, *premise_id))
      ThrowNotFound("Помещение не найдено");
    account.premise_id = *premise_id;
  } else {
    auto existing = repository.Find(organization_id, *id);
    if (!existing) ThrowNoAccount();
    account = *existing;
  }
  const Account before = account;

  BodyReader reader(body);
  auto wanted = [&](const char* name) { return creating || reader.Has(name); };
  if (wanted("legal_entity_id"))
    if (auto value = reader.Integer("legal_entity_id", {.required = true, .min = 1}))
      account.legal_entity_id = *value;
  if (wanted("number"))
    if (auto value = reader.Text("number", {.required = true, .max_length = 50}))
      account.number = *value;
  if (wanted("unified_account")) {
    account.unified_account = reader.Text("unified_account", {.max_length = 40});
    if (account.unified_account) {
      account.unified_account = NormalizeUnifiedAccount(*account.unified_account);
      if (!account.unified_account) reader.Fail("unified_account", kUnifiedFormat);
    }
  }
  if (wanted("external_id")) account.external_id = reader.Text("external_id", {.max_length = 100});
  if (wanted("hidden_from_resident"))
    account.hidden_from_resident = reader.Bool("hidden_from_resident").value_or(false);
  reader.Finish();

  if (auto name = repository.LegalEntityName(organization_id, account.legal_entity_id))
    account.legal_entity_name = *name;
  else
    ThrowFieldError("legal_entity_id", "Юридическое лицо не найдено");
  auto same_number = repository.FindByNumber(account.legal_entity_id, account.number);
  if (same_number && *same_number != account.id)
    throw ApiError(ErrorCode::kConflict, "Лицевой счёт с таким номером у этого юрлица уже есть",
                   {{"number", "Номер уже используется у этого юридического лица"}});
  if (account.external_id) {
    auto same_external = repository.FindByExternalId(organization_id, *account.external_id);
    if (same_external && *same_external != account.id)
      throw ApiError(ErrorCode::kConflict, "Лицевой счёт с таким внешним идентификатором уже есть",
                     {{"external_id", "Уже используется другим лицевым счётом"}});
  }
  if (creating)
    account.id = repository.Insert(organization_id, account);
  else
    repository.Update(organization_id, account);
  Account saved = *repository.Find(organization_id, account.id);
  nlohmann::json old_value = creating ? nlohmann::json(nullptr) : HistoryJson(before);
  nlohmann::json new_value = HistoryJson(saved);
  if (old_value != new_value)
    history::HistoryRepository(sql).Record(
        actor, "premise", saved.premise_id, "updated",
        {{"account:" + std::to_string(saved.id), {{"old", old_value}, {"new", new_value}}}});
  tx.Commit();
  return saved;
}

AccountDependents AccountService::CountDependents(long long organization_id, long long id) {
  db::Session sql(database_);
  AccountRepository repository(sql, database_.dialect());
  if (!repository.Find(organization_id, id)) ThrowNoAccount();
  return {repository.CountCharges(id), repository.CountPayments(id)};
}

AccountDependents AccountService::Delete(const Actor& actor, long long id) {
  const long long organization_id = actor.organization_id;
  db::Session sql(database_);
  AccountRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  auto account = repository.Find(organization_id, id);
  if (!account) ThrowNoAccount();
  db::LockRow(sql, database_.dialect(), "premises", organization_id, account->premise_id);
  AccountDependents deleted{repository.CountCharges(id), repository.CountPayments(id)};
  repository.Delete(organization_id, id);
  RecomputeClientDebt(sql, organization_id,
                      ClientsOfPremise(sql, organization_id, account->premise_id));
  history::HistoryRepository(sql).Record(
      actor, "premise", account->premise_id, "updated",
      {{"account:" + std::to_string(id), {{"old", HistoryJson(*account)}, {"new", nullptr}}}});
  tx.Commit();
  return deleted;
}

std::vector<Charge> AccountService::Charges(long long organization_id, long long id,
                                            long long limit, long long offset, long long& total) {
  db::Session sql(database_);
  AccountRepository repository(sql, database_.dialect());
  // Only whether it exists: Find also sums the account's whole ledger.
  if (!db::RowExists(sql, "personal_accounts", organization_id, id)) ThrowNoAccount();
  total = repository.CountCharges(id);
  return repository.Charges(organization_id, id, limit, offset);
}

std::vector<Payment> AccountService::Payments(long long organization_id, long long id,
                                              long long limit, long long offset, long long& total) {
  db::Session sql(database_);
  AccountRepository repository(sql, database_.dialect());
  // Only whether it exists: Find also sums the account's whole ledger.
  if (!db::RowExists(sql, "personal_accounts", organization_id, id)) ThrowNoAccount();
  total = repository.CountPayments(id);
  return repository.Payments(organization_id, id, limit, offset);
}

Charge AccountService::AddCharge(const Actor& actor, long long id, const nlohmann::json& body) {
  Charge charge;
  charge.account_id = id;
  BodyReader reader(body);
  if (auto period = reader.Text("period", {.required = true, .max_length = 7})) {
    if (IsPeriod(*period))
      charge.period = *period;
    else
      reader.Fail("period", "Период в формате ГГГГ-ММ");
  }
  if (auto service = reader.Text("service", {.required = true, .max_length = 200}))
    charge.service = *service;
  if (auto amount =
          reader.Integer("amount", {.required = true, .min = -kMaxAmount, .max = kMaxAmount})) {
    if (*amount == 0)
      reader.Fail("amount", "Сумма начисления не может быть нулевой");
    else
      charge.amount = *amount;
  }
  reader.Finish();
  db::Session sql(database_);
  AccountRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  auto account = repository.Find(actor.organization_id, id);
  if (!account) ThrowNoAccount();
  db::LockRow(sql, database_.dialect(), "premises", actor.organization_id, account->premise_id);
  Charge saved = repository.InsertCharge(actor.organization_id, account->premise_id, charge);
  tx.Commit();
  return saved;
}

Payment AccountService::AddPayment(const Actor& actor, long long id, const nlohmann::json& body) {
  Payment payment;
  payment.account_id = id;
  BodyReader reader(body);
  if (auto date = reader.Text("date", {.required = true, .max_length = 10})) {
    if (auto problem = validation::CheckDate(*date, /*not_in_future=*/true))
      reader.Fail("date", *problem);
    else
      payment.date = *date;
  }
  if (auto amount = reader.Integer("amount", {.required = true, .min = 1, .max = kMaxAmount}))
    payment.amount = *amount;
  payment.source = reader.Text("source", {.max_length = 200});
  reader.Finish();
  db::Session sql(database_);
  AccountRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  auto account = repository.Find(actor.organization_id, id);
  if (!account) ThrowNoAccount();
  db::LockRow(sql, database_.dialect(), "premises", actor.organization_id, account->premise_id);
  Payment saved = repository.InsertPayment(actor.organization_id, account->premise_id, payment);
  tx.Commit();
  return saved;
}

}  // namespace upravdom::accounts
