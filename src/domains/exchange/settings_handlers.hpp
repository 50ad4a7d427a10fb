// Routes of the exchange settings and the run now (admins only; docs/openapi.yaml):
// GET/PUT /api/v1/exchange/settings, POST /api/v1/exchange/settings/check-ftp,
// POST /api/v1/exchange/import/run («Запустить сейчас», 202 at once).
#pragma once

#include "domains/exchange/scheduler.hpp"
#include "domains/exchange/settings_service.hpp"
#include "http/router.hpp"

namespace upravdom::exchange {

void RegisterSettingsRoutes(http::Router& router, SettingsService& settings, Scheduler& scheduler);

}  // namespace upravdom::exchange
