#include "domains/access/service.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "domains/access/crypto.hpp"

namespace upravdom::access {

namespace {

long long UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Logins compare without case: "Ivanov" and "ivanov" are one login.
std::string NormalizeLogin(const std::string& login) {
  return text::FoldForSearch(login);
}

// The rules of a staff user's login, password and role (the CLI's and the admins' API alike):
// the fields broken, with Russian messages. Absent values are not checked.
FieldErrors UserFieldErrors(const std::optional<std::string>& normalized_login,
                            const std::optional<std::string>& password,
                            const std::optional<std::string>& role) {
  FieldErrors errors;
  if (normalized_login &&
      (normalized_login->empty() || text::CodePointCount(*normalized_login) > 100 ||
       normalized_login->find(' ') != std::string::npos))
    errors["login"] = "Логин: от 1 до 100 символов без пробелов";
  if (password && text::CodePointCount(*password) < 8)
    errors["password"] = "Пароль должен быть не короче 8 символов";
  if (role && !http::ParseRole(*role))
    errors["role"] = "Роль должна быть одной из: admin, operator, readonly";
  return errors;
}

const std::string& DummyHash() {
  // Verifying against a real hash when the login does not exist keeps the answer time the
  // same, so timing does not reveal which logins exist.
  static const std::string hash = HashPassword("no such user, constant-time dummy");
  return hash;
}

}  // namespace

nlohmann::json UserJson(const UserRecord& user) {
  return {{"id", user.id},
          {"login", user.login},
          {"full_name", user.full_name},
          {"role", user.role},
          {"organization", {{"id", user.organization_id}, {"name", user.organization_name}}}};
}

void AccessService::CheckNotLocked(const std::string& key, long long now) {
  std::optional<AttemptRecord> attempt = repository_.FindAttempt(key);
  if (attempt && attempt->locked_until > now)
    throw ApiError(ErrorCode::kTooManyRequests,
                   "Слишком много неудачных попыток входа. Повторите через " +
                       std::to_string((attempt->locked_until - now + 59) / 60) + " мин.")
        .WithRetryAfter(static_cast<int>(attempt->locked_until - now));
}

void AccessService::RecordFailure(const std::string& key, int max_failures, long long now) {
  AttemptRecord attempt = repository_.FindAttempt(key).value_or(AttemptRecord{0, now, 0});
  if (now - attempt.window_started > policy_.window_seconds) attempt = {0, now, 0};
  ++attempt.failures;
  if (attempt.failures >= max_failures) {
    int doublings = static_cast<int>(std::min<long long>(attempt.failures - max_failures, 10));
    attempt.locked_until =
        now + std::min(policy_.first_lock_seconds << doublings, policy_.max_lock_seconds);
  }
  repository_.SaveAttempt(key, attempt);
}

LoginResult AccessService::Login(const std::string& login, const std::string& password,
                                 const std::string& remote_address) {
  const long long now = UnixNow();
  const std::string normalized = NormalizeLogin(login);
  const std::string login_key = "login:" + normalized;
  const std::string address_key = "ip:" + remote_address;
  CheckNotLocked(login_key, now);
  CheckNotLocked(address_key, now);

  std::optional<UserRecord> user = repository_.FindUserByLogin(normalized);
  const bool valid = VerifyPassword(password, user ? user->password_hash : DummyHash()) && user;
  if (!valid) {
    RecordFailure(login_key, policy_.max_failures_per_login, now);
    RecordFailure(address_key, policy_.max_failures_per_address, now);
    throw ApiError(ErrorCode::kInvalidCredentials, "Неверный логин или пароль");
  }
  repository_.DeleteAttempt(login_key);
  // Told only to whoever knows the password: the login and password are right.
  if (user->blocked_at)
    throw ApiError(ErrorCode::kForbidden,
                   "Вход заблокирован администратором организации. Обратитесь к нему");
  repository_.DeleteExpiredSessions(user->id);

  LoginResult result{RandomToken(32), RandomToken(24), *user};
  // Blocked or given a new password since the check above: signed in with what no longer
  // holds (a second try gets the answer that does).
  if (!repository_.InsertSession(*user, TokenDigest(result.token), result.csrf_token,
                                 timeutil::IsoAfter(std::chrono::seconds(kSessionSeconds))))
    throw ApiError(ErrorCode::kInvalidCredentials, "Неверный логин или пароль");
  return result;
}

void AccessService::Logout(const std::string& token) {
  repository_.DeleteSession(TokenDigest(token));
}

std::optional<http::Principal> AccessService::Authenticate(const http::Request& request) {
  std::string token;
  bool via_cookie = false;
  if (const std::string* authorization = request.Header("authorization")) {
    static const std::string kBearer = "Bearer ";
    if (authorization->rfind(kBearer, 0) != 0) return std::nullopt;
    token = authorization->substr(kBearer.size());
  } else if (auto cookie = request.Cookie(kSessionCookie)) {
    token = *cookie;
    via_cookie = true;
  }
  if (token.empty() || token.size() > 200) return std::nullopt;

  http::Principal who;
  who.via_cookie = via_cookie;
  const std::string digest = TokenDigest(token);
  if (token.rfind(kApiTokenPrefix, 0) == 0) {
    if (via_cookie) return std::nullopt;  // API tokens are for integrations, not browsers
    std::optional<ApiTokenRecord> api_token = repository_.FindApiToken(digest);
    if (!api_token) return std::nullopt;
    who.organization_id = api_token->organization_id;
    who.api_token_id = api_token->id;
    who.api_token_name = api_token->name;
    who.display_name = "API: " + api_token->name;
    who.role = http::Role::kIntegration;
    return who;
  }
  std::optional<SessionRecord> session = repository_.FindLiveSession(digest);
  if (!session) return std::nullopt;
  who.organization_id = session->organization_id;
  who.user_id = session->user_id;
  who.role = http::ParseRole(session->role).value_or(http::Role::kReadonly);
  who.csrf_token = session->csrf_token;
  who.display_name = session->full_name;
  who.space = session->space;
  return who;
}

nlohmann::json AccessService::Me(const http::Principal& who) {
  if (who.user_id) {
    std::optional<UserRecord> user = repository_.FindUser(*who.user_id);
    if (!user) throw ApiError(ErrorCode::kUnauthorized, "Требуется вход в систему");
    nlohmann::json me = UserJson(*user);
    me["space"] = who.space;
    return me;
  }
  return {{"id", nullptr},
          {"login", nullptr},
          {"full_name", who.api_token_name},
          {"role", http::RoleName(who.role)},
          {"space", who.space},
          {"organization",
           {{"id", who.organization_id},
            {"name", repository_.OrganizationName(who.organization_id).value_or("")}}}};
}

void AccessService::SetSpace(const http::Principal& who, const std::string& token,
                             const std::string& space) {
  if (space != "operations" && space != "construction")
    ThrowFieldError("space",
                    "Допустимо: operations (эксплуатация) или construction (строительство)");
  if (!who.user_id) ThrowFieldError("space", "Пространство API-токена не переключается");
  repository_.SetSessionSpace(TokenDigest(token), space);
}

long long AccessService::CreateOrganization(const std::string& name) {
  std::string trimmed = text::Trim(name);
  if (trimmed.empty() || text::CodePointCount(trimmed) > 300)
    throw std::invalid_argument("Название организации: от 1 до 300 символов");
  return repository_.InsertOrganization(trimmed);
}

long long AccessService::CreateUser(long long organization_id, const std::string& login,
                                    const std::string& password, const std::string& role,
                                    const std::string& full_name) {
  if (!repository_.OrganizationName(organization_id))
    throw std::invalid_argument("Организация " + std::to_string(organization_id) + " не найдена");
  const std::string normalized = NormalizeLogin(login);
  for (const char* field : {"login", "password", "role"})  // the first broken, in this order
    if (auto errors = UserFieldErrors(normalized, password, role); errors.count(field))
      throw std::invalid_argument(errors[field]);
  if (repository_.FindUserByLogin(normalized))
    throw std::invalid_argument("Логин «" + normalized + "» уже занят");
  std::string name = text::Trim(full_name).empty() ? normalized : text::Trim(full_name);
  return repository_.InsertUser(organization_id, normalized, name, HashPassword(password), role);
}

bool AccessService::LoginExists(const std::string& login) {
  return repository_.FindUserByLogin(NormalizeLogin(login)).has_value();
}

std::string AccessService::CreateApiToken(long long organization_id, const std::string& name) {
  if (!repository_.OrganizationName(organization_id))
    throw std::invalid_argument("Организация " + std::to_string(organization_id) + " не найдена");
  std::string trimmed = text::Trim(name);
  if (trimmed.empty()) throw std::invalid_argument("Укажите название токена (--name)");
  std::string token = kApiTokenPrefix + RandomToken(32);
  repository_.InsertApiToken(organization_id, trimmed, TokenDigest(token));
  return token;
}

namespace {
// A staff user as the admins' list shows it.
nlohmann::json UserAdminJson(const UserRecord& user) {
  return {{"id", user.id},
          {"login", user.login},
          {"full_name", user.full_name},
          {"role", user.role},
          {"blocked", user.blocked_at.has_value()},
          {"blocked_at", user.blocked_at ? nlohmann::json(*user.blocked_at) : nlohmann::json()},
          {"created_at", user.created_at}};
}
}  // namespace

nlohmann::json AccessService::ListUsers(long long organization_id) {
  nlohmann::json items = nlohmann::json::array();
  for (const UserRecord& user : repository_.ListUsers(organization_id))
    items.push_back(UserAdminJson(user));
  return {{"items", std::move(items)}};
}

nlohmann::json AccessService::AddUser(const Actor& admin, const NewUser& user) {
  const std::string login = NormalizeLogin(user.login);
  if (FieldErrors errors = UserFieldErrors(login, user.password, user.role); !errors.empty())
    ThrowValidation(errors);
  if (repository_.FindUserByLogin(login))
    throw ApiError(ErrorCode::kConflict, "Логин уже занят",
                   {{"login", "Логин «" + login + "» уже занят: выберите другой"}});
  const long long id =
      repository_.AddUser(admin, login, user.full_name, HashPassword(user.password), user.role);
  return UserAdminJson(*repository_.FindUser(id));
}

nlohmann::json AccessService::ChangeUser(const Actor& admin, long long user_id,
                                         const UserEdit& edit, const std::string& current_token) {
  std::optional<UserRecord> user = repository_.FindUser(user_id);
  if (!user || user->organization_id != admin.organization_id)
    ThrowNotFound("Пользователь не найден");
  FieldErrors errors = UserFieldErrors(std::nullopt, edit.password, edit.role);
  if (admin.user_id == user_id) {
    if (edit.blocked.value_or(false)) errors["blocked"] = "Нельзя заблокировать самого себя";
    if (edit.role && *edit.role != user->role)
      errors["role"] = "Нельзя сменить роль самому себе: это сделает другой администратор";
  }
  if (!errors.empty()) ThrowValidation(errors);
  UserChange change{edit.full_name, edit.role, std::nullopt, edit.blocked};
  if (edit.password) change.password_hash = HashPassword(*edit.password);
  // The history: what differs (never the password itself, only that it changed).
  const nlohmann::json before = {{"full_name", user->full_name},
                                 {"role", user->role},
                                 {"blocked", user->blocked_at.has_value()}};
  nlohmann::json after = before;
  if (edit.full_name) after["full_name"] = *edit.full_name;
  if (edit.role) after["role"] = *edit.role;
  if (edit.blocked) after["blocked"] = *edit.blocked;
  nlohmann::json changes = history::Diff(before, after, {});
  if (edit.password) changes["password"] = {{"old", nullptr}, {"new", true}};
  repository_.UpdateUser(admin, user_id, change, changes);
  // A block or a new password signs the user out everywhere (a session someone stole goes
  // too); an admin changing their own password stays signed in where they did it.
  if (edit.blocked.value_or(false) || edit.password)
    repository_.DeleteSessionsOfUser(user_id,
                                     admin.user_id == user_id ? TokenDigest(current_token) : "");
  return UserAdminJson(*repository_.FindUser(user_id));
}

namespace {
nlohmann::json TokenJson(const ApiTokenRecord& token) {
  return {{"id", token.id}, {"name", token.name}, {"created_at", token.created_at}};
}
}  // namespace

nlohmann::json AccessService::ListApiTokens(long long organization_id) {
  nlohmann::json items = nlohmann::json::array();
  for (const ApiTokenRecord& token : repository_.ListApiTokens(organization_id))
    items.push_back(TokenJson(token));
  return {{"items", std::move(items)}};
}

nlohmann::json AccessService::IssueApiToken(const Actor& admin, const std::string& name) {
  const std::vector<ApiTokenRecord> tokens = repository_.ListApiTokens(admin.organization_id);
  if (tokens.size() >= kMaxApiTokens)
    throw ApiError(ErrorCode::kConflict, "У организации уже " + std::to_string(kMaxApiTokens) +
                                             " действующих токенов: отзовите ненужные");
  // Names tell the tokens apart in the list (and in the exchange log: «API: 1С»).
  const std::string key = text::FoldForSearch(name);
  for (const ApiTokenRecord& token : tokens)
    if (text::FoldForSearch(token.name) == key)
      throw ApiError(ErrorCode::kConflict, "Токен с таким названием уже есть",
                     {{"name", "Токен «" + token.name + "» уже есть: назовите новый иначе"}});
  const std::string token = kApiTokenPrefix + RandomToken(32);
  nlohmann::json answer = TokenJson(repository_.IssueApiToken(admin, name, TokenDigest(token)));
  answer["token"] = token;
  return answer;
}

void AccessService::RevokeApiToken(const Actor& admin, long long id) {
  if (!repository_.RevokeApiToken(admin, id)) ThrowNotFound("Токен не найден");
}

nlohmann::json AccessService::UserHistory(long long organization_id, long long user_id,
                                          long long limit, long long offset) {
  std::optional<UserRecord> user = repository_.FindUser(user_id);
  if (!user || user->organization_id != organization_id) ThrowNotFound("Пользователь не найден");
  long long total = 0;
  auto entries = repository_.UserHistory(organization_id, user_id, limit, offset, total);
  return history::PageJson(entries, total);
}

}  // namespace upravdom::access
