#include "http/dispatcher.hpp"

#include <gtest/gtest.h>

using namespace upravdom::http;

namespace {

// Staff credentials are "Bearer staff" or the cookie; resident credentials "Bearer resident".
std::optional<Principal> Staff(const Request& request) {
  const std::string* authorization = request.Header("authorization");
  if (authorization && *authorization == "Bearer staff") return Principal{.role = Role::kOperator};
  if (request.Cookie("upravdom_session") == "staff")
    return Principal{.role = Role::kOperator, .via_cookie = true, .csrf_token = "csrf"};
  return std::nullopt;
}

std::optional<Principal> Resident(const Request& request) {
  const std::string* authorization = request.Header("authorization");
  if (authorization && *authorization == "Bearer resident")
    return Principal{.resident_id = 7, .resident_phone = "+79161234567"};
  return std::nullopt;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    auto ok = [](Request& request) {
      return Response::Json({{"resident", request.Who().resident_id.value_or(0)}});
    };
    router_.Add("GET", "/api/v1/things", ok);
    router_.Add("POST", "/api/resident/v1/things", ok, Access::kResident);
    router_.Add("POST", "/api/resident/v1/auth/code", ok, Access::kPublic);
  }

  int Status(const std::string& method, const std::string& path,
             std::map<std::string, std::string> headers) {
    Dispatcher dispatcher(
        router_, {Staff, Resident}, [] { return true; }, metrics_, nullptr);
    Request request;
    request.method = method;
    request.path = path;
    request.headers = std::move(headers);
    return dispatcher.Handle(request).status;
  }

  Router router_;
  Metrics metrics_;
};

}  // namespace

TEST_F(DispatcherTest, ResidentRoutesTakeResidentBearerTokensOnly) {
  EXPECT_EQ(Status("POST", "/api/resident/v1/things", {{"authorization", "Bearer resident"}}), 200);
  EXPECT_EQ(Status("POST", "/api/resident/v1/things", {{"authorization", "Bearer staff"}}), 401);
  EXPECT_EQ(Status("POST", "/api/resident/v1/things", {{"cookie", "upravdom_session=staff"}}), 401);
  EXPECT_EQ(Status("POST", "/api/resident/v1/things", {}), 401);
  // No CSRF header is needed: cookies are never read there.
  EXPECT_EQ(Status("POST", "/api/resident/v1/auth/code", {}), 200);
}

TEST_F(DispatcherTest, StaffRoutesRefuseResidentTokens) {
  EXPECT_EQ(Status("GET", "/api/v1/things", {{"authorization", "Bearer staff"}}), 200);
  EXPECT_EQ(Status("GET", "/api/v1/things", {{"authorization", "Bearer resident"}}), 401);
}

TEST_F(DispatcherTest, ResidentRoutesWithoutAResidentAuthenticatorAnswer401) {
  Dispatcher dispatcher(
      router_, {Staff, nullptr}, [] { return true; }, metrics_, nullptr);
  Request request;
  request.method = "POST";
  request.path = "/api/resident/v1/things";
  request.headers = {{"authorization", "Bearer resident"}};
  EXPECT_EQ(dispatcher.Handle(request).status, 401);
}

TEST(DispatcherAccess, AdminOrIntegrationRoutesTakeAdminsAndApiTokensOnly) {
  Router router;
  router.Add(
      "GET", "/api/v1/exchange/things", [](Request&) { return Response::Json({}); },
      Access::kAdminOrIntegration);
  Metrics metrics;
  // "Bearer <role>" signs in with that role.
  auto staff = [](const Request& request) -> std::optional<Principal> {
    const std::string* authorization = request.Header("authorization");
    if (!authorization || authorization->rfind("Bearer ", 0) != 0) return std::nullopt;
    const std::string name = authorization->substr(7);
    if (name == "integration") return Principal{.role = Role::kIntegration};
    auto role = ParseRole(name);
    if (!role) return std::nullopt;
    return Principal{.role = *role};
  };
  Dispatcher dispatcher(
      router, {staff, nullptr}, [] { return true; }, metrics, nullptr);
  auto status = [&](const std::string& role) {
    Request request;
    request.method = "GET";
    request.path = "/api/v1/exchange/things";
    request.headers = {{"authorization", "Bearer " + role}};
    return dispatcher.Handle(request).status;
  };
  EXPECT_EQ(status("admin"), 200);
  EXPECT_EQ(status("integration"), 200);
  EXPECT_EQ(status("operator"), 403);
  EXPECT_EQ(status("readonly"), 403);
  EXPECT_EQ(status("nobody"), 401);
}
