// The resident app (docs/links-and-accounts.md, «Resident app API»): sign-in by phone with a
// one-time code, resident sessions, and what a resident sees and may change on the premises
// their clients are linked to (SPEC L-4).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "db/database.hpp"
#include "domains/access/repository.hpp"
#include "domains/resident/repository.hpp"
#include "http/types.hpp"

namespace upravdom::resident {

struct ResidentPolicy {
  std::chrono::seconds code_lifetime{300};
  std::chrono::seconds resend_interval{60};  // one code per phone per this long
  int codes_per_hour = 5;                    // per phone
  int codes_per_address_per_hour = 30;       // per client address (all phones together)
  int max_attempts = 5;                      // wrong codes that spend a code
  std::chrono::seconds session_lifetime{30 * 24 * 60 * 60};
};

struct Me {
  std::string phone;
  std::vector<ResidentClient> clients;
};

struct SignIn {
  std::string token;
  Me me;
};

// A premise the resident's clients are linked to, with its address.
struct PremiseView {
  ResidentPremise link;
  std::string address;
  std::string type;
};

// The new dependant of POST /premises/{id}/clients.
struct NewDependant {
  std::string phone;  // as typed
  std::string last_name, first_name;
  std::optional<std::string> middle_name;
  std::string role;
};

class ResidentService {
 public:
  ResidentService(db::Database& database, access::AccessRepository& access,
                  ResidentPolicy policy = {})
      : database_(database), access_(access), policy_(policy) {}

  // Called after a message was queued (wakes the delivery loop); may be empty.
  void OnSmsQueued(std::function<void()> hook) { sms_queued_ = std::move(hook); }

  // Throws 422 (phone), 429 (with Retry-After). Returns the code's lifetime in seconds.
  long long RequestCode(const std::string& phone, const std::string& remote_address);
  // Throws 422 (phone, code), 401 invalid_code / code_expired.
  SignIn Verify(const std::string& phone, const std::string& code);
  void Logout(const std::string& token);
  // The resident behind a request's bearer token; nullopt when none (cookies are ignored).
  std::optional<http::Principal> Authenticate(const http::Request& request);

  Me ReadMe(const http::Principal& who);
  std::vector<PremiseView> Premises(const http::Principal& who);
  std::vector<AccountItem> Accounts(const http::Principal& who, long long premise_id);
  std::vector<LinkItem> Links(const http::Principal& who, long long premise_id);
  LinkItem AddDependant(const http::Principal& who, long long premise_id,
                        const NewDependant& dependant, FieldErrors errors);
  void RemoveDependant(const http::Principal& who, long long premise_id, long long client_id);

  // The token of a request's "Authorization: Bearer …" header, or empty.
  static std::string BearerToken(const http::Request& request);

 private:
  // 429 when the address asked for too many codes this hour; with `count`, counts one more.
  void CheckAddressLimit(const std::string& remote_address, long long now, bool count);

  db::Database& database_;
  access::AccessRepository& access_;
  ResidentPolicy policy_;
  std::function<void()> sms_queued_;
};

}  // namespace upravdom::resident
