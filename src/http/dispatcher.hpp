// The application side of the server: routing, authentication and access rules, the one
// error boundary, metrics and the access log. Independent of the socket layer.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"
#include "http/types.hpp"

namespace upravdom::http {

// Finds who sent the request (cookie or bearer token); nullopt when nobody valid.
using Authenticator = std::function<std::optional<Principal>(const Request&)>;

// The two kinds of credentials: staff (sessions, cookies, API tokens) for every protected
// route but the resident app's, and residents (their own bearer sessions) for
// Access::kResident routes only. Neither is ever asked about the other's routes.
struct Authenticators {
  Authenticator staff;
  Authenticator resident;  // may be empty: resident routes then answer 401
};

// Whether the database answers; asked after a database error to tell 503 from 500.
using HealthProbe = std::function<bool()>;

class Dispatcher {
 public:
  Dispatcher(const Router& router, Authenticators authenticate, HealthProbe database_healthy,
             Metrics& metrics, std::unique_ptr<StaticFiles> static_files);

  Response Handle(Request& request) const;

 private:
  Response Route(Request& request, std::string& route_label) const;
  void Authorize(Request& request, const http::Route& route) const;

  const Router& router_;
  Authenticators authenticate_;
  HealthProbe database_healthy_;
  Metrics& metrics_;
  std::unique_ptr<StaticFiles> static_files_;
};

}  // namespace upravdom::http
