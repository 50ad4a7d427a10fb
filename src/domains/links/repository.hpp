// SQL of premise–client links. Every query is scoped by organisation.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/sql.hpp"
#include "domains/links/model.hpp"

namespace upravdom::links {

// What a link shows of its client.
struct ClientBrief {
  long long id = 0;
  std::string full_name;
  std::optional<std::string> phone;
  std::string type;
  std::string status;
  std::string name_sort;
};

// What a link shows of its premise.
struct PremiseBrief {
  long long id = 0;
  std::string address;
  std::string type;
  long long object_id = 0;
  std::optional<long long> total_area;
};

class LinkRepository {
 public:
  LinkRepository(soci::session& sql, db::Dialect dialect) : sql_(sql), dialect_(dialect) {}

  std::optional<Link> Find(long long organization_id, long long premise_id, long long client_id);
  std::vector<Link> OfPremise(long long organization_id, long long premise_id);
  // The links of several premises, in one query: premise → its links as OfPremise gives them.
  std::map<long long, std::vector<Link>> OfPremises(long long organization_id,
                                                    const std::vector<long long>& premise_ids);
  // The client's links in the order of the premises' addresses.
  std::vector<Link> OfClient(long long organization_id, long long client_id);
  // The links that depend on this owner on this premise.
  std::vector<Link> Dependants(long long organization_id, long long premise_id,
                               long long owner_client_id);
  long long Insert(long long organization_id, const Link& link);
  void Update(long long organization_id, const Link& link);
  void Delete(long long organization_id, long long id);

  std::map<long long, ClientBrief> Clients(long long organization_id,
                                           const std::vector<long long>& ids);
  std::map<long long, PremiseBrief> Premises(long long organization_id,
                                             const std::vector<long long>& ids);

 private:
  std::vector<Link> Select(db::Sql& query);

  soci::session& sql_;
  db::Dialect dialect_;
};

}  // namespace upravdom::links
