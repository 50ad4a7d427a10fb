#include "domains/accounts/handlers.hpp"

#include "core/json_input.hpp"
#include "http/params.hpp"

namespace upravdom::accounts {

namespace {

template <class T>
http::Response Page(const std::vector<T>& rows, long long total) {
  nlohmann::json items = nlohmann::json::array();
  for (const T& row : rows) items.push_back(ToJson(row));
  return http::Response::Json({{"items", items}, {"total", total}});
}

}  // namespace

void RegisterAccountRoutes(http::Router& router, AccountService& service) {
  router.Add("GET", "/api/v1/premises/{id}/accounts", [&service](http::Request& request) {
    auto accounts = service.List(request.Who().organization_id, request.PathId("id"));
    return Page(accounts, static_cast<long long>(accounts.size()));
  });
  router.Add("POST", "/api/v1/premises/{id}/accounts", [&service](http::Request& request) {
    long long premise_id = request.PathId("id");
    return http::Response::Json(
        ToJson(service.Create(request.AsActor(), premise_id, ParseJsonObject(request.body))), 201);
  });
  router.Add("GET", "/api/v1/accounts/{id}", [&service](http::Request& request) {
    return http::Response::Json(
        ToJson(service.Read(request.Who().organization_id, request.PathId("id"))));
  });
  router.Add("PATCH", "/api/v1/accounts/{id}", [&service](http::Request& request) {
    long long id = request.PathId("id");
    return http::Response::Json(
        ToJson(service.Update(request.AsActor(), id, ParseJsonObject(request.body))));
  });
  router.Add("GET", "/api/v1/accounts/{id}/dependents", [&service](http::Request& request) {
    AccountDependents d =
        service.CountDependents(request.Who().organization_id, request.PathId("id"));
    return http::Response::Json({{"charges", d.charges}, {"payments", d.payments}});
  });
  router.Add("DELETE", "/api/v1/accounts/{id}", [&service](http::Request& request) {
    AccountDependents d = service.Delete(request.AsActor(), request.PathId("id"));
    return http::Response::Json(
        {{"deleted", {{"accounts", 1}, {"charges", d.charges}, {"payments", d.payments}}}});
  });
  router.Add("GET", "/api/v1/accounts/{id}/charges", [&service](http::Request& request) {
    long long limit = 50, offset = 0, total = 0;
    http::ReadPaging(request, limit, offset);
    auto charges =
        service.Charges(request.Who().organization_id, request.PathId("id"), limit, offset, total);
    return Page(charges, total);
  });
  router.Add("POST", "/api/v1/accounts/{id}/charges", [&service](http::Request& request) {
    long long id = request.PathId("id");
    return http::Response::Json(
        ToJson(service.AddCharge(request.AsActor(), id, ParseJsonObject(request.body))), 201);
  });
  router.Add("GET", "/api/v1/accounts/{id}/payments", [&service](http::Request& request) {
    long long limit = 50, offset = 0, total = 0;
    http::ReadPaging(request, limit, offset);
    auto payments =
        service.Payments(request.Who().organization_id, request.PathId("id"), limit, offset, total);
    return Page(payments, total);
  });
  router.Add("POST", "/api/v1/accounts/{id}/payments", [&service](http::Request& request) {
    long long id = request.PathId("id");
    return http::Response::Json(
        ToJson(service.AddPayment(request.AsActor(), id, ParseJsonObject(request.body))), 201);
  });
}

}  // namespace upravdom::accounts
