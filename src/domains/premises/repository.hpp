// SQL of premises. Every query is scoped by organisation; the list and the export share
// one filter builder.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "db/database.hpp"
#include "db/sql.hpp"
#include "domains/premises/model.hpp"

namespace upravdom::premises {

enum class SortOrder { kAddress, kAddressDesc, kArea, kAreaDesc };

struct PremiseFilter {
  std::string query;  // the search box as typed (already bounded in length)
  std::vector<long long> object_group_ids;
  std::vector<long long> quarter_ids;
  std::vector<long long> object_ids;
  std::vector<std::string> types;
  std::vector<long long> client_ids;
  std::vector<std::string> tags;  // tag names
  SortOrder sort = SortOrder::kAddress;
  long long limit = 50;
  long long offset = 0;
  bool matches_nothing = false;  // e.g. a search string no address can be

  // No search and no filter: the whole register.
  bool Unfiltered() const {
    return query.empty() && object_group_ids.empty() && quarter_ids.empty() && object_ids.empty() &&
           types.empty() && client_ids.empty() && tags.empty() && !matches_nothing;
  }
  // Only tags, or tags and types.
  bool TagsAndTypesOnly() const {
    return !tags.empty() && query.empty() && object_group_ids.empty() && quarter_ids.empty() &&
           object_ids.empty() && client_ids.empty() && !matches_nothing;
  }
  // Only the tag filter (one or more tags).
  bool TagsOnly() const { return TagsAndTypesOnly() && types.empty(); }
};

// A premise with what lists show beside it.
struct PremiseRow {
  Premise premise;
  ObjectAddress object;
  std::optional<long long> entrance_number;
  std::optional<long long> floor_number;
  long long clients_count = 0;
};

// What deleting a premise takes with it.
struct Dependents {
  long long accounts = 0;
  long long charges = 0;
  long long payments = 0;
  long long links = 0;
};

class PremiseRepository {
 public:
  PremiseRepository(soci::session& sql, db::Dialect dialect) : sql_(sql), dialect_(dialect) {}

  std::optional<PremiseRow> Find(long long organization_id, long long id);
  // Several premises by id (a page of links) in one query.
  std::map<long long, PremiseRow> FindMany(long long organization_id,
                                           const std::vector<long long>& ids);
  // The number of clients linked to each of these premises (a page of the list).
  std::map<long long, long long> ClientsCounts(long long organization_id,
                                               const std::vector<long long>& ids);
  // Calls `visit` for each premise of the page (or of the whole result when limit < 0).
  // Returns the total number of matches unless `count` is false.
  long long List(long long organization_id, const PremiseFilter& filter, bool count,
                 const std::function<void(const PremiseRow&)>& visit);
  long long Insert(long long organization_id, const Premise& premise, const ObjectAddress& object,
                   const SearchKeys& keys);
  void Update(long long organization_id, const Premise& premise, const ObjectAddress& object,
              const SearchKeys& keys);
  void Delete(long long organization_id, long long id);
  Dependents CountDependents(long long organization_id, long long id);

  std::optional<ObjectAddress> FindObject(long long organization_id, long long object_id);
  // The entrance's object, the floor's object and entrance (for consistency checks).
  std::optional<long long> EntranceObject(long long organization_id, long long entrance_id);
  std::optional<std::pair<long long, std::optional<long long>>> FloorPlace(
      long long organization_id, long long floor_id);
  std::optional<long long> FindByExternalId(long long organization_id,
                                            const std::string& external_id);
  // The premises holding these external ids, in one query (an import batch's lookups).
  std::vector<PremiseRow> FindByExternalIds(long long organization_id,
                                            const std::vector<std::string>& external_ids);
  // Recomputes the search keys of every premise of an object after its address changed.
  void RefreshObjectKeys(long long organization_id, long long object_id);

  // A bulk writer (an import) collects the record-count changes and the streets to remember
  // instead of a statement each per premise, and writes them before it commits
  // (db::WriteCountChanges, RememberStreets).
  void DeferBookkeeping(db::CountChanges* counts, std::vector<std::string>* street_keys) {
    deferred_counts_ = counts;
    deferred_streets_ = street_keys;
  }
  // The street keys of the search box's hints (table street_keys), duplicates allowed.
  void RememberStreets(long long organization_id, std::vector<std::string> street_keys);

 private:
  // Appends " WHERE …" for the filter; false when the filter can match nothing.
  // `for_count`: the condition of the COUNT(*) query (see the type filter).
  bool AppendWhere(db::Sql& sql, long long organization_id, const PremiseFilter& filter,
                   bool for_count = false);
  // Premises the search box finds other than by address: by a personal account's number or
  // ЕЛС, and by a linked client's name or phone (a capped lookup of ids).
  std::vector<long long> OtherMatches(long long organization_id, const std::string& typed);
  void RememberStreet(long long organization_id, const std::string& street_key);

  soci::session& sql_;
  db::Dialect dialect_;
  db::CountChanges* deferred_counts_ = nullptr;
  std::vector<std::string>* deferred_streets_ = nullptr;
  // The search box's other matches (OtherMatches) of the list being read.
  std::optional<std::vector<long long>> others_;
};

}  // namespace upravdom::premises
