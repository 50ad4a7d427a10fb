#include "domains/clients/service.hpp"

#include <set>

#include "core/error.hpp"
#include "core/json_input.hpp"
#include "core/json_output.hpp"
#include "core/phone.hpp"
#include "core/validation.hpp"
#include "domains/tags/tags.hpp"

namespace upravdom::clients {

namespace {

const std::set<std::string> kNotHistory = {
    "id",       "created_at",   "updated_at",   "full_name",      "phone_formatted",
    "premises", "external_ids", "last_seen_at", "premises_count", "debt"};

// Each text field's length limit and check; names and numbers of documents are validated
// beyond their length.
struct TextRuleOf {
  size_t max_length;
  std::optional<std::string> (*check)(std::string_view);
};

std::optional<std::string> CheckGender(std::string_view value) {
  if (value == "male" || value == "female") return std::nullopt;
  return "Допустимо: male или female";
}
std::optional<std::string> CheckPastDate(std::string_view value) {
  return validation::CheckDate(value, true);
}
std::optional<std::string> CheckDigits4(std::string_view value) {
  if (value.size() == 4 && validation::IsAllDigits(value)) return std::nullopt;
  return "Серия паспорта — 4 цифры";
}
std::optional<std::string> CheckDigits6(std::string_view value) {
  if (value.size() == 6 && validation::IsAllDigits(value)) return std::nullopt;
  return "Номер паспорта — 6 цифр";
}
std::optional<std::string> CheckDepartmentCode(std::string_view value) {
  if (value.size() == 7 && value[3] == '-' && validation::IsAllDigits(value.substr(0, 3)) &&
      validation::IsAllDigits(value.substr(4)))
    return std::nullopt;
  return "Код подразделения в формате XXX-XXX";
}
std::optional<std::string> CheckPostcode(std::string_view value) {
  if (value.size() == 6 && validation::IsAllDigits(value)) return std::nullopt;
  return "Индекс — 6 цифр";
}

const std::map<std::string, TextRuleOf>& TextRules() {
  static const std::map<std::string, TextRuleOf> rules = {
      {"last_name", {100, validation::CheckPersonName}},
      {"first_name", {100, validation::CheckPersonName}},
      {"middle_name", {100, validation::CheckPersonName}},
      {"organization_name", {300, nullptr}},
      {"email", {254, validation::CheckEmail}},
      {"gender", {10, CheckGender}},
      {"birth_date", {10, CheckPastDate}},
      {"passport_series", {4, CheckDigits4}},
      {"passport_number", {6, CheckDigits6}},
      {"passport_issued_by", {300, nullptr}},
      {"passport_issued_at", {10, CheckPastDate}},
      {"passport_department_code", {7, CheckDepartmentCode}},
      {"passport_comment", {1000, nullptr}},
      {"registration_address", {500, nullptr}},
      {"registration_postcode", {6, CheckPostcode}},
      {"registration_comment", {1000, nullptr}},
      {"inn", {12, validation::CheckInn}},
      {"snils", {14, validation::CheckSnils}},
      {"loyalty_card", {50, nullptr}},
      {"note", {2000, nullptr}},
  };
  return rules;
}

}  // namespace

void ReadClientFields(BodyReader& reader, const std::function<bool(const std::string&)>& wanted,
                      Client& client) {
  if (wanted("type")) {
    if (auto type = reader.Text("type", {.required = false, .max_length = 30})) {
      if (IsClientType(*type))
        client.type = *type;
      else
        reader.Fail("type", "Неизвестный тип клиента «" + *type + "»");
    } else if (reader.IsNull("type")) {
      reader.Fail("type", "Укажите тип клиента");
    }
  }
  for (const auto& [name, rule] : TextRules()) {
    if (!wanted(name)) {
      reader.Text(name, {});
      continue;
    }
    std::optional<std::string> value = reader.Text(name, {.max_length = rule.max_length});
    if (value && rule.check)
      if (auto problem = rule.check(*value)) reader.Fail(name, *problem);
    for (const TextColumn& column : TextColumns())
      if (name == column.name) client.*column.member = value;
  }
  if (client.snils) client.snils = validation::SnilsDigits(*client.snils);
}

FieldErrors CheckClient(const Client& client) {
  FieldErrors errors;
  if (client.type == "individual") {
    if (!client.last_name && !client.first_name) errors["last_name"] = "Укажите фамилию или имя";
  } else if (!client.organization_name) {
    errors["organization_name"] = "Укажите название организации";
  }
  if (client.inn) {
    const size_t expected = IsPerson(client.type) ? 12 : 10;
    if (client.inn->size() != expected)
      errors["inn"] = IsPerson(client.type) ? "ИНН физического лица и ИП — 12 цифр"
                                            : "ИНН организации — 10 цифр";
  }
  return errors;
}

nlohmann::json PremisesJson(const ClientPremises& premises) {
  nlohmann::json out = nlohmann::json::array();
  for (const ClientPremise& p : premises.first)
    out.push_back({{"id", p.id}, {"address", p.address}, {"role", p.role}});
  return out;
}

nlohmann::json ToJson(const ExternalId& e) {
  return {{"id", e.id},
          {"space", e.space},
          {"system", e.system},
          {"value", e.value},
          {"note", Optional(e.note)},
          {"created_at", e.created_at},
          {"updated_at", e.updated_at}};
}

namespace {

// The client as the history compares it: ToJson without phone_formatted, which the history
// leaves out (kNotHistory) and which costs a libphonenumber parse and format.
nlohmann::json RecordedJson(const Client& client) {
  nlohmann::json out = {{"id", client.id},
                        {"type", client.type},
                        {"full_name", FullName(client)},
                        {"status", client.status},
                        {"tester", client.tester},
                        {"last_seen_at", Optional(client.last_seen_at)},
                        {"tags", client.tags},
                        {"premises", PremisesJson(client.premises)},
                        {"premises_count", client.premises.count},
                        {"debt", client.debt},
                        {"created_at", client.created_at},
                        {"updated_at", client.updated_at}};
  for (const TextColumn& column : TextColumns()) out[column.name] = Optional(client.*column.member);
  nlohmann::json ids = nlohmann::json::array();
  for (const ExternalId& id : client.external_ids) ids.push_back(ToJson(id));
  out["external_ids"] = ids;
  return out;
}

}  // namespace

nlohmann::json ToJson(const Client& client) {
  nlohmann::json out = RecordedJson(client);
  out["phone_formatted"] = client.phone ? nlohmann::json(phone::Format(*client.phone)) : nullptr;
  return out;
}

void ClientService::Load(ClientRepository& repository, soci::session& sql,
                         long long organization_id, Client& client) {
  client.tags = tags::TagRepository(sql, database_.dialect())
                    .TagsOf(tags::kClientTags, organization_id, {client.id})[client.id];
  client.external_ids = repository.ExternalIds(organization_id, client.id);
  client.premises = repository.PremisesOf(organization_id, {client.id}, 3)[client.id];
}

Client ClientService::Save(const Actor& actor, const Permissions& permissions,
                           std::optional<long long> id, const nlohmann::json& body) {
  const long long organization_id = actor.organization_id;
  db::Session sql(database_);
  ClientRepository repository(sql, database_.dialect());
  tags::TagRepository tag_repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  Client client;
  nlohmann::json before = nlohmann::json::object();
  if (id) {
    std::optional<Client> existing = repository.Find(organization_id, *id);
    if (!existing) ThrowNotFound("Клиент не найден");
    client = *existing;
    Load(repository, sql, organization_id, client);
    before = RecordedJson(client);
  }
  const bool creating = !id;
  BodyReader reader(body);
  auto wanted = [&](const std::string& name) { return creating || reader.Has(name); };
  ReadClientFields(reader, wanted, client);
  std::optional<std::string> new_phone = client.phone;
  if (wanted("phone")) {
    new_phone = std::nullopt;
    if (auto typed = reader.Text("phone", {.max_length = 40})) {
      new_phone = phone::ToE164(*typed);
      if (!new_phone) reader.Fail("phone", "Неверный номер телефона");
    }
  }
  if (wanted("status")) {
    if (auto status = reader.Text("status", {.required = !creating, .max_length = 10})) {
      if (*status == "active" || *status == "blocked")
        client.status = *status;
      else
        reader.Fail("status", "Допустимо: active или blocked");
    }
  }
  if (wanted("tester")) client.tester = reader.Bool("tester").value_or(false);
  std::optional<std::vector<std::string>> tag_names;
  if (wanted("tags")) {
    tag_names = reader.StringList("tags");
    if (!tag_names) tag_names.emplace();
    if (auto problem = tags::NormalizeTagNames(*tag_names)) reader.Fail("tags", *problem);
  }
  std::optional<ExternalId> first_external_id;
  if (creating && body.contains("external_id")) {
    // C-7: an external id may be given when the client is created (in the caller's space).
    if (auto value = reader.Text("external_id", {.max_length = 100}))
      first_external_id = ExternalId{0, permissions.space, "crm", *value, std::nullopt, "", ""};
  }
  reader.Finish();

  if (FieldErrors errors = CheckClient(client); !errors.empty()) ThrowValidation(errors);

  if (new_phone != client.phone) {
    if (!creating && client.phone && !permissions.change_phone)
      throw ApiError(ErrorCode::kForbidden,
                     "Телефон клиента меняется только через службу поддержки (администратором)",
                     {{"phone", "Изменить телефон может только администратор"}});
    if (new_phone) {
      auto holder = repository.FindByPhone(organization_id, *new_phone);
      if (holder && (!id || *holder != *id))
        throw ApiError(ErrorCode::kConflict, "Этот номер телефона уже у другого клиента",
                       {{"phone", "Номер уже принадлежит другому клиенту"}},
                       {{"client_id", *holder}});
    }
    client.phone = new_phone;
  }
  if (first_external_id && repository.ClientByExternalId(organization_id, first_external_id->space,
                                                         first_external_id->value))
    throw ApiError(ErrorCode::kConflict, "Такой внешний идентификатор уже есть",
                   {{"external_id", "Уже используется другим клиентом"}});

  if (id)
    repository.Update(organization_id, client);
  else
    repository.Insert(organization_id, client);
  // A new client has no tags to replace.
  if (tag_names && (id || !tag_names->empty()))
    tag_repository.SetTags(tags::kClientTags, organization_id, client.id,
                           tag_repository.Ensure(organization_id, *tag_names));
  if (first_external_id)
    repository.InsertExternalId(organization_id, client.id, *first_external_id);
  Client saved;
  if (creating) {
    // The row holds what was just written (its debt 0, no last visit); of the related
    // records only those given can exist yet, and the tags are read back for the names of
    // tags that already existed in another spelling, in their order. Three to five fewer
    // statements per create.
    saved = std::move(client);
    if (tag_names && !tag_names->empty())
      saved.tags = tag_repository.TagsOf(tags::kClientTags, organization_id, {saved.id})[saved.id];
    if (first_external_id) saved.external_ids = repository.ExternalIds(organization_id, saved.id);
  } else {
    saved = *repository.Find(organization_id, client.id);
    Load(repository, sql, organization_id, saved);
  }
  nlohmann::json changes = history::Diff(before, RecordedJson(saved), kNotHistory);
  if (creating || !changes.empty())
    history::HistoryRepository(sql).Record(actor, "client", saved.id,
                                           creating ? "created" : "updated", changes);
  tx.Commit();
  return saved;
}

Client ClientService::Create(const Actor& actor, const Permissions& permissions,
                             const nlohmann::json& body) {
  return Save(actor, permissions, std::nullopt, body);
}

Client ClientService::Update(const Actor& actor, const Permissions& permissions, long long id,
                             const nlohmann::json& body) {
  return Save(actor, permissions, id, body);
}

Client ClientService::Read(long long organization_id, long long id) {
  db::Session sql(database_);
  ClientRepository repository(sql, database_.dialect());
  std::optional<Client> client = repository.Find(organization_id, id);
  if (!client) ThrowNotFound("Клиент не найден");
  Load(repository, sql, organization_id, *client);
  return *client;
}

ClientPage ClientService::List(long long organization_id, const ClientFilter& filter) {
  db::Session sql(database_);
  ClientRepository repository(sql, database_.dialect());
  ClientPage page;
  page.total = repository.List(
      organization_id, filter, true, [&](const Client& client) { page.items.push_back(client); },
      &page.total_capped);
  std::vector<long long> ids;
  for (const Client& client : page.items) ids.push_back(client.id);
  auto tags =
      tags::TagRepository(sql, database_.dialect()).TagsOf(tags::kClientTags, organization_id, ids);
  auto external_ids = repository.ExternalIdsOf(organization_id, ids);
  auto premises = repository.PremisesOf(organization_id, ids, 3);
  for (Client& client : page.items) {
    client.tags = tags[client.id];
    client.external_ids = external_ids[client.id];
    client.premises = premises[client.id];
  }
  return page;
}

void ClientService::Delete(const Actor& actor, long long id) {
  db::Session sql(database_);
  ClientRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  std::optional<Client> client = repository.Find(actor.organization_id, id);
  if (!client) ThrowNotFound("Клиент не найден");
  // An owner others depend on (residents, tenants, representatives) is not deleted from
  // under them: staff first remove them or point them to another owner of the premise.
  if (auto dependants = repository.DependantsOf(actor.organization_id, id); !dependants.empty()) {
    std::string names;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : dependants) {
      std::optional<Client> dependant = repository.Find(actor.organization_id, d.client_id);
      const std::string name = dependant ? FullName(*dependant) : "";
      if (!names.empty()) names += ", ";
      names += name;
      list.push_back({{"client_id", d.client_id},
                      {"premise_id", d.premise_id},
                      {"full_name", name},
                      {"role", d.role}});
    }
    throw ApiError(ErrorCode::kHasDependants,
                   "Клиент — собственник, от которого зависят другие клиенты: " + names +
                       ". Сначала удалите их из помещения или укажите другого собственника.",
                   {}, {{"dependants", list}});
  }
  Load(repository, sql, actor.organization_id, *client);
  repository.Delete(actor.organization_id, id);  // external ids, tags and links cascade
  history::HistoryRepository(sql).Record(
      actor, "client", id, "deleted",
      history::Diff(RecordedJson(*client), nlohmann::json::object(), kNotHistory));
  tx.Commit();
}

