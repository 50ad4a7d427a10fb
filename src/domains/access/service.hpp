// Sign-in, sessions, API tokens and the organisations/users that the CLI creates.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domains/access/repository.hpp"
#include "http/types.hpp"

namespace upravdom::access {

struct LoginResult {
  std::string token;
  std::string csrf_token;
  UserRecord user;
};

// Limits on failed sign-ins (per login and per client address) within a sliding window.
struct ThrottlePolicy {
  int max_failures_per_login = 5;
  int max_failures_per_address = 20;
  long long window_seconds = 15 * 60;
  long long first_lock_seconds = 60;  // doubles with each further failure
  long long max_lock_seconds = 15 * 60;
};

class AccessService {
 public:
  AccessService(AccessRepository& repository, ThrottlePolicy policy = {})
      : repository_(repository), policy_(policy) {}

  // Throws ApiError: 401 invalid_credentials, 429 too_many_requests (with Retry-After).
  LoginResult Login(const std::string& login, const std::string& password,
                    const std::string& remote_address);
  void Logout(const std::string& token);
  // Finds the principal of a request: bearer token (session or API token) or session cookie.
  std::optional<http::Principal> Authenticate(const http::Request& request);
  nlohmann::json Me(const http::Principal& who);
  // Switches the space (operations / construction) of the session behind `token`.
  void SetSpace(const http::Principal& who, const std::string& token, const std::string& space);

  // CLI operations; throw std::invalid_argument with a Russian message on bad input.
  long long CreateOrganization(const std::string& name);
  long long CreateUser(long long organization_id, const std::string& login,
                       const std::string& password, const std::string& role,
                       const std::string& full_name);
  std::string CreateApiToken(long long organization_id, const std::string& name);
  bool LoginExists(const std::string& login);

  // The API tokens of an organisation, managed by its admins («Настройки» → «Интеграция» →
  // «API-токены»). A token's text is shown once, when issued: only its digest is kept.
  // {"items": [{"id", "name", "created_at"}]}
  nlohmann::json ListApiTokens(long long organization_id);
  // {"id", "name", "created_at", "token"}. Throws ApiError: 409 conflict for a name in use
  // (field "name") or when kMaxApiTokens are in force.
  nlohmann::json IssueApiToken(const Actor& admin, const std::string& name);
  // Throws ApiError 404 when the organisation has no such token in force.
  void RevokeApiToken(const Actor& admin, long long id);
  static constexpr size_t kMaxApiTokens = 100;

  // The organisation's staff users, managed by its admins («Настройки» → «Пользователи»).
  // {"items": [UserAdminJson]}
  nlohmann::json ListUsers(long long organization_id);
  struct NewUser {
    std::string login, password, role, full_name;
  };
  // Throws ApiError: 422 for a login, password or role against the rules (naming the field),
  // 409 conflict (field "login") for a login in use in any organisation.
  nlohmann::json AddUser(const Actor& admin, const NewUser& user);
  // What an admin edits of a staff user (absent: kept).
  struct UserEdit {
    std::optional<std::string> full_name, role, password;
    std::optional<bool> blocked;
  };
  // Changes what `edit` gives. A block or a new password ends the user's sessions — all but
  // `current_token`'s, the admin's own, when they change their own password. Throws ApiError:
  // 404 for a user of another organisation, 422 when an admin would block or demote themself (the
  // organisation could be left without an admin).
  nlohmann::json ChangeUser(const Actor& admin, long long user_id, const UserEdit& edit,
                            const std::string& current_token);
  // The user's entries of the change history (added, renamed, role, password, block),
  // newest first. Issued and revoked tokens are recorded as entity "api_token".
  nlohmann::json UserHistory(long long organization_id, long long user_id, long long limit,
                             long long offset);

  static constexpr const char* kSessionCookie = "upravdom_session";
  static constexpr const char* kCsrfCookie = "upravdom_csrf";
  static constexpr const char* kApiTokenPrefix = "upd_";
  static constexpr long long kSessionSeconds = 24 * 60 * 60;

 private:
  void CheckNotLocked(const std::string& key, long long now);
  void RecordFailure(const std::string& key, int max_failures, long long now);

  AccessRepository& repository_;
  ThrottlePolicy policy_;
};

nlohmann::json UserJson(const UserRecord& user);

}  // namespace upravdom::access
