#include "domains/clients/handlers.hpp"

#include <set>

#include "core/json_input.hpp"
#include "core/text.hpp"
#include "http/download.hpp"
#include "http/params.hpp"

namespace upravdom::clients {

namespace {

Permissions PermissionsOf(const http::Request& request) {
  return {request.Who().role == http::Role::kAdmin, request.Who().space};
}

std::vector<std::string> OneOf(const http::Request& request, const std::string& name,
                               const std::set<std::string>& allowed) {
  std::vector<std::string> values;
  for (const std::string& value : request.QueryValues(name)) {
    if (!allowed.count(value))
      throw ApiError(ErrorCode::kBadRequest, "Неверное значение параметра «" + name + "»",
                     {{name, "Неизвестное значение «" + value + "»"}});
    values.push_back(value);
  }
  return values;
}

// A signed amount of kopecks (a debt bound: negative = overpaid).
std::optional<long long> Kopecks(const http::Request& request, const std::string& name) {
  auto value = request.QueryValue(name);
  if (!value) return std::nullopt;
  constexpr long long kLimit = 1'000'000'000'000'000;
  const bool negative = !value->empty() && (*value)[0] == '-';
  try {
    long long magnitude = http::QueryInteger(name, negative ? value->substr(1) : *value, 0, kLimit);
    return negative ? -magnitude : magnitude;
  } catch (const ApiError&) {
    throw ApiError(ErrorCode::kBadRequest, "Неверный параметр запроса «" + name + "»",
                   {{name, "Ожидается целое число копеек"}});
  }
}

ClientFilter ReadFilter(const http::Request& request) {
  static const std::set<std::string> kKnown = {
      "q",           "type",     "status",     "tag",  "object_group_id", "quarter_id", "object_id",
      "entrance_id", "floor_id", "premise_id", "sort", "limit",           "offset",     "role",
      "debt_min",    "debt_max"};
  http::RejectUnknownParams(request, kKnown);
  ClientFilter filter;
  filter.query = request.QueryValue("q").value_or("");
  if (filter.query.size() > 200) filter.query = filter.query.substr(0, 200);
  filter.types =
      OneOf(request, "type", {"individual", "legal_entity", "sole_proprietor", "foreign_branch"});
  filter.statuses = OneOf(request, "status", {"active", "blocked"});
  for (const std::string& tag : request.QueryValues("tag"))
    if (!text::Trim(tag).empty()) filter.tags.push_back(text::FoldForSearch(tag));
  filter.object_group_ids = http::QueryIds(request, "object_group_id");
  filter.quarter_ids = http::QueryIds(request, "quarter_id");
  filter.object_ids = http::QueryIds(request, "object_id");
  filter.entrance_ids = http::QueryIds(request, "entrance_id");
  filter.floor_ids = http::QueryIds(request, "floor_id");
  filter.premise_ids = http::QueryIds(request, "premise_id");
  filter.roles = OneOf(request, "role",
                       {"owner", "unconfirmed_owner", "representative", "resident", "tenant"});
  filter.debt_min = Kopecks(request, "debt_min");
  filter.debt_max = Kopecks(request, "debt_max");
  static const std::map<std::string, ClientSort> kSorts = {
      {"name", ClientSort::kName},          {"-name", ClientSort::kNameDesc},
      {"phone", ClientSort::kPhone},        {"-phone", ClientSort::kPhoneDesc},
      {"last_seen", ClientSort::kLastSeen}, {"-last_seen", ClientSort::kLastSeenDesc}};
  const std::string sort = request.QueryValue("sort").value_or("name");
  auto it = kSorts.find(sort);
  if (it == kSorts.end())
    throw ApiError(ErrorCode::kBadRequest, "Неверная сортировка «" + sort + "»",
                   {{"sort", "Допустимо: name, phone, last_seen (с «-» — по убыванию)"}});
  filter.sort = it->second;
  http::ReadPaging(request, filter.limit, filter.offset);
  return filter;
}

}  // namespace

void RegisterClientRoutes(http::Router& router, ClientService& service) {
  router.Add("GET", "/api/v1/clients", [&service](http::Request& request) {
    ClientPage page = service.List(request.Who().organization_id, ReadFilter(request));
    nlohmann::json items = nlohmann::json::array();
    for (const Client& client : page.items) items.push_back(ToJson(client));
    return http::Response::Json(
        {{"items", items}, {"total", page.total}, {"total_capped", page.total_capped}});
  });
  router.Add("POST", "/api/v1/clients", [&service](http::Request& request) {
    return http::Response::Json(ToJson(service.Create(request.AsActor(), PermissionsOf(request),
                                                      ParseJsonObject(request.body))),
                                201);
  });
  router.Add("GET", "/api/v1/clients/export.xlsx", [&service](http::Request& request) {
    ClientFilter filter = ReadFilter(request);
    const long long organization_id = request.Who().organization_id;
    return http::XlsxDownload(
        [&](const std::string& path) { service.ExportXlsx(organization_id, filter, path); },
        "Клиенты.xlsx");
  });
  router.Add("GET", "/api/v1/clients/{id}", [&service](http::Request& request) {
    return http::Response::Json(
        ToJson(service.Read(request.Who().organization_id, request.PathId("id"))));
  });
  router.Add("PATCH", "/api/v1/clients/{id}", [&service](http::Request& request) {
    long long id = request.PathId("id");
    return http::Response::Json(ToJson(service.Update(request.AsActor(), PermissionsOf(request), id,
                                                      ParseJsonObject(request.body))));
  });
  router.Add("DELETE", "/api/v1/clients/{id}", [&service](http::Request& request) {
    service.Delete(request.AsActor(), request.PathId("id"));
    return http::Response::NoContent();
  });
  router.Add("GET", "/api/v1/clients/{id}/history", [&service](http::Request& request) {
    long long limit = 50, offset = 0, total = 0;
    http::ReadPaging(request, limit, offset);
    auto entries =
        service.History(request.Who().organization_id, request.PathId("id"), limit, offset, total);
    return http::Response::Json(history::PageJson(entries, total));
  });
  router.Add("GET", "/api/v1/clients/{id}/external-ids", [&service](http::Request& request) {
    nlohmann::json items = nlohmann::json::array();
    for (const ExternalId& id :
         service.ListExternalIds(request.Who().organization_id, request.PathId("id")))
      items.push_back(ToJson(id));
    return http::Response::Json({{"items", items}, {"total", items.size()}});
  });
  router.Add("POST", "/api/v1/clients/{id}/external-ids", [&service](http::Request& request) {
    long long client_id = request.PathId("id");
    return http::Response::Json(
        ToJson(service.AddExternalId(request.AsActor(), PermissionsOf(request), client_id,
                                     ParseJsonObject(request.body))),
        201);
  });
  router.Add("PATCH", "/api/v1/clients/{id}/external-ids/{external_id}",
             [&service](http::Request& request) {
               long long client_id = request.PathId("id");
               long long id = request.PathId("external_id");
               return http::Response::Json(
                   ToJson(service.UpdateExternalId(request.AsActor(), PermissionsOf(request),
                                                   client_id, id, ParseJsonObject(request.body))));
             });
  router.Add("DELETE", "/api/v1/clients/{id}/external-ids/{external_id}",
             [&service](http::Request& request) {
               service.DeleteExternalId(request.AsActor(), PermissionsOf(request),
                                        request.PathId("id"), request.PathId("external_id"));
               return http::Response::NoContent();
             });
}

}  // namespace upravdom::clients
