// Routes of every reference resource: list, create, read, update, delete.
#pragma once

#include "domains/reference/service.hpp"
#include "http/router.hpp"

namespace upravdom::reference {

void RegisterReferenceRoutes(http::Router& router, ReferenceService& service);

}  // namespace upravdom::reference
