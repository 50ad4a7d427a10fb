#include "domains/premises/repository.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/text.hpp"
#include "core/time.hpp"
#include "db/sql.hpp"
#include "domains/accounts/model.hpp"
#include "domains/clients/repository.hpp"

namespace upravdom::premises {

using db::Row;
using db::Sql;

namespace {

const std::string kColumnsOfRow =
    "p.id, p.object_id, p.entrance_id, p.floor_id, p.type, p.number, p.street, p.house, "
    "p.level, p.room, p.total_area, p.living_area, p.rooms, p.online_payment, p.note, "
    "p.external_id, p.created_at, p.updated_at, o.name, o.city, o.street, o.house, e.number, "
    "f.number";
// The count needs no joins (every premise has its object; the filter uses columns of p).
const std::string kFromJoined =
    "FROM premises p JOIN objects o ON o.id = p.object_id "
    "LEFT JOIN entrances e ON e.id = p.entrance_id LEFT JOIN floors f ON f.id = p.floor_id";
const std::string kSelect = "SELECT " + kColumnsOfRow + " " + kFromJoined;

PremiseRow ReadRow(const Row& row) {
  PremiseRow out;
  Premise& p = out.premise;
  p.id = row.Int(0);
  p.object_id = row.Int(1);
  p.entrance_id = row.OptInt(2);
  p.floor_id = row.OptInt(3);
  p.type = row.Text(4);
  p.number = row.OptText(5);
  p.street = row.OptText(6);
  p.house = row.OptText(7);
  p.level = row.OptText(8);
  p.room = row.OptText(9);
  p.total_area = row.OptInt(10);
  p.living_area = row.OptInt(11);
  p.rooms = row.OptInt(12);
  p.online_payment = row.Bool(13);
  p.note = row.OptText(14);
  p.external_id = row.OptText(15);
  p.created_at = row.Text(16);
  p.updated_at = row.Text(17);
  out.object = {row.Text(18), row.OptText(19), row.Text(20), row.Text(21)};
  out.entrance_number = row.OptInt(22);
  out.floor_number = row.OptInt(23);
  return out;
}

void BindPremiseValues(Sql& sql, const Premise& p, const ObjectAddress& object,
                       const SearchKeys& keys) {
  sql.Bind(p.object_id) << ", ";
  sql.Bind(object.object_group_id) << ", ";
  sql.Bind(object.quarter_id) << ", ";
  sql.Bind(p.entrance_id) << ", ";
  sql.Bind(p.floor_id) << ", ";
  sql.Bind(p.type) << ", ";
  sql.Bind(p.number) << ", ";
  sql.Bind(p.street) << ", ";
  sql.Bind(p.house) << ", ";
  sql.Bind(p.level) << ", ";
  sql.Bind(p.room) << ", ";
  sql.Bind(p.total_area) << ", ";
  sql.Bind(p.living_area) << ", ";
  sql.Bind(p.rooms) << ", ";
  sql.Bind(p.online_payment) << ", ";
  sql.Bind(p.note) << ", ";
  sql.Bind(p.external_id) << ", ";
  sql.Bind(keys.street_key) << ", ";
  sql.Bind(keys.house_key) << ", ";
  sql.Bind(keys.number_key) << ", ";
  sql.Bind(keys.address_sort);
}

constexpr const char* kColumns =
    "object_id, object_group_id, quarter_id, entrance_id, floor_id, type, number, street, house, "
    "level, room, total_area, "
    "living_area, rooms, online_payment, note, external_id, street_key, house_key, number_key, "
    "address_sort";

}  // namespace

bool PremiseRepository::AppendWhere(Sql& sql, long long organization_id,
                                    const PremiseFilter& filter, bool for_count) {
  if (filter.matches_nothing) return false;
  sql << " WHERE p.organization_id = ";
  sql.Bind(organization_id);
  if (!filter.object_ids.empty()) {
    sql << " AND p.object_id IN ";
    sql.BindList(filter.object_ids);
  }
  if (!filter.object_group_ids.empty()) {
    sql << " AND p.object_group_id IN ";
    sql.BindList(filter.object_group_ids);
  }
  if (!filter.quarter_ids.empty()) {
    sql << " AND p.quarter_id IN ";
    sql.BindList(filter.quarter_ids);
  }
  if (!filter.types.empty()) {
    // SQLite's statistics know a type has ~1/10 of the premises, not that flats are 3/4 of
    // them, so its COUNT may walk the type index and look up 750,000 rows to check the
    // group. Beside any other filter the type is the least selective: "+" keeps the count
    // off the type indexes (the page query keeps them: it needs type + area order).
    // With tags alone beside it, the type's index is walked and the tags checked there.
    const bool other_filters = !filter.object_ids.empty() || !filter.object_group_ids.empty() ||
                               !filter.quarter_ids.empty() ||
                               (!filter.tags.empty() && !filter.TagsAndTypesOnly()) ||
                               !filter.client_ids.empty() || !filter.query.empty();
    const bool unindexed = for_count && other_filters && dialect_ == db::Dialect::kSqlite;
    sql << (unindexed ? " AND +p.type IN " : " AND p.type IN ");
    sql.BindList(filter.types);
  }
  if (!filter.tags.empty()) {
    // Tag ids first: with the ids in the query the planner knows how common each tag is.
    Sql tag_query("SELECT id FROM tags WHERE organization_id = ");
    tag_query.Bind(organization_id) << " AND name_key IN ";
    tag_query.BindList(filter.tags);
    std::vector<long long> tag_ids;
    db::ForEachRow(sql_, tag_query, [&](const Row& row) { tag_ids.push_back(row.Int(0)); });
    if (tag_ids.empty()) return false;
    // Beside an object, group, quarter or search filter, the tag is checked against the
    // index walk of that filter ("+": not by looking up each of a tag's 40,000 premises,
    // which reads rows all over a cold table: 250 ms instead of 15).
    // Tags alone (or with types): the page walks the order's index and checks the tag there
    // too (a tag is on a few percent of premises: 50 are found within a few thousand index
    // entries); with a type the count walks the type's index the same way.
    const bool narrower_filter = !filter.object_ids.empty() || !filter.object_group_ids.empty() ||
                                 !filter.quarter_ids.empty() || !filter.query.empty();
    const bool walk = narrower_filter || (filter.TagsAndTypesOnly() && !for_count) ||
                      (filter.TagsAndTypesOnly() && !filter.types.empty());
    sql << (walk && dialect_ == db::Dialect::kSqlite ? " AND +p.id IN " : " AND p.id IN ")
        << "(SELECT premise_id FROM premise_tags WHERE tag_id IN ";
    sql.BindList(tag_ids) << ")";
  }
  if (!filter.client_ids.empty()) {
    sql << " AND p.id IN (SELECT premise_id FROM premise_clients WHERE organization_id = ";
    sql.Bind(organization_id) << " AND client_id IN ";
    sql.BindList(filter.client_ids) << ")";
  }

  if (!filter.query.empty()) {
    // The search box: an address, or else (as alternatives) a personal account number or
    // ЕЛС, or a linked client's name or phone.
    address::AddressQuery query = address::ParseAddressQuery(filter.query);
    bool address_possible = !query.empty() && !query.impossible;
    std::vector<std::string> keys;
    if (address_possible && !query.street_terms.empty()) {
      Sql streets("SELECT street_key FROM street_keys WHERE organization_id = ");
      streets.Bind(organization_id);
      for (const std::string& term : query.street_terms) {
        streets << " AND " << db::PositionFunction(dialect_) << "(street_key, ";
        streets.Bind(term) << ") > 0";
      }
      streets << " LIMIT 1000";
      db::ForEachRow(sql_, streets, [&](const Row& row) { keys.push_back(row.Text(0)); });
      if (keys.empty()) address_possible = false;
    }
    // A street with a house or premise number is clearly an address: the plan stays the
    // address search alone.
    const bool clearly_address =
        address_possible && !query.street_terms.empty() && (query.house || query.number);
    // Looked up once per list (the count and the page share it).
    if (!others_)
      others_ =
          clearly_address ? std::vector<long long>{} : OtherMatches(organization_id, filter.query);
    const std::vector<long long>& others = *others_;
    if (!address_possible && others.empty()) return false;
    sql << " AND ";
    if (!others.empty()) sql << "(";
    if (address_possible) {
      sql << "(1 = 1";
      if (!keys.empty()) {
        sql << " AND p.street_key IN ";
        sql.BindList(keys);
      }
      if (query.house) {
        sql << " AND p.house_key = ";
        sql.Bind(*query.house);
      }
      if (query.number) {
        sql << " AND p.number_key = ";
        sql.Bind(*query.number);
      }
      sql << ")";
    }
    if (!others.empty()) {
      if (address_possible) sql << " OR ";
      sql << "p.id IN ";
      sql.BindList(others) << ")";
    }
  }
  return true;
}

std::vector<long long> PremiseRepository::OtherMatches(long long organization_id,
                                                       const std::string& typed) {
  constexpr long long kClientsAtMost = 200;
  constexpr long long kPremisesAtMost = 1000;
  std::set<long long> ids;
  const std::string trimmed = text::Trim(typed);
  if (trimmed.empty()) return {};
  // A personal account: its number exactly, or the ЕЛС in any case and spacing.
  if (trimmed.size() <= 50) {
    Sql accounts("SELECT premise_id FROM personal_accounts WHERE organization_id = ");
    accounts.Bind(organization_id) << " AND (number = ";
    accounts.Bind(trimmed);
    if (auto unified = accounts::NormalizeUnifiedAccount(trimmed)) {
      accounts << " OR unified_account = ";
      accounts.Bind(*unified);
    }
    accounts << ") LIMIT " << std::to_string(kPremisesAtMost);
    db::ForEachRow(sql_, accounts, [&](const Row& row) { ids.insert(row.Int(0)); });
  }
  // Linked clients, found by the clients search (name or phone), the first 200 by name.
  // One or two characters would make it read names one by one: not a client search.
  if (text::CodePointCount(trimmed) < 3) return {ids.begin(), ids.end()};
  clients::ClientFilter client_filter;
  client_filter.query = trimmed.substr(0, 200);
  client_filter.limit = kClientsAtMost;
  std::vector<long long> client_ids;
  clients::ClientRepository(sql_, dialect_)
      .List(organization_id, client_filter, /*count=*/false,
            [&](const clients::Client& client) { client_ids.push_back(client.id); });
  if (!client_ids.empty()) {
    Sql links("SELECT premise_id FROM premise_clients WHERE organization_id = ");
    links.Bind(organization_id) << " AND client_id IN ";
    links.BindList(client_ids) << " LIMIT " << std::to_string(kPremisesAtMost);
    db::ForEachRow(sql_, links, [&](const Row& row) { ids.insert(row.Int(0)); });
  }
  return {ids.begin(), ids.end()};
}

long long PremiseRepository::List(long long organization_id, const PremiseFilter& filter,
                                  bool count, const std::function<void(const PremiseRow&)>& visit) {
  static const std::map<SortOrder, std::string> kOrder = {
      {SortOrder::kAddress, "p.address_sort, p.id"},
      {SortOrder::kAddressDesc, "p.address_sort DESC, p.id DESC"},
      {SortOrder::kArea, "(p.total_area IS NULL), p.total_area, p.id"},
      {SortOrder::kAreaDesc, "(p.total_area IS NULL), p.total_area DESC, p.id DESC"}};
  // The same orders in a form no index serves (CASE, "+ 0"): for a few thousand matches,
  // sorting them beats walking the whole area index to find the matches in order.
  static const std::map<SortOrder, std::string> kOrderBySorting = {
      {SortOrder::kArea,
       "CASE WHEN p.total_area IS NULL THEN 1 ELSE 0 END, p.total_area + 0, p.id"},
      {SortOrder::kAreaDesc,
       "CASE WHEN p.total_area IS NULL THEN 1 ELSE 0 END, p.total_area + 0 DESC, p.id DESC"}};
  // By address too, when the search found premises by account or client as well: an OR of
  // the address and those ids would otherwise walk the whole address index.
  static const std::map<SortOrder, std::string> kAddressBySorting = {
      {SortOrder::kAddress, "p.address_sort || '', p.id"},
      {SortOrder::kAddressDesc, "p.address_sort || '' DESC, p.id DESC"}};
  constexpr long long kSortAtMost = 20'000;
  auto where = [&](Sql& sql) { return AppendWhere(sql, organization_id, filter); };
  others_.reset();

  // The whole register's total is kept in record_counts: counting a million rows is slow.
  long long total = 0;
  if (filter.Unfiltered()) {
    if (count) total = db::RecordCount(sql_, organization_id, "premises");
  } else if (filter.TagsOnly() && dialect_ == db::Dialect::kSqlite) {
    // Counted on the tags' links alone (the index of premise_tags), not premise by premise.
    if (count) {
      Sql counting(
          "SELECT COUNT(DISTINCT pt.premise_id) FROM premise_tags pt JOIN tags t ON t.id = "
          "pt.tag_id WHERE t.organization_id = ");
      counting.Bind(organization_id) << " AND t.name_key IN ";
      counting.BindList(filter.tags);
      total = db::QueryInt(sql_, counting).value_or(0);
      if (total <= filter.offset) return total;
    }
  } else if (count || kOrderBySorting.count(filter.sort) || !filter.query.empty()) {
    Sql counting("SELECT COUNT(*) FROM premises p");
    if (!AppendWhere(counting, organization_id, filter, /*for_count=*/true)) return 0;
    total = db::QueryInt(sql_, counting).value_or(0);
    if (total <= filter.offset) return count ? total : 0;
  }
  const bool found_others = others_ && !others_->empty();
  const bool sort_matches = !filter.Unfiltered() && !filter.TagsAndTypesOnly() &&
                            total <= kSortAtMost &&
                            (kOrderBySorting.count(filter.sort) || found_others);
  std::string order_by = kOrder.at(filter.sort);
  if (sort_matches)
    order_by = kOrderBySorting.count(filter.sort) ? kOrderBySorting.at(filter.sort)
                                                  : kAddressBySorting.at(filter.sort);
  if (sort_matches && filter.limit >= 0) {
    // A page: sort the matches' ids alone (a sorter of full joined rows costs ten times more), then
    // read the rows of the page.
    Sql page("SELECT p.id FROM premises p");
    if (!where(page)) return 0;
    page << " ORDER BY " << order_by;
    page.Page(filter.limit, filter.offset);
    std::vector<long long> ids;
    db::ForEachRow(sql_, page, [&](const Row& row) { ids.push_back(row.Int(0)); });
    std::map<long long, PremiseRow> rows = FindMany(organization_id, ids);
    for (long long id : ids)
      if (auto it = rows.find(id); it != rows.end()) visit(it->second);
    return count ? total : 0;
  }
  db::ListPage(sql_, kColumnsOfRow, kFromJoined, "FROM premises p", where, order_by, filter.limit,
               filter.offset, /*count=*/false, [&](const Row& row) { visit(ReadRow(row)); });
  return count ? total : 0;
}

std::optional<PremiseRow> PremiseRepository::Find(long long organization_id, long long id) {
  Sql query(kSelect);
  query << " WHERE p.organization_id = ";
  query.Bind(organization_id) << " AND p.id = ";
  query.Bind(id);
  std::optional<PremiseRow> found;
  db::ForEachRow(sql_, query, [&](const Row& row) { found = ReadRow(row); });
  return found;
}

std::map<long long, PremiseRow> PremiseRepository::FindMany(long long organization_id,
                                                            const std::vector<long long>& ids) {
  std::map<long long, PremiseRow> found;
  if (ids.empty()) return found;
  Sql query(kSelect);
  query << " WHERE p.organization_id = ";
  query.Bind(organization_id) << " AND p.id IN ";
  query.BindList(ids);
  db::ForEachRow(sql_, query, [&](const Row& row) {
    PremiseRow premise = ReadRow(row);
    found.emplace(premise.premise.id, std::move(premise));
  });
  return found;
}

std::map<long long, long long> PremiseRepository::ClientsCounts(long long organization_id,
                                                                const std::vector<long long>& ids) {
  std::map<long long, long long> counts;
  if (ids.empty()) return counts;
  Sql query("SELECT premise_id, COUNT(*) FROM premise_clients WHERE +organization_id = ");
  query.Bind(organization_id) << " AND premise_id IN ";
  query.BindList(ids);
  query << " GROUP BY premise_id";
  db::ForEachRow(sql_, query, [&](const Row& row) { counts[row.Int(0)] = row.Int(1); });
  return counts;
}

void PremiseRepository::RememberStreet(long long organization_id, const std::string& street_key) {
  if (deferred_streets_) {
    deferred_streets_->push_back(street_key);
    return;
  }
  RememberStreets(organization_id, {street_key});
}

void PremiseRepository::RememberStreets(long long organization_id,
                                        std::vector<std::string> street_keys) {
  std::sort(street_keys.begin(), street_keys.end());
  street_keys.erase(std::unique(street_keys.begin(), street_keys.end()), street_keys.end());
  constexpr size_t kRowsPerStatement = 500;  // 1,000 parameters: far under either limit
  for (size_t first = 0; first < street_keys.size(); first += kRowsPerStatement) {
    Sql insert("INSERT INTO street_keys (organization_id, street_key) VALUES ");
    const size_t last = std::min(street_keys.size(), first + kRowsPerStatement);
    for (size_t i = first; i < last; ++i) {
      insert << (i == first ? "(" : ", (");
      insert.Bind(organization_id) << ", ";
      insert.Bind(street_keys[i]) << ")";
    }
    insert << " ON CONFLICT DO NOTHING";
    db::Exec(sql_, insert);
  }
}

long long PremiseRepository::Insert(long long organization_id, const Premise& premise,
                                    const ObjectAddress& object, const SearchKeys& keys) {
  db::AdjustRecordCount(sql_, organization_id, "premises", +1, deferred_counts_);
  RememberStreet(organization_id, keys.street_key);
  const std::string now = timeutil::NowIso();
  Sql insert(std::string("INSERT INTO premises (organization_id, ") + kColumns +
             ", created_at, updated_at) VALUES (");
  insert.Bind(organization_id) << ", ";
  BindPremiseValues(insert, premise, object, keys);
  insert << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") RETURNING id";
  return db::InsertReturningId(sql_, insert);
}

void PremiseRepository::Update(long long organization_id, const Premise& premise,
                               const ObjectAddress& object, const SearchKeys& keys) {
  RememberStreet(organization_id, keys.street_key);
  Sql update(std::string("UPDATE premises SET (") + kColumns + ", updated_at) = (");
  BindPremiseValues(update, premise, object, keys);
  update << ", ";
  update.Bind(timeutil::NowIso()) << ") WHERE organization_id = ";
  update.Bind(organization_id) << " AND id = ";
  update.Bind(premise.id);
  db::Exec(sql_, update);
}

void PremiseRepository::Delete(long long organization_id, long long id) {
  Sql remove("DELETE FROM premises WHERE organization_id = ");
  remove.Bind(organization_id) << " AND id = ";
  remove.Bind(id);
  db::Exec(sql_, remove);
  db::AdjustRecordCount(sql_, organization_id, "premises", -1, deferred_counts_);
}

Dependents PremiseRepository::CountDependents(long long organization_id, long long id) {
  auto count = [&](const std::string& from_where) {
    Sql query("SELECT COUNT(*) " + from_where);
    query.Bind(organization_id) << " AND premise_id = ";
    query.Bind(id);
    if (from_where.find("IN (") != std::string::npos) query << ")";
    return db::QueryInt(sql_, query).value_or(0);
  };
  Dependents d;
  d.accounts = count("FROM personal_accounts WHERE organization_id = ");
  d.charges = count(
      "FROM account_charges WHERE account_id IN (SELECT id FROM personal_accounts WHERE "
      "organization_id = ");
  d.payments = count(
      "FROM account_payments WHERE account_id IN (SELECT id FROM personal_accounts WHERE "
      "organization_id = ");
  d.links = count("FROM premise_clients WHERE organization_id = ");
  return d;
}

std::optional<ObjectAddress> PremiseRepository::FindObject(long long organization_id,
                                                           long long object_id) {
  Sql query(
      "SELECT name, city, street, house, object_group_id, quarter_id FROM objects WHERE "
      "organization_id = ");
  query.Bind(organization_id) << " AND id = ";
  query.Bind(object_id);
  std::optional<ObjectAddress> object;
  db::ForEachRow(sql_, query, [&](const Row& row) {
    object = ObjectAddress{row.Text(0), row.OptText(1), row.Text(2),
                           row.Text(3), row.OptInt(4),  row.OptInt(5)};
  });
  return object;
}

std::optional<long long> PremiseRepository::EntranceObject(long long organization_id,
                                                           long long entrance_id) {
  Sql query("SELECT object_id FROM entrances WHERE organization_id = ");
  query.Bind(organization_id) << " AND id = ";
  query.Bind(entrance_id);
  return db::QueryInt(sql_, query);
}

std::optional<std::pair<long long, std::optional<long long>>> PremiseRepository::FloorPlace(
    long long organization_id, long long floor_id) {
  Sql query("SELECT object_id, entrance_id FROM floors WHERE organization_id = ");
  query.Bind(organization_id) << " AND id = ";
  query.Bind(floor_id);
  std::optional<std::pair<long long, std::optional<long long>>> place;
  db::ForEachRow(sql_, query, [&](const Row& row) { place = {row.Int(0), row.OptInt(1)}; });
  return place;
}

std::optional<long long> PremiseRepository::FindByExternalId(long long organization_id,
                                                             const std::string& external_id) {
  Sql query("SELECT id FROM premises WHERE organization_id = ");
  query.Bind(organization_id) << " AND external_id = ";
  query.Bind(external_id);
  return db::QueryInt(sql_, query);
}

std::vector<PremiseRow> PremiseRepository::FindByExternalIds(
    long long organization_id, const std::vector<std::string>& external_ids) {
  std::vector<PremiseRow> found;
  if (external_ids.empty()) return found;
  Sql query(kSelect);
  query << " WHERE p.organization_id = ";
  query.Bind(organization_id) << " AND p.external_id IN ";
  query.BindList(external_ids);
  db::ForEachRow(sql_, query, [&](const Row& row) { found.push_back(ReadRow(row)); });
  return found;
}

void PremiseRepository::RefreshObjectKeys(long long organization_id, long long object_id) {
  std::optional<ObjectAddress> object = FindObject(organization_id, object_id);
  if (!object) return;
  std::vector<Premise> premises;
  Sql query("SELECT id, type, number, street, house, room FROM premises WHERE organization_id = ");
  query.Bind(organization_id) << " AND object_id = ";
  query.Bind(object_id);
  db::ForEachRow(sql_, query, [&](const Row& row) {
    Premise p;
    p.id = row.Int(0);
    p.type = row.Text(1);
    p.number = row.OptText(2);
    p.street = row.OptText(3);
    p.house = row.OptText(4);
    p.room = row.OptText(5);
    premises.push_back(std::move(p));
  });
  for (const Premise& p : premises) {
    SearchKeys keys = MakeSearchKeys(p, *object);
    RememberStreet(organization_id, keys.street_key);
    Sql update("UPDATE premises SET object_group_id = ");
    update.Bind(object->object_group_id) << ", quarter_id = ";
    update.Bind(object->quarter_id) << ", street_key = ";
    update.Bind(keys.street_key) << ", house_key = ";
    update.Bind(keys.house_key) << ", number_key = ";
    update.Bind(keys.number_key) << ", address_sort = ";
    update.Bind(keys.address_sort) << " WHERE id = ";
    update.Bind(p.id);
    db::Exec(sql_, update);
  }
}

}  // namespace upravdom::premises
