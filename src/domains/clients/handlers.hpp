// Routes of clients: /api/v1/clients… and their external ids.
#pragma once

#include "domains/clients/service.hpp"
#include "http/router.hpp"

namespace upravdom::clients {

void RegisterClientRoutes(http::Router& router, ClientService& service);

}  // namespace upravdom::clients
