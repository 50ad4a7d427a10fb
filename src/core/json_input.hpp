// Strict reading of JSON request bodies: malformed JSON → 400 invalid_json; wrong types,
// missing required fields and unknown fields → 422 validation_failed naming each field.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace upravdom {

// Parses a request body that must be a JSON object; throws ApiError(kInvalidJson) otherwise.
nlohmann::json ParseJsonObject(std::string_view body);

struct TextRule {
  bool required = false;
  size_t min_length = 1;  // in code points, after trimming; applies when a value is given
  size_t max_length = 200;
  bool trim = true;  // false for passwords: taken exactly as typed
};

struct IntegerRule {
  bool required = false;
  long long min = std::numeric_limits<long long>::min();
  long long max = std::numeric_limits<long long>::max();
};

// Reads the fields of one JSON object, collecting every problem before reporting them all.
// A field that is absent reads as std::nullopt; "null" too (Has/IsNull tell them apart).
class BodyReader {
 public:
  explicit BodyReader(const nlohmann::json& object) : object_(object) {}

  std::optional<std::string> Text(const std::string& name, const TextRule& rule);
  std::optional<long long> Integer(const std::string& name, const IntegerRule& rule);
  std::optional<bool> Bool(const std::string& name, bool required = false);
  // A JSON number with at most `decimals` digits after the point, returned scaled to an
  // integer (54.35 with 2 decimals → 5435); min and max are in the scaled unit.
  std::optional<long long> Fixed(const std::string& name, int decimals, long long min,
                                 long long max, bool required = false);
  // An array of strings (absent or null → nullopt).
  std::optional<std::vector<std::string>> StringList(const std::string& name);

  bool Has(const std::string& name) const { return object_.contains(name); }
  bool IsNull(const std::string& name) const {
    return object_.contains(name) && object_.at(name).is_null();
  }
  bool HasError(const std::string& name) const { return errors_.count(name) > 0; }
  void Fail(const std::string& name, const std::string& message);

  // Throws 422 with every collected error and every field that was never read (unknown).
  void Finish();

 private:
  const nlohmann::json* Field(const std::string& name, bool required);

  const nlohmann::json& object_;
  FieldErrors errors_;
  // The names read so far: a record has a few dozen fields at most, and a vector searched
  // from the start costs less than a tree node per name (imports read millions of fields).
  std::vector<std::string> known_;
  bool Known(std::string_view name) const;
};

}  // namespace upravdom
