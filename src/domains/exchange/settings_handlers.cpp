#include "domains/exchange/settings_handlers.hpp"

#include "core/json_input.hpp"

namespace upravdom::exchange {

void RegisterSettingsRoutes(http::Router& router, SettingsService& settings, Scheduler& scheduler) {
  router.Add(
      "GET", "/api/v1/exchange/settings",
      [&settings](http::Request& request) {
        return http::Response::Json(settings.Get(request.Who().organization_id));
      },
      http::Access::kAdmin);
  router.Add(
      "PUT", "/api/v1/exchange/settings",
      [&settings](http::Request& request) {
        return http::Response::Json(
            settings.Update(request.Who().organization_id, ParseJsonObject(request.body)));
      },
      http::Access::kAdmin);
  router.Add(
      "POST", "/api/v1/exchange/settings/check-ftp",
      [&settings](http::Request& request) {
        nlohmann::json body =
            request.body.empty() ? nlohmann::json::object() : ParseJsonObject(request.body);
        return http::Response::Json(settings.CheckFtp(request.Who().organization_id, body));
      },
      http::Access::kAdmin);
  router.Add(
      "POST", "/api/v1/exchange/import/run",
      [&scheduler](http::Request& request) {
        if (!request.body.empty()) {
          nlohmann::json body = ParseJsonObject(request.body);
          BodyReader(body).Finish();  // no fields
        }
        const std::string started_at = scheduler.RunNow(request.AsActor());
        return http::Response::Json({{"status", "running"}, {"started_at", started_at}}, 202);
      },
      http::Access::kAdmin);
}

}  // namespace upravdom::exchange
