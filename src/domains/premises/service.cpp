#include "domains/premises/service.hpp"

#include <set>

#include "core/error.hpp"
#include "core/json_input.hpp"
#include "core/json_output.hpp"
#include "domains/accounts/repository.hpp"
#include "domains/tags/tags.hpp"

namespace upravdom::premises {

namespace {

nlohmann::json Area(const std::optional<long long>& value) {
  return value ? nlohmann::json(AreaToMetres(*value)) : nlohmann::json(nullptr);
}

// Fields that are derived or bookkeeping, not edits a person made.
const std::set<std::string> kNotHistory = {"id",           "created_at",      "updated_at",
                                           "object_name",  "entrance_number", "floor_number",
                                           "clients_count"};

std::string Quoted(const TypeInfo& type) {
  return std::string("«") + type.name + "»";
}

}  // namespace

double AreaToMetres(long long hundredths) {
  return static_cast<double>(hundredths) / 100.0;
}

nlohmann::json ToJson(const PremiseRow& row) {
  const Premise& p = row.premise;
  return {{"id", p.id},
          {"object_id", p.object_id},
          {"object_name", row.object.name},
          {"entrance_id", Optional(p.entrance_id)},
          {"floor_id", Optional(p.floor_id)},
          {"entrance_number", Optional(row.entrance_number)},
          {"floor_number", Optional(row.floor_number)},
          {"type", p.type},
          {"number", Optional(p.number)},
          {"street", Optional(p.street)},
          {"house", Optional(p.house)},
          {"level", Optional(p.level)},
          {"room", Optional(p.room)},
          {"total_area", Area(p.total_area)},
          {"living_area", Area(p.living_area)},
          {"rooms", Optional(p.rooms)},
          {"online_payment", p.online_payment},
          {"note", Optional(p.note)},
          {"tags", p.tags},
          {"external_id", Optional(p.external_id)},
          {"address", FormatAddress(p, row.object)},
          {"clients_count", row.clients_count},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

void PremiseService::ApplyBody(const nlohmann::json& body, bool creating, Premise& p,
                               std::optional<std::vector<std::string>>& tags) {
  BodyReader reader(body);
  // On create every field is read; on update only the ones sent (null clears).
  auto wanted = [&](const char* name) { return creating || reader.Has(name); };
  auto text = [&](const char* name, std::optional<std::string>& field, size_t max_length) {
    if (wanted(name)) field = reader.Text(name, {.max_length = max_length});
  };
  if (wanted("object_id")) {
    if (auto id = reader.Integer("object_id", {.required = true, .min = 1})) p.object_id = *id;
  }
  if (wanted("entrance_id")) p.entrance_id = reader.Integer("entrance_id", {.min = 1});
  if (wanted("floor_id")) p.floor_id = reader.Integer("floor_id", {.min = 1});
  if (wanted("type")) {
    if (auto type = reader.Text("type", {.required = true, .max_length = 40})) {
      if (FindType(*type))
        p.type = *type;
      else
        reader.Fail("type", "Неизвестный тип помещения «" + *type + "»");
    }
  }
  text("number", p.number, 20);
  text("street", p.street, 200);
  text("house", p.house, 20);
  text("level", p.level, 10);
  text("room", p.room, 10);
  if (wanted("total_area")) p.total_area = reader.Fixed("total_area", 2, 1, kMaxArea);
  if (wanted("living_area")) p.living_area = reader.Fixed("living_area", 2, 1, kMaxArea);
  if (wanted("rooms")) p.rooms = reader.Integer("rooms", {.min = 0, .max = 50});
  if (wanted("online_payment")) p.online_payment = reader.Bool("online_payment").value_or(false);
  text("note", p.note, 2000);
  text("external_id", p.external_id, 100);
  if (wanted("tags")) {
    tags = reader.StringList("tags");
    if (!tags) tags.emplace();  // null or absent on create: no tags
    if (auto problem = tags::NormalizeTagNames(*tags)) reader.Fail("tags", *problem);
  }
  reader.Finish();
}

FieldErrors CheckTypeFields(Premise& p, const std::function<bool(const char*)>& sent) {
  FieldErrors errors;
  const TypeInfo& type = *FindType(p.type);
  // Address fields by type: a field the type does not have is an error when it was sent,
  // and is dropped when it is left over from the previous type.
  auto check = [&](const char* name, Need need, std::optional<std::string>& field) {
    if (need == Need::kNo && field) {
      if (sent(name))
        errors[name] = "Это поле не заполняется для типа " + Quoted(type);
      else
        field.reset();
    }
    if (need == Need::kRequired && !field)
      errors[name] = "Обязательное поле для типа " + Quoted(type);
  };
  check("number", type.number, p.number);
  check("street", type.own_address, p.street);
  check("house", type.own_address == Need::kNo ? Need::kNo : type.own_address, p.house);
  check("level", type.level, p.level);
  check("room", type.room, p.room);
  if (p.total_area && p.living_area && *p.living_area > *p.total_area)
    errors["living_area"] = "Жилая площадь не может быть больше общей";
  return errors;
}

void PremiseService::Validate(PremiseRepository& repository, long long organization_id, Premise& p,
                              const nlohmann::json& body, bool creating) {
  FieldErrors errors = CheckTypeFields(p, [&](const char* name) {
    return creating ? body.contains(name) && !body[name].is_null() : body.contains(name);
  });
  if (!repository.FindObject(organization_id, p.object_id)) {
    errors["object_id"] = "Объект не найден";
  } else {
    if (p.entrance_id && repository.EntranceObject(organization_id, *p.entrance_id) != p.object_id)
      errors["entrance_id"] = "Подъезд не найден в этом объекте";
    if (p.floor_id) {
      auto place = repository.FloorPlace(organization_id, *p.floor_id);
      if (!place || place->first != p.object_id)
        errors["floor_id"] = "Этаж не найден в этом объекте";
      else if (p.entrance_id && place->second && *place->second != *p.entrance_id)
        errors["floor_id"] = "Этаж относится к другому подъезду";
    }
  }
  if (!errors.empty()) ThrowValidation(errors);
  if (p.external_id) {
    auto other = repository.FindByExternalId(organization_id, *p.external_id);
    if (other && *other != p.id)
      throw ApiError(ErrorCode::kConflict, "Помещение с таким внешним идентификатором уже есть",
                     {{"external_id", "Уже используется другим помещением"}});
  }
}

PremiseRow PremiseService::Save(const Actor& actor, std::optional<long long> id,
                                const nlohmann::json& body) {
  const long long organization_id = actor.organization_id;
  db::Session sql(database_);
  PremiseRepository repository(sql, database_.dialect());
  tags::TagRepository tag_repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  Premise premise;
  nlohmann::json before = nlohmann::json::object();
  if (id) {
    std::optional<PremiseRow> existing = repository.Find(organization_id, *id);
    if (!existing) ThrowNotFound("Помещение не найдено");
    existing->premise.tags = tag_repository.TagsOf(tags::kPremiseTags, organization_id, {*id})[*id];
    before = ToJson(*existing);
    premise = existing->premise;
  }
  std::optional<std::vector<std::string>> tags;
  ApplyBody(body, !id, premise, tags);
  Validate(repository, organization_id, premise, body, !id);
  ObjectAddress object = *repository.FindObject(organization_id, premise.object_id);
  SearchKeys keys = MakeSearchKeys(premise, object);
  try {
    if (id)
      repository.Update(organization_id, premise, object, keys);
    else
      premise.id = repository.Insert(organization_id, premise, object, keys);
  } catch (const soci::soci_error& error) {
    // The check above ran before the write: a concurrent save may have taken the external
    // id since (the unique index is the only constraint such a race can break).
    if (error.get_error_category() != soci::soci_error::constraint_violation) throw;
    throw ApiError(ErrorCode::kConflict, "Помещение с таким внешним идентификатором уже есть",
                   {{"external_id", "Уже используется другим помещением"}});
  }
  if (tags)
    tag_repository.SetTags(tags::kPremiseTags, organization_id, premise.id,
                           tag_repository.Ensure(organization_id, *tags));
  PremiseRow saved = *repository.Find(organization_id, premise.id);
  saved.premise.tags =
      tag_repository.TagsOf(tags::kPremiseTags, organization_id, {premise.id})[premise.id];
  nlohmann::json changes = history::Diff(before, ToJson(saved), kNotHistory);
  if (!id || !changes.empty())
    history::HistoryRepository(sql).Record(actor, "premise", premise.id, id ? "updated" : "created",
                                           changes);
  tx.Commit();
  return saved;
}

PremiseRow PremiseService::Create(const Actor& actor, const nlohmann::json& body) {
  return Save(actor, std::nullopt, body);
}

PremiseRow PremiseService::Update(const Actor& actor, long long id, const nlohmann::json& body) {
  return Save(actor, id, body);
}

PremiseRow PremiseService::Read(long long organization_id, long long id) {
  db::Session sql(database_);
  PremiseRepository repository(sql, database_.dialect());
  std::optional<PremiseRow> row = repository.Find(organization_id, id);
  if (!row) ThrowNotFound("Помещение не найдено");
  row->premise.tags = tags::TagRepository(sql, database_.dialect())
                          .TagsOf(tags::kPremiseTags, organization_id, {id})[id];
  row->clients_count = repository.ClientsCounts(organization_id, {id})[id];
  return *row;
}

PremisePage PremiseService::List(long long organization_id, const PremiseFilter& filter) {
  db::Session sql(database_);
  PremiseRepository repository(sql, database_.dialect());
  PremisePage page;
  page.total = repository.List(organization_id, filter, /*count=*/true,
                               [&](const PremiseRow& row) { page.items.push_back(row); });
  std::vector<long long> ids;
  for (const PremiseRow& row : page.items) ids.push_back(row.premise.id);
  auto tags = tags::TagRepository(sql, database_.dialect())
                  .TagsOf(tags::kPremiseTags, organization_id, ids);
  auto clients_counts = repository.ClientsCounts(organization_id, ids);
  for (PremiseRow& row : page.items) {
    row.premise.tags = tags[row.premise.id];
    row.clients_count = clients_counts[row.premise.id];
  }
  return page;
}

Dependents PremiseService::CountDependents(long long organization_id, long long id) {
  db::Session sql(database_);
  PremiseRepository repository(sql, database_.dialect());
  if (!repository.Find(organization_id, id)) ThrowNotFound("Помещение не найдено");
  return repository.CountDependents(organization_id, id);
}

Dependents PremiseService::Delete(const Actor& actor, long long id) {
  const long long organization_id = actor.organization_id;
  db::Session sql(database_);
  PremiseRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  std::optional<PremiseRow> existing = repository.Find(organization_id, id);
  if (!existing) ThrowNotFound("Помещение не найдено");
  existing->premise.tags = tags::TagRepository(sql, database_.dialect())
                               .TagsOf(tags::kPremiseTags, organization_id, {id})[id];
  Dependents deleted = repository.CountDependents(organization_id, id);
  const std::vector<long long> clients = accounts::ClientsOfPremise(sql, organization_id, id);
  // Tags, links, accounts with their charges and payments go by ON DELETE CASCADE.
  repository.Delete(organization_id, id);
  // The linked clients no longer owe what the premise's accounts owed.
  accounts::RecomputeClientDebt(sql, organization_id, clients);
  // The last state stays readable in the history after the premise is gone.
  history::HistoryRepository(sql).Record(
      actor, "premise", id, "deleted",
      history::Diff(ToJson(*existing), nlohmann::json::object(), kNotHistory));
  tx.Commit();
  return deleted;
}

std::vector<history::Entry> PremiseService::History(long long organization_id, long long id,
                                                    long long limit, long long offset,
                                                    long long& total) {
  db::Session sql(database_);
  // A deleted premise keeps its history (its last entry says who deleted it).
  std::vector<history::Entry> entries =
      history::HistoryRepository(sql).List(organization_id, "premise", id, limit, offset, total);
  if (total == 0) ThrowNotFound("Помещение не найдено");
  return entries;
}

void PremiseService::RefreshObjectKeys(soci::session& sql, long long organization_id,
                                       long long object_id) {
  PremiseRepository(sql, database_.dialect()).RefreshObjectKeys(organization_id, object_id);
}

}  // namespace upravdom::premises
