// The rules of reference resources: validation, references within the organisation,
// uniqueness, and refusing to delete what is still used.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/database.hpp"
#include "domains/reference/repository.hpp"
#include "domains/reference/spec.hpp"

namespace upravdom::reference {

class ReferenceService {
 public:
  explicit ReferenceService(db::Database& database) : database_(database) {}

  // Called inside the update's transaction after a record of `table` changed, so that
  // data derived from it follows (premises' addresses follow their object's).
  using ChangeHook =
      std::function<void(soci::session& sql, long long organization_id, long long id)>;
  void OnUpdated(const std::string& table, ChangeHook hook) {
    update_hooks_[table].push_back(std::move(hook));
  }

  ListPage List(const ResourceSpec& spec, long long organization_id, const ListQuery& query);
  Values Read(const ResourceSpec& spec, long long organization_id,
              std::optional<long long> parent_id, long long id);
  Values Create(const ResourceSpec& spec, long long organization_id,
                std::optional<long long> parent_id, const nlohmann::json& body);
  Values Update(const ResourceSpec& spec, long long organization_id,
                std::optional<long long> parent_id, long long id, const nlohmann::json& body);
  void Delete(const ResourceSpec& spec, long long organization_id,
              std::optional<long long> parent_id, long long id);

 private:
  // Reads the body's fields into `record`; on create every required field must be present,
  // on update only the fields sent change.
  void ReadBody(const ResourceSpec& spec, const nlohmann::json& body, bool creating,
                Values& record);
  void Validate(const ResourceSpec& spec, ReferenceRepository& repository,
                long long organization_id, std::optional<long long> parent_id, Values& record,
                std::optional<long long> id);
  void RequireParent(const ResourceSpec& spec, ReferenceRepository& repository,
                     long long organization_id, std::optional<long long> parent_id);

  db::Database& database_;
  std::map<std::string, std::vector<ChangeHook>> update_hooks_;
};

nlohmann::json ToJson(const Values& values);
std::string SearchKey(const ResourceSpec& spec, const Values& values);

}  // namespace upravdom::reference
