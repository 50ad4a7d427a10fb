#include "domains/reference/handlers.hpp"

#include "core/json_input.hpp"
#include "core/text.hpp"
#include "http/params.hpp"

namespace upravdom::reference {

namespace {

std::optional<long long> ParentId(const ResourceSpec& spec, const http::Request& request) {
  if (spec.parent_column.empty()) return std::nullopt;
  return request.PathId(spec.parent_column);
}

http::Response ListHandler(const ResourceSpec& spec, ReferenceService& service,
                           http::Request& request) {
  ListQuery query;
  query.parent_id = ParentId(spec, request);
  http::ReadPaging(request, query.limit, query.offset);
  if (auto q = request.QueryValue("q")) {
    if (q->size() > 1000)
      throw ApiError(ErrorCode::kBadRequest, "Слишком длинный поисковый запрос",
                     {{"q", "Не длиннее 1000 символов"}});
    query.search = text::FoldForSearch(*q);
  }
  for (const auto& [name, value] : request.query) {
    if (name == "limit" || name == "offset" || name == "q") continue;
    const FieldSpec* field = spec.Field(name);
    if (!field || !field->filterable)
      throw ApiError(ErrorCode::kBadRequest, "Неизвестный параметр запроса «" + name + "»",
                     {{name, "Неизвестный параметр"}});
    query.filters[name].push_back(
        http::QueryInteger(name, value, 1, std::numeric_limits<long long>::max()));
  }
  ListPage page = service.List(spec, request.Who().organization_id, query);
  nlohmann::json items = nlohmann::json::array();
  for (const Values& item : page.items) items.push_back(ToJson(item));
  return http::Response::Json({{"items", std::move(items)}, {"total", page.total}});
}

}  // namespace

void RegisterReferenceRoutes(http::Router& router, ReferenceService& service) {
  for (const ResourceSpec& spec_ref : ReferenceSpecs()) {
    const ResourceSpec* spec = &spec_ref;  // specs live for the whole program
    const std::string item_path = spec->collection_path + "/{id}";
    router.Add("GET", spec->collection_path, [spec, &service](http::Request& request) {
      return ListHandler(*spec, service, request);
    });
    router.Add("POST", spec->collection_path, [spec, &service](http::Request& request) {
      Values created = service.Create(*spec, request.Who().organization_id,
                                      ParentId(*spec, request), ParseJsonObject(request.body));
      return http::Response::Json(ToJson(created), 201);
    });
    router.Add("GET", item_path, [spec, &service](http::Request& request) {
      return http::Response::Json(ToJson(service.Read(
          *spec, request.Who().organization_id, ParentId(*spec, request), request.PathId("id"))));
    });
    router.Add("PATCH", item_path, [spec, &service](http::Request& request) {
      long long id = request.PathId("id");
      return http::Response::Json(
          ToJson(service.Update(*spec, request.Who().organization_id, ParentId(*spec, request), id,
                                ParseJsonObject(request.body))));
    });
    router.Add("DELETE", item_path, [spec, &service](http::Request& request) {
      service.Delete(*spec, request.Who().organization_id, ParentId(*spec, request),
                     request.PathId("id"));
      return http::Response::NoContent();
    });
  }
}

}  // namespace upravdom::reference
