#include "core/json_input.hpp"

#include <gtest/gtest.h>

using namespace upravdom;

TEST(BodyReader, CollectsEveryProblem) {
  nlohmann::json body = {{"name", 5}, {"extra", true}};
  BodyReader reader(body);
  reader.Text("name", {.required = true});
  reader.Integer("count", {.required = true});
  try {
    reader.Finish();
    FAIL() << "expected a validation error";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), ErrorCode::kValidationFailed);
    EXPECT_EQ(error.fields().at("name"), "Ожидается строка");
    EXPECT_EQ(error.fields().at("count"), "Обязательное поле");
    EXPECT_EQ(error.fields().at("extra"), "Неизвестное поле");
  }
}

TEST(BodyReader, ReadsFixedPointExactly) {
  nlohmann::json body = nlohmann::json::parse(R"({"a": 54.35, "b": 0.1, "c": 54.355, "d": 7})");
  BodyReader reader(body);
  EXPECT_EQ(reader.Fixed("a", 2, 1, 10'000'000).value(), 5435);
  EXPECT_EQ(reader.Fixed("b", 2, 1, 10'000'000).value(), 10);
  EXPECT_FALSE(reader.Fixed("c", 2, 1, 10'000'000));
  EXPECT_EQ(reader.Fixed("d", 2, 1, 10'000'000).value(), 700);
  EXPECT_TRUE(reader.HasError("c"));
}

TEST(BodyReader, BlankOptionalTextIsNoValue) {
  nlohmann::json body = {{"kpp", "   "}};
  BodyReader reader(body);
  EXPECT_FALSE(reader.Text("kpp", {}));
  EXPECT_NO_THROW(reader.Finish());
}

TEST(ParseJsonObject, RefusesNonObjects) {
  EXPECT_THROW(ParseJsonObject("[1]"), ApiError);
  EXPECT_THROW(ParseJsonObject("{bad"), ApiError);
  EXPECT_NO_THROW(ParseJsonObject("{}"));
}