std::vector<history::Entry> ClientService::History(long long organization_id, long long id,
                                                   long long limit, long long offset,
                                                   long long& total) {
  db::Session sql(database_);
  // A deleted client keeps its history (its last entry says who deleted it).
  std::vector<history::Entry> entries =
      history::HistoryRepository(sql).List(organization_id, "client", id, limit, offset, total);
  if (total == 0) ThrowNotFound("Клиент не найден");
  return entries;
}

std::vector<ExternalId> ClientService::ListExternalIds(long long organization_id,
                                                       long long client_id) {
  db::Session sql(database_);
  ClientRepository repository(sql, database_.dialect());
  if (!repository.Find(organization_id, client_id)) ThrowNotFound("Клиент не найден");
  return repository.ExternalIds(organization_id, client_id);
}

namespace {

void RequireOwnSpace(const ExternalId& external_id, const Permissions& permissions) {
  if (external_id.space != permissions.space)
    throw ApiError(ErrorCode::kForbidden,
                   "Идентификатор другого пространства CRM доступен только для чтения");
}

// Reads system, value and note (space comes from the caller's current space).
void ReadExternalIdBody(const nlohmann::json& body, bool creating, ExternalId& external_id) {
  BodyReader reader(body);
  if (creating) {  // an id stays in its space: `space` is not a field of a change
    if (auto space = reader.Text("space", {.max_length = 20})) {
      if (*space != "operations" && *space != "construction")
        reader.Fail("space", "Допустимо: operations или construction");
      else
        external_id.space = *space;
    }
  }
  if (creating || reader.Has("system"))
    if (auto system = reader.Text("system", {.required = true, .max_length = 100}))
      external_id.system = *system;
  if (creating || reader.Has("value"))
    if (auto value = reader.Text("value", {.required = true, .max_length = 100}))
      external_id.value = *value;
  if (creating || reader.Has("note")) external_id.note = reader.Text("note", {.max_length = 1000});
  reader.Finish();
}

}  // namespace

