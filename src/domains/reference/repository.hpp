// SQL for reference resources, generated from their ResourceSpec. Column and table names
// come from the specs (code), values are always bound. Every query filters by organisation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "domains/reference/spec.hpp"

namespace upravdom::reference {

struct ListQuery {
  std::optional<long long> parent_id;
  std::map<std::string, std::vector<long long>> filters;  // column → any of these ids
  std::string search;                                     // folded; empty = no search
  long long limit = 50;
  long long offset = 0;
};

struct ListPage {
  std::vector<Values> items;
  long long total = 0;
};

// Works on one session (and so inside the caller's transaction).
class ReferenceRepository {
 public:
  ReferenceRepository(soci::session& sql, db::Dialect dialect) : sql_(sql), dialect_(dialect) {}

  std::optional<Values> Find(const ResourceSpec& spec, long long organization_id,
                             std::optional<long long> parent_id, long long id);
  ListPage List(const ResourceSpec& spec, long long organization_id, const ListQuery& query);
  long long Insert(const ResourceSpec& spec, long long organization_id,
                   std::optional<long long> parent_id, const Values& values,
                   const std::string& search_key);
  void Update(const ResourceSpec& spec, long long organization_id, long long id,
              const Values& values, const std::string& search_key);
  void Delete(const ResourceSpec& spec, long long organization_id, long long id);

  // Does `table` hold record `id` of the organisation (under the parent, when given)?
  bool Exists(const std::string& table, long long organization_id, long long id,
              const std::string& parent_column = {}, std::optional<long long> parent_id = {});
  // The id of another record with the same values in `unique.columns`, if any.
  std::optional<long long> FindDuplicate(const ResourceSpec& spec, long long organization_id,
                                         std::optional<long long> parent_id,
                                         const UniqueSpec& unique, const Values& values,
                                         std::optional<long long> except_id);
  long long CountUsage(const UsageSpec& usage, long long organization_id, long long id);
  // One integer column of a record of the organisation (e.g. a quarter's group).
  std::optional<long long> ReadInteger(const std::string& table, const std::string& column,
                                       long long organization_id, long long id);

 private:
  soci::session& sql_;
  db::Dialect dialect_;
};

}  // namespace upravdom::reference
