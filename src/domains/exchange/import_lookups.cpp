#include "domains/exchange/import_lookups.hpp"

#include <algorithm>

namespace upravdom::exchange {

namespace {

std::vector<std::string> Distinct(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// Every key known: to find what `found` says, or nothing.
template <class Map, class Key>
void Learn(Map& known, const std::vector<Key>& keys, const std::map<Key, long long>& found) {
  for (const Key& key : keys) {
    auto it = found.find(key);
    known[key] = it == found.end() ? std::nullopt : std::optional<long long>(it->second);
  }
}

// The known answer for `key` (an id, or a row), or the database's.
template <class Map, class Key, class Query>
auto Answer(Map& known, const Key& key, ImportLookups::Counters& counters, Query&& query)
    -> decltype(query()) {
  if (auto it = known.find(key); it != known.end()) {
    ++counters.served;
    return it->second;
  }
  ++counters.queried;
  return query();
}

}  // namespace

void ImportLookups::Read(const Keys& keys) {
  ForgetAll();

  const std::vector<std::string> premise_ids = Distinct(keys.premise_external_ids);
  std::map<std::string, long long> premises_found;
  std::vector<long long> premise_row_ids;
  for (premises::PremiseRow& row : premises_.FindByExternalIds(organization_id_, premise_ids)) {
    premises_found.emplace(*row.premise.external_id, row.premise.id);
    premise_row_ids.push_back(row.premise.id);
    premises_by_id_.emplace(row.premise.id, std::move(row));
  }
  Learn(premise_by_external_id_, premise_ids, premises_found);
  std::map<long long, std::vector<std::string>> numbers;  // by object
  for (const Keys::Numbered& key : keys.premise_numbers)
    if (!key.external_id || !premises_found.count(*key.external_id))
      numbers[key.object_id].push_back(key.number);
  for (auto& [object_id, of_object] : numbers) of_object = Distinct(std::move(of_object));
  auto by_number = imports_.PremisesByNumbers(organization_id_, numbers);
  for (const auto& [object_id, of_object] : numbers)
    for (const std::string& number : of_object)
      premises_by_number_[{object_id, number}] = std::move(by_number[{object_id, number}]);
  for (long long id : premise_row_ids) links_by_premise_[id];  // known: maybe none
  for (auto& [premise_id, links] : links_.OfPremises(organization_id_, premise_row_ids))
    links_by_premise_[premise_id] = std::move(links);

  const std::vector<std::string> client_ids = Distinct(keys.client_external_ids);
  const std::vector<std::string> phones = Distinct(keys.client_phones);
  const std::map<std::string, long long> by_external_id =
      clients_.ClientsByExternalIds(organization_id_, space_, client_ids);
  const std::map<std::string, long long> by_phone = clients_.FindByPhones(organization_id_, phones);
  Learn(client_by_external_id_, client_ids, by_external_id);
  Learn(client_by_phone_, phones, by_phone);
  std::vector<long long> client_row_ids;
  for (const auto& [key, id] : by_external_id) client_row_ids.push_back(id);
  for (const auto& [key, id] : by_phone) client_row_ids.push_back(id);
  for (auto& [id, client] : clients_.FindMany(organization_id_, client_row_ids))
    clients_by_id_.emplace(id, std::move(client));

  std::vector<long long> account_row_ids;
  for (const auto& [legal_entity_id, numbers] : keys.account_numbers) {
    const std::vector<std::string> distinct = Distinct(numbers);
    const std::map<std::string, long long> found =
        accounts_.FindByNumbers(legal_entity_id, distinct);
    for (const std::string& number : distinct) {
      auto it = found.find(number);
      account_by_number_[{legal_entity_id, number}] =
          it == found.end() ? std::nullopt : std::optional<long long>(it->second);
      if (it != found.end()) account_row_ids.push_back(it->second);
    }
  }
  const std::vector<std::string> account_ids = Distinct(keys.account_external_ids);
  const std::map<std::string, long long> accounts_found =
      accounts_.FindByExternalIds(organization_id_, account_ids);
  Learn(account_by_external_id_, account_ids, accounts_found);
  for (const auto& [key, id] : accounts_found) account_row_ids.push_back(id);
  for (auto& [id, account] : accounts_.FindMany(organization_id_, account_row_ids))
    accounts_by_id_.emplace(id, std::move(account));
}

ImportLookups::Found ImportLookups::FoundRows() const {
  Found found;
  for (const auto& [id, row] : premises_by_id_) found.premises.push_back(id);
  for (const auto& [key, rows] : premises_by_number_)
    for (const ImportRepository::NumberedRow& row : rows) found.premises.push_back(row.premise.id);
  for (const auto& [id, client] : clients_by_id_) found.clients.push_back(id);
  for (const auto& [id, account] : accounts_by_id_) found.accounts.push_back(id);
  return found;
}

std::optional<long long> ImportLookups::PremiseByExternalId(const std::string& external_id) {
  return Answer(premise_by_external_id_, external_id, counters_,
                [&] { return premises_.FindByExternalId(organization_id_, external_id); });
}

std::optional<premises::PremiseRow> ImportLookups::Premise(long long id) {
  return Answer(premises_by_id_, id, counters_,
                [&] { return premises_.Find(organization_id_, id); });
}

std::optional<ImportRepository::NumberedPremise> ImportLookups::PremiseByNumber(
    long long object_id, const std::string& type, const std::string& number) {
  auto known = premises_by_number_.find({object_id, number});
  if (known == premises_by_number_.end()) {
    ++counters_.queried;
    return imports_.PremiseByNumber(organization_id_, object_id, type, number);
  }
  ++counters_.served;
  for (const ImportRepository::NumberedRow& row : known->second)
    if (row.type == type) return row.premise;
  return std::nullopt;
}

std::optional<long long> ImportLookups::ClientByExternalId(const std::string& value) {
  return Answer(client_by_external_id_, value, counters_,
                [&] { return clients_.ClientByExternalId(organization_id_, space_, value); });
}

std::optional<long long> ImportLookups::ClientByPhone(const std::string& phone) {
  return Answer(client_by_phone_, phone, counters_,
                [&] { return clients_.FindByPhone(organization_id_, phone); });
}

std::optional<clients::Client> ImportLookups::Client(long long id) {
  return Answer(clients_by_id_, id, counters_, [&] { return clients_.Find(organization_id_, id); });
}

std::vector<links::Link> ImportLookups::LinksOfPremise(long long premise_id) {
  return Answer(links_by_premise_, premise_id, counters_,
                [&] { return links_.OfPremise(organization_id_, premise_id); });
}

std::optional<long long> ImportLookups::AccountByNumber(long long legal_entity_id,
                                                        const std::string& number) {
  return Answer(account_by_number_, std::make_pair(legal_entity_id, number), counters_,
                [&] { return accounts_.FindByNumber(legal_entity_id, number); });
}

std::optional<long long> ImportLookups::AccountByExternalId(const std::string& external_id) {
  return Answer(account_by_external_id_, external_id, counters_,
                [&] { return accounts_.FindByExternalId(organization_id_, external_id); });
}

std::optional<accounts::Account> ImportLookups::Account(long long id) {
  return Answer(accounts_by_id_, id, counters_,
                [&] { return accounts_.Find(organization_id_, id); });
}

void ImportLookups::ForgetPremise(
    long long id, const std::vector<std::optional<std::string>>& external_ids,
    const std::vector<std::pair<long long, std::optional<std::string>>>& numbers) {
  premises_by_id_.erase(id);
  for (const std::optional<std::string>& external_id : external_ids)
    if (external_id) premise_by_external_id_.erase(*external_id);
  for (const auto& [object_id, number] : numbers)
    if (number) premises_by_number_.erase({object_id, *number});
}

void ImportLookups::ForgetClient(long long id,
                                 const std::vector<std::optional<std::string>>& phones,
                                 const std::vector<std::string>& external_ids) {
  clients_by_id_.erase(id);
  for (const std::optional<std::string>& phone : phones)
    if (phone) client_by_phone_.erase(*phone);
  for (const std::string& external_id : external_ids) client_by_external_id_.erase(external_id);
}

void ImportLookups::ForgetLinksOf(long long premise_id) {
  links_by_premise_.erase(premise_id);
}

void ImportLookups::ForgetAccount(long long id,
                                  const std::vector<std::pair<long long, std::string>>& numbers,
                                  const std::vector<std::optional<std::string>>& external_ids) {
  accounts_by_id_.erase(id);
  for (const auto& number : numbers) account_by_number_.erase(number);
  for (const std::optional<std::string>& external_id : external_ids)
    if (external_id) account_by_external_id_.erase(*external_id);
}

void ImportLookups::ForgetAll() {
  premise_by_external_id_.clear();
  client_by_external_id_.clear();
  client_by_phone_.clear();
  account_by_external_id_.clear();
  account_by_number_.clear();
  premises_by_number_.clear();
  premises_by_id_.clear();
  clients_by_id_.clear();
  accounts_by_id_.clear();
  links_by_premise_.clear();
}

}  // namespace upravdom::exchange
