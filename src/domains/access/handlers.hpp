// Routes of sign-in: /api/v1/auth/login, /api/v1/auth/logout, /api/v1/me.
#pragma once

#include "domains/access/service.hpp"
#include "http/router.hpp"

namespace upravdom::access {

struct CookieOptions {
  bool secure = false;  // add "Secure" when the site is served over HTTPS
};

void RegisterAccessRoutes(http::Router& router, AccessService& service, CookieOptions cookies);

}  // namespace upravdom::access
