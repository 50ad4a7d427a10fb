#include "domains/exchange/import_engine.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/json_input.hpp"
#include "core/json_output.hpp"
#include "core/phone.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "domains/accounts/model.hpp"
#include "domains/accounts/repository.hpp"
#include "domains/clients/repository.hpp"
#include "domains/clients/service.hpp"
#include "domains/exchange/import_lookups.hpp"
#include "domains/exchange/import_repository.hpp"
#include "domains/history/history.hpp"
#include "domains/links/model.hpp"
#include "domains/links/repository.hpp"
#include "domains/premises/repository.hpp"
#include "domains/premises/service.hpp"

namespace upravdom::exchange {

namespace {

using json = nlohmann::json;
using clients::Client;

// Records per transaction in a real run: a crash loses at most this many finished records'
// commit (they are re-sent), never part of a record. Also the records read ahead and looked
// up together (ImportLookups).
constexpr size_t kBatchSize = 1000;

// One problem of a record: the field's path inside the record and a Russian message.
struct Problem {
  std::string field;
  std::string message;
};
struct RecordFailed {
  std::vector<Problem> problems;
};

[[noreturn]] void Fail(const std::string& field, const std::string& message) {
  throw RecordFailed{{{field, message}}};
}

std::string Path(const std::string& prefix, const std::string& field) {
  if (field.empty()) return prefix;
  return prefix.empty() ? field : prefix + "." + field;
}

// Runs `read` and turns the 422 it throws into the record's problems under `prefix`.
template <class F>
void Reading(const std::string& prefix, F&& read) {
  try {
    read();
  } catch (const ApiError& error) {
    RecordFailed failed;
    for (const auto& [field, message] : error.fields())
      failed.problems.push_back({Path(prefix, field), message});
    if (failed.problems.empty()) failed.problems.push_back({prefix, error.what()});
    throw failed;
  }
}

// ---- What a record says -------------------------------------------------------------------

struct ClientEntry {
  std::string prefix;  // "client" or "clients[1]"
  std::string external_id;
  Client fields;                // the values the record gives
  std::set<std::string> given;  // which of type / the text columns the record has
  bool phone_given = false;
  std::optional<std::string> phone;  // E.164
  // In a consolidated record: the link.
  std::string role = "owner";
  std::optional<links::Share> share;
  std::optional<std::string> owner_external_id;
};

ClientEntry ReadClient(const json& body, const std::string& prefix, bool with_link) {
  ClientEntry entry;
  entry.prefix = prefix;
  if (!body.is_object()) Fail(prefix, "Ожидается объект клиента");
  Reading(prefix, [&] {
    BodyReader reader(body);
    if (auto id = reader.Text("external_id", {.required = true, .max_length = 100}))
      entry.external_id = *id;
    clients::ReadClientFields(
        reader, [&](const std::string& name) { return reader.Has(name); }, entry.fields);
    if (reader.Has("phone")) {
      entry.phone_given = true;
      if (auto typed = reader.Text("phone", {.max_length = 40})) {
        entry.phone = phone::ToE164(*typed);
        if (!entry.phone) reader.Fail("phone", "Неверный номер телефона");
      }
    }
    if (with_link) {
      if (auto role = reader.Text("role", {.max_length = 30})) {
        if (links::IsRole(*role))
          entry.role = *role;
        else
          reader.Fail("role", "Неизвестная роль «" + *role + "»");
      }
      if (auto share = reader.Text("share", {.max_length = 30})) {
        entry.share = links::ParseShare(*share);
        if (!entry.share)
          reader.Fail("share", "Доля — дробь (1/2) или процент (50%), не больше целого");
        else if (!links::IsOwnerRole(entry.role))
          reader.Fail("share", "Доля указывается только у собственника");
      }
      entry.owner_external_id = reader.Text("owner_external_id", {.max_length = 100});
    }
    reader.Finish();
    // The phone is a text column too, but it is matched and changed by the rules of I-2.
    for (const auto& [name, value] : body.items())
      if (name == "type" ||
          (name != "phone" &&
           std::any_of(clients::TextColumns().begin(), clients::TextColumns().end(),
                       [&](const auto& c) { return name == c.name; })))
        entry.given.insert(name);
  });
  return entry;
}

struct PremiseEntry {
  std::optional<std::string> external_id;
  std::optional<long long> object_id;
  std::optional<std::string> object_external_id;
  std::optional<std::string> type;
  std::optional<std::string> number;
  // The premise's own address (houses, townhouses, duplexes, plots), parking or storage level,
  // room within a flat: as the premise type requires (premises::CheckTypeFields).
  std::optional<std::string> street, house, level, room;
  std::optional<long long> total_area, living_area, rooms;
  std::set<std::string> given;
};

PremiseEntry ReadPremise(const json& body) {
  PremiseEntry entry;
  if (!body.is_object()) Fail("premise", "Ожидается объект помещения");
  Reading("premise", [&] {
    BodyReader reader(body);
    entry.external_id = reader.Text("external_id", {.max_length = 100});
    entry.object_id = reader.Integer("object_id", {.min = 1});
    entry.object_external_id = reader.Text("object_external_id", {.max_length = 100});
    if ((entry.type = reader.Text("type", {.max_length = 40})) && !premises::FindType(*entry.type))
      reader.Fail("type", "Неизвестный тип помещения «" + *entry.type + "»");
    entry.number = reader.Text("number", {.max_length = 20});
    entry.street = reader.Text("street", {.max_length = 200});
    entry.house = reader.Text("house", {.max_length = 20});
    entry.level = reader.Text("level", {.max_length = 10});
    entry.room = reader.Text("room", {.max_length = 10});
    // 1С sends 0 for an area it does not know: that is "no area", not an error.
    auto area = [&](const char* name) -> std::optional<long long> {
      auto value = reader.Fixed(name, 2, 0, premises::kMaxArea);
      return value && *value > 0 ? value : std::nullopt;
    };
    entry.total_area = area("total_area");
    entry.living_area = area("living_area");
    entry.rooms = reader.Integer("rooms", {.min = 0, .max = 50});
    reader.Finish();
    for (const auto& [name, value] : body.items()) entry.given.insert(name);
  });
  if (!entry.external_id && !(entry.object_id || entry.object_external_id))
    Fail("premise.external_id", "Укажите внешний идентификатор помещения или объект и номер");
  return entry;
}

struct AccountEntry {
  std::string prefix;
  std::optional<std::string> external_id;
  std::string legal_entity_inn;
  std::string number;
  bool unified_given = false;
  std::optional<std::string> unified_account;
  std::optional<bool> hidden_from_resident;
};

AccountEntry ReadAccount(const json& body, const std::string& prefix) {
  AccountEntry entry;
  entry.prefix = prefix;
  if (!body.is_object()) Fail(prefix, "Ожидается объект лицевого счёта");
  Reading(prefix, [&] {
    BodyReader reader(body);
    entry.external_id = reader.Text("external_id", {.max_length = 100});
    if (auto inn = reader.Text("legal_entity_inn", {.required = true, .max_length = 12}))
      entry.legal_entity_inn = *inn;
    if (auto number = reader.Text("number", {.required = true, .max_length = 50}))
      entry.number = *number;
    entry.unified_given = reader.Has("unified_account");
    if (auto unified = reader.Text("unified_account", {.max_length = 30})) {
      entry.unified_account = accounts::NormalizeUnifiedAccount(*unified);
      if (!entry.unified_account)
        reader.Fail("unified_account", "ЕЛС — 2 цифры, 2 буквы и 6 цифр, например 12АБ345678");
    }
    entry.hidden_from_resident = reader.Bool("hidden_from_resident");
    reader.Finish();
  });
  return entry;
}

// A record as read and checked, before it touches the database.
struct RecordEntries {
  bool is_client = false;  // {"client": …}; else a consolidated record
  ClientEntry client;
  PremiseEntry premise;
  bool sync = false;  // the record lists the premise's clients
  std::vector<ClientEntry> clients;
  std::vector<AccountEntry> accounts;
};

RecordEntries ReadRecord(const json& record) {
  if (!record.is_object())
    Fail("",
         "Неизвестный вид записи: запись должна быть объектом {\"client\": …} или {\"premise\": "
         "…}");
  RecordEntries entries;
  if (record.contains("client")) {
    for (const auto& [key, value] : record.items())
      if (key != "client") Fail(key, "Неизвестное поле записи клиента");
    entries.is_client = true;
    entries.client = ReadClient(record["client"], "client", false);
    return entries;
  }
  if (!record.contains("premise"))
    Fail("", "Неизвестный вид записи: ожидается \"client\" или \"premise\"");
  for (const auto& [key, value] : record.items())
    if (key != "premise" && key != "clients" && key != "accounts")
      Fail(key, "Неизвестное поле записи помещения");
  entries.premise = ReadPremise(record["premise"]);
  entries.sync = record.contains("clients");
  if (entries.sync) {
    const json& list = record["clients"];
    if (!list.is_array()) Fail("clients", "Ожидается массив клиентов");
    std::set<std::string> seen;
    for (size_t i = 0; i < list.size(); ++i) {
      entries.clients.push_back(ReadClient(list[i], "clients[" + std::to_string(i) + "]", true));
      if (!seen.insert(entries.clients.back().external_id).second)
        Fail(entries.clients.back().prefix + ".external_id", "Клиент указан в записи дважды");
    }
  }
  if (record.contains("accounts")) {
    const json& list = record["accounts"];
    if (!list.is_array()) Fail("accounts", "Ожидается массив лицевых счетов");
    for (size_t i = 0; i < list.size(); ++i) {
      entries.accounts.push_back(ReadAccount(list[i], "accounts[" + std::to_string(i) + "]"));
      // The second of two alike would find the account the first one saved and renumber it.
      const AccountEntry& entry = entries.accounts.back();
      for (size_t j = 0; j < i; ++j) {
        const AccountEntry& earlier = entries.accounts[j];
        if (entry.external_id && entry.external_id == earlier.external_id)
          Fail(
              entry.prefix + ".external_id",
              "Лицевой счёт с этим внешним идентификатором уже указан в записи: " + earlier.prefix);
        if (entry.legal_entity_inn == earlier.legal_entity_inn && entry.number == earlier.number)
          Fail(entry.prefix + ".number",
               "Лицевой счёт с этим номером уже указан в записи: " + earlier.prefix);
      }
    }
  }
  return entries;
}

// The record's premise object, if it has one (a record as sent, not yet read).
const json* PremiseOf(const json& record) {
  if (!record.is_object()) return nullptr;
  auto premise = record.find("premise");
  return premise != record.end() && premise->is_object() ? &*premise : nullptr;
}

// A record of the batch being applied: read (or failed to read) ahead of its turn.
struct QueuedRecord {
  size_t index = 0;
  json record;  // as sent, until it is read into `entries`
  std::optional<RecordEntries> entries;
  std::exception_ptr failure;  // thrown again when its turn comes
};

// ---- Comparing and changing clients -----------------------------------------------------

// The change-history form of one field's change.
void Changed(json& changes, const std::string& field, const json& old_value,
             const json& new_value) {
  if (old_value != new_value) changes[field] = {{"old", old_value}, {"new", new_value}};
}

// Copies the fields the record gives onto `client`; notes each change.
void ApplyGiven(const ClientEntry& entry, Client& client, json& changes) {
  for (const std::string& name : entry.given) {
    if (name == "type") {
      Changed(changes, "type", client.type, entry.fields.type);
      client.type = entry.fields.type;
      continue;
    }
    for (const clients::TextColumn& column : clients::TextColumns()) {
      if (name != column.name) continue;
      Changed(changes, name, Optional(client.*column.member),
              Optional(entry.fields.*column.member));
      client.*column.member = entry.fields.*column.member;
    }
  }
}

void CheckClientWhole(const ClientEntry& entry, const Client& client) {
  FieldErrors errors = clients::CheckClient(client);
  if (errors.empty()) return;
  RecordFailed failed;
  for (const auto& [field, message] : errors)
    failed.problems.push_back({Path(entry.prefix, field), message});
  throw failed;
}

const char* const kSignedInError =
    "Невозможно изменить номер телефона, так как клиент уже выполнил вход в личный кабинет";
const char* const kSeveralOrganizationsError =
    "Невозможно изменить номер телефона клиента, так как он зарегистрирован в нескольких "
    "организациях";

// ---- One run ------------------------------------------------------------------------------

struct ClientOutcome {
  long long client_id = 0;
  std::string outcome;
};

class ImportRun {
 public:
  ImportRun(soci::session& sql, db::Dialect dialect, const Actor& actor,
            const ImportSettings& settings, long long operation_id)
      : sql_(sql),
        dialect_(dialect),
        actor_(actor),
        organization_id_(actor.organization_id),
        settings_(settings),
        operation_id_(operation_id),
        imports_(sql),
        premises_(sql, dialect),
        clients_(sql, dialect),
        links_(sql, dialect),
        accounts_(sql, dialect),
        history_(sql),
        lookups_(premises_, clients_, links_, accounts_, imports_, organization_id_,
                 settings.space) {
    clients_.DeferSearchIndex(&pending_search_);
    clients_.DeferCounts(&pending_counts_);
    premises_.DeferBookkeeping(&pending_counts_, &pending_streets_);
  }

