#include "domains/premises/handlers.hpp"

#include <set>

#include "core/json_input.hpp"
#include "core/text.hpp"
#include "http/download.hpp"
#include "http/params.hpp"

namespace upravdom::premises {

namespace {

nlohmann::json DependentsJson(const Dependents& d) {
  return {{"accounts", d.accounts},
          {"charges", d.charges},
          {"payments", d.payments},
          {"links", d.links}};
}

// The list's filters, shared by the register and its export.
PremiseFilter ReadFilter(const http::Request& request) {
  static const std::set<std::string> kKnown = {
      "q",    "object_group_id", "quarter_id", "object_id", "type", "client_id", "tag",
      "sort", "limit",           "offset"};
  http::RejectUnknownParams(request, kKnown);
  PremiseFilter filter;
  filter.query = request.QueryValue("q").value_or("");
  filter.object_group_ids = http::QueryIds(request, "object_group_id");
  filter.quarter_ids = http::QueryIds(request, "quarter_id");
  filter.object_ids = http::QueryIds(request, "object_id");
  filter.client_ids = http::QueryIds(request, "client_id");
  for (const std::string& type : request.QueryValues("type")) {
    if (!FindType(type))
      throw ApiError(ErrorCode::kBadRequest, "Неизвестный тип помещения «" + type + "»",
                     {{"type", "Неизвестный тип помещения"}});
    filter.types.push_back(type);
  }
  for (const std::string& tag : request.QueryValues("tag"))
    if (!text::Trim(tag).empty()) filter.tags.push_back(text::FoldForSearch(tag));
  const std::string sort = request.QueryValue("sort").value_or("address");
  if (sort == "address")
    filter.sort = SortOrder::kAddress;
  else if (sort == "-address")
    filter.sort = SortOrder::kAddressDesc;
  else if (sort == "area")
    filter.sort = SortOrder::kArea;
  else if (sort == "-area")
    filter.sort = SortOrder::kAreaDesc;
  else
    throw ApiError(ErrorCode::kBadRequest, "Неверная сортировка «" + sort + "»",
                   {{"sort", "Допустимо: address, -address, area, -area"}});
  http::ReadPaging(request, filter.limit, filter.offset);
  // Nobody types an address of 200 characters: a longer query finds nothing, at no cost.
  if (filter.query.size() > 400) filter.matches_nothing = true;
  return filter;
}

}  // namespace

void RegisterPremiseRoutes(http::Router& router, PremiseService& service) {
  router.Add("GET", "/api/v1/premises", [&service](http::Request& request) {
    PremisePage page = service.List(request.Who().organization_id, ReadFilter(request));
    nlohmann::json items = nlohmann::json::array();
    for (const PremiseRow& row : page.items) items.push_back(ToJson(row));
    return http::Response::Json({{"items", items}, {"total", page.total}});
  });
  router.Add("POST", "/api/v1/premises", [&service](http::Request& request) {
    return http::Response::Json(
        ToJson(service.Create(request.AsActor(), ParseJsonObject(request.body))), 201);
  });
  router.Add("GET", "/api/v1/premises/export.xlsx", [&service](http::Request& request) {
    PremiseFilter filter = ReadFilter(request);
    const long long organization_id = request.Who().organization_id;
    return http::XlsxDownload(
        [&](const std::string& path) { service.ExportXlsx(organization_id, filter, path); },
        "Помещения.xlsx");
  });
  router.Add("GET", "/api/v1/premises/{id}", [&service](http::Request& request) {
    return http::Response::Json(
        ToJson(service.Read(request.Who().organization_id, request.PathId("id"))));
  });
  router.Add("PATCH", "/api/v1/premises/{id}", [&service](http::Request& request) {
    long long id = request.PathId("id");
    return http::Response::Json(
        ToJson(service.Update(request.AsActor(), id, ParseJsonObject(request.body))));
  });
  router.Add("GET", "/api/v1/premises/{id}/dependents", [&service](http::Request& request) {
    return http::Response::Json(DependentsJson(
        service.CountDependents(request.Who().organization_id, request.PathId("id"))));
  });
  router.Add("GET", "/api/v1/premises/{id}/history", [&service](http::Request& request) {
    long long limit = 50, offset = 0, total = 0;
    http::ReadPaging(request, limit, offset);
    auto entries =
        service.History(request.Who().organization_id, request.PathId("id"), limit, offset, total);
    return http::Response::Json(history::PageJson(entries, total));
  });
  router.Add("DELETE", "/api/v1/premises/{id}", [&service](http::Request& request) {
    Dependents deleted = service.Delete(request.AsActor(), request.PathId("id"));
    nlohmann::json counts = DependentsJson(deleted);
    counts["premises"] = 1;
    return http::Response::Json({{"deleted", counts}});
  });
}

}  // namespace upravdom::premises
