#include "domains/links/handlers.hpp"

#include "core/json_input.hpp"
#include "http/params.hpp"

namespace upravdom::links {

namespace {

nlohmann::json Items(const std::vector<LinkView>& views) {
  nlohmann::json items = nlohmann::json::array();
  for (const LinkView& view : views) items.push_back(ToJson(view));
  return items;
}

DependantsChoice ReadDependantsChoice(const http::Request& request) {
  http::RejectUnknownParams(request, {"dependants", "owner_client_id"});
  DependantsChoice choice;
  choice.action = request.QueryValue("dependants");
  if (choice.action && *choice.action != "remove" && *choice.action != "reassign")
    throw ApiError(ErrorCode::kBadRequest, "Неверное значение параметра «dependants»",
                   {{"dependants", "Допустимо: remove или reassign"}});
  if (auto owner = request.QueryValue("owner_client_id"))
    choice.owner_client_id =
        http::QueryInteger("owner_client_id", *owner, 1, 1'000'000'000'000'000);
  return choice;
}

}  // namespace

void RegisterLinkRoutes(http::Router& router, LinkService& service) {
  router.Add("GET", "/api/v1/premises/{id}/clients", [&service](http::Request& request) {
    PremiseLinks links = service.OfPremise(request.Who().organization_id, request.PathId("id"));
    return http::Response::Json({{"items", Items(links.items)},
                                 {"total", links.items.size()},
                                 {"readiness",
                                  {{"premise_missing", links.premise_missing},
                                   {"owners_incomplete", links.owners_incomplete}}}});
  });
  router.Add("POST", "/api/v1/premises/{id}/clients", [&service](http::Request& request) {
    long long premise_id = request.PathId("id");
    return http::Response::Json(ToJson(service.CreateForPremise(request.AsActor(), premise_id,
                                                                ParseJsonObject(request.body))),
                                201);
  });
  router.Add("PATCH", "/api/v1/premises/{id}/clients/{client_id}",
             [&service](http::Request& request) {
               long long premise_id = request.PathId("id");
               long long client_id = request.PathId("client_id");
               return http::Response::Json(ToJson(service.Update(
                   request.AsActor(), premise_id, client_id, ParseJsonObject(request.body))));
             });
  router.Add(
      "DELETE", "/api/v1/premises/{id}/clients/{client_id}", [&service](http::Request& request) {
        long long premise_id = request.PathId("id");
        long long client_id = request.PathId("client_id");
        service.Delete(request.AsActor(), premise_id, client_id, ReadDependantsChoice(request));
        return http::Response::NoContent();
      });
  router.Add("GET", "/api/v1/clients/{id}/premises", [&service](http::Request& request) {
    auto views = service.OfClient(request.Who().organization_id, request.PathId("id"));
    return http::Response::Json({{"items", Items(views)}, {"total", views.size()}});
  });
  router.Add("POST", "/api/v1/clients/{id}/premises", [&service](http::Request& request) {
    long long client_id = request.PathId("id");
    return http::Response::Json(ToJson(service.CreateForClient(request.AsActor(), client_id,
                                                               ParseJsonObject(request.body))),
                                201);
  });
}

}  // namespace upravdom::links