  // Reads the batch's records, and what they will look up in a few queries (ImportLookups);
  // called at the start of the batch's transaction.
  void Prepare(std::vector<QueuedRecord>& batch) {
    ImportLookups::Keys keys;
    batch_mark_ = Marked();
    auto client_keys = [&](const ClientEntry& entry) {
      keys.client_external_ids.push_back(entry.external_id);
      if (entry.phone) keys.client_phones.push_back(*entry.phone);
    };
    for (QueuedRecord& queued : batch) {
      // The first record of the run with a premise external id owns it, even when it fails
      // (in reading too): a dry run then reports every later one as a duplicate, as the real
      // run would once the first is fixed.
      if (const json* premise = PremiseOf(queued.record))
        if (auto id = premise->find("external_id"); id != premise->end() && id->is_string())
          if (std::string trimmed = text::Trim(id->get<std::string>()); !trimmed.empty())
            premises_in_batch_.emplace(std::move(trimmed), queued.index);  // as ReadPremise
      try {
        queued.entries = ReadRecord(queued.record);
      } catch (...) {
        queued.failure = std::current_exception();
      }
      queued.record = json();  // what the record says is in its entries now
      if (queued.failure) continue;
      const RecordEntries& entries = *queued.entries;
      if (entries.is_client) {
        client_keys(entries.client);
        continue;
      }
      const PremiseEntry& premise = entries.premise;
      if (premise.external_id) keys.premise_external_ids.push_back(*premise.external_id);
      // A premise whose external id is new is looked for by object, type and number.
      if (premise.number && premise.type)
        if (std::optional<long long> object_id = NamedObject(premise))
          keys.premise_numbers.push_back({*object_id, *premise.number, premise.external_id});
      for (const ClientEntry& entry : entries.clients) client_keys(entry);
      for (const AccountEntry& entry : entries.accounts) {
        if (entry.external_id) keys.account_external_ids.push_back(*entry.external_id);
        if (std::optional<long long> legal_entity = LegalEntity(entry.legal_entity_inn))
          keys.account_numbers[*legal_entity].push_back(entry.number);
      }
    }
    batch_keys_ = std::move(keys);
    ReadLookups();
  }

  // Writes what the records applied so far left for later — the clients' search-index
  // changes (see clients::SearchChange), the change history, the record counts and the
  // streets of the premises, a few statements instead of one or more per record —; called
  // before each commit, outside the per-record savepoints.
  void WritePending() {
    if (!settings_.dry_run) {
      clients::WriteSearchIndex(sql_, pending_search_);
      db::WriteCountChanges(sql_, organization_id_, pending_counts_);
      premises_.RememberStreets(organization_id_, std::move(pending_streets_));
      // A merge moved the absorbed client's written history to the survivor
      // (ImportRepository::MoveToSurvivor); its entries still pending move here.
      for (const PendingMove& move : pending_moves_)
        for (size_t i = 0; i < move.entries_before; ++i)
          if (pending_history_[i].entity == "client" &&
              pending_history_[i].entity_id == move.absorbed_id)
            pending_history_[i].entity_id = move.survivor_id;
      history_.RecordMany(actor_, pending_history_);
    }
    pending_search_.clear();
    pending_history_.clear();
    pending_moves_.clear();
    pending_counts_.clear();
    pending_streets_.clear();
  }

