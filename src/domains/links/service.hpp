// The rules of premise–client links (SPEC L-1 … L-6): roles and the owner a dependant
// depends on, ownership shares that together do not exceed the whole, owners with dependants,
// the change history of the premise, and the kept debt of the clients.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "db/database.hpp"
#include "domains/links/repository.hpp"

namespace upravdom::links {

// A link with what the API shows beside it.
struct LinkView {
  Link link;
  ClientBrief client;
  PremiseBrief premise;
  std::optional<ClientBrief> owner;
};

struct PremiseLinks {
  std::vector<LinkView> items;
  std::vector<std::string> premise_missing;  // premise fields the owners' meeting needs
  long long owners_incomplete = 0;
};

// What to do with an owner's dependants when the owner's link is removed.
struct DependantsChoice {
  std::optional<std::string> action;  // "remove" | "reassign"
  std::optional<long long> owner_client_id;
};

class LinkService {
 public:
  explicit LinkService(db::Database& database) : database_(database) {}

  PremiseLinks OfPremise(long long organization_id, long long premise_id);
  std::vector<LinkView> OfClient(long long organization_id, long long client_id);
  // POST /premises/{id}/clients (client_id in the body).
  LinkView CreateForPremise(const Actor& actor, long long premise_id, const nlohmann::json& body);
  // POST /clients/{id}/premises (premise_id in the body).
  LinkView CreateForClient(const Actor& actor, long long client_id, const nlohmann::json& body);
  LinkView Update(const Actor& actor, long long premise_id, long long client_id,
                  const nlohmann::json& body);
  void Delete(const Actor& actor, long long premise_id, long long client_id,
              const DependantsChoice& choice);

 private:
  LinkView Create(const Actor& actor, std::optional<long long> premise_id,
                  std::optional<long long> client_id, const nlohmann::json& body);

  db::Database& database_;
};

nlohmann::json ToJson(const LinkView& view);

}  // namespace upravdom::links
