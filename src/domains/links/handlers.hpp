// Routes of premise–client links: /api/v1/premises/{id}/clients…, /api/v1/clients/{id}/premises.
#pragma once

#include "domains/links/service.hpp"
#include "http/router.hpp"

namespace upravdom::links {

void RegisterLinkRoutes(http::Router& router, LinkService& service);

}  // namespace upravdom::links