  // Applies one record of the prepared batch. Guarded: inside a savepoint of its own; a
  // failing record is rolled back, with what it noted besides the database, and the error
  // rethrown. Unguarded (the record must have been read without failure): a failure leaves
  // the record half-applied, and the caller rolls the whole batch back (BackToBatchStart).
  json Apply(const QueuedRecord& queued, bool guarded) {
    if (!guarded) return ApplyRecord(queued.index, *queued.entries);
    imports_.Savepoint();
    const Mark mark = Marked();
    try {
      if (queued.failure) std::rethrow_exception(queued.failure);
      json result = ApplyRecord(queued.index, *queued.entries);
      imports_.Release();
      return result;
    } catch (...) {
      imports_.RollbackToSavepoint();
      BackTo(mark);
      throw;
    }
  }

  // After the batch's transaction was rolled back: forgets what the batch's
  // records noted, and reads the batch's lookups again (the records may have changed them).
  void BackToBatchStart() {
    BackTo(batch_mark_);
    ReadLookups();  // locked again on PostgreSQL: the rollback released the batch's locks
  }

  json merges = json::array();
  json warnings = json::array();

 private:
  // What the run has noted besides the database, to go back to with the database.
  struct Mark {
    size_t search, history, moves, merges, warnings, streets;
    db::CountChanges counts;
  };
  Mark Marked() const {
    return {pending_search_.size(), pending_history_.size(), pending_moves_.size(), merges.size(),
            warnings.size(),        pending_streets_.size(), pending_counts_};
  }
  // Reads what the batch's keys find (ImportLookups). PostgreSQL reads what was committed
  // when each statement began (READ COMMITTED), and staff may change a client or premise
  // meanwhile: the rows found are locked until the batch commits and read again — the keys
  // too, since a locked row can no longer change under them —, so that a record never writes
  // back a row older than the database's (a phone support just changed, a link just added).
  // Staff writes to them wait for the batch (seconds). SQLite's write transaction excludes
  // them anyway.
  void ReadLookups() {
    lookups_.Read(batch_keys_);
    if (dialect_ != db::Dialect::kPostgres) return;
    const ImportLookups::Found found = lookups_.FoundRows();
    if (found.premises.empty() && found.clients.empty() && found.accounts.empty()) return;
    db::LockRows(sql_, dialect_, "premises", organization_id_, found.premises);
    db::LockRows(sql_, dialect_, "clients", organization_id_, found.clients);
    db::LockRows(sql_, dialect_, "personal_accounts", organization_id_, found.accounts);
    lookups_.Read(batch_keys_);
  }
  void BackTo(const Mark& mark) {
    pending_streets_.resize(mark.streets);
    pending_counts_ = mark.counts;
    pending_search_.resize(mark.search);
    pending_history_.resize(mark.history);
    pending_moves_.resize(mark.moves);
    while (merges.size() > mark.merges) merges.erase(merges.size() - 1);
    while (warnings.size() > mark.warnings) warnings.erase(warnings.size() - 1);
  }

  json ApplyRecord(size_t index, const RecordEntries& entries) {
    if (entries.is_client) {
      const ClientEntry& entry = entries.client;
      ClientOutcome outcome = SaveClient(index, entry);
      return {{"index", index},
              {"outcome", outcome.outcome},
              {"clients", json::array({{{"external_id", entry.external_id},
                                        {"client_id", outcome.client_id},
                                        {"outcome", outcome.outcome}}})}};
    }
    return ApplyConsolidated(index, entries);
  }

  // The change history of a real run, written before the batch commits (WritePending); a
  // dry run is rolled back, so it skips it.
  void Remember(const std::string& entity, long long id, const std::string& action,
                const json& changes) {
    if (!settings_.dry_run)
      pending_history_.push_back({entity, id, action, changes.dump(), timeutil::NowIso()});
  }

  // ---- premises ----

  long long ResolveObject(const PremiseEntry& entry) {
    std::optional<long long> id = NamedObject(entry);
    if (entry.object_external_id) {
      if (!id)
        Fail("premise.object_external_id", "Объект с таким внешним идентификатором не найден");
    } else if (!Object(*id)) {
      Fail("premise.object_id", "Объект не найден");
    }
    return *id;
  }

  // The object a premise entry names: by external id (when the object exists) before its
  // id. Unlike ResolveObject it never fails, so the batch's lookups can use it before the
  // records are applied.
  std::optional<long long> NamedObject(const PremiseEntry& entry) {
    if (!entry.object_external_id) return entry.object_id;
    auto cached = objects_by_external_id_.find(*entry.object_external_id);
    if (cached != objects_by_external_id_.end()) return cached->second;
    auto id = imports_.ObjectByExternalId(organization_id_, *entry.object_external_id);
    if (id) objects_by_external_id_[*entry.object_external_id] = *id;
    return id;
  }

  const premises::ObjectAddress* Object(long long id) {
    auto cached = objects_.find(id);
    if (cached == objects_.end())
      cached = objects_.emplace(id, premises_.FindObject(organization_id_, id)).first;
    return cached->second ? &*cached->second : nullptr;
  }

  // Finds or creates the premise and applies the record's fields; returns its id and outcome.
  std::pair<long long, std::string> SavePremise(size_t index, const PremiseEntry& entry,
                                                json& changes) {
    std::optional<long long> object_id;
    if (entry.object_id || entry.object_external_id) object_id = ResolveObject(entry);
    if (entry.external_id) {
      auto first = premises_in_batch_.find(*entry.external_id);  // noted by Prepare
      if (first != premises_in_batch_.end() && first->second != index)
        Fail("premise.external_id",
             "Помещение с этим внешним идентификатором уже есть в пакете: запись " +
                 std::to_string(first->second));
    }
    std::optional<long long> id;
    if (entry.external_id) id = lookups_.PremiseByExternalId(*entry.external_id);
    if (!id && object_id && entry.number && entry.type) {
      auto numbered = lookups_.PremiseByNumber(*object_id, *entry.type, *entry.number);
      if (numbered) {
        if (numbered->external_id && entry.external_id &&
            *numbered->external_id != *entry.external_id)
          Fail("premise.number",
               "В объекте уже есть помещение с этим номером и другим внешним "
               "идентификатором «" +
                   *numbered->external_id + "»");
        id = numbered->id;
      }
    }
    if (!id && !entry.external_id && !(object_id && entry.number && entry.type))
      Fail("premise.external_id",
           "Укажите внешний идентификатор помещения или объект, тип и номер");

    premises::Premise premise;
    std::optional<premises::PremiseRow> existing;
    if (id) {
      existing = lookups_.Premise(*id);
      premise = existing->premise;
    } else {
      FieldErrors missing;
      if (!object_id) missing["premise.object_id"] = "Укажите объект нового помещения";
      if (!entry.type) missing["premise.type"] = "Укажите тип нового помещения";
      if (!missing.empty()) {
        RecordFailed failed;
        for (const auto& [field, message] : missing) failed.problems.push_back({field, message});
        throw failed;
      }
    }
    const premises::Premise before = premise;
    if (object_id && premise.object_id != *object_id) {
      // Entrances and floors belong to an object: a premise moved to another one leaves them.
      if (id) premise.entrance_id.reset(), premise.floor_id.reset();
      premise.object_id = *object_id;
    }
    if (entry.type) premise.type = *entry.type;
    if (entry.given.count("number")) premise.number = entry.number;
    if (entry.given.count("street")) premise.street = entry.street;
    if (entry.given.count("house")) premise.house = entry.house;
    if (entry.given.count("level")) premise.level = entry.level;
    if (entry.given.count("room")) premise.room = entry.room;
    if (entry.given.count("total_area")) premise.total_area = entry.total_area;
    if (entry.given.count("living_area")) premise.living_area = entry.living_area;
    if (entry.given.count("rooms")) premise.rooms = entry.rooms;
    if (entry.external_id) premise.external_id = entry.external_id;
    FieldErrors errors = premises::CheckTypeFields(
        premise, [&](const char* name) { return entry.given.count(name) > 0; });
    if (!errors.empty()) {
      RecordFailed failed;
      for (const auto& [field, message] : errors)
        failed.problems.push_back({Path("premise", field), message});
      throw failed;
    }
    auto area = [](const std::optional<long long>& value) {
      return value ? json(premises::AreaToMetres(*value)) : json(nullptr);
    };
    auto number = [](const std::optional<long long>& value) {
      return value ? json(*value) : json(nullptr);
    };
    json own = json::object();
    if (!id || premise.object_id != before.object_id)
      Changed(own, "object_id", id ? json(before.object_id) : json(nullptr), premise.object_id);
    if (!id || premise.type != before.type)
      Changed(own, "type", id ? json(before.type) : json(nullptr), premise.type);
    Changed(own, "entrance_id", number(before.entrance_id), number(premise.entrance_id));
    Changed(own, "floor_id", number(before.floor_id), number(premise.floor_id));
    Changed(own, "number", Optional(before.number), Optional(premise.number));
    Changed(own, "total_area", area(before.total_area), area(premise.total_area));
    Changed(own, "living_area", area(before.living_area), area(premise.living_area));
    Changed(own, "rooms", number(before.rooms), number(premise.rooms));
    Changed(own, "external_id", Optional(before.external_id), Optional(premise.external_id));
    Changed(own, "street", Optional(before.street), Optional(premise.street));
    Changed(own, "house", Optional(before.house), Optional(premise.house));
    Changed(own, "level", Optional(before.level), Optional(premise.level));
    Changed(own, "room", Optional(before.room), Optional(premise.room));
    if (id && own.empty()) return {*id, "unchanged"};

    const premises::ObjectAddress& object = *Object(premise.object_id);
    const premises::SearchKeys keys = premises::MakeSearchKeys(premise, object);
    if (id) {
      premises_.Update(organization_id_, premise, object, keys);
    } else {
      id = premises_.Insert(organization_id_, premise, object, keys);
    }
    lookups_.ForgetPremise(
        *id, {before.external_id, premise.external_id},
        {{before.object_id, before.number}, {premise.object_id, premise.number}});
    changes.update(own);
    return {*id, existing ? "updated" : "created"};
  }

