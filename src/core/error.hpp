// The one error model of the product: an ErrorCode, a Russian message for the user, and the
// fields at fault. Handlers and services throw ApiError; the HTTP error boundary renders it.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace upravdom {

enum class ErrorCode {
  kInvalidJson,
  kBadRequest,
  kUnauthorized,
  kInvalidCredentials,
  kInvalidCode,  // resident app: a wrong one-time code
  kCodeExpired,  // resident app: the one-time code expired, was used or spent by attempts
  kForbidden,
  kCsrfFailed,
  kNotFound,
  kMethodNotAllowed,
  kConflict,
  kInUse,
  kHasDependants,  // 409: an owner with dependants (details.dependants)
  kPayloadTooLarge,
  kValidationFailed,
  kTooManyRequests,
  kInternal,
  kUnavailable,
};

// The wire name ("validation_failed") and the HTTP status of a code.
const char* ErrorCodeName(ErrorCode code);
int HttpStatus(ErrorCode code);

using FieldErrors = std::map<std::string, std::string>;

class ApiError : public std::runtime_error {
 public:
  ApiError(ErrorCode code, std::string message, FieldErrors fields = {},
           nlohmann::json details = nullptr)
      : std::runtime_error(message),
        code_(code),
        message_(std::move(message)),
        fields_(std::move(fields)),
        details_(std::move(details)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const FieldErrors& fields() const { return fields_; }
  const nlohmann::json& details() const { return details_; }
  // Seconds for a Retry-After header (throttling); 0 = none.
  int retry_after() const { return retry_after_; }
  ApiError& WithRetryAfter(int seconds) {
    retry_after_ = seconds;
    return *this;
  }

  // {"code", "message", "fields"?, "details"?}
  nlohmann::json ToJson() const;

 private:
  ErrorCode code_;
  std::string message_;
  FieldErrors fields_;
  nlohmann::json details_;
  int retry_after_ = 0;
};

// Shorthands for the most common errors.
[[noreturn]] void ThrowNotFound(const std::string& message = "Запись не найдена");
[[noreturn]] void ThrowValidation(FieldErrors fields,
                                  const std::string& message = "Проверьте заполнение полей");
[[noreturn]] void ThrowFieldError(const std::string& field, const std::string& message);

}  // namespace upravdom