ExternalId ClientService::AddExternalId(const Actor& actor, const Permissions& permissions,
                                        long long client_id, const nlohmann::json& body) {
  ExternalId external_id;
  external_id.space = permissions.space;
  ReadExternalIdBody(body, true, external_id);
  RequireOwnSpace(external_id, permissions);
  db::Session sql(database_);
  ClientRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  if (!repository.Find(actor.organization_id, client_id)) ThrowNotFound("Клиент не найден");
  if (repository.ClientByExternalId(actor.organization_id, external_id.space, external_id.value))
    throw ApiError(ErrorCode::kConflict, "Такой внешний идентификатор уже есть в этом пространстве",
                   {{"value", "Уже используется"}});
  long long id = repository.InsertExternalId(actor.organization_id, client_id, external_id);
  ExternalId saved = *repository.FindExternalId(actor.organization_id, client_id, id);
  history::HistoryRepository(sql).Record(
      actor, "client", client_id, "updated",
      {{"external_ids", {{"old", nullptr}, {"new", ToJson(saved)}}}});
  tx.Commit();
  return saved;
}

ExternalId ClientService::UpdateExternalId(const Actor& actor, const Permissions& permissions,
                                           long long client_id, long long id,
                                           const nlohmann::json& body) {
  db::Session sql(database_);
  ClientRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  std::optional<ExternalId> existing =
      repository.FindExternalId(actor.organization_id, client_id, id);
  if (!existing) ThrowNotFound("Внешний идентификатор не найден");
  RequireOwnSpace(*existing, permissions);
  ExternalId changed = *existing;
  ReadExternalIdBody(body, false, changed);
  RequireOwnSpace(changed, permissions);
  // Nothing to change: no write, no history entry, updated_at as it was.
  if (changed.space == existing->space && changed.system == existing->system &&
      changed.value == existing->value && changed.note == existing->note)
    return *existing;
  auto holder = repository.ClientByExternalId(actor.organization_id, changed.space, changed.value);
  if (changed.value != existing->value && holder)
    throw ApiError(ErrorCode::kConflict, "Такой внешний идентификатор уже есть в этом пространстве",
                   {{"value", "Уже используется"}});
  repository.UpdateExternalId(actor.organization_id, changed);
  ExternalId saved = *repository.FindExternalId(actor.organization_id, client_id, id);
  history::HistoryRepository(sql).Record(
      actor, "client", client_id, "updated",
      {{"external_ids", {{"old", ToJson(*existing)}, {"new", ToJson(saved)}}}});
  tx.Commit();
  return saved;
}

void ClientService::DeleteExternalId(const Actor& actor, const Permissions& permissions,
                                     long long client_id, long long id) {
  db::Session sql(database_);
  ClientRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  std::optional<ExternalId> existing =
      repository.FindExternalId(actor.organization_id, client_id, id);
  if (!existing) ThrowNotFound("Внешний идентификатор не найден");
  RequireOwnSpace(*existing, permissions);
  repository.DeleteExternalId(actor.organization_id, id);
  history::HistoryRepository(sql).Record(
      actor, "client", client_id, "updated",
      {{"external_ids", {{"old", ToJson(*existing)}, {"new", nullptr}}}});
  tx.Commit();
}

}  // namespace upravdom::clients
