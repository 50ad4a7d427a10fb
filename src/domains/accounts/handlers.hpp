// Routes of personal accounts and their ledger: /api/v1/premises/{id}/accounts,
// /api/v1/accounts/{id}…
#pragma once

#include "domains/accounts/service.hpp"
#include "http/router.hpp"

namespace upravdom::accounts {

void RegisterAccountRoutes(http::Router& router, AccountService& service);

}  // namespace upravdom::accounts
