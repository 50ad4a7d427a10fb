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
  // Filters through the premises a client is linked to.
  std::vector<long long> object_group_ids, quarter_ids, object_ids, entrance_ids, floor_ids,
      premise_ids;
  std::vector<std::string> roles;               // clients with a link of one of these roles
  std::optional<long long> debt_min, debt_max;  // kopecks, inclusive
  ClientSort sort = ClientSort::kName;
  long long limit = 50;
  long long offset = 0;

  // No search and no filter: the whole register.
  bool Unfiltered() const {
    return query.empty() && types.empty() && statuses.empty() && tags.empty() &&
           object_group_ids.empty() && quarter_ids.empty() && object_ids.empty() &&
           entrance_ids.empty() && floor_ids.empty() && premise_ids.empty() && roles.empty() &&
           !debt_min && !debt_max;
  }
  // A debt range and nothing else.
  bool DebtOnly() const {
    ClientFilter without_debt = *this;
    without_debt.debt_min.reset();
    without_debt.debt_max.reset();
    return (debt_min || debt_max) && without_debt.Unfiltered();
  }
};

// One optional text column of a client, in the order of the table.
struct TextColumn {
  const char* name;
  std::optional<std::string> Client::*member;
};
const std::vector<TextColumn>& TextColumns();

// A change of a client's row in the SQLite FTS5 index clients_search (name_key,
// phone_digits, org; keyed as db/search_rowid.hpp says). The index is written by the
// repository, not by triggers: a trigger makes every client write a statement with its own
// savepoint, and FTS5 flushes its pending terms at every savepoint — about 100 µs a row
// instead of 5.
struct SearchKeys {
  std::string name_key;
  std::string phone_digits;
  bool operator==(const SearchKeys&) const = default;
};
struct SearchChange {
  long long organization_id = 0;
  long long id = 0;
  std::optional<SearchKeys> before;  // the row to remove from the index
  std::optional<SearchKeys> after;   // the row to add
};
// Applies the changes in order (SQLite only).
void WriteSearchIndex(soci::session& sql, const std::vector<SearchChange>& changes);

class ClientRepository {
 public:
  ClientRepository(soci::session& sql, db::Dialect dialect) : sql_(sql), dialect_(dialect) {}

  std::optional<Client> Find(long long organization_id, long long id);
  // Several clients by id, in one query (an import batch's lookups).
  std::map<long long, Client> FindMany(long long organization_id,
                                       const std::vector<long long>& ids);
  // The page of the list; returns the total when `count`. A broad name search counts up to
  // 1,000 matches and sets `*total_capped` when there are more.
  long long List(long long organization_id, const ClientFilter& filter, bool count,
                 const std::function<void(const Client&)>& visit, bool* total_capped = nullptr);
  // Sets the client's id, created_at and updated_at, and returns the id.
  long long Insert(long long organization_id, Client& client);
  void Update(long long organization_id, const Client& client);
  void Delete(long long organization_id, long long id);
  std::optional<long long> FindByPhone(long long organization_id, const std::string& phone);
  // Phone → client for those of these phones that a client holds, in one query.
  std::map<std::string, long long> FindByPhones(long long organization_id,
                                                const std::vector<std::string>& phones);
  // The links whose role depends on this client as the owner: {client_id, premise_id, role}.
  struct Dependant {
    long long client_id;
    long long premise_id;
    std::string role;
  };
  std::vector<Dependant> DependantsOf(long long organization_id, long long owner_client_id);

  // The premises of several clients (a page of the list) in one query: the first `at_most`
  // of each by address, and how many there are.
  std::map<long long, ClientPremises> PremisesOf(long long organization_id,
                                                 const std::vector<long long>& ids,
                                                 long long at_most);

  std::vector<ExternalId> ExternalIds(long long organization_id, long long client_id);
  // The external ids of several clients (a page of the list) in one query.
  std::map<long long, std::vector<ExternalId>> ExternalIdsOf(long long organization_id,
                                                             const std::vector<long long>& ids);
  std::optional<ExternalId> FindExternalId(long long organization_id, long long client_id,
                                           long long id);
  // The client holding this value in the space, if any.
  std::optional<long long> ClientByExternalId(long long organization_id, const std::string& space,
                                              const std::string& value);
  // Value → client for those of these values that a client holds in the space, in one query.
  std::map<std::string, long long> ClientsByExternalIds(long long organization_id,
                                                        const std::string& space,
                                                        const std::vector<std::string>& values);
  long long InsertExternalId(long long organization_id, long long client_id,
                             const ExternalId& external_id);
  void UpdateExternalId(long long organization_id, const ExternalId& external_id);
  void DeleteExternalId(long long organization_id, long long id);

