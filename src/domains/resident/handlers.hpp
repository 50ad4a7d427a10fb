// Routes of the resident app under /api/resident/v1 (docs/links-and-accounts.md).
#pragma once

#include "domains/resident/service.hpp"
#include "http/router.hpp"

namespace upravdom::resident {

void RegisterResidentRoutes(http::Router& router, ResidentService& service);

}  // namespace upravdom::resident
