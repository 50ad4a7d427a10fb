// Routes of the exchange log (SPEC I-9): GET /api/v1/exchange/operations and …/{id}, for
// admins and API tokens (docs/import-api.md, «The exchange log»).
#pragma once

#include "domains/exchange/operations.hpp"
#include "http/router.hpp"

namespace upravdom::exchange {

void RegisterLogRoutes(http::Router& router, OperationLog& log);

}  // namespace upravdom::exchange
