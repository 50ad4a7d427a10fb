#include "db/sql.hpp"

#include <gtest/gtest.h>

#include <string>

using upravdom::db::Sql;

TEST(PostgresText, PlaceholdersBecomeNumberedAndCastsStay) {
  Sql query("SELECT id::text FROM t WHERE a = ");
  query.Bind(1LL) << " AND b = ";
  query.Bind(std::string("x")) << "::text AND c = ':p9' AND \"col:p1\" = ";
  query.BindNull();
  EXPECT_EQ(query.text(),
            "SELECT id::text FROM t WHERE a = :p1 AND b = :p2::text AND c = ':p9' AND \"col:p1\" = "
            ":p3");
  EXPECT_EQ(
      query.PostgresText(),
      "SELECT id::text FROM t WHERE a = $1 AND b = $2::text AND c = ':p9' AND \"col:p1\" = $3");
}

TEST(PostgresText, ValuesAreLibpqText) {
  Sql query("VALUES (");
  query.Bind(-42LL) << ", ";
  query.Bind(0.1) << ", ";
  query.Bind(true) << ", ";
  query.Bind(std::string("текст")) << ", ";
  query.BindNull() << ")";
  const Sql::PostgresParams params = query.PostgresValues();
  ASSERT_EQ(params.values.size(), 5u);
  EXPECT_STREQ(params.values[0], "-42");
  EXPECT_STREQ(params.values[1], "0.1");  // the shortest text that reads back the same double
  EXPECT_STREQ(params.values[2], "1");
  EXPECT_STREQ(params.values[3], "текст");
  EXPECT_EQ(params.values[4], nullptr);
}
