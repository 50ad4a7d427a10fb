// SQL the import engine needs beyond the domain repositories: lookups by the accounting
// system's keys, the sync's checks, and the moves of a client merge. Scoped by organisation.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/sql.hpp"

namespace upravdom::exchange {

class ImportRepository {
 public:
  explicit ImportRepository(soci::session& sql) : sql_(sql) {}

  std::optional<long long> ObjectByExternalId(long long organization_id,
                                              const std::string& external_id);
  // A premise of the object with this type and number. `external_id` is set only when the
  // premise has one.
  struct NumberedPremise {
    long long id = 0;
    std::optional<std::string> external_id;
  };
  std::optional<NumberedPremise> PremiseByNumber(long long organization_id, long long object_id,
                                                 const std::string& type,
                                                 const std::string& number);
  // The premises of these objects with these numbers, of any type, in one query per few
  // hundred numbers (an import batch's lookups): {object, number} → the premises, by id.
  struct NumberedRow {
    std::string type;
    NumberedPremise premise;
  };
  std::map<std::pair<long long, std::string>, std::vector<NumberedRow>> PremisesByNumbers(
      long long organization_id, const std::map<long long, std::vector<std::string>>& numbers);
  std::optional<long long> LegalEntityByInn(long long organization_id, const std::string& inn);

  // Whether a client of another organisation has one of these phones (I-2 case 2c).
  bool PhoneInOtherOrganization(long long organization_id, const std::vector<std::string>& phones);
  // Whether the client has ever signed in to the resident app (I-2 case 2b).
  bool SignedIn(long long organization_id, long long client_id);
  // Whether anyone has ever signed in to the resident app with this phone.
  bool ResidentSignedIn(const std::string& phone);
  // Whether any link of the client is marked «Не удалять клиента при интеграции».
  bool KeptOnSync(long long organization_id, long long client_id);
  long long LinkCount(long long organization_id, long long client_id);
  // The dependants on this premise lose their owner reference to this client.
  void ForgetOwner(long long organization_id, long long premise_id, long long owner_client_id);
  // Σ debt of the premise's accounts.
  long long PremiseDebt(long long organization_id, long long premise_id);

  // A merge (I-2 case 2d): the absorbed client's links (except on premises the survivor is
  // linked to as well), owner references, external ids, tags and history move to the
  // survivor.
  void MoveToSurvivor(long long organization_id, long long absorbed_id, long long survivor_id);
  void RecordMerge(long long organization_id, long long operation_id, long long survivor_id,
                   long long absorbed_id, const std::string& absorbed_json,
                   const std::string& replaced_json);

  // The savepoint around one record.
  void Savepoint();
  void Release();
  // Rolls back to the savepoint and releases it.
  void RollbackToSavepoint();

 private:
  soci::session& sql_;
};

}  // namespace upravdom::exchange
