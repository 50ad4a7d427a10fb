#include "domains/exchange/log_handlers.hpp"

#include <set>

#include "core/error.hpp"
#include "http/params.hpp"

namespace upravdom::exchange {

namespace {

constexpr long long kMaxLimit = 200;

OperationFilter ReadFilter(const http::Request& request) {
  http::RejectUnknownParams(request, {"kind", "status", "limit", "offset"});
  OperationFilter filter;
  if (auto kind = request.QueryValue("kind")) {
    if (!IsKnownKind(*kind))
      throw ApiError(ErrorCode::kBadRequest, "Неизвестный вид операции «" + *kind + "»",
                     {{"kind", "Допустимо: import, import_dry_run"}});
    filter.kind = *kind;
  }
  if (auto status = request.QueryValue("status")) {
    if (!IsKnownStatus(*status))
      throw ApiError(ErrorCode::kBadRequest, "Неизвестный статус операции «" + *status + "»",
                     {{"status", "Допустимо: running, ok, warnings, failed"}});
    filter.status = *status;
  }
  if (auto limit = request.QueryValue("limit"))
    filter.limit = http::QueryInteger("limit", *limit, 1, kMaxLimit);
  if (auto offset = request.QueryValue("offset"))
    filter.offset = http::QueryInteger("offset", *offset, 0, 1'000'000'000);
  return filter;
}

}  // namespace

void RegisterLogRoutes(http::Router& router, OperationLog& log) {
  router.Add(
      "GET", "/api/v1/exchange/operations",
      [&log](http::Request& request) {
        OperationPage page = log.List(request.Who().organization_id, ReadFilter(request));
        nlohmann::json items = nlohmann::json::array();
        for (const Operation& operation : page.items)
          items.push_back(ToJson(operation, /*with_details=*/false));
        return http::Response::Json({{"items", items}, {"total", page.total}});
      },
      http::Access::kAdminOrIntegration);
  router.Add(
      "GET", "/api/v1/exchange/operations/{id}",
      [&log](http::Request& request) {
        auto operation = log.Find(request.Who().organization_id, request.PathId("id"));
        if (!operation) ThrowNotFound("Операция не найдена");
        return http::Response::Json(ToJson(*operation, /*with_details=*/true));
      },
      http::Access::kAdminOrIntegration);
}

}  // namespace upravdom::exchange
