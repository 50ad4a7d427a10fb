// SQL of personal accounts, their charges and payments, and the kept debt. Every query is
// scoped by organisation.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/sql.hpp"
#include "domains/accounts/model.hpp"

namespace upravdom::accounts {

class AccountRepository {
 public:
  AccountRepository(soci::session& sql, db::Dialect dialect) : sql_(sql), dialect_(dialect) {}

  std::optional<Account> Find(long long organization_id, long long id);
  // The premise's accounts by number.
  std::vector<Account> OfPremise(long long organization_id, long long premise_id);
  long long Insert(long long organization_id, const Account& account);
  void Update(long long organization_id, const Account& account);
  void Delete(long long organization_id, long long id);

  std::optional<std::string> LegalEntityName(long long organization_id, long long legal_entity_id);
  std::optional<long long> FindByNumber(long long legal_entity_id, const std::string& number);
  std::optional<long long> FindByExternalId(long long organization_id,
                                            const std::string& external_id);
  // An import batch's lookups, one query each: several accounts by id; number → account of
  // the legal entity; external id → account.
  std::map<long long, Account> FindMany(long long organization_id,
                                        const std::vector<long long>& ids);
  std::map<std::string, long long> FindByNumbers(long long legal_entity_id,
                                                 const std::vector<std::string>& numbers);
  std::map<std::string, long long> FindByExternalIds(long long organization_id,
                                                     const std::vector<std::string>& external_ids);

  long long CountCharges(long long account_id);
  long long CountPayments(long long account_id);
  std::vector<Charge> Charges(long long organization_id, long long account_id, long long limit,
                              long long offset);
  std::vector<Payment> Payments(long long organization_id, long long account_id, long long limit,
                                long long offset);
  // Insert the entry and move the account's and its clients' debt by it.
  Charge InsertCharge(long long organization_id, long long premise_id, const Charge& charge);
  Payment InsertPayment(long long organization_id, long long premise_id, const Payment& payment);

 private:
  void AddToDebt(long long account_id, long long premise_id, long long delta);

  soci::session& sql_;
  [[maybe_unused]] db::Dialect dialect_;
};

// The kept debt (docs/ARCHITECTURE.md, «Debt»): clients.debt = Σ debt of the accounts of
// every premise the client is linked to. Recomputed for these clients from the accounts.
void RecomputeClientDebt(soci::session& sql, long long organization_id,
                         const std::vector<long long>& client_ids);
// The clients linked to a premise.
std::vector<long long> ClientsOfPremise(soci::session& sql, long long organization_id,
                                        long long premise_id);

}  // namespace upravdom::accounts