  // ---- clients (I-2) ----

  ClientOutcome SaveClient(size_t index, const ClientEntry& entry) {
    std::optional<long long> by_external_id = lookups_.ClientByExternalId(entry.external_id);
    std::optional<long long> by_phone;
    if (entry.phone) by_phone = lookups_.ClientByPhone(*entry.phone);

    if (by_external_id) {
      Client client = *lookups_.Client(*by_external_id);
      if (!entry.phone || client.phone == entry.phone)  // case 1 (or no phone given)
        return UpdateClient(entry, client, false);
      // Case 2: the phone changes.
      const std::string phone_field = Path(entry.prefix, "phone");
      std::vector<std::string> phones = {*entry.phone};
      if (client.phone) phones.push_back(*client.phone);
      if (imports_.PhoneInOtherOrganization(organization_id_, phones))
        Fail(phone_field, kSeveralOrganizationsError);  // 2c
      if (by_phone) {
        if (imports_.SignedIn(organization_id_, *by_phone))
          Fail(phone_field, kSignedInError);            // 2b
        return Merge(index, entry, client, *by_phone);  // 2d
      }
      // 2b also when P was used by a client who has signed in and has since changed it: the
      // resident identity of P has signed in (2c has ruled out other organisations).
      if (imports_.ResidentSignedIn(*entry.phone)) Fail(phone_field, kSignedInError);
      return UpdateClient(entry, client, true);  // 2a
    }
    if (by_phone) {  // case 3: a new external id for the client with this phone
      Client client = *lookups_.Client(*by_phone);
      json changes = json::object();
      // Fill in what the client lacks; what staff entered stays.
      for (const std::string& name : entry.given) {
        for (const clients::TextColumn& column : clients::TextColumns()) {
          if (name != column.name || client.*column.member || !(entry.fields.*column.member))
            continue;
          Changed(changes, name, nullptr, *(entry.fields.*column.member));
          client.*column.member = entry.fields.*column.member;
        }
      }
      if (!changes.empty()) {
        clients_.Update(organization_id_, client);
        lookups_.ForgetClient(client.id);
      }
      AddExternalId(client.id, entry.external_id, changes);
      Remember("client", client.id, "updated", changes);
      return {client.id, "external_id_added"};
    }
    // Case 4: a new client.
    Client client;
    json changes = json::object();
    ApplyGiven(entry, client, changes);
    client.phone = entry.phone;
    CheckClientWhole(entry, client);
    client.id = clients_.Insert(organization_id_, client);
    lookups_.ForgetClient(client.id, {client.phone});
    if (client.phone) Changed(changes, "phone", nullptr, *client.phone);
    AddExternalId(client.id, entry.external_id, changes);
    Remember("client", client.id, "created", changes);
    return {client.id, "created"};
  }

  void AddExternalId(long long client_id, const std::string& value, json& changes) {
    clients::ExternalId external_id{0, settings_.space, settings_.source, value, std::nullopt, "",
                                    ""};
    clients_.InsertExternalId(organization_id_, client_id, external_id);
    lookups_.ForgetClient(client_id, {}, {value});
    changes["external_ids"] = {
        {"old", nullptr},
        {"new", {{"space", settings_.space}, {"system", settings_.source}, {"value", value}}}};
  }

  ClientOutcome UpdateClient(const ClientEntry& entry, Client& client, bool new_phone) {
    json changes = json::object();
    ApplyGiven(entry, client, changes);
    const std::optional<std::string> old_phone = client.phone;
    if (new_phone) {
      Changed(changes, "phone", Optional(client.phone), Optional(entry.phone));
      client.phone = entry.phone;
    }
    if (changes.empty()) return {client.id, "unchanged"};
    CheckClientWhole(entry, client);
    clients_.Update(organization_id_, client);
    lookups_.ForgetClient(client.id, {old_phone, client.phone});
    Remember("client", client.id, "updated", changes);
    return {client.id, "updated"};
  }

