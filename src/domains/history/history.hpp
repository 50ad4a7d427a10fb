// The change history of records (SPEC P-5): one entry per create, update or delete with the
// fields that changed, their old and new values, who and when.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "db/database.hpp"

namespace upravdom::history {

struct Entry {
  long long id = 0;
  std::string action;
  std::string actor_name;
  std::string changed_at;
  nlohmann::json changes;
};

// {"field": {"old": …, "new": …}} for every field that differs, except `ignored` ones.
nlohmann::json Diff(const nlohmann::json& before, const nlohmann::json& after,
                    const std::set<std::string>& ignored);

// An entry kept to be written later with others (the import writes a batch's entries in a
// few statements just before the batch commits).
struct PendingEntry {
  std::string entity;
  long long entity_id = 0;
  std::string action;
  std::string changes;  // JSON text
  std::string at;       // when the change was made (ISO)
};

// Works on the caller's session, so the entry commits with the change it describes.
class HistoryRepository {
 public:
  explicit HistoryRepository(soci::session& sql) : sql_(sql) {}
  void Record(const Actor& actor, const std::string& entity, long long entity_id,
              const std::string& action, const nlohmann::json& changes);
  // Writes the entries in their order (ids ascending), as `actor`, by multi-row INSERTs.
  void RecordMany(const Actor& actor, const std::vector<PendingEntry>& entries);
  std::vector<Entry> List(long long organization_id, const std::string& entity, long long entity_id,
                          long long limit, long long offset, long long& total);

 private:
  soci::session& sql_;
};

nlohmann::json ToJson(const Entry& entry);
// {"items": [...], "total": N}
nlohmann::json PageJson(const std::vector<Entry>& entries, long long total);

}  // namespace upravdom::history
