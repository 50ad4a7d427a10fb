// The HTTP request and response as the application sees them: plain structs, no Beast, so
// handlers and services compile fast and can be tested without a socket.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"

namespace upravdom::http {

enum class Role { kReadonly, kOperator, kAdmin, kIntegration };
const char* RoleName(Role role);
std::optional<Role> ParseRole(const std::string& name);

// Who is making the request, set by authentication.
struct Principal {
  long long organization_id = 0;
  std::optional<long long> user_id;       // empty for API tokens
  std::optional<long long> api_token_id;  // set for API tokens
  std::string api_token_name;
  std::string display_name;
  std::string space = "operations";  // the CRM space the user works in (P-4)  // who did it, for
                                     // change history: a user's name or the token's
  Role role = Role::kReadonly;
  bool via_cookie = false;  // cookie sessions need the CSRF header on writes
  std::string csrf_token;
  // A resident of the app (Access::kResident routes only; organization_id is 0 then: a
  // resident's clients may belong to several organisations).
  std::optional<long long> resident_id;
  std::string resident_phone;  // E.164
};

struct Request {
  std::string method;  // "GET", "POST", …
  std::string path;    // decoded path without the query
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // keys lower-case
  std::string body;
  std::string remote_address;
  std::map<std::string, std::string> path_params;  // filled by the router
  std::optional<Principal> principal;              // filled by authentication

  const std::string* Header(const std::string& lower_name) const;
  std::optional<std::string> Cookie(const std::string& name) const;
  std::optional<std::string> QueryValue(const std::string& name) const;
  std::vector<std::string> QueryValues(const std::string& name) const;
  // The path parameter as an id; a non-numeric one answers 404 (no such record).
  long long PathId(const std::string& name) const;
  const Principal& Who() const { return *principal; }
  // The principal as services record it (organisation, user, name for the history).
  Actor AsActor() const {
    return {principal->organization_id, principal->user_id, principal->display_name};
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string file_path;                // when set, the body is this file, streamed from disk
  bool delete_file_after_send = false;  // a temporary file (an export)

  static Response Json(const nlohmann::json& body, int status = 200);
  static Response NoContent();
};

// Parses "a=1&b=%D0%94" into the map; '+' is a space.
std::multimap<std::string, std::string> ParseQueryString(std::string_view query);
// '+' is a space in query strings only.
std::string PercentDecode(std::string_view text, bool plus_is_space = true);

}  // namespace upravdom::http