  // Collects the search-index changes into `pending` instead of writing them, for the
  // caller to write with WriteSearchIndex outside its per-record savepoints (an import).
  void DeferSearchIndex(std::vector<SearchChange>* pending) { deferred_search_ = pending; }
  // Collects the record-count changes into `pending` (db::WriteCountChanges writes them).
  void DeferCounts(db::CountChanges* pending) { deferred_counts_ = pending; }

 private:
  std::optional<SearchKeys> StoredKeys(long long organization_id, long long id);
  std::optional<std::pair<long long, bool>> search_index_shared_;  // organisation, answer
  void IndexForSearch(const SearchChange& change);

  // The search box (`q`) as SQL: a whole phone number, or words / digits to find anywhere in
  // the folded full name / the phone's digits.
  struct Search {
    std::optional<std::string> exact_phone;
    std::string column;              // name_key or phone_digits
    std::vector<std::string> terms;  // each must occur in the column
    // A phone fragment with a leading 8 reads as the trunk 8 (+7: «8 916 12» → 791612) and
    // is also looked for as typed («8036», the end of a number): either will do for terms[0].
    std::optional<std::string> or_as_typed;
    bool matches_nothing = false;
    // The FTS5 trigram MATCH of the terms of 3 characters or more ("" when none), and of
    // the organisation's token when other organisations' clients share the index.
    std::string TrigramMatch(long long organization_id, bool shared) const;
    // Every term is long enough for the trigram index: its MATCH is the whole search.
    bool AllTrigram() const;
  };
  // How a search condition is written: an IN over the trigram index; a MATCH on the index
  // joined as `s`; only the words too short for the index (the query matched the index
  // itself); or a check of each row's text (instr), for walking an ordered index.
  enum class SearchPlan { kSubquery, kJoined, kMatched, kScan };

  static Search ParseSearch(const std::string& typed);
  // Whether other organisations have clients in the search index: if not, a MATCH needs no
  // organisation token (which makes it 2–3× slower). Asked once per repository.
  bool SearchIndexShared(long long organization_id);
  // The filters other than `q`; false when they can match nothing.
  bool AppendFilters(db::Sql& sql, long long organization_id, const ClientFilter& filter);
  void AppendSearch(db::Sql& sql, long long organization_id, const Search& search, SearchPlan plan);
  bool AppendWhere(db::Sql& sql, long long organization_id, const ClientFilter& filter);
  long long ListSearched(long long organization_id, const ClientFilter& filter,
                         const Search& search, bool count,
                         const std::function<void(const Client&)>& visit, bool* total_capped);
  // A search walking an ordered index and checking each row's text; the count stops at 1,000.
  long long ListByScan(long long organization_id, const ClientFilter& filter, const Search& search,
                       bool count, const std::function<void(const Client&)>& visit,
                       bool* total_capped);
  std::vector<long long> PageByScan(long long organization_id, const ClientFilter& filter,
                                    const Search& search);
  // A search by name order through the index's rowids (db/search_rowid.hpp): one query
  // gives the count and the matches in coarse name order; false when the search is not of
  // that kind (filters, another order, a deep page).
  bool ListInIndexOrder(long long organization_id, const ClientFilter& filter, const Search& search,
                        bool count, const std::function<void(const Client&)>& visit,
                        bool* total_capped, long long* total);
  // The clients of rowids[from, to) of the search index (and of the organisation), by name.
  std::vector<long long> SortedByName(long long organization_id,
                                      const std::vector<long long>& rowids, size_t from, size_t to,
                                      bool ascending);
  // Reads the clients of `ids` and visits them in that order.
  void VisitInOrder(const std::vector<long long>& ids,
                    const std::function<void(const Client&)>& visit);

  soci::session& sql_;
  db::Dialect dialect_;
  std::vector<SearchChange>* deferred_search_ = nullptr;
  db::CountChanges* deferred_counts_ = nullptr;
};

}  // namespace upravdom::clients
