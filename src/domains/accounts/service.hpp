// The rules of personal accounts (A-1 … A-3) and the ledger: a legal entity of the
// organisation, a number unique per legal entity, the ЕЛС format, unique external ids,
// charges and payments that move the kept debt in the same transaction.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "db/database.hpp"
#include "domains/accounts/repository.hpp"

namespace upravdom::accounts {

struct AccountDependents {
  long long charges = 0;
  long long payments = 0;
};

class AccountService {
 public:
  explicit AccountService(db::Database& database) : database_(database) {}

  std::vector<Account> List(long long organization_id, long long premise_id);
  Account Read(long long organization_id, long long id);
  Account Create(const Actor& actor, long long premise_id, const nlohmann::json& body);
  Account Update(const Actor& actor, long long id, const nlohmann::json& body);
  AccountDependents CountDependents(long long organization_id, long long id);
  AccountDependents Delete(const Actor& actor, long long id);

  std::vector<Charge> Charges(long long organization_id, long long id, long long limit,
                              long long offset, long long& total);
  Charge AddCharge(const Actor& actor, long long id, const nlohmann::json& body);
  std::vector<Payment> Payments(long long organization_id, long long id, long long limit,
                                long long offset, long long& total);
  Payment AddPayment(const Actor& actor, long long id, const nlohmann::json& body);

 private:
  Account Save(const Actor& actor, std::optional<long long> premise_id, std::optional<long long> id,
               const nlohmann::json& body);

  db::Database& database_;
};

nlohmann::json ToJson(const Account& account);
nlohmann::json ToJson(const Charge& charge);
nlohmann::json ToJson(const Payment& payment);

}  // namespace upravdom::accounts
