#include "http/dispatcher.hpp"

#include <chrono>
#include <map>
#include <optional>

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"

namespace upravdom::http {

namespace {

// The field a unique-key violation is about, from the database's message: SQLite names the
// columns («UNIQUE constraint failed: personal_accounts.legal_entity_id,
// personal_accounts.number» — the last one is the field), PostgreSQL the index.
std::optional<std::string> ConflictField(const std::string& message) {
  static const std::map<std::string, std::string> kIndexField = {
      {"premise_clients_pair", "client_id"},
      {"personal_accounts_number", "number"},
      {"personal_accounts_external", "external_id"},
      {"clients_phone", "phone"},
      {"premises_external_id", "external_id"},
      {"client_external_ids_value", "value"},
      {"tags_name", "name"},
      {"users_login_key", "login"}};
  static const std::string kSqlite = "UNIQUE constraint failed: ";
  if (size_t at = message.find(kSqlite); at != std::string::npos) {
    std::string columns = message.substr(at + kSqlite.size());
    columns = columns.substr(0, columns.find_first_of("\n\"'"));
    size_t comma = columns.rfind(',');
    std::string last = comma == std::string::npos ? columns : columns.substr(comma + 1);
    last = last.substr(last.find('.') == std::string::npos ? 0 : last.find('.') + 1);
    last = last.substr(0, last.find(' '));
    if (!last.empty()) return last;
  }
  for (const auto& [index, field] : kIndexField)
    if (message.find("\"" + index + "\"") != std::string::npos) return field;
  return std::nullopt;
}

}  // namespace

Dispatcher::Dispatcher(const Router& router, Authenticators authenticate,
                       HealthProbe database_healthy, Metrics& metrics,
                       std::unique_ptr<StaticFiles> static_files)
    : router_(router),
      authenticate_(std::move(authenticate)),
      database_healthy_(std::move(database_healthy)),
      metrics_(metrics),
      static_files_(std::move(static_files)) {}

namespace {

bool IsWrite(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool IsApiPath(const std::string& path) {
  return path.rfind("/api/", 0) == 0 || path == "/api" || path == "/healthz" || path == "/metrics";
}

Response FromError(const ApiError& error) {
  Response response = Response::Json(error.ToJson(), HttpStatus(error.code()));
  if (error.retry_after() > 0)
    response.headers.emplace_back("Retry-After", std::to_string(error.retry_after()));
  return response;
}

}  // namespace

void Dispatcher::Authorize(Request& request, const http::Route& route) const {
  if (route.access == Access::kPublic) return;
  if (route.access == Access::kResident) {
    // Bearer only (no cookies, so no CSRF); the resident service checks L-4 rights itself.
    if (authenticate_.resident) request.principal = authenticate_.resident(request);
    if (!request.principal || !request.principal->resident_id)
      throw ApiError(ErrorCode::kUnauthorized, "Требуется вход в приложение");
    return;
  }
  request.principal = authenticate_.staff(request);
  if (request.principal && request.principal->resident_id) request.principal.reset();
  if (!request.principal) throw ApiError(ErrorCode::kUnauthorized, "Требуется вход в систему");
  const Principal& who = *request.principal;
  if (IsWrite(request.method)) {
    if (who.via_cookie) {
      const std::string* csrf = request.Header("x-csrf-token");
      if (!csrf || *csrf != who.csrf_token)
        throw ApiError(ErrorCode::kCsrfFailed,
                       "Запрос отклонён: нет подтверждения подлинности (CSRF). Обновите страницу");
    }
    if (who.role == Role::kReadonly && route.access != Access::kSelf)
      throw ApiError(ErrorCode::kForbidden, "У вашей роли «только чтение» нет прав на изменения");
  }
  if (route.access == Access::kAdmin && who.role != Role::kAdmin)
    throw ApiError(ErrorCode::kForbidden, "Это действие доступно только администратору");
  if (route.access == Access::kAdminOrIntegration && who.role != Role::kAdmin &&
      who.role != Role::kIntegration)
    throw ApiError(ErrorCode::kForbidden,
                   "Это действие доступно только администратору или интеграции (API-токену)");
}

Response Dispatcher::Route(Request& request, std::string& route_label) const {
  if (!IsApiPath(request.path)) {
    route_label = "static";
    if (static_files_ && (request.method == "GET" || request.method == "HEAD"))
      if (auto response = static_files_->Serve(request.path)) return *response;
    throw ApiError(ErrorCode::kNotFound, "Страница не найдена");
  }
  Router::Match match = router_.Find(request.method, request.path);
  if (!match.route) {
    route_label = "unmatched";
    if (!match.allowed.empty()) {
      std::string allow;
      for (const std::string& method : match.allowed) {
        if (!allow.empty()) allow += ", ";
        allow += method;
      }
      Response response = FromError(ApiError(
          ErrorCode::kMethodNotAllowed, "Метод " + request.method + " здесь не поддерживается"));
      response.headers.emplace_back("Allow", allow);
      return response;
    }
    throw ApiError(ErrorCode::kNotFound, "Адрес API не найден");
  }
  route_label = match.route->pattern;
  request.path_params = std::move(match.params);
  Authorize(request, *match.route);
  return match.route->handler(request);
}

Response Dispatcher::Handle(Request& request) const {
  const auto started = std::chrono::steady_clock::now();
  std::string route_label = "unmatched";
  Response response;
  try {
    response = Route(request, route_label);
  } catch (const ApiError& error) {
    response = FromError(error);
  } catch (const soci::soci_error& error) {
    // get_error_message() leaves out the statement and its bound values (tokens, personal data).
    spdlog::error("{} {}: database error: {}", request.method, request.path,
                  error.get_error_message());
    if (error.get_error_category() == soci::soci_error::constraint_violation) {
      // A race past the service's own checks (two identical creates at once): the same
      // answer the check would have given, naming the field where the index tells it.
      FieldErrors fields;
      if (auto field = ConflictField(error.get_error_message()))
        fields[*field] = "Такое значение уже есть";
      response = FromError(ApiError(
          ErrorCode::kConflict, "Запись с такими данными уже существует или используется", fields));
    } else if (!database_healthy_()) {
      // Lost connections surface as many kinds of errors; asking the database tells.
      response = FromError(
          ApiError(ErrorCode::kUnavailable, "База данных недоступна, повторите попытку позже"));
    } else {
      response = FromError(ApiError(ErrorCode::kInternal, "Внутренняя ошибка сервера"));
    }
  } catch (const std::exception& error) {
    spdlog::error("{} {}: unhandled: {}", request.method, request.path, error.what());
    response = FromError(ApiError(ErrorCode::kInternal, "Внутренняя ошибка сервера"));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.Record(request.method, route_label, response.status, seconds);
  spdlog::info("{} {} {} {:.1f}ms", request.method, request.path, response.status, seconds * 1000);
  return response;
}

}  // namespace upravdom::http
