// Wiring: the database, the services and every route, built once per process.
#pragma once

#include <memory>

#include "core/config.hpp"
#include "core/secret_box.hpp"
#include "db/database.hpp"
#include "domains/access/service.hpp"
#include "domains/accounts/service.hpp"
#include "domains/clients/service.hpp"
#include "domains/exchange/excel_import.hpp"
#include "domains/exchange/import_engine.hpp"
#include "domains/exchange/operations.hpp"
#include "domains/exchange/scheduler.hpp"
#include "domains/exchange/settings_service.hpp"
#include "domains/links/service.hpp"
#include "domains/premises/service.hpp"
#include "domains/reference/service.hpp"
#include "domains/resident/service.hpp"
#include "domains/tags/tags.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace upravdom::app {

class Application {
 public:
  // Opens the database (throws soci::soci_error when unreachable).
  Application(const Config& config, size_t pool_size);

  db::Database& database() { return database_; }
  access::AccessService& access() { return access_service_; }
  reference::ReferenceService& reference() { return reference_service_; }
  premises::PremiseService& premises() { return premise_service_; }
  clients::ClientService& clients() { return client_service_; }
  links::LinkService& links() { return link_service_; }
  accounts::AccountService& accounts() { return account_service_; }
  resident::ResidentService& resident() { return resident_service_; }
  exchange::OperationLog& operation_log() { return operation_log_; }
  exchange::ImportEngine& import_engine() { return import_engine_; }
  // The import schedule and «Запустить сейчас» (its thread is started by `serve` only).
  exchange::Scheduler& scheduler() { return scheduler_; }
  // The key file of the sealed secrets (config secret_key_file, or beside the database).
  const std::string& secret_key_file() const { return secret_key_file_; }
  const http::Router& router() const { return router_; }
  http::Metrics& metrics() { return metrics_; }
  // True when a pooled connection (reopened if it was lost) answers a query.
  bool DatabaseHealthy();

 private:
  void RegisterRoutes(const Config& config);

  db::Database database_;
  access::AccessRepository access_repository_;
  access::AccessService access_service_;
  reference::ReferenceService reference_service_;
  premises::PremiseService premise_service_;
  clients::ClientService client_service_;
  tags::TagService tag_service_;
  links::LinkService link_service_;
  accounts::AccountService account_service_;
  resident::ResidentService resident_service_;
  exchange::OperationLog operation_log_;
  exchange::ImportEngine import_engine_;
  std::string secret_key_file_;
  SecretBox secret_box_;
  exchange::SettingsRepository exchange_settings_repository_;
  exchange::SettingsService exchange_settings_service_;
  exchange::Scheduler scheduler_;
  exchange::excel::ExcelImporter excel_importer_;
  http::Metrics metrics_;
  http::Router router_;
};

}  // namespace upravdom::app