  // I-2 case 2d: the client found by external id absorbs the one that holds the phone.
  ClientOutcome Merge(size_t index, const ClientEntry& entry, Client& survivor,
                      long long absorbed_id) {
    // A merge moves links, external ids and history between the two clients: what was read
    // ahead about either is no longer known.
    lookups_.ForgetAll();
    Client absorbed = *clients_.Find(organization_id_, absorbed_id);
    json absorbed_json = clients::ToJson(absorbed);
    json replaced = json::object();
    json changes = json::object();
    auto merge_text = [&](const char* name, std::optional<std::string>& mine,
                          const std::optional<std::string>& theirs, bool given,
                          const std::optional<std::string>& imported) {
      std::optional<std::string> value = given ? imported : (mine ? mine : theirs);
      json lost = json::array();
      if (mine && mine != value) lost.push_back(*mine);
      if (theirs && theirs != value && theirs != mine) lost.push_back(*theirs);
      if (!lost.empty()) replaced[name] = lost.size() == 1 ? lost[0] : lost;
      Changed(changes, name, Optional(mine), Optional(value));
      mine = value;
    };
    for (const clients::TextColumn& column : clients::TextColumns())
      if (std::string_view(column.name) != "phone")
        merge_text(column.name, survivor.*column.member, absorbed.*column.member,
                   entry.given.count(column.name) > 0, entry.fields.*column.member);
    if (entry.given.count("type")) {
      if (survivor.type != entry.fields.type) replaced["type"] = survivor.type;
      Changed(changes, "type", survivor.type, entry.fields.type);
      survivor.type = entry.fields.type;
    }
    if (survivor.phone && survivor.phone != entry.phone) replaced["phone"] = *survivor.phone;
    Changed(changes, "phone", Optional(survivor.phone), Optional(entry.phone));
    survivor.phone = entry.phone;
    CheckClientWhole(entry, survivor);

    // The survivor keeps its own link where both were linked to one premise, and takes the
    // absorbed link's fields it lacks.
    for (const links::Link& theirs : links_.OfClient(organization_id_, absorbed_id)) {
      auto mine = links_.Find(organization_id_, theirs.premise_id, survivor.id);
      if (!mine) continue;
      links::Link filled = *mine;
      bool changed = false;
      auto fill = [&](std::optional<std::string>& field, const std::optional<std::string>& from) {
        if (!field && from) {
          field = from;
          changed = true;
        }
      };
      fill(filled.ddu_number, theirs.ddu_number);
      fill(filled.ddu_date, theirs.ddu_date);
      fill(filled.acceptance_act_number, theirs.acceptance_act_number);
      fill(filled.acceptance_act_date, theirs.acceptance_act_date);
      fill(filled.certificate_number, theirs.certificate_number);
      fill(filled.certificate_date, theirs.certificate_date);
      fill(filled.management_contract_number, theirs.management_contract_number);
      fill(filled.management_contract_date, theirs.management_contract_date);
      fill(filled.comment, theirs.comment);
      if (!filled.ownership_share && theirs.ownership_share) {
        filled.ownership_share = theirs.ownership_share;
        filled.share_numerator = theirs.share_numerator;
        filled.share_denominator = theirs.share_denominator;
        changed = true;
      }
      if (theirs.keep_on_sync && !filled.keep_on_sync) {
        filled.keep_on_sync = true;
        changed = true;
      }
      if (changed) links_.Update(organization_id_, filled);
    }
    imports_.MoveToSurvivor(organization_id_, absorbed_id, survivor.id);
    pending_moves_.push_back({pending_history_.size(), absorbed_id, survivor.id});
    // The absorbed client goes first: the survivor then takes its phone.
    clients_.Delete(organization_id_, absorbed_id);
    clients_.Update(organization_id_, survivor);
    accounts::RecomputeClientDebt(sql_, organization_id_, {survivor.id});
    imports_.RecordMerge(organization_id_, operation_id_, survivor.id, absorbed_id,
                         absorbed_json.dump(), replaced.dump());
    changes["merged_client"] = {
        {"old", {{"id", absorbed_id}, {"full_name", clients::FullName(absorbed)}}},
        {"new", nullptr}};
    Remember("client", survivor.id, "updated", changes);
    Remember("client", absorbed_id, "deleted",
             {{"merged_into", {{"old", nullptr}, {"new", survivor.id}}}});
    merges.push_back({{"index", index},
                      {"surviving_client_id", survivor.id},
                      {"absorbed_client_id", absorbed_id},
                      {"absorbed", absorbed_json},
                      {"replaced", replaced}});
    return {survivor.id, "merged"};
  }

  // ---- consolidated records ----

  json ApplyConsolidated(size_t index, const RecordEntries& entries) {
    const PremiseEntry& premise_entry = entries.premise;
    const std::vector<ClientEntry>& client_entries = entries.clients;
    const bool sync = entries.sync;
    const std::vector<AccountEntry>& account_entries = entries.accounts;

    json premise_changes = json::object();
    auto [premise_id, outcome] = SavePremise(index, premise_entry, premise_changes);
    const bool created = outcome == "created";
    // Staff changing this premise's links or accounts lock it first (PostgreSQL): so does
    // the import, so that the rules over its owners (shares, sync) see one state. On SQLite
    // the transaction holds the database's write lock already.
    if (!created && dialect_ == db::Dialect::kPostgres)
      db::LockRow(sql_, dialect_, "premises", organization_id_, premise_id);
    std::set<long long> debt_clients;  // whose kept debt must be recomputed
    bool debt_moved_in = false;        // an account with a debt moved onto this premise

    json account_results = json::array();
    for (const AccountEntry& entry : account_entries) {
      auto [account_id, account_outcome] =
          SaveAccount(premise_id, entry, premise_changes, debt_clients, debt_moved_in);
      account_results.push_back(
          {{"number", entry.number}, {"account_id", account_id}, {"outcome", account_outcome}});
      if (account_outcome != "unchanged" && outcome == "unchanged") outcome = "updated";
    }

    json client_results = json::array();
    json links_removed = json::array();
    json clients_deleted = json::array();
    if (sync) {
      bool links_changed = false;
      std::vector<ClientOutcome> saved;
      std::map<std::string, long long> by_external_id;
      for (size_t i = 0; i < client_entries.size(); ++i) {
        const ClientEntry& entry = client_entries[i];
        const size_t merges_before = merges.size();
        saved.push_back(SaveClient(index, entry));
        // A merge (2d) may have absorbed a client an earlier entry resolved to.
        if (merges.size() > merges_before) {
          const long long absorbed = merges.back()["absorbed_client_id"].get<long long>();
          for (ClientOutcome& earlier : saved)
            if (earlier.client_id == absorbed) earlier.client_id = saved.back().client_id;
        }
        // Two entries of one person (two external ids, one phone): one link each would
        // be the same link twice.
        for (size_t j = 0; j < i; ++j)
          if (saved[j].client_id == saved[i].client_id)
            Fail(Path(entry.prefix, entry.phone ? "phone" : "external_id"),
                 "Это тот же клиент, что и " + client_entries[j].prefix +
                     " (один телефон): клиент указан в записи дважды");
        by_external_id[entry.external_id] = saved.back().client_id;
      }
      for (size_t i = 0; i < client_entries.size(); ++i)
        client_results.push_back({{"external_id", client_entries[i].external_id},
                                  {"client_id", saved[i].client_id},
                                  {"outcome", saved[i].outcome}});
      std::vector<links::Link> current =
          created ? std::vector<links::Link>{} : lookups_.LinksOfPremise(premise_id);
      // The premise's links as this record leaves them, by client: the shares are checked on
      // these instead of reading the links back.
      std::map<long long, links::Link> final_links;
      for (const links::Link& link : current) final_links[link.client_id] = link;
      std::optional<long long> first_owner;
      for (size_t i = 0; i < client_entries.size(); ++i)
        if (links::IsOwnerRole(client_entries[i].role) && !first_owner)
          first_owner = saved[i].client_id;
      // The record lists no owner: a dependant depends on an owner the sync keeps (M-1), not on
      // one this record removes.
      if (!first_owner)
        for (const links::Link& link : current)
          if (!first_owner && links::IsOwnerRole(link.role) &&
              (link.keep_on_sync || imports_.KeptOnSync(organization_id_, link.client_id)))
            first_owner = link.client_id;
      // Owners first, so that dependants can name them.
      for (int pass = 0; pass < 2; ++pass) {
        for (size_t i = 0; i < client_entries.size(); ++i) {
          const ClientEntry& entry = client_entries[i];
          if (links::IsOwnerRole(entry.role) != (pass == 0)) continue;
          std::optional<long long> owner;
          if (links::NeedsOwner(entry.role)) {
            if (entry.owner_external_id) {
              auto named = by_external_id.find(*entry.owner_external_id);
              if (named == by_external_id.end())
                Fail(entry.prefix + ".owner_external_id",
                     "Собственник с этим внешним идентификатором не указан в записи");
              owner = named->second;
            } else {
              owner = first_owner;
            }
            if (!owner)
              Fail(entry.prefix + ".role",
                   "У помещения нет собственника, от которого зависит клиент");
          }
          links_changed |= SaveLink(premise_id, saved[i].client_id, entry, owner, current,
                                    premise_changes, final_links);
        }
      }
      // Sync (I-11): owners not listed leave the premise, unless kept (M-1).
      std::set<long long> listed;
      for (const ClientOutcome& s : saved) listed.insert(s.client_id);
      for (const links::Link& link : current) {
        if (!links::IsOwnerRole(link.role) || listed.count(link.client_id)) continue;
        if (link.keep_on_sync || imports_.KeptOnSync(organization_id_, link.client_id)) {
          warnings.push_back({{"index", index},
                              {"field", "clients"},
                              {"message", "Собственник (клиент " + std::to_string(link.client_id) +
                                              ") не указан, но оставлен: отметка «Не удалять "
                                              "клиента при интеграции»"}});
          continue;
        }
        imports_.ForgetOwner(organization_id_, premise_id, link.client_id);
        links_.Delete(organization_id_, link.id);
        lookups_.ForgetLinksOf(premise_id);
        final_links.erase(link.client_id);
        links_changed = true;
        premise_changes["link:" + std::to_string(link.client_id)] = {
            {"old", {{"role", link.role}, {"ownership_share", Optional(link.ownership_share)}}},
            {"new", nullptr}};
        links_removed.push_back({{"premise_id", premise_id}, {"client_id", link.client_id}});
        if (imports_.LinkCount(organization_id_, link.client_id) == 0) {
          lookups_.ForgetAll();  // the client's row, phone, external ids and links go
          clients_.Delete(organization_id_, link.client_id);
          Remember("client", link.client_id, "deleted",
                   {{"premises", {{"old", premise_id}, {"new", nullptr}}}});
          clients_deleted.push_back(link.client_id);
        } else {
          debt_clients.insert(link.client_id);
        }
      }
      if (links_changed) {
        // Shares can only exceed the whole if the record gives one or the premise had one.
        const bool shares = std::any_of(client_entries.begin(), client_entries.end(),
                                        [](const ClientEntry& e) { return e.share.has_value(); }) ||
                            std::any_of(current.begin(), current.end(), [](const links::Link& l) {
                              return l.share_numerator.has_value();
                            });
        if (shares) CheckShares(final_links);
        if (outcome == "unchanged") outcome = "updated";
        // A new premise has no debt unless an account brought one.
        if ((!created || debt_moved_in) && imports_.PremiseDebt(organization_id_, premise_id) != 0)
          for (const ClientOutcome& s : saved) debt_clients.insert(s.client_id);
      }
      for (const ClientOutcome& s : saved)
        if (s.outcome != "unchanged" && outcome == "unchanged") outcome = "updated";
    }
    for (const json& id : clients_deleted) debt_clients.erase(id.get<long long>());
    if (!debt_clients.empty()) {
      accounts::RecomputeClientDebt(
          sql_, organization_id_, std::vector<long long>(debt_clients.begin(), debt_clients.end()));
      for (long long client_id : debt_clients) lookups_.ForgetClient(client_id);
    }
    if (!premise_changes.empty())
      Remember("premise", premise_id, created ? "created" : "updated", premise_changes);
    return {{"index", index},
            {"outcome", outcome},
            {"premise_id", premise_id},
            {"clients", client_results},
            {"accounts", account_results},
            {"links_removed", links_removed},
            {"clients_deleted", clients_deleted}};
  }

