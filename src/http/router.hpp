// Routes: method + path template ("/api/v1/objects/{id}") → handler, with who may call it.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/types.hpp"

namespace upravdom::http {

using Handler = std::function<Response(Request&)>;

enum class Access {
  kPublic,    // no sign-in (login, health)
  kStaff,     // any signed-in user or API token; writes need a role that may write
  kAdmin,     // admins only (settings, integrations)
  kSelf,      // any signed-in principal, writes included (sign-out of a read-only user)
  kResident,  // the resident app (/api/resident/v1): a resident session's Bearer token only;
              // staff sessions, cookies and API tokens are not accepted, no CSRF, no roles
  // Admins and API tokens (the integration role), not operators or read-only users: the data
  // exchange (imports and their log, docs/import-api.md).
  kAdminOrIntegration,
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Handler handler;
  Access access;
};

class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, Handler handler,
           Access access = Access::kStaff);

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;  // methods of routes with this path (for 405's Allow)
  };
  Match Find(const std::string& method, const std::string& path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

std::vector<std::string> SplitPath(const std::string& path);

}  // namespace upravdom::http
