#include "domains/links/service.hpp"

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/json_input.hpp"
#include "core/json_output.hpp"
#include "core/phone.hpp"
#include "core/validation.hpp"
#include "domains/accounts/repository.hpp"
#include "domains/history/history.hpp"

namespace upravdom::links {

namespace {

const char* kOwnerOfPremise = "Укажите собственника этого помещения";

// The document fields: a number (≤ 100) and a date.
const std::vector<std::pair<const char*, std::optional<std::string> Link::*>>& NumberFields() {
  static const std::vector<std::pair<const char*, std::optional<std::string> Link::*>> fields = {
      {"ddu_number", &Link::ddu_number},
      {"acceptance_act_number", &Link::acceptance_act_number},
      {"certificate_number", &Link::certificate_number},
      {"management_contract_number", &Link::management_contract_number}};
  return fields;
}
const std::vector<std::pair<const char*, std::optional<std::string> Link::*>>& DateFields() {
  static const std::vector<std::pair<const char*, std::optional<std::string> Link::*>> fields = {
      {"ddu_date", &Link::ddu_date},
      {"acceptance_act_date", &Link::acceptance_act_date},
      {"certificate_date", &Link::certificate_date},
      {"management_contract_date", &Link::management_contract_date}};
  return fields;
}

// Which fields of the body were sent with a value other than null.
struct Sent {
  bool owner_client_id = false;
  bool ownership_share = false;
};

// Reads the editable fields of a link (all on create, the ones sent on update).
Sent ApplyBody(BodyReader& reader, bool creating, Link& link) {
  Sent sent;
  auto wanted = [&](const char* name) { return creating || reader.Has(name); };
  if (wanted("role")) {
    if (auto role = reader.Text("role", {.max_length = 30})) {
      if (IsRole(*role))
        link.role = *role;
      else
        reader.Fail("role",
                    "Допустимо: owner, unconfirmed_owner, representative, resident, tenant");
    } else if (!creating) {
      reader.Fail("role", "Укажите роль");
    }
  }
  if (wanted("owner_client_id")) {
    link.owner_client_id = reader.Integer("owner_client_id", {.min = 1});
    sent.owner_client_id = link.owner_client_id.has_value();
  }
  for (const auto& [name, member] : NumberFields())
    if (wanted(name)) link.*member = reader.Text(name, {.max_length = 100});
  for (const auto& [name, member] : DateFields()) {
    if (!wanted(name)) continue;
    link.*member = reader.Text(name, {.max_length = 10});
    if (link.*member)
      if (auto problem = validation::CheckDate(*(link.*member), false)) reader.Fail(name, *problem);
  }
  if (wanted("ownership_share")) {
    link.ownership_share = std::nullopt;
    link.share_numerator = link.share_denominator = std::nullopt;
    if (auto typed = reader.Text("ownership_share", {.max_length = 30})) {
      sent.ownership_share = true;
      if (auto share = ParseShare(*typed)) {
        link.ownership_share = share->text;
        link.share_numerator = share->numerator;
        link.share_denominator = share->denominator;
      } else {
        reader.Fail("ownership_share", "Доля — дробь (1/2) или процент (50%), не больше целого");
      }
    }
  }
  if (wanted("comment")) link.comment = reader.Text("comment", {.max_length = 2000});
  if (wanted("online_payment")) link.online_payment = reader.Bool("online_payment").value_or(false);
  if (wanted("keep_on_sync")) link.keep_on_sync = reader.Bool("keep_on_sync").value_or(false);
  return sent;
}

// The rules that look at the premise's other links (L-2, L-3, L-5).
void CheckAgainstPremise(LinkRepository& repository, long long organization_id, Link& link,
                         const Sent& sent) {
  FieldErrors errors;
  if (link.role == "owner" && link.owner_client_id) {
    if (sent.owner_client_id)
      errors["owner_client_id"] = "Собственник не зависит от другого собственника";
    else
      link.owner_client_id.reset();  // left over from a dependent role
  }
  if (NeedsOwner(link.role) && !link.owner_client_id)
    errors["owner_client_id"] = "Укажите собственника, от которого зависит роль";
  if (link.owner_client_id && !errors.count("owner_client_id")) {
    std::optional<Link> owner =
        *link.owner_client_id == link.client_id
            ? std::nullopt
            : repository.Find(organization_id, link.premise_id, *link.owner_client_id);
    if (!owner || !IsOwnerRole(owner->role)) errors["owner_client_id"] = kOwnerOfPremise;
  }
  if (!IsOwnerRole(link.role) && link.ownership_share) {
    if (sent.ownership_share) {
      errors["ownership_share"] = "Доля указывается только для собственника";
    } else {
      link.ownership_share.reset();
      link.share_numerator = link.share_denominator = std::nullopt;
    }
  }
  if (link.ownership_share && !errors.count("ownership_share")) {
    std::vector<Share> shares = {{*link.share_numerator, *link.share_denominator, ""}};
    for (const Link& other : repository.OfPremise(organization_id, link.premise_id))
      if (other.client_id != link.client_id && IsOwnerRole(other.role) && other.share_numerator &&
          other.share_denominator)
        shares.push_back({*other.share_numerator, *other.share_denominator, ""});
    if (SharesExceedWhole(shares))
      errors["ownership_share"] = "Сумма долей собственников превышает 1";
  }
  if (!errors.empty()) ThrowValidation(errors);
}

std::vector<LinkView> DecorateAll(LinkRepository& repository, long long organization_id,
                                  const std::vector<Link>& links) {
  std::set<long long> client_ids, premise_ids;
  for (const Link& link : links) {
    client_ids.insert(link.client_id);
    if (link.owner_client_id) client_ids.insert(*link.owner_client_id);
    premise_ids.insert(link.premise_id);
  }
  auto clients = repository.Clients(organization_id, {client_ids.begin(), client_ids.end()});
  auto premises = repository.Premises(organization_id, {premise_ids.begin(), premise_ids.end()});
  std::vector<LinkView> views;
  for (const Link& link : links) {
    LinkView view{link, clients[link.client_id], premises[link.premise_id], std::nullopt};
    if (link.owner_client_id && clients.count(*link.owner_client_id))
      view.owner = clients[*link.owner_client_id];
    views.push_back(std::move(view));
  }
  return views;
}

LinkView Decorate(LinkRepository& repository, long long organization_id, const Link& link) {
  return DecorateAll(repository, organization_id, {link}).front();
}

// What the premise's change history keeps of a link.
nlohmann::json HistoryJson(const LinkView& view) {
  const Link& l = view.link;
  nlohmann::json out = {{"client", view.client.full_name},
                        {"role", l.role},
                        {"owner_client_id", Optional(l.owner_client_id)},
                        {"owner", view.owner ? nlohmann::json(view.owner->full_name) : nullptr},
                        {"ownership_share", Optional(l.ownership_share)},
                        {"comment", Optional(l.comment)},
                        {"online_payment", l.online_payment},
                        {"keep_on_sync", l.keep_on_sync}};
  for (const auto& [name, member] : NumberFields()) out[name] = Optional(l.*member);
  for (const auto& [name, member] : DateFields()) out[name] = Optional(l.*member);
  return out;
}

void RecordChange(soci::session& sql, const Actor& actor, long long premise_id, long long client_id,
                  const nlohmann::json& old_value, const nlohmann::json& new_value) {
  if (old_value == new_value) return;
  history::HistoryRepository(sql).Record(
      actor, "premise", premise_id, "updated",
      {{"link:" + std::to_string(client_id), {{"old", old_value}, {"new", new_value}}}});
}

nlohmann::json ClientJson(const ClientBrief& c) {
  return {{"id", c.id},
          {"full_name", c.full_name},
          {"phone", Optional(c.phone)},
          {"phone_formatted", c.phone ? nlohmann::json(phone::Format(*c.phone)) : nullptr},
          {"type", c.type},
          {"status", c.status}};
}

[[noreturn]] void ThrowHasDependants(const std::vector<LinkView>& dependants) {
  std::string names;
  nlohmann::json list = nlohmann::json::array();
  for (const LinkView& d : dependants) {
    if (!names.empty()) names += ", ";
    names += d.client.full_name;
    list.push_back({{"client_id", d.link.client_id},
                    {"full_name", d.client.full_name},
                    {"role", d.link.role}});
  }
  throw ApiError(ErrorCode::kHasDependants, "У собственника есть зависимые клиенты: " + names, {},
                 {{"dependants", list}});
}

}  // namespace

nlohmann::json ToJson(const LinkView& view) {
  const Link& l = view.link;
  nlohmann::json out = {
      {"id", l.id},
      {"premise_id", l.premise_id},
      {"client_id", l.client_id},
      {"role", l.role},
      {"owner_client_id", Optional(l.owner_client_id)},
      {"ownership_share", Optional(l.ownership_share)},
      {"comment", Optional(l.comment)},
      {"online_payment", l.online_payment},
      {"keep_on_sync", l.keep_on_sync},
      {"created_by", l.created_by},
      {"client", ClientJson(view.client)},
      {"premise",
       {{"id", view.premise.id},
        {"address", view.premise.address},
        {"type", view.premise.type},
        {"object_id", view.premise.object_id}}},
      {"owner", view.owner
                    ? nlohmann::json({{"id", view.owner->id}, {"full_name", view.owner->full_name}})
                    : nlohmann::json(nullptr)},
      {"missing", MissingForMeeting(l)},
      {"created_at", l.created_at},
      {"updated_at", l.updated_at}};
  for (const auto& [name, member] : NumberFields()) out[name] = Optional(l.*member);
  for (const auto& [name, member] : DateFields()) out[name] = Optional(l.*member);
  return out;
}

PremiseLinks LinkService::OfPremise(long long organization_id, long long premise_id) {
  db::Session sql(database_);
  LinkRepository repository(sql, database_.dialect());
  auto premise = repository.Premises(organization_id, {premise_id});
  if (premise.empty()) ThrowNotFound("Помещение не найдено");
  PremiseLinks result;
  result.items =
      DecorateAll(repository, organization_id, repository.OfPremise(organization_id, premise_id));
  std::stable_sort(result.items.begin(), result.items.end(),
                   [](const LinkView& a, const LinkView& b) {
                     const int ra = RoleRank(a.link.role), rb = RoleRank(b.link.role);
                     if (ra != rb) return ra < rb;
                     return a.client.name_sort < b.client.name_sort;
                   });
  if (!premise.begin()->second.total_area) result.premise_missing.push_back("total_area");
  for (const LinkView& view : result.items)
    if (!MissingForMeeting(view.link).empty()) ++result.owners_incomplete;
  return result;
}

std::vector<LinkView> LinkService::OfClient(long long organization_id, long long client_id) {
  db::Session sql(database_);
  if (!db::RowExists(sql, "clients", organization_id, client_id)) ThrowNotFound("Клиент не найден");
  LinkRepository repository(sql, database_.dialect());
  return DecorateAll(repository, organization_id, repository.OfClient(organization_id, client_id));
}

LinkView LinkService::CreateForPremise(const Actor& actor, long long premise_id,
                                       const nlohmann::json& body) {
  return Create(actor, premise_id, std::nullopt, body);
}

LinkView LinkService::CreateForClient(const Actor& actor, long long client_id,
                                      const nlohmann::json& body) {
  return Create(actor, std::nullopt, client_id, body);
}

LinkView LinkService::Create(const Actor& actor, std::optional<long long> premise_id,
                             std::optional<long long> client_id, const nlohmann::json& body) {
  const long long organization_id = actor.organization_id;
  db::Session sql(database_);
  LinkRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  // The record in the path must exist (404); the one in the body is a field (422). The
  // premise is locked (PostgreSQL): its links' rules — one set of owners, shares within the
  // whole, dependants on a linked owner — are checked and written one writer at a time.
  if (premise_id &&
      !db::LockRow(sql, database_.dialect(), "premises", organization_id, *premise_id))
    ThrowNotFound("Помещение не найдено");
  if (client_id && !db::RowExists(sql, "clients", organization_id, *client_id))
    ThrowNotFound("Клиент не найден");
  Link link;
  BodyReader reader(body);
  const char* other_field = premise_id ? "client_id" : "premise_id";
  std::optional<long long> other = reader.Integer(other_field, {.required = true, .min = 1});
  Sent sent = ApplyBody(reader, true, link);
  reader.Finish();
  link.premise_id = premise_id ? *premise_id : *other;
  link.client_id = client_id ? *client_id : *other;
  if (premise_id
          ? !db::RowExists(sql, "clients", organization_id, link.client_id)
          : !db::LockRow(sql, database_.dialect(), "premises", organization_id, link.premise_id))
    ThrowFieldError(other_field, premise_id ? "Клиент не найден" : "Помещение не найдено");
  if (repository.Find(organization_id, link.premise_id, link.client_id))
    throw ApiError(ErrorCode::kConflict, "Клиент уже привязан к этому помещению",
                   {{other_field, "Клиент уже привязан к этому помещению"}});
  CheckAgainstPremise(repository, organization_id, link, sent);
  link.created_by = "staff";
  repository.Insert(organization_id, link);
  accounts::RecomputeClientDebt(sql, organization_id, {link.client_id});
  LinkView saved = Decorate(repository, organization_id,
                            *repository.Find(organization_id, link.premise_id, link.client_id));
  RecordChange(sql, actor, link.premise_id, link.client_id, nullptr, HistoryJson(saved));
  tx.Commit();
  return saved;
}

LinkView LinkService::Update(const Actor& actor, long long premise_id, long long client_id,
                             const nlohmann::json& body) {
  const long long organization_id = actor.organization_id;
  db::Session sql(database_);
  LinkRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  if (!db::LockRow(sql, database_.dialect(), "premises", organization_id, premise_id))
    ThrowNotFound("Помещение не найдено");
  std::optional<Link> existing = repository.Find(organization_id, premise_id, client_id);
  if (!existing) ThrowNotFound("Клиент не привязан к этому помещению");
  const LinkView before = Decorate(repository, organization_id, *existing);
  Link link = *existing;
  BodyReader reader(body);
  // The pair is the link's identity: it may be repeated but not changed.
  for (const auto& [name, value] : {std::pair<const char*, long long>{"client_id", client_id},
                                    std::pair<const char*, long long>{"premise_id", premise_id}}) {
    if (!reader.Has(name)) continue;
    auto sent_value = reader.Integer(name, {.min = 1});
    if (sent_value && *sent_value != value)
      reader.Fail(name, "Связь нельзя перенести: удалите её и создайте новую");
  }
  Sent sent = ApplyBody(reader, false, link);
  reader.Finish();
  CheckAgainstPremise(repository, organization_id, link, sent);
  if (IsOwnerRole(existing->role) && !IsOwnerRole(link.role)) {
    auto dependants = repository.Dependants(organization_id, premise_id, client_id);
    if (!dependants.empty())
      ThrowHasDependants(DecorateAll(repository, organization_id, dependants));
  }
  repository.Update(organization_id, link);
  LinkView saved = Decorate(repository, organization_id,
                            *repository.Find(organization_id, premise_id, client_id));
  RecordChange(sql, actor, premise_id, client_id, HistoryJson(before), HistoryJson(saved));
  tx.Commit();
  return saved;
}

void LinkService::Delete(const Actor& actor, long long premise_id, long long client_id,
                         const DependantsChoice& choice) {
  const long long organization_id = actor.organization_id;
  db::Session sql(database_);
  LinkRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  if (!db::LockRow(sql, database_.dialect(), "premises", organization_id, premise_id))
    ThrowNotFound("Помещение не найдено");
  std::optional<Link> existing = repository.Find(organization_id, premise_id, client_id);
  if (!existing) ThrowNotFound("Клиент не привязан к этому помещению");
  std::vector<long long> touched = {client_id};
  std::vector<LinkView> dependants = DecorateAll(
      repository, organization_id, repository.Dependants(organization_id, premise_id, client_id));
  if (!dependants.empty()) {
    if (!choice.action) ThrowHasDependants(dependants);
    if (*choice.action == "remove") {
      for (const LinkView& d : dependants) {
        repository.Delete(organization_id, d.link.id);
        touched.push_back(d.link.client_id);
        RecordChange(sql, actor, premise_id, d.link.client_id, HistoryJson(d), nullptr);
      }
    } else {  // reassign
      std::optional<Link> owner;
      if (choice.owner_client_id && *choice.owner_client_id != client_id)
        owner = repository.Find(organization_id, premise_id, *choice.owner_client_id);
      if (!owner || !IsOwnerRole(owner->role)) ThrowFieldError("owner_client_id", kOwnerOfPremise);
      for (const LinkView& d : dependants) {
        Link moved = d.link;
        moved.owner_client_id = owner->client_id;
        repository.Update(organization_id, moved);
        LinkView after = Decorate(repository, organization_id, moved);
        RecordChange(sql, actor, premise_id, d.link.client_id, HistoryJson(d), HistoryJson(after));
      }
    }
  }
  const LinkView before = Decorate(repository, organization_id, *existing);
  repository.Delete(organization_id, existing->id);
  accounts::RecomputeClientDebt(sql, organization_id, touched);
  RecordChange(sql, actor, premise_id, client_id, HistoryJson(before), nullptr);
  tx.Commit();
}

}  // namespace upravdom::links
