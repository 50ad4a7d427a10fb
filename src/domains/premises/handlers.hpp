// Routes of the premises register: /api/v1/premises…
#pragma once

#include "domains/premises/service.hpp"
#include "http/router.hpp"

namespace upravdom::premises {

void RegisterPremiseRoutes(http::Router& router, PremiseService& service);

}  // namespace upravdom::premises