  // Creates or updates the link; returns whether anything changed.
  bool SaveLink(long long premise_id, long long client_id, const ClientEntry& entry,
                std::optional<long long> owner, const std::vector<links::Link>& current,
                json& changes, std::map<long long, links::Link>& final_links) {
    const links::Link* existing = nullptr;
    for (const links::Link& link : current)
      if (link.client_id == client_id) existing = &link;
    links::Link link = existing ? *existing : links::Link{};
    link.premise_id = premise_id;
    link.client_id = client_id;
    link.role = entry.role;
    link.owner_client_id = owner;
    if (!links::IsOwnerRole(entry.role)) {
      link.ownership_share.reset();
      link.share_numerator.reset();
      link.share_denominator.reset();
    } else if (entry.share) {
      link.ownership_share = entry.share->text;
      link.share_numerator = entry.share->numerator;
      link.share_denominator = entry.share->denominator;
    }
    final_links[client_id] = link;
    if (existing && existing->role == link.role &&
        existing->owner_client_id == link.owner_client_id &&
        existing->ownership_share == link.ownership_share)
      return false;
    json now = {{"role", link.role}, {"ownership_share", Optional(link.ownership_share)}};
    lookups_.ForgetLinksOf(premise_id);
    if (existing) {
      links_.Update(organization_id_, link);
      changes["link:" + std::to_string(client_id)] = {
          {"old",
           {{"role", existing->role}, {"ownership_share", Optional(existing->ownership_share)}}},
          {"new", now}};
    } else {
      link.created_by = "import";
      links_.Insert(organization_id_, link);
      changes["link:" + std::to_string(client_id)] = {{"old", nullptr}, {"new", now}};
    }
    return true;
  }

  void CheckShares(const std::map<long long, links::Link>& premise_links) {
    std::vector<links::Share> shares;
    for (const auto& [client_id, link] : premise_links)
      if (links::IsOwnerRole(link.role) && link.share_numerator && link.share_denominator)
        shares.push_back({*link.share_numerator, *link.share_denominator, ""});
    if (links::SharesExceedWhole(shares))
      Fail("clients", "Сумма долей собственников помещения больше целого");
  }

  // ---- accounts ----

  // The organisation's legal entity with this ИНН (remembered for the run).
  std::optional<long long> LegalEntity(const std::string& inn) {
    if (auto cached = legal_entities_.find(inn); cached != legal_entities_.end())
      return cached->second;
    std::optional<long long> id = imports_.LegalEntityByInn(organization_id_, inn);
    if (id) legal_entities_[inn] = *id;
    return id;
  }

  std::pair<long long, std::string> SaveAccount(long long premise_id, const AccountEntry& entry,
                                                json& changes, std::set<long long>& debt_clients,
                                                bool& debt_moved_in) {
    const std::optional<long long> legal_entity = LegalEntity(entry.legal_entity_inn);
    if (!legal_entity)
      Fail(entry.prefix + ".legal_entity_inn", "Юридическое лицо с таким ИНН не найдено");
    const long long legal_entity_id = *legal_entity;
    std::optional<long long> id = lookups_.AccountByNumber(legal_entity_id, entry.number);
    // The account holding the record's external id: the one to renumber when none has the
    // number, another account's (an error) when one has.
    std::optional<long long> by_external_id;
    if (entry.external_id) by_external_id = lookups_.AccountByExternalId(*entry.external_id);
    if (!id) id = by_external_id;
    accounts::Account account;
    std::optional<accounts::Account> existing;
    if (id) {
      existing = lookups_.Account(*id);
      account = *existing;
    }
    account.premise_id = premise_id;
    account.legal_entity_id = legal_entity_id;
    account.number = entry.number;
    if (entry.external_id) account.external_id = entry.external_id;
    if (entry.unified_given) account.unified_account = entry.unified_account;
    if (entry.hidden_from_resident) account.hidden_from_resident = *entry.hidden_from_resident;
    if (existing && existing->premise_id == account.premise_id &&
        existing->legal_entity_id == account.legal_entity_id &&
        existing->number == account.number && existing->external_id == account.external_id &&
        existing->unified_account == account.unified_account &&
        existing->hidden_from_resident == account.hidden_from_resident)
      return {*id, "unchanged"};
    if (by_external_id && by_external_id != id)
      Fail(entry.prefix + ".external_id", "Этот внешний идентификатор у другого лицевого счёта");
    json now = {{"number", account.number},
                {"unified_account", Optional(account.unified_account)},
                {"hidden_from_resident", account.hidden_from_resident}};
    if (existing) {
      accounts_.Update(organization_id_, account);
      lookups_.ForgetAccount(
          *id, {{existing->legal_entity_id, existing->number}, {legal_entity_id, account.number}},
          {existing->external_id, account.external_id});
      if (existing->premise_id != premise_id && existing->debt != 0) {
        debt_moved_in = true;
        // The debt moves with the account: clients of both premises (those the record links
        // later are added when their links are saved).
        for (long long c : accounts::ClientsOfPremise(sql_, organization_id_, existing->premise_id))
          debt_clients.insert(c);
        for (long long c : accounts::ClientsOfPremise(sql_, organization_id_, premise_id))
          debt_clients.insert(c);
      }
      changes["account:" + std::to_string(*id)] = {
          {"old",
           {{"number", existing->number},
            {"unified_account", Optional(existing->unified_account)},
            {"hidden_from_resident", existing->hidden_from_resident},
            {"premise_id", existing->premise_id}}},
          {"new", now}};
      return {*id, "updated"};
    }
    id = accounts_.Insert(organization_id_, account);
    lookups_.ForgetAccount(*id, {{legal_entity_id, account.number}}, {account.external_id});
    changes["account:" + std::to_string(*id)] = {{"old", nullptr}, {"new", now}};
    return {*id, "created"};
  }

