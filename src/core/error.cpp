#include "core/error.hpp"

namespace upravdom {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidJson:
      return "invalid_json";
    case ErrorCode::kBadRequest:
      return "bad_request";
    case ErrorCode::kUnauthorized:
      return "unauthorized";
    case ErrorCode::kInvalidCredentials:
      return "invalid_credentials";
    case ErrorCode::kInvalidCode:
      return "invalid_code";
    case ErrorCode::kCodeExpired:
      return "code_expired";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kCsrfFailed:
      return "csrf_failed";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kInUse:
      return "in_use";
    case ErrorCode::kHasDependants:
      return "has_dependants";
    case ErrorCode::kPayloadTooLarge:
      return "payload_too_large";
    case ErrorCode::kValidationFailed:
      return "validation_failed";
    case ErrorCode::kTooManyRequests:
      return "too_many_requests";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kUnavailable:
      return "unavailable";
  }
  return "internal";
}

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidJson:
    case ErrorCode::kBadRequest:
      return 400;
    case ErrorCode::kUnauthorized:
    case ErrorCode::kInvalidCredentials:
    case ErrorCode::kInvalidCode:
    case ErrorCode::kCodeExpired:
      return 401;
    case ErrorCode::kForbidden:
    case ErrorCode::kCsrfFailed:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kConflict:
    case ErrorCode::kInUse:
    case ErrorCode::kHasDependants:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kValidationFailed:
      return 422;
    case ErrorCode::kTooManyRequests:
      return 429;
    case ErrorCode::kInternal:
      return 500;
    case ErrorCode::kUnavailable:
      return 503;
  }
  return 500;
}

nlohmann::json ApiError::ToJson() const {
  nlohmann::json body = {{"code", ErrorCodeName(code_)}, {"message", message_}};
  if (!fields_.empty()) body["fields"] = fields_;
  if (!details_.is_null()) body["details"] = details_;
  return body;
}

void ThrowNotFound(const std::string& message) {
  throw ApiError(ErrorCode::kNotFound, message);
}

void ThrowValidation(FieldErrors fields, const std::string& message) {
  throw ApiError(ErrorCode::kValidationFailed, message, std::move(fields));
}

void ThrowFieldError(const std::string& field, const std::string& message) {
  ThrowValidation({{field, message}});
}

}  // namespace upravdom
