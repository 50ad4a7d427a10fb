#include "core/error.hpp"

#include <gtest/gtest.h>

using namespace upravdom;

TEST(ApiError, RendersOneShape) {
  ApiError error(ErrorCode::kValidationFailed, "Проверьте заполнение полей",
                 {{"inn", "Неверное контрольное число ИНН"}});
  nlohmann::json body = error.ToJson();
  EXPECT_EQ(body["code"], "validation_failed");
  EXPECT_EQ(body["message"], "Проверьте заполнение полей");
  EXPECT_EQ(body["fields"]["inn"], "Неверное контрольное число ИНН");
  EXPECT_FALSE(body.contains("details"));
}

TEST(ApiError, MapsCodesToStatuses) {
  EXPECT_EQ(HttpStatus(ErrorCode::kInvalidJson), 400);
  EXPECT_EQ(HttpStatus(ErrorCode::kUnauthorized), 401);
  EXPECT_EQ(HttpStatus(ErrorCode::kCsrfFailed), 403);
  EXPECT_EQ(HttpStatus(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatus(ErrorCode::kInUse), 409);
  EXPECT_EQ(HttpStatus(ErrorCode::kValidationFailed), 422);
  EXPECT_EQ(HttpStatus(ErrorCode::kTooManyRequests), 429);
  EXPECT_EQ(HttpStatus(ErrorCode::kUnavailable), 503);
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kInUse), "in_use");
}