  soci::session& sql_;
  db::Dialect dialect_;
  const Actor& actor_;
  long long organization_id_;
  const ImportSettings& settings_;
  long long operation_id_;
  ImportRepository imports_;
  premises::PremiseRepository premises_;
  clients::ClientRepository clients_;
  links::LinkRepository links_;
  accounts::AccountRepository accounts_;
  history::HistoryRepository history_;
  ImportLookups lookups_;  // after the repositories it reads through
  std::unordered_map<long long, std::optional<premises::ObjectAddress>> objects_;
  std::unordered_map<std::string, long long> objects_by_external_id_;
  std::unordered_map<std::string, long long> legal_entities_;
  std::unordered_map<std::string, size_t> premises_in_batch_;
  std::vector<clients::SearchChange> pending_search_;
  db::CountChanges pending_counts_;
  std::vector<std::string> pending_streets_;
  std::vector<history::PendingEntry> pending_history_;
  // A merge's absorbed client: its entries among the first `entries_before` pending ones
  // belong to the survivor.
  struct PendingMove {
    size_t entries_before;
    long long absorbed_id, survivor_id;
  };
  std::vector<PendingMove> pending_moves_;
  // The prepared batch: its lookups' keys, what had been noted before it.
  ImportLookups::Keys batch_keys_;
  Mark batch_mark_{};
};

// Errors kept as values for the message and the exchange log (the answer has them all).
constexpr long long kLoggedErrors = 1000;

// A JSON array written as text, one element at a time.
class JsonArrayText {
 public:
  void Add(const json& value) {
    text_ += text_.empty() ? "[" : ",";
    text_ += value.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  std::string Finish() { return text_.empty() ? "[]" : std::move(text_) + "]"; }
  size_t Size() const { return text_.size(); }
  void BackTo(size_t size) { text_.resize(size); }

 private:
  std::string text_;
};

// Ids of what a dry run would create come from its rolled-back transaction: none yet.
void ForgetCreatedIds(json& result) {
  if (result["outcome"] == "created" && result.contains("premise_id"))
    result["premise_id"] = nullptr;
  for (const auto& [list, id] : {std::pair{"clients", "client_id"}, {"accounts", "account_id"}}) {
    if (!result.contains(list)) continue;
    for (json& item : result[list])
      if (item["outcome"] == "created") item[id] = nullptr;
  }
}

const char* const kOutcomes[] = {"created", "updated", "unchanged", "merged", "external_id_added"};

std::string Summary(const json& counts, bool dry_run, const std::string& status) {
  std::string text = dry_run ? "Проверка: " : "";
  text += "записей " + std::to_string(counts["processed"].get<long long>()) + " из " +
          std::to_string(counts["records"].get<long long>());
  static const std::pair<const char*, const char*> kNames[] = {
      {"created", "создано"},
      {"updated", "изменено"},
      {"unchanged", "без изменений"},
      {"merged", "склеено"},
      {"external_id_added", "добавлен внешний идентификатор"},
      {"links_removed", "снято связей"},
      {"clients_deleted", "удалено клиентов"},
      {"errors", "ошибок"}};
  for (const auto& [key, name] : kNames)
    if (counts[key].get<long long>() > 0)
      text += ", " + std::string(name) + " " + std::to_string(counts[key].get<long long>());
  if (status == "failed" && !dry_run) text += ". Импорт остановлен на первой ошибке";
  return text;
}

}  // namespace

ImportAnswer ImportEngine::Run(const Actor& actor, const ImportSettings& settings,
                               const RecordSource& records) {
  const long long organization_id = actor.organization_id;
  const std::string kind = settings.dry_run ? "import_dry_run" : "import";
  const long long operation_id = log_.Start(organization_id, kind, settings.source, actor.name);
  Actor importer = actor;
  importer.name =
      "Импорт «" + settings.source + "»" + (actor.name.empty() ? "" : ": " + actor.name);

  json counts = {{"records", static_cast<long long>(settings.expected_records)},
                 {"processed", 0},
                 {"errors", 0},
                 {"links_removed", 0},
                 {"clients_deleted", 0}};
  for (const char* outcome : kOutcomes) counts[outcome] = 0;
  // The answer's per-record results and errors are kept as JSON text, not as json values:
  // a result is ~200 bytes as text and several times that as a json tree, and a batch has
  // up to 200,000 of them. The first errors are also kept as values, for the message and
  // the log.
  JsonArrayText results, all_errors;
  json errors = json::array();  // the first kLoggedErrors
  json merges = json::array(), warnings = json::array();
  long long error_count = 0;
  bool stopped = false;
  std::string crash;
  std::optional<size_t> unsaved_from;  // the first record of a batch whose commit failed

  auto count = [&](const json& result) {
    counts["processed"] = counts["processed"].get<long long>() + 1;
    const std::string outcome = result["outcome"];
    counts[outcome] = counts.value(outcome, 0LL) + 1;
    if (result.contains("links_removed"))
      counts["links_removed"] = counts["links_removed"].get<long long>() +
                                static_cast<long long>(result["links_removed"].size());
    if (result.contains("clients_deleted"))
      counts["clients_deleted"] = counts["clients_deleted"].get<long long>() +
                                  static_cast<long long>(result["clients_deleted"].size());
  };

  try {
    db::Session sql(database_);
    std::unique_ptr<db::WriteTransaction> tx;
    ImportRun run(sql.get(), database_.dialect(), importer, settings, operation_id);
    auto open = [&] {
      tx = std::make_unique<db::WriteTransaction>(sql.get(), database_.dialect());
    };
    auto collect = [&] {
      for (auto& m : run.merges) merges.push_back(std::move(m));
      for (auto& w : run.warnings) warnings.push_back(std::move(w));
      run.merges = json::array();
      run.warnings = json::array();
    };
    // Notes a failed record; a real run stops at it (false: stop reading).
    auto failed_record = [&](size_t index, const RecordFailed& failed) {
      counts["processed"] = counts["processed"].get<long long>() + 1;
      counts["errors"] = counts["errors"].get<long long>() + 1;
      for (const Problem& p : failed.problems) {
        json error = {{"index", index}, {"field", p.field}, {"message", p.message}};
        all_errors.Add(error);
        if (++error_count <= kLoggedErrors) errors.push_back(std::move(error));
      }
      if (settings.keep_results) results.Add({{"index", index}, {"outcome", "error"}});
      if (settings.dry_run) return true;
      stopped = true;
      return false;
    };
    // One record's outcome: its result, or why it failed.
    struct Outcome {
      json result;
      std::optional<RecordFailed> failed;
    };
    // Applies one record inside its own savepoint (ImportRun::Apply).
    auto apply_guarded = [&](const QueuedRecord& queued) -> Outcome {
      try {
        return {run.Apply(queued, true), std::nullopt};
      } catch (const RecordFailed& failed) {
        return {json(), failed};
      } catch (const ApiError& error) {
        RecordFailed failed;
        for (const auto& [field, message] : error.fields())
          failed.problems.push_back({field, message});
        if (failed.problems.empty()) failed.problems.push_back({"", error.what()});
        return {json(), failed};
      } catch (const soci::soci_error& error) {
        // A constraint the checks did not foresee (e.g. a concurrent change by staff): the
        // record is rolled back like any failing record.
        // The database's own text (English, with the statement and its values) goes to the
        // server's log only.
        spdlog::warn("import {} record {}: {}", operation_id, queued.index, error.what());
        return {json(), RecordFailed{{{"",
                                       "Запись не применена: она противоречит данным в "
                                       "базе (возможно, изменённым в это же время). "
                                       "Повторите загрузку"}}}};
      }
    };
    // Applies the queued records in order; false once a real run has stopped at a failure.
    //
    // A savepoint per record cost a fifth of a real run's time on SQLite (every page a
    // record changes is copied into the savepoint's journal first), and records seldom fail
    // once read. So a real run applies a batch without them first; when a record fails
    // there, the batch's transaction is rolled back and the batch applied again record by
    // record, each in a savepoint: the run stops at the failing record with the records
    // before it applied, as documented. A record that failed to be read writes nothing and
    // needs no rollback. A dry run keeps every record in a savepoint: it goes on after a
    // failing record in the one transaction of the whole run, and a savepoint per batch
    // there made it twice as slow (docs/performance.md).
    std::vector<QueuedRecord> batch;
    auto apply_batch = [&] {
      run.Prepare(batch);
      std::vector<Outcome> outcomes;
      outcomes.reserve(batch.size());
      bool rolled_back = false;
      for (const QueuedRecord& queued : batch) {
        if (settings.dry_run || queued.failure) {
          outcomes.push_back(apply_guarded(queued));
          if (outcomes.back().failed && !settings.dry_run) break;
          continue;
        }
        try {
          outcomes.push_back({run.Apply(queued, false), std::nullopt});
        } catch (const RecordFailed&) {
          rolled_back = true;
        } catch (const ApiError&) {
          rolled_back = true;
        } catch (const soci::soci_error&) {
          rolled_back = true;
        }
        if (rolled_back) break;
      }
      if (rolled_back) {
        tx.reset();  // rolls the batch back
        open();
        run.BackToBatchStart();
        outcomes.clear();
        for (const QueuedRecord& queued : batch) {
          outcomes.push_back(apply_guarded(queued));
          if (outcomes.back().failed) break;
        }
      }
      bool go_on = true;
      for (size_t i = 0; i < outcomes.size() && go_on; ++i) {
        const QueuedRecord& queued = batch[i];
        Outcome& outcome = outcomes[i];
        if (outcome.failed) {
          go_on = failed_record(queued.index, *outcome.failed);
          continue;
        }
        count(outcome.result);
        if (!settings.keep_results) continue;
        if (settings.dry_run) ForgetCreatedIds(outcome.result);
        results.Add(outcome.result);
      }
      batch.clear();
      return go_on;
    };
    // What the answer says of the records before a batch: a batch whose commit fails is
    // taken out of it again (its records are not in the database), and the answer names
    // the first record lost.
    struct Said {
      json counts;
      size_t results, all_errors, errors, merges, warnings;
      long long error_count;
      size_t first_index;
    };
    auto said = [&] {
      return Said{counts, results.Size(), all_errors.Size(), errors.size(), merges.size(),
                  warnings.size(), error_count,
                  // records are numbered in order from 0: the next one's index
                  static_cast<size_t>(counts["processed"].get<long long>())};
    };
    auto commit = [&](const Said& before) {
      try {
        run.WritePending();
        tx->Commit();
      } catch (...) {
        counts = before.counts;
        results.BackTo(before.results);
        all_errors.BackTo(before.all_errors);
        while (errors.size() > before.errors) errors.erase(errors.size() - 1);
        while (merges.size() > before.merges) merges.erase(merges.size() - 1);
        while (warnings.size() > before.warnings) warnings.erase(warnings.size() - 1);
        error_count = before.error_count;
        unsaved_from = before.first_index;
        throw;
      }
    };
    Said uncommitted_since = said();  // what was said when the open transaction began
    open();
    records([&](size_t index, json& record) {
      batch.push_back({index, std::move(record), std::nullopt, nullptr});
      if (batch.size() < kBatchSize) return true;
      uncommitted_since = said();
      if (!apply_batch()) return false;  // committed below, up to the failing record
      if (!settings.dry_run) {
        collect();
        commit(uncommitted_since);
        // Through the import's own connection, between its transactions (a second one
        // from the pool could be waited for forever: OperationLog::Progress).
        log_.Progress(organization_id, operation_id, counts, /*durable=*/true, &sql.get());
        open();
      } else {
        // What a dry run noted for writing later (search index, counts, streets) is never
        // written: dropped every batch, not kept for the whole run (tens of MB).
        run.WritePending();
        // A dry run's transaction stays open to its end. Its progress is shown all the same
        // (the UI follows it) and, on PostgreSQL, written: a running operation silent for
        // OperationLog::kStaleSeconds would be taken for one cut off.
        log_.Progress(organization_id, operation_id, counts,
                      /*durable=*/database_.dialect() == db::Dialect::kPostgres);
      }
      return true;
    });
    if (!stopped) uncommitted_since = said();  // else: before the batch that stopped
    if (!stopped && !batch.empty()) apply_batch();
    collect();
    if (settings.dry_run) {
      run.WritePending();
      tx.reset();  // rolls everything back
    } else {
      commit(uncommitted_since);
    }
  } catch (const ApiError& error) {
    crash = error.what();
  } catch (const std::exception& error) {
    spdlog::error("import {} failed: {}", operation_id, error.what());
    crash = "Внутренняя ошибка при импорте";
  }
  if (!crash.empty() && unsaved_from)
    crash = "Записи начиная с " + std::to_string(*unsaved_from) +
            " не сохранены: база данных не приняла пакет при сохранении. Записи до неё "
            "сохранены; повторите загрузку";
  if (!crash.empty()) {
    json error = {{"index", unsaved_from ? json(*unsaved_from) : json(nullptr)},
                  {"field", ""},
                  {"message", crash}};
    all_errors.Add(error);
    errors.push_back(std::move(error));
    ++error_count;
    counts["errors"] = counts["errors"].get<long long>() + 1;  // as the answer's errors
    stopped = true;
  }
  const bool failed = stopped || (settings.dry_run && error_count > 0);
  const std::string status = failed ? "failed" : (warnings.empty() ? "ok" : "warnings");
  std::string message = Summary(counts, settings.dry_run, status);
  for (size_t i = 0; i < errors.size() && i < 100; ++i) {  // the message: the first 100
    const json& e = errors[i];
    message += "\nОшибка";
    if (!e["index"].is_null())
      message += " в записи " + std::to_string(e["index"].get<long long>());
    if (!e["field"].get<std::string>().empty())
      message += ", поле " + e["field"].get<std::string>();
    message += ": " + e["message"].get<std::string>();
  }
  for (size_t i = 0; i < warnings.size() && i < 100; ++i)
    message += "\nПредупреждение в записи " +
               std::to_string(warnings[i]["index"].get<long long>()) + ": " +
               warnings[i]["message"].get<std::string>();
  if (error_count > kLoggedErrors)
    message += "\n… и ещё " + std::to_string(error_count - kLoggedErrors) + " ошибок";
  try {
    log_.Finish(organization_id, operation_id, status, message, counts,
                {{"errors", errors}, {"warnings", warnings}, {"merges", merges}});
  } catch (const std::exception& error) {
    // What was committed stays committed: the caller still gets the answer (the operation
    // shows as running until the next start's sweep, or the stale sweep on PostgreSQL).
    spdlog::error("import {}: the exchange log was not finished: {}", operation_id, error.what());
  }
  const long long applied =
      counts["processed"].get<long long>() - counts["errors"].get<long long>();
  if (!settings.dry_run && applied > 0 && on_applied_) on_applied_();
  ImportAnswer answer;
  answer.summary = {{"operation_id", operation_id},
                    {"dry_run", settings.dry_run},
                    {"status", status},
                    {"counts", counts},
                    {"warnings", warnings},
                    {"merges", merges}};
  answer.results = results.Finish();
  answer.errors = all_errors.Finish();
  return answer;
}

std::string AnswerBody(std::string results, const std::string& errors, const json& summary) {
  const std::string fields = summary.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string body = std::move(results);
  body.insert(0, "{\"results\":");
  body += ",\"errors\":";
  body += errors;
  if (fields.size() > 2) {  // the summary's fields, without its opening brace
    body += ',';
    body.append(fields, 1, std::string::npos);
  } else {
    body += '}';
  }
  return body;
}

std::string ImportAnswer::TakeBody() {
  return AnswerBody(std::move(results), errors, summary);
}

}  // namespace upravdom::exchange
