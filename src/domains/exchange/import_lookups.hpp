// What an import batch's records look up, read ahead for the whole batch (docs/ARCHITECTURE.md
// «Data exchange»): before a batch is applied, the premises and accounts its records name by
// external id, the premises they name by object and number (where the external id finds
// none), the accounts they name by number, the clients they name by external id or phone,
// the rows found and the found premises' links are read in one query per kind — a handful
// of queries for a thousand records instead of about ten per record.
//
// An answer comes from what was read only while the batch cannot have changed it: the engine
// forgets a key, a row or everything when it writes what lies behind it, and whatever is not
// known is read from the database as before. Nothing is added after the read, so a record
// that is rolled back can leave entries forgotten, never wrong.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domains/accounts/repository.hpp"
#include "domains/clients/repository.hpp"
#include "domains/exchange/import_repository.hpp"
#include "domains/links/repository.hpp"
#include "domains/premises/repository.hpp"

namespace upravdom::exchange {

class ImportLookups {
 public:
  ImportLookups(premises::PremiseRepository& premises, clients::ClientRepository& clients,
                links::LinkRepository& links, accounts::AccountRepository& accounts,
                ImportRepository& imports, long long organization_id, std::string space)
      : premises_(premises),
        clients_(clients),
        links_(links),
        accounts_(accounts),
        imports_(imports),
        organization_id_(organization_id),
        space_(std::move(space)) {}

  // What a batch names (duplicates allowed).
  struct Keys {
    std::vector<std::string> premise_external_ids;
    std::vector<std::string> client_external_ids;  // in the run's space
    std::vector<std::string> client_phones;        // E.164
    std::vector<std::string> account_external_ids;
    std::map<long long, std::vector<std::string>> account_numbers;  // by legal entity
    // Premises by object and number: read for those whose external id finds nothing.
    struct Numbered {
      long long object_id;
      std::string number;
      std::optional<std::string> external_id;
    };
    std::vector<Numbered> premise_numbers;
  };
  // Forgets everything and reads what these keys find now.
  void Read(const Keys& keys);
  // The rows the last Read found, by table: to lock them (ImportRun::Prepare).
  struct Found {
    std::vector<long long> premises, clients, accounts;
  };
  Found FoundRows() const;

  std::optional<long long> PremiseByExternalId(const std::string& external_id);
  std::optional<premises::PremiseRow> Premise(long long id);
  // The object's premise of this type and number (the lowest id), when its external id
  // found none.
  std::optional<ImportRepository::NumberedPremise> PremiseByNumber(long long object_id,
                                                                   const std::string& type,
                                                                   const std::string& number);
  std::optional<long long> ClientByExternalId(const std::string& value);
  std::optional<long long> ClientByPhone(const std::string& phone);
  std::optional<clients::Client> Client(long long id);
  std::vector<links::Link> LinksOfPremise(long long premise_id);
  std::optional<long long> AccountByNumber(long long legal_entity_id, const std::string& number);
  std::optional<long long> AccountByExternalId(const std::string& external_id);
  std::optional<accounts::Account> Account(long long id);

  // The engine wrote the premise; its external id was or is one of these, and its object and
  // number one of `numbers`.
  void ForgetPremise(long long id, const std::vector<std::optional<std::string>>& external_ids,
                     const std::vector<std::pair<long long, std::optional<std::string>>>& numbers);
  // The engine wrote the client (its row, a phone it had or has, an external id it was given).
  void ForgetClient(long long id, const std::vector<std::optional<std::string>>& phones = {},
                    const std::vector<std::string>& external_ids = {});
  void ForgetLinksOf(long long premise_id);
  // The engine wrote the account; it had or has these numbers (of these legal entities) and
  // external ids.
  void ForgetAccount(long long id, const std::vector<std::pair<long long, std::string>>& numbers,
                     const std::vector<std::optional<std::string>>& external_ids);
  // After a write whose reach is wider (a merge, a deleted client).
  void ForgetAll();

  // Answers given from what was read, and those read from the database (tests, profiling).
  struct Counters {
    long long served = 0, queried = 0;
  };
  const Counters& counters() const { return counters_; }

 private:
  premises::PremiseRepository& premises_;
  clients::ClientRepository& clients_;
  links::LinkRepository& links_;
  accounts::AccountRepository& accounts_;
  ImportRepository& imports_;
  long long organization_id_;
  std::string space_;
  Counters counters_;

  // key → the id found, or nullopt: known to find nothing.
  std::unordered_map<std::string, std::optional<long long>> premise_by_external_id_;
  std::unordered_map<std::string, std::optional<long long>> client_by_external_id_;
  std::unordered_map<std::string, std::optional<long long>> client_by_phone_;
  std::unordered_map<std::string, std::optional<long long>> account_by_external_id_;
  std::map<std::pair<long long, std::string>, std::optional<long long>> account_by_number_;
  // {object, number} → its premises (of any type, by id; none: known to be none).
  std::map<std::pair<long long, std::string>, std::vector<ImportRepository::NumberedRow>>
      premises_by_number_;
  // Rows found by the keys above.
  std::unordered_map<long long, premises::PremiseRow> premises_by_id_;
  std::unordered_map<long long, clients::Client> clients_by_id_;
  std::unordered_map<long long, accounts::Account> accounts_by_id_;
  std::unordered_map<long long, std::vector<links::Link>> links_by_premise_;
};

}  // namespace upravdom::exchange
