#include "domains/resident/service.hpp"

#include <ctime>

#include "core/error.hpp"
#include "core/phone.hpp"
#include "core/time.hpp"
#include "domains/access/crypto.hpp"
#include "domains/accounts/repository.hpp"
#include "domains/clients/repository.hpp"
#include "domains/history/history.hpp"
#include "domains/links/model.hpp"
#include "domains/premises/repository.hpp"
#include "domains/resident/sms.hpp"

namespace upravdom::resident {

namespace {

using Clock = std::chrono::system_clock;

long long UnixSeconds(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// "2026-11-27T06:28:49Z" → unix seconds (0 when unreadable).
long long UnixFromIso(const std::string& iso) {
  std::tm tm{};
  if (!strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return 0;
  return static_cast<long long>(timegm(&tm));
}

// A digest bound to the phone: the same code sent to two phones has two digests.
std::string CodeDigest(const std::string& phone, const std::string& code) {
  return access::TokenDigest("resident-code:" + phone + ":" + code);
}

std::string NormalizePhone(const std::string& typed) {
  std::optional<std::string> e164 = phone::ToE164(typed);
  if (!e164) ThrowFieldError("phone", "Неверный номер телефона");
  return *e164;
}

[[noreturn]] void Forbidden(const std::string& message) {
  throw ApiError(ErrorCode::kForbidden, message);
}

constexpr const char* kOnlyOwner = "Только собственник может предоставлять доступ к помещению";
constexpr const char* kBlocked = "Ваш профиль заблокирован управляющей организацией";

// What the premise's change history keeps of a link (the fields of the links service's
// entries that a link made in the app has).
nlohmann::json LinkHistoryJson(const LinkItem& link, const std::string& owner_name) {
  return {{"client", link.full_name},
          {"role", link.role},
          {"owner_client_id",
           link.owner_client_id ? nlohmann::json(*link.owner_client_id) : nlohmann::json(nullptr)},
          {"owner", owner_name},
          {"created_by", link.created_by}};
}

Actor AppActor(const Membership& acting) {
  return {acting.organization_id, std::nullopt, "Приложение жителя: " + acting.full_name};
}

}  // namespace

std::string ResidentService::BearerToken(const http::Request& request) {
  static const std::string kBearer = "Bearer ";
  const std::string* authorization = request.Header("authorization");
  if (!authorization || authorization->rfind(kBearer, 0) != 0) return "";
  return authorization->substr(kBearer.size());
}

void ResidentService::CheckAddressLimit(const std::string& remote_address, long long now,
                                        bool count) {
  // The staff sign-in's counter table, with a key of its own: a window of one hour in which
  // one address may ask for so many codes (for any phones).
  const std::string key = "resident-code-ip:" + remote_address;
  constexpr long long kWindow = 60 * 60;
  access::AttemptRecord attempt =
      access_.FindAttempt(key).value_or(access::AttemptRecord{0, now, 0});
  if (now - attempt.window_started >= kWindow) attempt = {0, now, 0};
  if (!count && attempt.failures >= policy_.codes_per_address_per_hour) {
    const long long wait = std::max<long long>(1, attempt.window_started + kWindow - now);
    throw ApiError(ErrorCode::kTooManyRequests,
                   "Слишком много запросов кода с этого адреса. Повторите через " +
                       std::to_string((wait + 59) / 60) + " мин.")
        .WithRetryAfter(static_cast<int>(wait));
  }
  if (!count) return;
  ++attempt.failures;
  access_.SaveAttempt(key, attempt);
}

long long ResidentService::RequestCode(const std::string& typed_phone,
                                       const std::string& remote_address) {
  const std::string phone = NormalizePhone(typed_phone);
  const Clock::time_point now = Clock::now();
  const long long now_unix = UnixSeconds(now);
  const std::string now_iso = timeutil::ToIso(now);
  // The address's counter lives in its own connection: checked before the transaction (which
  // on SQLite holds the write lock), counted after it.
  CheckAddressLimit(remote_address, now_unix, false);
  {
    db::Session sql(database_);
    ResidentRepository repository(sql, database_.dialect());
    db::WriteTransaction tx(sql, database_.dialect());
    repository.LockPhone(phone);
    CodeStats stats =
        repository.CodesSince(phone, timeutil::ToIso(now - std::chrono::seconds(3600)));
    if (stats.newest_at) {
      const long long since = now_unix - UnixFromIso(*stats.newest_at);
      if (since < policy_.resend_interval.count()) {
        const long long wait = policy_.resend_interval.count() - since;
        throw ApiError(
            ErrorCode::kTooManyRequests,
            "Код уже отправлен. Новый можно запросить через " + std::to_string(wait) + " с")
            .WithRetryAfter(static_cast<int>(wait));
      }
    }
    if (stats.count >= policy_.codes_per_hour && stats.oldest_at) {
      const long long wait =
          std::max<long long>(1, UnixFromIso(*stats.oldest_at) + 3600 - now_unix);
      throw ApiError(ErrorCode::kTooManyRequests, "Слишком много кодов за час. Повторите через " +
                                                      std::to_string((wait + 59) / 60) + " мин.")
          .WithRetryAfter(static_cast<int>(wait));
    }
    const std::string code = access::RandomDigits(6);
    repository.InsertCode(phone, CodeDigest(phone, code),
                          timeutil::ToIso(now + policy_.code_lifetime), now_iso);
    EnqueueSms(sql, phone,
               "Код для входа в приложение управляющей организации: " + code +
                   ". Никому его не сообщайте.");
    tx.Commit();
  }
  CheckAddressLimit(remote_address, now_unix, true);  // counts the code just sent
  if (sms_queued_) sms_queued_();
  return policy_.code_lifetime.count();
}

SignIn ResidentService::Verify(const std::string& typed_phone, const std::string& code) {
  const std::string phone = NormalizePhone(typed_phone);
  if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos)
    ThrowFieldError("code", "Код — 6 цифр из SMS");
  const Clock::time_point now = Clock::now();
  const std::string now_iso = timeutil::ToIso(now);
  SignIn result;
  {
    db::Session sql(database_);
    ResidentRepository repository(sql, database_.dialect());
    db::WriteTransaction tx(sql, database_.dialect());
    std::optional<CodeAttempt> attempt =
        repository.TakeAttempt(phone, now_iso, policy_.max_attempts);
    if (!attempt) throw ApiError(ErrorCode::kCodeExpired, "Код истёк, запросите новый");
    if (!access::SameDigest(attempt->code_hash, CodeDigest(phone, code))) {
      tx.Commit();  // the attempt counts
      throw ApiError(ErrorCode::kInvalidCode, "Неверный код");
    }
    repository.MarkCodeUsed(attempt->id, now_iso);
    const long long resident_id = repository.UpsertResident(phone, now_iso);
    repository.TouchClients(phone, now_iso);
    repository.DeleteExpiredSessions(resident_id, now_iso);
    result.token = access::RandomToken(32);
    repository.InsertSession(access::TokenDigest(result.token), resident_id, now_iso,
                             timeutil::ToIso(now + policy_.session_lifetime));
    tx.Commit();
  }
  http::Principal who;
  who.resident_phone = phone;
  result.me = ReadMe(who);
  return result;
}

void ResidentService::Logout(const std::string& token) {
  db::Session sql(database_);
  ResidentRepository(sql, database_.dialect()).DeleteSession(access::TokenDigest(token));
}

std::optional<http::Principal> ResidentService::Authenticate(const http::Request& request) {
  const std::string token = BearerToken(request);
  if (token.empty() || token.size() > 200) return std::nullopt;
  db::Session sql(database_);
  std::optional<SessionOwner> owner =
      ResidentRepository(sql, database_.dialect())
          .FindLiveSession(access::TokenDigest(token), timeutil::NowIso());
  if (!owner) return std::nullopt;
  http::Principal who;
  who.resident_id = owner->resident_id;
  who.resident_phone = owner->phone;
  who.display_name = owner->phone;
  return who;
}

Me ResidentService::ReadMe(const http::Principal& who) {
  db::Session sql(database_);
  return {who.resident_phone,
          ResidentRepository(sql, database_.dialect()).Clients(who.resident_phone)};
}

std::vector<PremiseView> ResidentService::Premises(const http::Principal& who) {
  db::Session sql(database_);
  ResidentRepository repository(sql, database_.dialect());
  premises::PremiseRepository premise_repository(sql, database_.dialect());
  std::vector<PremiseView> views;
  for (const ResidentPremise& link : repository.Premises(who.resident_phone)) {
    std::optional<premises::PremiseRow> row =
        premise_repository.Find(link.organization_id, link.premise_id);
    if (!row) continue;
    views.push_back({link, premises::FormatAddress(row->premise, row->object), row->premise.type});
  }
  return views;
}

std::vector<AccountItem> ResidentService::Accounts(const http::Principal& who,
                                                   long long premise_id) {
  db::Session sql(database_);
  ResidentRepository repository(sql, database_.dialect());
  std::optional<Membership> acting = repository.FindMembership(who.resident_phone, premise_id);
  if (!acting) ThrowNotFound("Помещение не найдено");
  return repository.VisibleAccounts(acting->organization_id, premise_id);
}

std::vector<LinkItem> ResidentService::Links(const http::Principal& who, long long premise_id) {
  db::Session sql(database_);
  ResidentRepository repository(sql, database_.dialect());
  std::optional<Membership> acting = repository.FindMembership(who.resident_phone, premise_id);
  if (!acting) ThrowNotFound("Помещение не найдено");
  return repository.Links(acting->organization_id, premise_id);
}

LinkItem ResidentService::AddDependant(const http::Principal& who, long long premise_id,
                                       const NewDependant& dependant, FieldErrors errors) {
  db::Session sql(database_);
  ResidentRepository repository(sql, database_.dialect());
  clients::ClientRepository client_repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  std::optional<Membership> acting = repository.FindMembership(who.resident_phone, premise_id);
  if (!acting) ThrowNotFound("Помещение не найдено");
  // Link writes of one premise run one at a time (the staff side locks it the same way).
  db::LockRow(sql, database_.dialect(), "premises", acting->organization_id, premise_id);
  // L-4, in this order: a blocked profile writes nothing; only owners grant access; owners
  // are never added from the app; an unconfirmed owner adds residents and tenants only.
  if (acting->status == "blocked") Forbidden(kBlocked);
  if (!links::IsOwnerRole(acting->role)) Forbidden(kOnlyOwner);
  if (!errors.count("role")) {
    if (links::IsOwnerRole(dependant.role))
      Forbidden("Собственника добавляет только управляющая организация");
    if (acting->role == "unconfirmed_owner" && dependant.role == "representative")
      Forbidden(
          "Пока собственность не подтверждена, можно добавлять только проживающих и арендаторов");
  }
  std::optional<std::string> phone;
  if (!errors.count("phone")) {
    phone = phone::ToE164(dependant.phone);
    if (!phone) errors["phone"] = "Неверный номер телефона";
  }
  if (!errors.empty()) ThrowValidation(errors);

  const Actor actor = AppActor(*acting);
  std::optional<long long> client_id =
      client_repository.FindByPhone(acting->organization_id, *phone);
  if (client_id) {
    if (repository.FindLink(acting->organization_id, premise_id, *client_id))
      throw ApiError(ErrorCode::kConflict, "Этот человек уже есть в помещении",
                     {{"phone", "Клиент с этим номером уже привязан к помещению"}});
  } else {
    clients::Client client;
    client.type = "individual";
    client.last_name = dependant.last_name;
    client.first_name = dependant.first_name;
    client.middle_name = dependant.middle_name;
    client.phone = phone;
    client_id = client_repository.Insert(acting->organization_id, client);
    history::HistoryRepository(sql).Record(
        actor, "client", *client_id, "created",
        {{"type", {{"old", nullptr}, {"new", "individual"}}},
         {"last_name", {{"old", nullptr}, {"new", dependant.last_name}}},
         {"first_name", {{"old", nullptr}, {"new", dependant.first_name}}},
         {"middle_name",
          {{"old", nullptr},
           {"new", dependant.middle_name ? nlohmann::json(*dependant.middle_name)
                                         : nlohmann::json(nullptr)}}},
         {"phone", {{"old", nullptr}, {"new", *phone}}}});
  }
  repository.InsertLink(acting->organization_id, premise_id, *client_id, dependant.role,
                        acting->client_id, timeutil::NowIso());
  accounts::RecomputeClientDebt(sql, acting->organization_id, {*client_id});
  LinkItem link = *repository.FindLink(acting->organization_id, premise_id, *client_id);
  history::HistoryRepository(sql).Record(
      actor, "premise", premise_id, "updated",
      {{"link:" + std::to_string(*client_id),
        {{"old", nullptr}, {"new", LinkHistoryJson(link, acting->full_name)}}}});
  tx.Commit();
  return link;
}

void ResidentService::RemoveDependant(const http::Principal& who, long long premise_id,
                                      long long client_id) {
  db::Session sql(database_);
  ResidentRepository repository(sql, database_.dialect());
  db::WriteTransaction tx(sql, database_.dialect());
  std::optional<Membership> acting = repository.FindMembership(who.resident_phone, premise_id);
  if (!acting) ThrowNotFound("Помещение не найдено");
  db::LockRow(sql, database_.dialect(), "premises", acting->organization_id, premise_id);
  if (acting->status == "blocked") Forbidden(kBlocked);
  if (!links::IsOwnerRole(acting->role)) Forbidden(kOnlyOwner);
  std::optional<LinkItem> link =
      repository.FindLink(acting->organization_id, premise_id, client_id);
  if (!link) ThrowNotFound("Клиент не найден в этом помещении");
  if (link->owner_client_id != acting->client_id)
    Forbidden("Удалить можно только тех, кому доступ предоставили вы");
  if (link->created_by != "resident_app")
    Forbidden("Клиента добавила управляющая организация — удалить его может только она");
  repository.DeleteLink(acting->organization_id, premise_id, client_id);
  accounts::RecomputeClientDebt(sql, acting->organization_id, {client_id});
  history::HistoryRepository(sql).Record(
      AppActor(*acting), "premise", premise_id, "updated",
      {{"link:" + std::to_string(client_id),
        {{"old", LinkHistoryJson(*link, acting->full_name)}, {"new", nullptr}}}});
  tx.Commit();
}

}  // namespace upravdom::resident
