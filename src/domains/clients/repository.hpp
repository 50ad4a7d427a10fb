// SQL of clients and their external ids. Every query is scoped by organisation.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/sql.hpp"
#include "domains/clients/model.hpp"

namespace upravdom::clients {

enum class ClientSort { kName, kNameDesc, kPhone, kPhoneDesc, kLastSeen, kLastSeenDesc };

struct ClientFilter {
  std::string query;  // a name fragment or part of a phone number, as typed
  std::vector<std::string> types;
  std::vector<std::string> statuses;
  std::vector<std::string> tags;  // folded tag names
  // Filters through the premises a client is linked to (take effect with the links).
  std::vector<long long> object_group_ids, quarter_ids, object_ids, entrance_ids, floor_ids,
      premise_ids;
  ClientSort sort = ClientSort::kName;
  long long limit = 50;
  long long offset = 0;

  // No search and no filter: the whole register.
  bool Unfiltered() const {
    return query.empty() && types.empty() && statuses.empty() && tags.empty() &&
           object_group_ids.empty() && quarter_ids.empty() && object_ids.empty() &&
           entrance_ids.empty() && floor_ids.empty() && premise_ids.empty();
  }
};

// One optional text column of a client, in the order of the table.
struct TextColumn {
  const char* name;
  std::optional<std::string> Client::*member;
};
const std::vector<TextColumn>& TextColumns();

class ClientRepository {
 public:
  ClientRepository(soci::session& sql, db::Dialect dialect) : sql_(sql), dialect_(dialect) {}

  std::optional<Client> Find(long long organization_id, long long id);
  long long List(long long organization_id, const ClientFilter& filter, bool count,
                 const std::function<void(const Client&)>& visit);
  long long Insert(long long organization_id, const Client& client);
  void Update(long long organization_id, const Client& client);
  void Delete(long long organization_id, long long id);
  std::optional<long long> FindByPhone(long long organization_id, const std::string& phone);

  std::vector<ExternalId> ExternalIds(long long organization_id, long long client_id);
  // The external ids of several clients (a page of the list) in one query.
  std::map<long long, std::vector<ExternalId>> ExternalIdsOf(long long organization_id,
                                                             const std::vector<long long>& ids);
  std::optional<ExternalId> FindExternalId(long long organization_id, long long client_id,
                                           long long id);
  // The client holding this value in the space, if any.
  std::optional<long long> ClientByExternalId(long long organization_id, const std::string& space,
                                              const std::string& value);
  long long InsertExternalId(long long organization_id, long long client_id,
                             const ExternalId& external_id);
  void UpdateExternalId(long long organization_id, const ExternalId& external_id);
  void DeleteExternalId(long long organization_id, long long id);

 private:
  bool AppendWhere(db::Sql& sql, long long organization_id, const ClientFilter& filter);

  soci::session& sql_;
  db::Dialect dialect_;
};

}  // namespace upravdom::clients
