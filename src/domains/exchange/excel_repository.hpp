// The queries of the Excel import and export: object names, and the organisation's premises
// with their clients and accounts a page at a time.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "db/database.hpp"

namespace upravdom::exchange::excel {

struct ExportLink {
  std::string role;
  std::optional<std::string> share;
  std::optional<std::string> owner_external_id;
  std::optional<std::string> external_id;  // the client's, in the space
  std::string type;
  std::optional<std::string> last_name, first_name, middle_name, organization_name, phone, email,
      inn, snils, note;
};

struct ExportAccount {
  std::string legal_entity_inn;
  std::string number;
  std::optional<std::string> unified_account, external_id;
  bool hidden_from_resident = false;
};

struct ExportPremise {
  long long id = 0;
  long long object_id = 0;
  std::optional<std::string> object_external_id;
  std::string object_name;
  std::string type;
  std::optional<std::string> number;
  std::optional<long long> total_area, living_area, rooms;  // areas in hundredths
  std::optional<std::string> external_id;
  std::optional<std::string> street, house, level, room;  // as the type requires
  std::vector<ExportLink> links;                          // owners first
  std::vector<ExportAccount> accounts;
};

class ExcelRepository {
 public:
  ExcelRepository(soci::session& sql, db::Dialect dialect) : sql_(sql), dialect_(dialect) {}

  std::map<std::string, std::vector<long long>> ObjectNames(long long organization_id);

  // Up to `limit` premises with ids above `after_id`, in id order, with their links (clients'
  // external ids in `space`) and accounts.
  std::vector<ExportPremise> PremisePage(long long organization_id, const std::string& space,
                                         long long after_id, long long limit);

 private:
  soci::session& sql_;
  db::Dialect dialect_;
};

}  // namespace upravdom::exchange::excel
