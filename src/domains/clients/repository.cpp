#include "domains/clients/repository.hpp"

#include <algorithm>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/phone.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "db/search_rowid.hpp"
#include "domains/premises/model.hpp"

namespace upravdom::clients {

using db::Row;
using db::Sql;

const std::vector<TextColumn>& TextColumns() {
  static const std::vector<TextColumn> columns = {
      {"last_name", &Client::last_name},
      {"first_name", &Client::first_name},
      {"middle_name", &Client::middle_name},
      {"organization_name", &Client::organization_name},
      {"phone", &Client::phone},
      {"email", &Client::email},
      {"gender", &Client::gender},
      {"birth_date", &Client::birth_date},
      {"passport_series", &Client::passport_series},
      {"passport_number", &Client::passport_number},
      {"passport_issued_by", &Client::passport_issued_by},
      {"passport_issued_at", &Client::passport_issued_at},
      {"passport_department_code", &Client::passport_department_code},
      {"passport_comment", &Client::passport_comment},
      {"registration_address", &Client::registration_address},
      {"registration_postcode", &Client::registration_postcode},
      {"registration_comment", &Client::registration_comment},
      {"inn", &Client::inn},
      {"snils", &Client::snils},
      {"loyalty_card", &Client::loyalty_card},
      {"note", &Client::note},
  };
  return columns;
}

namespace {

std::string SelectColumns() {
  std::string columns =
      "c.id, c.type, c.status, c.tester, c.last_seen_at, c.created_at, c.updated_at, c.debt";
  for (const TextColumn& column : TextColumns()) columns += std::string(", c.") + column.name;
  return columns;
}

Client ReadClient(const Row& row) {
  Client client;
  client.id = row.Int(0);
  client.type = row.Text(1);
  client.status = row.Text(2);
  client.tester = row.Bool(3);
  client.last_seen_at = row.OptText(4);
  client.created_at = row.Text(5);
  client.updated_at = row.Text(6);
  client.debt = row.Int(7);
  size_t i = 8;
  for (const TextColumn& column : TextColumns()) client.*column.member = row.OptText(i++);
  return client;
}

// Values of the search and sort columns, derived from the client.
struct Keys {
  std::string name_key;
  std::string phone_digits;
};

Keys MakeKeys(const Client& client) {
  std::string digits;
  for (char c : client.phone.value_or(""))
    if (c >= '0' && c <= '9') digits += c;
  return {text::FoldForSearch(FullName(client)), digits};
}

// A term for an FTS5 MATCH: a quoted string, quotes doubled.
std::string FtsString(const std::string& term) {
  std::string quoted = "\"";
  for (char c : term) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// A LIKE pattern matching `term` anywhere, with LIKE's own characters escaped.
std::string LikeAnywhere(const std::string& term) {
  std::string pattern = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

bool HasLetters(const std::string& text) {
  for (unsigned char c : text)
    if (c >= 0x80 || std::isalpha(c)) return true;
  return false;
}

}  // namespace

bool ClientRepository::AppendFilters(Sql& sql, long long organization_id,
                                     const ClientFilter& filter) {
  sql << " WHERE c.organization_id = ";
  sql.Bind(organization_id);
  if (!filter.types.empty()) {
    sql << " AND c.type IN ";
    sql.BindList(filter.types);
  }
  if (!filter.statuses.empty()) {
    sql << " AND c.status IN ";
    sql.BindList(filter.statuses);
  }
  if (!filter.tags.empty()) {
    sql << " AND c.id IN (SELECT ct.client_id FROM client_tags ct JOIN tags t ON t.id = "
           "ct.tag_id WHERE t.organization_id = ";
    sql.Bind(organization_id) << " AND t.name_key IN ";
    sql.BindList(filter.tags);
    sql << ")";
  }
  // Through the premises the client is linked to: one subquery over the links, with the
  // role in the same link when both are asked for.
  const bool by_premise = !filter.object_group_ids.empty() || !filter.quarter_ids.empty() ||
                          !filter.object_ids.empty() || !filter.entrance_ids.empty() ||
                          !filter.floor_ids.empty() || !filter.premise_ids.empty();
  if (by_premise || !filter.roles.empty()) {
    sql << " AND c.id IN (SELECT l.client_id FROM premise_clients l";
    if (by_premise) sql << " JOIN premises p ON p.id = l.premise_id";
    sql << " WHERE l.organization_id = ";
    sql.Bind(organization_id);
    // The premises' indexes lead with the organisation: PostgreSQL cannot skip it.
    if (by_premise) {
      sql << " AND p.organization_id = ";
      sql.Bind(organization_id);
    }
    const std::pair<const char*, const std::vector<long long>*> columns[] = {
        {"p.object_group_id", &filter.object_group_ids},
        {"p.quarter_id", &filter.quarter_ids},
        {"p.object_id", &filter.object_ids},
        {"p.entrance_id", &filter.entrance_ids},
        {"p.floor_id", &filter.floor_ids},
        {"l.premise_id", &filter.premise_ids}};
    for (const auto& [column, ids] : columns) {
      if (ids->empty()) continue;
      sql << " AND " << column << " IN ";
      sql.BindList(*ids);
    }
    if (!filter.roles.empty()) {
      sql << " AND l.role IN ";
      sql.BindList(filter.roles);
    }
    sql << ")";
  }
  if (filter.debt_min) {
    sql << " AND c.debt >= ";
    sql.Bind(*filter.debt_min);
  }
  if (filter.debt_max) {
    sql << " AND c.debt <= ";
    sql.Bind(*filter.debt_max);
  }

  return true;
}

ClientRepository::Search ClientRepository::ParseSearch(const std::string& typed) {
  Search search;
  const std::string query = text::FoldForSearch(typed);
  if (query.empty()) return search;
  if (!HasLetters(query)) {
    // Part of a phone number, in any format, of at least 3 digits.
    // A whole number goes straight to the unique phone index.
    if (auto full = phone::ToE164(typed)) {
      search.exact_phone = *full;
      return search;
    }
    const std::string digits = phone::SearchDigits(query);
    if (digits.empty()) {
      search.matches_nothing = true;
      return search;
    }
    search.column = "phone_digits";
    search.terms = {digits};
    search.or_as_typed = phone::SearchDigitsAsTyped(query);
    return search;
  }
  // A name: every word must occur in the full name, in any order, as any part of a word.
  search.column = "name_key";
  for (size_t start = 0; start < query.size();) {
    size_t end = query.find(' ', start);
    if (end == std::string::npos) end = query.size();
    if (end > start) search.terms.push_back(query.substr(start, end - start));
    start = end + 1;
  }
  return search;
}

std::string ClientRepository::Search::TrigramMatch(long long organization_id, bool shared) const {
  // Trigram search needs three characters; shorter words filter the rows found.
  std::string match;
  for (size_t i = 0; i < terms.size(); ++i) {
    if (text::CodePointCount(terms[i]) < 3) continue;
    if (!match.empty()) match += " AND ";
    if (i == 0 && or_as_typed)
      match += column + " : (" + FtsString(terms[i]) + " OR " + FtsString(*or_as_typed) + ")";
    else
      match += column + " : " + FtsString(terms[i]);
  }
  if (match.empty() || !shared) return match;
  return match + " AND org : " + FtsString(db::OrganizationSearchToken(organization_id));
}

bool ClientRepository::SearchIndexShared(long long organization_id) {
  if (!search_index_shared_ || search_index_shared_->first != organization_id) {
    // Two seeks in an index led by the organisation.
    Sql others(
        "SELECT EXISTS (SELECT 1 FROM clients INDEXED BY clients_name WHERE organization_id < ");
    others.Bind(organization_id)
        << ") OR EXISTS (SELECT 1 FROM clients INDEXED BY clients_name WHERE organization_id > ";
    others.Bind(organization_id) << ")";
    search_index_shared_.emplace(organization_id, db::QueryInt(sql_, others).value_or(1) != 0);
  }
  return search_index_shared_->second;
}

bool ClientRepository::Search::AllTrigram() const {
  return !terms.empty() && std::all_of(terms.begin(), terms.end(), [](const std::string& term) {
    return text::CodePointCount(term) >= 3;
  });
}

void ClientRepository::AppendSearch(Sql& sql, long long organization_id, const Search& search,
                                    SearchPlan plan) {
  if (search.exact_phone) {
    sql << " AND c.phone = ";
    sql.Bind(*search.exact_phone);
    return;
  }
  // The term must occur in the column (or, for the first, its reading as typed).
  auto occurs = [&](size_t i) {
    const bool postgres = dialect_ == db::Dialect::kPostgres;
    auto one = [&](const std::string& term) {
      if (postgres) {
        sql << "c." << search.column << " LIKE ";
        sql.Bind(LikeAnywhere(term));
      } else {
        sql << "instr(c." << search.column << ", ";
        sql.Bind(term) << ") > 0";
      }
    };
    sql << " AND (";
    one(search.terms[i]);
    if (i == 0 && search.or_as_typed) {
      sql << " OR ";
      one(*search.or_as_typed);
    }
    sql << ")";
  };
  if (dialect_ == db::Dialect::kPostgres) {
    for (size_t i = 0; i < search.terms.size(); ++i) occurs(i);
    return;
  }
  const std::string match =
      search.TrigramMatch(organization_id, SearchIndexShared(organization_id));
  for (size_t i = 0; i < search.terms.size(); ++i)
    if (plan == SearchPlan::kScan || text::CodePointCount(search.terms[i]) < 3) occurs(i);
  if (match.empty() || plan == SearchPlan::kScan || plan == SearchPlan::kMatched) return;
  if (plan == SearchPlan::kJoined) {
    sql << " AND s.clients_search MATCH ";
    sql.Bind(match);
  } else {
    sql << " AND c.id IN (SELECT rowid & 4294967295 FROM clients_search WHERE clients_search "
           "MATCH ";
    sql.Bind(match) << ")";
  }
}

bool ClientRepository::AppendWhere(Sql& sql, long long organization_id,
                                   const ClientFilter& filter) {
  if (!AppendFilters(sql, organization_id, filter)) return false;
  const Search search = ParseSearch(filter.query);
  if (search.matches_nothing) return false;
  AppendSearch(sql, organization_id, search, SearchPlan::kSubquery);
  return true;
}

namespace {

const std::map<ClientSort, std::string>& OrderBy() {
  static const std::map<ClientSort, std::string> order = {
      {ClientSort::kName, "c.name_sort, c.id"},
      {ClientSort::kNameDesc, "c.name_sort DESC, c.id DESC"},
      {ClientSort::kPhone, "(c.phone IS NULL), c.phone, c.id"},
      {ClientSort::kPhoneDesc, "(c.phone IS NULL), c.phone DESC, c.id DESC"},
      {ClientSort::kLastSeen, "(c.last_seen_at IS NULL), c.last_seen_at, c.id"},
      {ClientSort::kLastSeenDesc, "(c.last_seen_at IS NULL), c.last_seen_at DESC, c.id DESC"}};
  return order;
}

}  // namespace

long long ClientRepository::List(long long organization_id, const ClientFilter& filter, bool count,
                                 const std::function<void(const Client&)>& visit,
                                 bool* total_capped) {
  if (total_capped) *total_capped = false;
  if (dialect_ == db::Dialect::kSqlite) {
    const Search search = ParseSearch(filter.query);
    if (!search.matches_nothing && !search.terms.empty())
      return ListSearched(organization_id, filter, search, count, visit, total_capped);
  }
  // Through links or debt, a page of few matches is taken by sorting them (counted first):
  // walking the whole name index to test each client's debt or links reads tens of
  // thousands of rows for a narrow filter (docs/performance.md, issue 5).
  const bool by_links = !filter.object_group_ids.empty() || !filter.quarter_ids.empty() ||
                        !filter.object_ids.empty() || !filter.entrance_ids.empty() ||
                        !filter.floor_ids.empty() || !filter.premise_ids.empty() ||
                        !filter.roles.empty() || filter.debt_min || filter.debt_max;
  // PostgreSQL's search (LIKE over the trigram index): left to itself the planner walks the
  // name order testing every name (seconds when the matches sit late in the alphabet);
  // counted first, a few thousand matches are found by the index and sorted.
  const bool searched_on_postgres =
      dialect_ == db::Dialect::kPostgres && !ParseSearch(filter.query).terms.empty();
  if ((by_links || searched_on_postgres) && count && filter.limit >= 0) {
    static const std::map<ClientSort, std::string> kOrderBySorting = {
        {ClientSort::kName, "c.name_sort || '', c.id"},
        {ClientSort::kNameDesc, "c.name_sort || '' DESC, c.id DESC"},
        {ClientSort::kPhone, "(c.phone IS NULL), c.phone || '', c.id"},
        {ClientSort::kPhoneDesc, "(c.phone IS NULL), c.phone || '' DESC, c.id DESC"},
        {ClientSort::kLastSeen, "(c.last_seen_at IS NULL), c.last_seen_at || '', c.id"},
        {ClientSort::kLastSeenDesc,
         "(c.last_seen_at IS NULL), c.last_seen_at || '' DESC, c.id DESC"}};
    // A debt range alone is counted and sorted by name in the index (organization_id, debt,
    // name_sort, id) without reading rows, so far more of its matches can be sorted.
    const bool debt_only = filter.DebtOnly();
    const bool by_name = filter.sort == ClientSort::kName || filter.sort == ClientSort::kNameDesc;
    const long long sort_at_most = (debt_only && by_name) || searched_on_postgres ? 20'000 : 5'000;
    auto where = [&](Sql& sql) { return AppendWhere(sql, organization_id, filter); };
    long long total = 0;
    if (debt_only && !filter.debt_min) {
      // «Долг до N» holds most clients (three in four owe nothing): counted as all clients
      // but those owing more, which walks the few debtors instead of the many.
      Sql debtors("SELECT COUNT(*) FROM clients c WHERE c.organization_id = ");
      debtors.Bind(organization_id) << " AND c.debt > ";
      debtors.Bind(*filter.debt_max);
      total = db::RecordCount(sql_, organization_id, "clients") -
              db::QueryInt(sql_, debtors).value_or(0);
    } else {
      Sql counting("SELECT COUNT(*) FROM clients c");
      if (!where(counting)) return 0;
      total = db::QueryInt(sql_, counting).value_or(0);
    }
    if (total <= filter.offset) return total;
    // The page's ids first (the sort holds only keys and ids), then their rows.
    // Many matches: walk the name order (they are dense in it); SQLite would rather sort
    // the debt index's hundreds of thousands of matches.
    const bool walk_names = total > sort_at_most && by_name && dialect_ == db::Dialect::kSqlite;
    Sql page(walk_names ? "SELECT c.id FROM clients c INDEXED BY clients_name"
                        : "SELECT c.id FROM clients c");
    where(page);
    page << " ORDER BY "
         << (total <= sort_at_most ? kOrderBySorting.at(filter.sort) : OrderBy().at(filter.sort));
    page.Page(filter.limit, filter.offset);
    std::vector<long long> ids;
    db::ForEachRow(sql_, page, [&](const Row& row) { ids.push_back(row.Int(0)); });
    VisitInOrder(ids, visit);
    return total;
  }
  // The whole register's total is kept in record_counts: counting a million rows is slow.
  const bool counted = count && filter.Unfiltered();
  long long total = db::ListPage(
      sql_, SelectColumns(), "FROM clients c", "FROM clients c",
      [&](Sql& sql) { return AppendWhere(sql, organization_id, filter); },
      OrderBy().at(filter.sort), filter.limit, filter.offset, count && !counted,
      [&](const Row& row) { visit(ReadClient(row)); });
  return counted ? db::RecordCount(sql_, organization_id, "clients") : total;
}

// A search through the trigram index (SQLite). Sorted by name and without other filters, it
// reads the index in name order (ListInIndexOrder). Otherwise — a fragment like «ова»
// matches one client in ten: checking each match's organisation and sorting them all took
// half a second, and each trigram query of a longer fragment costs ~10 ms, so it runs once
// per request where it can:
// - up to kSparseAtMost matches in the index (most searches): one query takes the matches,
//   looks each up in a narrow index (id, organization_id, name_sort), counts them exactly and
//   sorts out the page;
// - more (a common fragment): the page comes from walking the name order and checking each
//   name for the words, which finds 50 matches after a few hundred names; the count stops at
//   kCountAtMost and the answer says it is capped («найдено более 1 000 — уточните запрос»).
namespace {
// A search whose trigram matches (in every organisation) are at most this many takes them
// all and counts them exactly; a broader one walks the name order.
constexpr long long kSparseAtMost = 20'000;
// A broad search stops counting here (total_capped).
constexpr long long kCountAtMost = 1'000;
}  // namespace

long long ClientRepository::ListSearched(long long organization_id, const ClientFilter& filter,
                                         const Search& search, bool count,
                                         const std::function<void(const Client&)>& visit,
                                         bool* total_capped) {
  const std::string match =
      search.TrigramMatch(organization_id, SearchIndexShared(organization_id));
  const std::string at_most = std::to_string(kSparseAtMost);
  const std::string matched =
      " FROM clients_search s CROSS JOIN clients c INDEXED BY clients_search_order "
      "ON c.id = (s.rowid & 4294967295)";
  std::vector<long long> ids;
  long long total = 0;
  // Words of one or two letters only («Ян»): no trigram to look up; walk the name order.
  if (match.empty()) return ListByScan(organization_id, filter, search, count, visit, total_capped);
  if (ListInIndexOrder(organization_id, filter, search, count, visit, total_capped, &total))
    return total;

  Sql sparse(
      "WITH m AS MATERIALIZED (SELECT rowid & 4294967295 AS id FROM clients_search WHERE "
      "clients_search MATCH ");
  sparse.Bind(match) << " LIMIT " << std::to_string(kSparseAtMost + 1)
                     << "), n AS (SELECT COUNT(*) AS k FROM m) SELECT c.id, COUNT(*) OVER () "
                        "FROM n, m CROSS JOIN clients c INDEXED BY clients_search_order ON "
                        "c.id = m.id";
  if (!AppendFilters(sparse, organization_id, filter)) return 0;
  sparse << " AND n.k <= " << at_most;
  AppendSearch(sparse, organization_id, search, SearchPlan::kMatched);
  sparse << " ORDER BY " << OrderBy().at(filter.sort);
  sparse.Page(filter.limit, filter.offset);
  db::ForEachRow(sql_, sparse, [&](const Row& row) {
    ids.push_back(row.Int(0));
    total = row.Int(1);
  });

  if (ids.empty()) {
    // No row: no match, a page past the end, or too many matches for the query above.
    Sql probe(
        "SELECT COUNT(*) FROM (SELECT rowid FROM clients_search WHERE clients_search "
        "MATCH ");
    probe.Bind(match) << " LIMIT " << std::to_string(kSparseAtMost + 1) << ")";
    const bool dense = db::QueryInt(sql_, probe).value_or(0) > kSparseAtMost;
    if (count && (dense || filter.offset > 0)) {
      Sql counting("SELECT COUNT(*) FROM (SELECT 1" + matched);
      AppendFilters(counting, organization_id, filter);
      AppendSearch(counting, organization_id, search, SearchPlan::kJoined);
      if (dense) counting << " LIMIT " << std::to_string(kCountAtMost + 1);
      counting << ")";
      total = db::QueryInt(sql_, counting).value_or(0);
      if (dense && total > kCountAtMost) {
        total = kCountAtMost;
        if (total_capped) *total_capped = true;
      }
    }
    if (!dense) return total;
    ids = PageByScan(organization_id, filter, search);
  }
  VisitInOrder(ids, visit);
  return total;
}

// Name order through the index (db/search_rowid.hpp): a search's matches, read in rowid
// order, come in the order of their names' first five letters (their bucket). One query
// reads up to kIndexCountAtMost + 1 of them (or the page's depth) — their number is the
// count, or beyond it a capped one —, and the page is among the first offset + limit: those of the
// buckets before the last one's are few and sorted by their names; the last bucket's first ones are
// sorted the same way when the bucket holds few matches, else found by walking the bucket's names
// in order (dense there, they come at once). No lookup per match, however many there are;
// the plans below look up each one, or walk all names until 50 match (~100 ms for a fragment
// like «шев», whose matches sit late in the alphabet).
namespace {
// Counted exactly up to here: reading the matches of a fragment of several trigrams costs
// ~1 µs each (20,000 would be 20 ms).
constexpr long long kIndexCountAtMost = 5'000;
// A last bucket with more matches than this is walked.
constexpr size_t kBucketSortedAtMost = 500;
}  // namespace

std::vector<long long> ClientRepository::SortedByName(long long organization_id,
                                                      const std::vector<long long>& rowids,
                                                      size_t from, size_t to, bool ascending) {
  std::vector<long long> ids;
  if (from >= to) return ids;
  for (size_t i = from; i < to; ++i) ids.push_back(db::ClientOfSearchRowid(rowids[i]));
  std::vector<std::pair<std::string, long long>> named;
  Sql names("SELECT name_sort, id FROM clients WHERE organization_id = ");
  names.Bind(organization_id) << " AND id IN ";
  names.BindList(ids);
  db::ForEachRow(sql_, names, [&](const Row& row) { named.emplace_back(row.Text(0), row.Int(1)); });
  if (ascending)
    std::sort(named.begin(), named.end());
  else
    std::sort(named.rbegin(), named.rend());
  ids.clear();
  for (const auto& [name, id] : named) ids.push_back(id);
  return ids;
}

bool ClientRepository::ListInIndexOrder(long long organization_id, const ClientFilter& filter,
                                        const Search& search, bool count,
                                        const std::function<void(const Client&)>& visit,
                                        bool* total_capped, long long* total) {
  const bool ascending = filter.sort == ClientSort::kName;
  if (!ascending && filter.sort != ClientSort::kNameDesc) return false;
  ClientFilter others = filter;
  others.query.clear();
  if (!others.Unfiltered() || !search.AllTrigram() || filter.limit < 0 || filter.offset < 0)
    return false;
  const size_t need = static_cast<size_t>(filter.offset + filter.limit);
  const long long read_at_most = std::max(kIndexCountAtMost, static_cast<long long>(need)) + 1;

  std::vector<long long> rowids;
  Sql matches("SELECT rowid FROM clients_search WHERE clients_search MATCH ");
  matches.Bind(search.TrigramMatch(organization_id, SearchIndexShared(organization_id)))
      << " ORDER BY rowid" << (ascending ? "" : " DESC") << " LIMIT "
      << std::to_string(read_at_most);
  db::ForEachRow(sql_, matches, [&](const Row& row) { rowids.push_back(row.Int(0)); });
  const bool truncated = static_cast<long long>(rowids.size()) == read_at_most;
  *total = 0;
  if (count) {
    const bool capped = static_cast<long long>(rowids.size()) > kIndexCountAtMost;
    *total = capped ? kIndexCountAtMost : static_cast<long long>(rowids.size());
    if (capped && total_capped) *total_capped = true;
  }
  if (filter.limit == 0 || static_cast<size_t>(filter.offset) >= rowids.size()) return true;

  std::vector<long long> ordered;
  if (need >= rowids.size()) {
    ordered = SortedByName(organization_id, rowids, 0, rowids.size(), ascending);
  } else {
    // The buckets before the need-th match's are all in; of its own, the first ones.
    const long long bucket = db::SearchRowidBucket(rowids[need - 1]);
    size_t first = need - 1, last = need;
    while (first > 0 && db::SearchRowidBucket(rowids[first - 1]) == bucket) --first;
    while (last < rowids.size() && db::SearchRowidBucket(rowids[last]) == bucket) ++last;
    if (last - first <= kBucketSortedAtMost && !(truncated && last == rowids.size())) {
      // Earlier buckets' names all sort before the bucket's: one sort covers them all.
      ordered = SortedByName(organization_id, rowids, 0, last, ascending);
    } else {
      ordered = SortedByName(organization_id, rowids, 0, first, ascending);
      const size_t wanted = need - first;
      std::vector<long long> in_bucket;
      const db::NameRange names = db::SearchBucketNames(bucket);
      Sql walk("SELECT c.id FROM clients c INDEXED BY clients_name WHERE c.organization_id = ");
      walk.Bind(organization_id) << " AND c.name_sort >= ";
      walk.Bind(names.low) << " AND c.name_sort < ";
      walk.Bind(names.high);
      AppendSearch(walk, organization_id, search, SearchPlan::kScan);
      walk << " ORDER BY " << OrderBy().at(filter.sort) << " LIMIT " << std::to_string(wanted);
      db::ForEachRow(sql_, walk, [&](const Row& row) { in_bucket.push_back(row.Int(0)); });
      ordered.insert(ordered.end(), in_bucket.begin(), in_bucket.end());
    }
  }
  std::vector<long long> page;
  for (size_t i = static_cast<size_t>(filter.offset); i < ordered.size() && i < need; ++i)
    page.push_back(ordered[i]);
  VisitInOrder(page, visit);
  return true;
}

long long ClientRepository::ListByScan(long long organization_id, const ClientFilter& filter,
                                       const Search& search, bool count,
                                       const std::function<void(const Client&)>& visit,
                                       bool* total_capped) {
  long long total = 0;
  if (count) {
    Sql counting("SELECT COUNT(*) FROM (SELECT 1 FROM clients c INDEXED BY clients_name");
    if (!AppendFilters(counting, organization_id, filter)) return 0;
    AppendSearch(counting, organization_id, search, SearchPlan::kScan);
    counting << " LIMIT " << std::to_string(kCountAtMost + 1) << ")";
    total = db::QueryInt(sql_, counting).value_or(0);
    if (total > kCountAtMost) {
      total = kCountAtMost;
      if (total_capped) *total_capped = true;
    }
  }
  VisitInOrder(PageByScan(organization_id, filter, search), visit);
  return total;
}

std::vector<long long> ClientRepository::PageByScan(long long organization_id,
                                                    const ClientFilter& filter,
                                                    const Search& search) {
  const bool by_name = filter.sort == ClientSort::kName || filter.sort == ClientSort::kNameDesc;
  Sql page(std::string("SELECT c.id FROM clients c") + (by_name ? " INDEXED BY clients_name" : ""));
  std::vector<long long> ids;
  if (!AppendFilters(page, organization_id, filter)) return ids;
  AppendSearch(page, organization_id, search, SearchPlan::kScan);
  page << " ORDER BY " << OrderBy().at(filter.sort);
  page.Page(filter.limit, filter.offset);
  db::ForEachRow(sql_, page, [&](const Row& row) { ids.push_back(row.Int(0)); });
  return ids;
}

void ClientRepository::VisitInOrder(const std::vector<long long>& ids,
                                    const std::function<void(const Client&)>& visit) {
  if (ids.empty()) return;
  // The rows of the page, in the page's order.
  Sql rows("SELECT " + SelectColumns() + " FROM clients c WHERE c.id IN ");
  rows.BindList(ids);
  std::map<long long, Client> found;
  db::ForEachRow(sql_, rows, [&](const Row& row) {
    Client client = ReadClient(row);
    found.emplace(client.id, std::move(client));
  });
  for (long long id : ids)
    if (auto it = found.find(id); it != found.end()) visit(it->second);
}

std::vector<ClientRepository::Dependant> ClientRepository::DependantsOf(long long organization_id,
                                                                        long long owner_client_id) {
  Sql query("SELECT client_id, premise_id, role FROM premise_clients WHERE organization_id = ");
  query.Bind(organization_id) << " AND owner_client_id = ";
  query.Bind(owner_client_id) << " ORDER BY premise_id, client_id";
  std::vector<Dependant> out;
  db::ForEachRow(sql_, query, [&](const Row& row) {
    out.push_back({row.Int(0), row.Int(1), row.Text(2)});
  });
  return out;
}

std::optional<Client> ClientRepository::Find(long long organization_id, long long id) {
  Sql query("SELECT " + SelectColumns() + " FROM clients c WHERE c.organization_id = ");
  query.Bind(organization_id) << " AND c.id = ";
  query.Bind(id);
  std::optional<Client> found;
  db::ForEachRow(sql_, query, [&](const Row& row) { found = ReadClient(row); });
  return found;
}

long long ClientRepository::Insert(long long organization_id, Client& client) {
  db::AdjustRecordCount(sql_, organization_id, "clients", +1, deferred_counts_);
  const Keys keys = MakeKeys(client);
  const std::string now = timeutil::NowIso();
  client.created_at = client.updated_at = now;
  Sql insert("INSERT INTO clients (organization_id, type, status, tester");
  for (const TextColumn& column : TextColumns()) insert << ", " << column.name;
  insert << ", name_key, name_sort, phone_digits, created_at, updated_at) VALUES (";
  insert.Bind(organization_id) << ", ";
  insert.Bind(client.type) << ", ";
  insert.Bind(client.status) << ", ";
  insert.Bind(client.tester);
  for (const TextColumn& column : TextColumns()) {
    insert << ", ";
    insert.Bind(client.*column.member);
  }
  insert << ", ";
  insert.Bind(keys.name_key) << ", ";
  insert.Bind(keys.name_key) << ", ";
  insert.Bind(keys.phone_digits) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") RETURNING id";
  client.id = db::InsertReturningId(sql_, insert);
  IndexForSearch(
      {organization_id, client.id, std::nullopt, SearchKeys{keys.name_key, keys.phone_digits}});
  return client.id;
}

std::optional<SearchKeys> ClientRepository::StoredKeys(long long organization_id, long long id) {
  if (dialect_ != db::Dialect::kSqlite) return std::nullopt;
  Sql query("SELECT name_key, phone_digits FROM clients WHERE organization_id = ");
  query.Bind(organization_id) << " AND id = ";
  query.Bind(id);
  std::optional<SearchKeys> keys;
  db::ForEachRow(sql_, query, [&](const Row& row) { keys = SearchKeys{row.Text(0), row.Text(1)}; });
  return keys;
}

void ClientRepository::IndexForSearch(const SearchChange& change) {
  if (dialect_ != db::Dialect::kSqlite) return;  // PostgreSQL searches the table itself
  if (change.before && change.after && *change.before == *change.after) return;
  if (deferred_search_) {
    deferred_search_->push_back(change);
    return;
  }
  WriteSearchIndex(sql_, {change});
}

void WriteSearchIndex(soci::session& sql, const std::vector<SearchChange>& changes) {
  // FTS5 writes its pending terms out as a new segment at every savepoint and whenever a
  // row's rowid is below the previous row's; the rowids follow the names
  // (db/search_rowid.hpp), not the order of the changes. So the rows are written sorted by
  // rowid, in two statements whatever their number — the removals, then the additions —,
  // handed over as JSON arrays of [rowid, name_key, phone_digits, org]: an import's 30,000
  // clients made 30,782 segment writes one by one, 1,581 sorted (docs/performance.md).
  //
  // Changes of one client chain (each change's `before` is the previous one's `after`), so
  // the index needs only the first `before` removed and the last `after` added.
  struct Net {
    long long organization_id;
    std::optional<SearchKeys> before, after;
  };
  std::vector<long long> order;
  std::unordered_map<long long, Net> net;
  for (const SearchChange& change : changes) {
    auto [it, added] =
        net.try_emplace(change.id, Net{change.organization_id, change.before, change.after});
    if (added)
      order.push_back(change.id);
    else
      it->second.after = change.after;
  }
  struct Row {
    long long rowid;
    const SearchKeys* keys;
    long long organization_id;
  };
  std::vector<Row> removals, additions;
  for (long long id : order) {
    const Net& change = net.at(id);
    if (change.before == change.after) continue;
    // name_key holds the same text as name_sort, which orders the rowids.
    if (change.before)
      removals.push_back({db::ClientSearchRowid(change.before->name_key, id), &*change.before,
                          change.organization_id});
    if (change.after)
      additions.push_back({db::ClientSearchRowid(change.after->name_key, id), &*change.after,
                           change.organization_id});
  }
  auto write = [&](std::vector<Row>& rows, const char* statement) {
    if (rows.empty()) return;
    std::sort(rows.begin(), rows.end(),
              [](const Row& a, const Row& b) { return a.rowid < b.rowid; });
    nlohmann::json list = nlohmann::json::array();
    for (const Row& row : rows)
      list.push_back({row.rowid, row.keys->name_key, row.keys->phone_digits,
                      db::OrganizationSearchToken(row.organization_id)});
    Sql query(statement);
    query.Bind(list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) << ")";
    db::Exec(sql, query);
  };
  // A contentless index forgets a row given exactly the values it was indexed with.
  write(removals,
        "INSERT INTO clients_search(clients_search, rowid, name_key, phone_digits, org) "
        "SELECT 'delete', value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(");
  write(additions,
        "INSERT INTO clients_search(rowid, name_key, phone_digits, org) "
        "SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(");
}

void ClientRepository::Update(long long organization_id, const Client& client) {
  const Keys keys = MakeKeys(client);
  const std::optional<SearchKeys> before = StoredKeys(organization_id, client.id);
  Sql update("UPDATE clients SET type = ");
  update.Bind(client.type) << ", status = ";
  update.Bind(client.status) << ", tester = ";
  update.Bind(client.tester);
  for (const TextColumn& column : TextColumns()) {
    update << ", " << column.name << " = ";
    update.Bind(client.*column.member);
  }
  update << ", name_key = ";
  update.Bind(keys.name_key) << ", name_sort = ";
  update.Bind(keys.name_key) << ", phone_digits = ";
  update.Bind(keys.phone_digits) << ", updated_at = ";
  update.Bind(timeutil::NowIso()) << " WHERE organization_id = ";
  update.Bind(organization_id) << " AND id = ";
  update.Bind(client.id);
  db::Exec(sql_, update);
  if (before)
    IndexForSearch(
        {organization_id, client.id, before, SearchKeys{keys.name_key, keys.phone_digits}});
}

void ClientRepository::Delete(long long organization_id, long long id) {
  const std::optional<SearchKeys> before = StoredKeys(organization_id, id);
  Sql remove("DELETE FROM clients WHERE organization_id = ");
  remove.Bind(organization_id) << " AND id = ";
  remove.Bind(id);
  db::Exec(sql_, remove);
  if (before) IndexForSearch({organization_id, id, before, std::nullopt});
  db::AdjustRecordCount(sql_, organization_id, "clients", -1, deferred_counts_);
}

std::map<long long, Client> ClientRepository::FindMany(long long organization_id,
                                                       const std::vector<long long>& ids) {
  std::map<long long, Client> found;
  if (ids.empty()) return found;
  Sql query("SELECT " + SelectColumns() + " FROM clients c WHERE c.organization_id = ");
  query.Bind(organization_id) << " AND c.id IN ";
  query.BindList(ids);
  db::ForEachRow(sql_, query, [&](const Row& row) {
    Client client = ReadClient(row);
    found.emplace(client.id, std::move(client));
  });
  return found;
}

std::map<std::string, long long> ClientRepository::FindByPhones(
    long long organization_id, const std::vector<std::string>& phones) {
  if (phones.empty()) return {};
  Sql query("SELECT phone, id FROM clients WHERE organization_id = ");
  query.Bind(organization_id) << " AND phone IN ";
  query.BindList(phones);
  return db::QueryIdsByText(sql_, query);
}

std::optional<long long> ClientRepository::FindByPhone(long long organization_id,
                                                       const std::string& phone) {
  Sql query("SELECT id FROM clients WHERE organization_id = ");
  query.Bind(organization_id) << " AND phone = ";
  query.Bind(phone);
  return db::QueryInt(sql_, query);
}

namespace {

constexpr const char* kExternalColumns =
    "SELECT id, space, system, value, note, created_at, updated_at FROM client_external_ids "
    "WHERE organization_id = ";

ExternalId ReadExternalId(const Row& row) {
  return {row.Int(0),     row.Text(1), row.Text(2), row.Text(3),
          row.OptText(4), row.Text(5), row.Text(6)};
}

}  // namespace

std::map<long long, ClientPremises> ClientRepository::PremisesOf(long long organization_id,
                                                                 const std::vector<long long>& ids,
                                                                 long long at_most) {
  std::map<long long, ClientPremises> result;
  if (ids.empty()) return result;
  Sql query(
      "SELECT x.client_id, x.premise_id, x.role, x.premises_count, p.type, p.number, p.street, "
      "p.house, p.level, p.room, o.name, o.city, o.street, o.house FROM (SELECT l.client_id, "
      "l.premise_id, l.role, ROW_NUMBER() OVER (PARTITION BY l.client_id ORDER BY "
      "lp.address_sort, lp.id) AS position, COUNT(*) OVER (PARTITION BY l.client_id) AS "
      "premises_count FROM premise_clients l JOIN premises lp ON lp.id = l.premise_id WHERE "
      "l.organization_id = ");
  query.Bind(organization_id) << " AND l.client_id IN ";
  query.BindList(ids);
  query << ") x JOIN premises p ON p.id = x.premise_id JOIN objects o ON o.id = p.object_id "
           "WHERE x.position <= ";
  query.Bind(at_most) << " ORDER BY x.client_id, x.position";
  db::ForEachRow(sql_, query, [&](const Row& row) {
    premises::Premise premise;
    premise.type = row.Text(4);
    premise.number = row.OptText(5);
    premise.street = row.OptText(6);
    premise.house = row.OptText(7);
    premise.level = row.OptText(8);
    premise.room = row.OptText(9);
    premises::ObjectAddress object{row.Text(10), row.OptText(11), row.Text(12),
                                   row.Text(13), std::nullopt,    std::nullopt};
    ClientPremises& of = result[row.Int(0)];
    of.count = row.Int(3);
    of.first.push_back({row.Int(1), premises::FormatAddress(premise, object), row.Text(2)});
  });
  return result;
}

std::vector<ExternalId> ClientRepository::ExternalIds(long long organization_id,
                                                      long long client_id) {
  Sql query(kExternalColumns);
  query.Bind(organization_id) << " AND client_id = ";
  query.Bind(client_id) << " ORDER BY space, system, id";
  std::vector<ExternalId> ids;
  db::ForEachRow(sql_, query, [&](const Row& row) { ids.push_back(ReadExternalId(row)); });
  return ids;
}

std::map<long long, std::vector<ExternalId>> ClientRepository::ExternalIdsOf(
    long long organization_id, const std::vector<long long>& ids) {
  std::map<long long, std::vector<ExternalId>> result;
  if (ids.empty()) return result;
  Sql query(
      "SELECT id, space, system, value, note, created_at, updated_at, client_id FROM "
      "client_external_ids WHERE organization_id = ");
  query.Bind(organization_id) << " AND client_id IN ";
  query.BindList(ids);
  query << " ORDER BY space, system, id";
  db::ForEachRow(sql_, query,
                 [&](const Row& row) { result[row.Int(7)].push_back(ReadExternalId(row)); });
  return result;
}

std::optional<ExternalId> ClientRepository::FindExternalId(long long organization_id,
                                                           long long client_id, long long id) {
  Sql query(kExternalColumns);
  query.Bind(organization_id) << " AND client_id = ";
  query.Bind(client_id) << " AND id = ";
  query.Bind(id);
  std::optional<ExternalId> found;
  db::ForEachRow(sql_, query, [&](const Row& row) { found = ReadExternalId(row); });
  return found;
}

std::optional<long long> ClientRepository::ClientByExternalId(long long organization_id,
                                                              const std::string& space,
                                                              const std::string& value) {
  Sql query("SELECT client_id FROM client_external_ids WHERE organization_id = ");
  query.Bind(organization_id) << " AND space = ";
  query.Bind(space) << " AND value = ";
  query.Bind(value);
  return db::QueryInt(sql_, query);
}

std::map<std::string, long long> ClientRepository::ClientsByExternalIds(
    long long organization_id, const std::string& space, const std::vector<std::string>& values) {
  if (values.empty()) return {};
  Sql query("SELECT value, client_id FROM client_external_ids WHERE organization_id = ");
  query.Bind(organization_id) << " AND space = ";
  query.Bind(space) << " AND value IN ";
  query.BindList(values);
  return db::QueryIdsByText(sql_, query);
}

long long ClientRepository::InsertExternalId(long long organization_id, long long client_id,
                                             const ExternalId& external_id) {
  const std::string now = timeutil::NowIso();
  Sql insert(
      "INSERT INTO client_external_ids (organization_id, client_id, space, system, value, note, "
      "created_at, updated_at) VALUES (");
  insert.Bind(organization_id) << ", ";
  insert.Bind(client_id) << ", ";
  insert.Bind(external_id.space) << ", ";
  insert.Bind(external_id.system) << ", ";
  insert.Bind(external_id.value) << ", ";
  insert.Bind(external_id.note) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") RETURNING id";
  return db::InsertReturningId(sql_, insert);
}

void ClientRepository::UpdateExternalId(long long organization_id, const ExternalId& external_id) {
  Sql update("UPDATE client_external_ids SET system = ");
  update.Bind(external_id.system) << ", value = ";
  update.Bind(external_id.value) << ", note = ";
  update.Bind(external_id.note) << ", updated_at = ";
  update.Bind(timeutil::NowIso()) << " WHERE organization_id = ";
  update.Bind(organization_id) << " AND id = ";
  update.Bind(external_id.id);
  db::Exec(sql_, update);
}

void ClientRepository::DeleteExternalId(long long organization_id, long long id) {
  Sql remove("DELETE FROM client_external_ids WHERE organization_id = ");
  remove.Bind(organization_id) << " AND id = ";
  remove.Bind(id);
  db::Exec(sql_, remove);
}

}  // namespace upravdom::clients
