#include "domains/reference/handlers.hpp"

#include "core/json_input.hpp"
#include "core/text.hpp"

namespace upravdom::reference {

namespace {

long long QueryInteger(const std::string& name, const std::string& value, long long min,
                       long long max) {
  bool digits = !value.empty() && value.size() <= 18 &&
                value.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoll(value) < min || std::stoll(value) > max)
    throw ApiError(
        ErrorCode::kBadRequest, "Неверный параметр запроса «" + name + "»",
        {{name, "Ожидается целое число от " + std::to_string(min) + " до " + std::to_string(max)}});
  return std::stoll(value);
}

std::optional<long long> ParentId(const ResourceSpec& spec, const http::Request& request) {
  if (spec.parent_column.empty()) return std::nullopt;
  return request.PathId(spec.parent_column);
}

http::Response ListHandler(const ResourceSpec& spec, ReferenceService& service,
                           http::Request& request) {
  ListQuery query;
  query.parent_id = ParentId(spec, request);
  ReadPaging(request, query.limit, query.offset);
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
        QueryInteger(name, value, 1, std::numeric_limits<long long>::max()));
  }
  ListPage page = service.List(spec, request.Who().organization_id, query);
  nlohmann::json items = nlohmann::json::array();
  for (const Values& item : page.items) items.push_back(ToJson(item));
  return http::Response::Json({{"items", std::move(items)}, {"total", page.total}});
}

}  // namespace

void ReadPaging(const http::Request& request, long long& limit, long long& offset) {
  if (auto value = request.QueryValue("limit")) limit = QueryInteger("limit", *value, 1, 500);
  if (auto value = request.QueryValue("offset"))
    offset = QueryInteger("offset", *value, 0, 1'000'000'000);
}

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
