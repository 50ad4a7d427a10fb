#include "app/application.hpp"

#include "db/sql.hpp"
#include "domains/access/handlers.hpp"
#include "domains/accounts/handlers.hpp"
#include "domains/clients/handlers.hpp"
#include "domains/exchange/excel_handlers.hpp"
#include "domains/exchange/import_handlers.hpp"
#include "domains/exchange/log_handlers.hpp"
#include "domains/exchange/settings_handlers.hpp"
#include "domains/exchange/xml_handlers.hpp"
#include "domains/links/handlers.hpp"
#include "domains/premises/handlers.hpp"
#include "domains/reference/handlers.hpp"
#include "domains/resident/handlers.hpp"

namespace upravdom::app {

Application::Application(const Config& config, size_t pool_size)
    : database_(config.db_url, pool_size),
      access_repository_(database_),
      access_service_(access_repository_),
      reference_service_(database_),
      premise_service_(database_),
      client_service_(database_),
      tag_service_(database_),
      link_service_(database_),
      account_service_(database_),
      resident_service_(database_, access_repository_),
      operation_log_(database_),
      import_engine_(database_, operation_log_),
      secret_key_file_(config.secret_key_file.empty() ? DefaultSecretKeyFile(config.db_url)
                                                      : config.secret_key_file),
      secret_box_(secret_key_file_),
      exchange_settings_repository_(database_),
      exchange_settings_service_(exchange_settings_repository_, secret_box_,
                                 std::chrono::minutes(config.timezone_offset_minutes),
                                 config.fetch_allow_private),
      scheduler_(database_, operation_log_, import_engine_, exchange_settings_repository_,
                 secret_box_),
      excel_importer_(database_, operation_log_, import_engine_, "") {
  reference_service_.OnUpdated("objects", [this](soci::session& sql, long long org, long long id) {
    premise_service_.RefreshObjectKeys(sql, org, id);
  });
  RegisterRoutes(config);
}

bool Application::DatabaseHealthy() {
  try {
    db::Session sql(database_);
    db::QueryInt(sql, db::Sql("SELECT 1"));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void Application::RegisterRoutes(const Config& config) {
  router_.Add(
      "GET", "/healthz",
      [this](http::Request&) {
        if (DatabaseHealthy()) return http::Response::Json({{"status", "ok"}});
        return http::Response::Json({{"status", "unavailable"},
                                     {"code", "unavailable"},
                                     {"message", "База данных недоступна"}},
                                    503);
      },
      http::Access::kPublic);
  router_.Add(
      "GET", "/metrics",
      [this](http::Request&) {
        http::Response response;
        response.content_type = "text/plain; version=0.0.4; charset=utf-8";
        response.body = metrics_.RenderPrometheus();
        return response;
      },
      http::Access::kPublic);

  access::RegisterAccessRoutes(router_, access_service_, {.secure = config.secure_cookies});
  reference::RegisterReferenceRoutes(router_, reference_service_);
  premises::RegisterPremiseRoutes(router_, premise_service_);
  clients::RegisterClientRoutes(router_, client_service_);
  tags::RegisterTagRoutes(router_, tag_service_);
  resident::RegisterResidentRoutes(router_, resident_service_);
  links::RegisterLinkRoutes(router_, link_service_);
  accounts::RegisterAccountRoutes(router_, account_service_);
  exchange::RegisterLogRoutes(router_, operation_log_);
  exchange::RegisterImportRoutes(router_, import_engine_);
  exchange::RegisterXmlRoutes(router_, import_engine_, operation_log_);
  exchange::RegisterSettingsRoutes(router_, exchange_settings_service_, scheduler_);
  exchange::RegisterExcelRoutes(router_, database_, excel_importer_, operation_log_);
}

}  // namespace upravdom::app
