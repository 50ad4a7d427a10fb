#include "http/router.hpp"

#include <gtest/gtest.h>

using namespace upravdom::http;

namespace {
Handler Named(std::string name) {
  return [name](Request&) {
    Response r;
    r.body = name;
    return r;
  };
}
}  // namespace

TEST(Router, MatchesParametersAndLiterals) {
  Router router;
  router.Add("GET", "/api/v1/objects/{id}", Named("read"));
  router.Add("GET", "/api/v1/objects/export", Named("export"));
  router.Add("GET", "/api/v1/objects/{object_id}/entrances/{id}", Named("entrance"));

  auto m = router.Find("GET", "/api/v1/objects/42");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.params.at("id"), "42");

  m = router.Find("GET", "/api/v1/objects/export");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.route->pattern, "/api/v1/objects/export");

  m = router.Find("GET", "/api/v1/objects/7/entrances/3");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.params.at("object_id"), "7");
  EXPECT_EQ(m.params.at("id"), "3");
}

TEST(Router, ReportsWrongMethodSeparately) {
  Router router;
  router.Add("GET", "/api/v1/objects", Named("list"));
  auto m = router.Find("DELETE", "/api/v1/objects");
  EXPECT_FALSE(m.route);
  EXPECT_EQ(m.allowed, std::vector<std::string>{"GET"});
  m = router.Find("GET", "/api/v1/nothing");
  EXPECT_FALSE(m.route);
  EXPECT_TRUE(m.allowed.empty());
}

TEST(Router, RefusesDuplicates) {
  Router router;
  router.Add("GET", "/a", Named("a"));
  EXPECT_THROW(router.Add("GET", "/a", Named("b")), std::logic_error);
}
