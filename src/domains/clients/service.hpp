// The rules of clients (SPEC C-1 … C-9, P-4): validated personal data, one phone per client
// in the organisation, phone changes only by admins, external ids per space.
#pragma once

#include <functional>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "core/json_input.hpp"
#include "db/database.hpp"
#include "domains/clients/repository.hpp"
#include "domains/history/history.hpp"

namespace upravdom::clients {

struct ClientPage {
  std::vector<Client> items;
  long long total = 0;
  bool total_capped = false;  // a broad search: there are more than `total` matches
};

// What the caller may do beyond an operator: change an existing phone (admins).
struct Permissions {
  bool change_phone = false;
  std::string space = "operations";  // the space the caller works in
};

class ClientService {
 public:
  explicit ClientService(db::Database& database) : database_(database) {}

  ClientPage List(long long organization_id, const ClientFilter& filter);
  Client Read(long long organization_id, long long id);
  Client Create(const Actor& actor, const Permissions& permissions, const nlohmann::json& body);
  Client Update(const Actor& actor, const Permissions& permissions, long long id,
                const nlohmann::json& body);
  void Delete(const Actor& actor, long long id);
  std::vector<history::Entry> History(long long organization_id, long long id, long long limit,
                                      long long offset, long long& total);
  void ExportXlsx(long long organization_id, ClientFilter filter, const std::string& path);

  std::vector<ExternalId> ListExternalIds(long long organization_id, long long client_id);
  ExternalId AddExternalId(const Actor& actor, const Permissions& permissions, long long client_id,
                           const nlohmann::json& body);
  ExternalId UpdateExternalId(const Actor& actor, const Permissions& permissions,
                              long long client_id, long long id, const nlohmann::json& body);
  void DeleteExternalId(const Actor& actor, const Permissions& permissions, long long client_id,
                        long long id);

 private:
  Client Save(const Actor& actor, const Permissions& permissions, std::optional<long long> id,
              const nlohmann::json& body);
  void Load(ClientRepository& repository, soci::session& sql, long long organization_id,
            Client& client);

  db::Database& database_;
};

nlohmann::json ToJson(const Client& client);
// Reads the client's type and personal-data fields that `wanted` names (the card and the
// import share the rules); problems go to the reader.
void ReadClientFields(BodyReader& reader, const std::function<bool(const std::string&)>& wanted,
                      Client& client);
// What the client as a whole lacks: a name for its type, an ИНН of its type's length.
FieldErrors CheckClient(const Client& client);
nlohmann::json ToJson(const ExternalId& external_id);

}  // namespace upravdom::clients
