#include "domains/access/handlers.hpp"

#include "core/json_input.hpp"
#include "http/params.hpp"

namespace upravdom::access {

namespace {

std::string Cookie(const std::string& name, const std::string& value, long long max_age,
                   bool http_only, const CookieOptions& options) {
  std::string cookie =
      name + "=" + value + "; Path=/; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (http_only) cookie += "; HttpOnly";
  if (options.secure) cookie += "; Secure";
  return cookie;
}

// The token the request was authenticated with (bearer or cookie).
std::string SessionToken(const http::Request& request) {
  if (const std::string* authorization = request.Header("authorization"))
    return authorization->substr(std::min<size_t>(authorization->size(), 7));
  return request.Cookie(AccessService::kSessionCookie).value_or("");
}

}  // namespace

void RegisterAccessRoutes(http::Router& router, AccessService& service, CookieOptions cookies) {
  router.Add(
      "POST", "/api/v1/auth/login",
      [&service, cookies](http::Request& request) {
        nlohmann::json body = ParseJsonObject(request.body);
        BodyReader reader(body);
        auto login = reader.Text("login", {.required = true, .max_length = 100});
        auto password =
            reader.Text("password", {.required = true, .max_length = 1024, .trim = false});
        reader.Finish();

        LoginResult result = service.Login(*login, *password, request.remote_address);
        http::Response response = http::Response::Json({{"token", result.token},
                                                        {"csrf_token", result.csrf_token},
                                                        {"user", UserJson(result.user)}});
        response.headers.emplace_back("Set-Cookie",
                                      Cookie(AccessService::kSessionCookie, result.token,
                                             AccessService::kSessionSeconds, true, cookies));
        response.headers.emplace_back("Set-Cookie",
                                      Cookie(AccessService::kCsrfCookie, result.csrf_token,
                                             AccessService::kSessionSeconds, false, cookies));
        response.headers.emplace_back("Cache-Control", "no-store");
        return response;
      },
      http::Access::kPublic);

  router.Add(
      "POST", "/api/v1/auth/logout",
      [&service, cookies](http::Request& request) {
        if (!request.Who().api_token_id) service.Logout(SessionToken(request));
        http::Response response = http::Response::NoContent();
        response.headers.emplace_back("Set-Cookie",
                                      Cookie(AccessService::kSessionCookie, "", 0, true, cookies));
        response.headers.emplace_back("Set-Cookie",
                                      Cookie(AccessService::kCsrfCookie, "", 0, false, cookies));
        return response;
      },
      http::Access::kSelf);

  router.Add(
      "PATCH", "/api/v1/me",
      [&service](http::Request& request) {
        nlohmann::json body = ParseJsonObject(request.body);
        BodyReader reader(body);
        auto space = reader.Text("space", {.required = true, .max_length = 20});
        reader.Finish();
        service.SetSpace(request.Who(), SessionToken(request), *space);
        http::Principal who = request.Who();
        who.space = *space;
        return http::Response::Json(service.Me(who));
      },
      http::Access::kSelf);
  router.Add(
      "GET", "/api/v1/me",
      [&service](http::Request& request) {
        return http::Response::Json(service.Me(request.Who()));
      },
      http::Access::kSelf);

  // The organisation's staff users (P-1: admins manage users).
  router.Add(
      "GET", "/api/v1/users",
      [&service](http::Request& request) {
        return http::Response::Json(service.ListUsers(request.Who().organization_id));
      },
      http::Access::kAdmin);
  router.Add(
      "POST", "/api/v1/users",
      [&service](http::Request& request) {
        nlohmann::json body = ParseJsonObject(request.body);
        BodyReader reader(body);
        auto login = reader.Text("login", {.required = true, .max_length = 100});
        auto password =
            reader.Text("password", {.required = true, .max_length = 1024, .trim = false});
        auto full_name = reader.Text("full_name", {.required = true, .max_length = 200});
        auto role = reader.Text("role", {.required = true, .max_length = 20});
        reader.Finish();
        return http::Response::Json(
            service.AddUser(request.AsActor(), {*login, *password, *role, *full_name}), 201);
      },
      http::Access::kAdmin);
  router.Add(
      "PATCH", "/api/v1/users/{id}",
      [&service](http::Request& request) {
        nlohmann::json body = ParseJsonObject(request.body);
        BodyReader reader(body);
        // A field sent is required: empty or null would read as absent and silently keep the
        // name, role, password or block the client meant to change.
        auto sent = [&](const char* name) { return reader.Has(name); };
        AccessService::UserEdit edit;
        edit.full_name =
            reader.Text("full_name", {.required = sent("full_name"), .max_length = 200});
        edit.role = reader.Text("role", {.required = sent("role"), .max_length = 20});
        edit.password = reader.Text(
            "password", {.required = sent("password"), .max_length = 1024, .trim = false});
        edit.blocked = reader.Bool("blocked", sent("blocked"));
        reader.Finish();
        return http::Response::Json(service.ChangeUser(request.AsActor(), request.PathId("id"),
                                                       edit, SessionToken(request)));
      },
      http::Access::kAdmin);

  router.Add(
      "GET", "/api/v1/users/{id}/history",
      [&service](http::Request& request) {
        long long limit = 50, offset = 0;
        http::ReadPaging(request, limit, offset);
        return http::Response::Json(service.UserHistory(request.Who().organization_id,
                                                        request.PathId("id"), limit, offset));
      },
      http::Access::kAdmin);

  // The organisation's API tokens (P-1: admins manage integrations); tokens cannot manage
  // tokens.
  router.Add(
      "GET", "/api/v1/integration/tokens",
      [&service](http::Request& request) {
        return http::Response::Json(service.ListApiTokens(request.Who().organization_id));
      },
      http::Access::kAdmin);
  router.Add(
      "POST", "/api/v1/integration/tokens",
      [&service](http::Request& request) {
        nlohmann::json body = ParseJsonObject(request.body);
        BodyReader reader(body);
        auto name = reader.Text("name", {.required = true, .max_length = 100});
        reader.Finish();
        nlohmann::json issued = service.IssueApiToken(request.AsActor(), *name);
        http::Response response = http::Response::Json(issued, 201);
        response.headers.emplace_back("Cache-Control", "no-store");  // the token, once
        return response;
      },
      http::Access::kAdmin);
  router.Add(
      "DELETE", "/api/v1/integration/tokens/{id}",
      [&service](http::Request& request) {
        service.RevokeApiToken(request.AsActor(), request.PathId("id"));
        return http::Response::NoContent();
      },
      http::Access::kAdmin);
}

}  // namespace upravdom::access
