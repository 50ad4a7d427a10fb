// SQL of the resident app: codes, residents, resident sessions, and the resident's view of
// clients, links and accounts. Works on the caller's session (one transaction per change).
// A resident reaches an organisation's data only through a client with their phone.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace upravdom::resident {

// The codes a phone was sent within the last hour.
struct CodeStats {
  long long count = 0;
  std::optional<std::string> oldest_at, newest_at;  // created_at (ISO)
};

struct CodeAttempt {
  long long id = 0;
  std::string code_hash;
};

struct SessionOwner {
  long long resident_id = 0;
  std::string phone;
};

// A client of some organisation with the resident's phone.
struct ResidentClient {
  long long client_id = 0;
  long long organization_id = 0;
  std::string organization_name;
  std::string full_name;
  std::string status;
};

struct ResidentPremise {
  long long premise_id = 0;
  long long organization_id = 0;
  std::string organization_name;
  long long client_id = 0;
  std::string role;
};

// A link of a premise as the app shows it.
struct LinkItem {
  long long client_id = 0;
  std::string full_name;
  std::string role;
  std::optional<long long> owner_client_id;
  std::string created_by;
};

// The resident's own link on a premise: who acts there, with which role and status.
struct Membership {
  long long organization_id = 0;
  long long client_id = 0;
  std::string role;
  std::string status;
  std::string full_name;
};

struct AccountItem {
  long long id = 0;
  std::string number;
  std::optional<std::string> unified_account;
  long long legal_entity_id = 0;
  std::string legal_entity_name;
  long long debt = 0;
};

class ResidentRepository {
 public:
  ResidentRepository(soci::session& sql, db::Dialect dialect) : sql_(sql), dialect_(dialect) {}

  // Serialises code requests of one phone (PostgreSQL; SQLite's BEGIN IMMEDIATE already does).
  void LockPhone(const std::string& phone);
  CodeStats CodesSince(const std::string& phone, const std::string& since);
  void InsertCode(const std::string& phone, const std::string& code_hash,
                  const std::string& expires_at, const std::string& now);
  // Counts one more attempt on the phone's latest code if it is still usable (not used, not
  // expired, fewer than `max_attempts` tries); nullopt when it is not.
  std::optional<CodeAttempt> TakeAttempt(const std::string& phone, const std::string& now,
                                         int max_attempts);
  void MarkCodeUsed(long long code_id, const std::string& now);

  // The resident of the phone, created if new; sets last_seen_at.
  long long UpsertResident(const std::string& phone, const std::string& now);
  // last_seen_at = now on every client with the phone, logged_in_at where unset.
  void TouchClients(const std::string& phone, const std::string& now);

  void InsertSession(const std::string& token_hash, long long resident_id, const std::string& now,
                     const std::string& expires_at);
  std::optional<SessionOwner> FindLiveSession(const std::string& token_hash,
                                              const std::string& now);
  void DeleteSession(const std::string& token_hash);
  void DeleteExpiredSessions(long long resident_id, const std::string& now);

  std::vector<ResidentClient> Clients(const std::string& phone);
  std::vector<ResidentPremise> Premises(const std::string& phone);
  std::optional<Membership> FindMembership(const std::string& phone, long long premise_id);
  std::vector<AccountItem> VisibleAccounts(long long organization_id, long long premise_id);
  std::vector<LinkItem> Links(long long organization_id, long long premise_id);
  std::optional<LinkItem> FindLink(long long organization_id, long long premise_id,
                                   long long client_id);
  void InsertLink(long long organization_id, long long premise_id, long long client_id,
                  const std::string& role, long long owner_client_id, const std::string& now);
  void DeleteLink(long long organization_id, long long premise_id, long long client_id);

 private:
  soci::session& sql_;
  db::Dialect dialect_;
};

}  // namespace upravdom::resident
