// Routes of every reference resource: list, create, read, update, delete.
#pragma once

#include "domains/reference/service.hpp"
#include "http/router.hpp"

namespace upravdom::reference {

void RegisterReferenceRoutes(http::Router& router, ReferenceService& service);

// Reads `limit`/`offset` (and nothing else) from the query; 400 naming the parameter when bad.
void ReadPaging(const http::Request& request, long long& limit, long long& offset);

}  // namespace upravdom::reference
