// SQL of the access domain: organisations, staff users, sessions, API tokens, throttling.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "db/database.hpp"
#include "domains/history/history.hpp"

namespace upravdom::access {

struct UserRecord {
  long long id = 0;
  long long organization_id = 0;
  std::string login;
  std::string full_name;
  std::string password_hash;
  std::string role;
  std::string organization_name;
  std::optional<std::string> blocked_at;  // set: the user cannot sign in
  std::string created_at;
};

// What an admin changes of a staff user (absent: kept).
struct UserChange {
  std::optional<std::string> full_name;
  std::optional<std::string> role;
  std::optional<std::string> password_hash;
  std::optional<bool> blocked;
};

struct SessionRecord {
  long long organization_id = 0;
  long long user_id = 0;
  std::string role;
  std::string csrf_token;
  std::string full_name;
  std::string space;
};

struct ApiTokenRecord {
  long long id = 0;
  long long organization_id = 0;
  std::string name;
  std::string created_at;
};

struct AttemptRecord {
  long long failures = 0;
  long long window_started = 0;  // unix seconds
  long long locked_until = 0;    // unix seconds, 0 = not locked
};

class AccessRepository {
 public:
  explicit AccessRepository(db::Database& database) : database_(database) {}

  long long InsertOrganization(const std::string& name);
  std::optional<std::string> OrganizationName(long long organization_id);
  std::optional<long long> FindOrganizationByName(const std::string& name);

  long long InsertUser(long long organization_id, const std::string& login,
                       const std::string& full_name, const std::string& password_hash,
                       const std::string& role);
  std::optional<UserRecord> FindUserByLogin(const std::string& login);
  std::optional<UserRecord> FindUser(long long user_id);
  // The organisation's staff users, by name.
  std::vector<UserRecord> ListUsers(long long organization_id);
  // An admin's changes, each with its entry of the change history (entity "user" or
  // "api_token", `changes` as history::Diff gives them) in the same transaction.
  long long AddUser(const Actor& admin, const std::string& login, const std::string& full_name,
                    const std::string& password_hash, const std::string& role);
  // False when the organisation has no such user.
  bool UpdateUser(const Actor& admin, long long user_id, const UserChange& change,
                  const nlohmann::json& changes);
  std::vector<history::Entry> UserHistory(long long organization_id, long long user_id,
                                          long long limit, long long offset, long long& total);
  // Ends every session of the user (blocked, or given a new password) but the one whose token
  // has this digest (empty: none kept).
  void DeleteSessionsOfUser(long long user_id, const std::string& keep_digest);

  // Opens a session of `user` only while the user is unblocked with the password hash they
  // signed in with: a block or a new password between the check of the password and this
  // insert would otherwise leave a session their deletion missed. False when it did not open.
  bool InsertSession(const UserRecord& user, const std::string& token_digest,
                     const std::string& csrf_token, const std::string& expires_at);
  std::optional<SessionRecord> FindLiveSession(const std::string& token_digest);
  void DeleteSession(const std::string& token_digest);
  void SetSessionSpace(const std::string& token_digest, const std::string& space);
  void DeleteExpiredSessions(long long user_id);

  ApiTokenRecord InsertApiToken(long long organization_id, const std::string& name,
                                const std::string& token_digest);
  std::optional<ApiTokenRecord> FindApiToken(const std::string& token_digest);
  // The organisation's tokens not revoked, oldest first.
  std::vector<ApiTokenRecord> ListApiTokens(long long organization_id);
  ApiTokenRecord IssueApiToken(const Actor& admin, const std::string& name,
                               const std::string& token_digest);
  // Revokes the organisation's token; false when it has no such token in force.
  bool RevokeApiToken(const Actor& admin, long long id);

  std::optional<AttemptRecord> FindAttempt(const std::string& key);
  void SaveAttempt(const std::string& key, const AttemptRecord& attempt);
  void DeleteAttempt(const std::string& key);

 private:
  db::Database& database_;
};

}  // namespace upravdom::access
