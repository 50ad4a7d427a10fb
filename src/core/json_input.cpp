#include "core/json_input.hpp"

#include <algorithm>
#include <cmath>

#include "core/text.hpp"

namespace upravdom {

nlohmann::json ParseJsonObject(std::string_view body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded())
    throw ApiError(ErrorCode::kInvalidJson, "Тело запроса не является корректным JSON");
  if (!parsed.is_object())
    throw ApiError(ErrorCode::kInvalidJson, "Тело запроса должно быть JSON-объектом");
  return parsed;
}

void BodyReader::Fail(const std::string& name, const std::string& message) {
  errors_.emplace(name, message);
}

const nlohmann::json* BodyReader::Field(const std::string& name, bool required) {
  if (!Known(name)) known_.push_back(name);
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (required) Fail(name, "Обязательное поле");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> BodyReader::Text(const std::string& name, const TextRule& rule) {
  const nlohmann::json* value = Field(name, rule.required);
  if (!value) return std::nullopt;
  if (!value->is_string()) {
    Fail(name, "Ожидается строка");
    return std::nullopt;
  }
  const std::string& raw = value->get_ref<const std::string&>();
  // PostgreSQL cannot store NUL in text, and no form can type it: refuse it everywhere.
  if (raw.find('\0') != std::string::npos) {
    Fail(name, "Недопустимый символ в тексте");
    return std::nullopt;
  }
  std::string text = rule.trim ? text::Trim(raw) : raw;
  size_t length = text::CodePointCount(text);
  if (length == 0 && rule.required) {
    Fail(name, "Обязательное поле");
    return std::nullopt;
  }
  if (length == 0) return std::nullopt;  // an empty optional text means "no value"
  if (length < rule.min_length) {
    Fail(name, "Не короче " + std::to_string(rule.min_length) + " символов");
    return std::nullopt;
  }
  if (length > rule.max_length) {
    Fail(name, "Не длиннее " + std::to_string(rule.max_length) + " символов");
    return std::nullopt;
  }
  return text;
}

std::optional<long long> BodyReader::Integer(const std::string& name, const IntegerRule& rule) {
  const nlohmann::json* value = Field(name, rule.required);
  if (!value) return std::nullopt;
  if (!value->is_number_integer()) {
    Fail(name, "Ожидается целое число");
    return std::nullopt;
  }
  long long number =
      value->is_number_unsigned()
          ? static_cast<long long>(std::min<unsigned long long>(
                value->get<unsigned long long>(), std::numeric_limits<long long>::max()))
          : value->get<long long>();
  if (number < rule.min || number > rule.max) {
    Fail(name, "Допустимо от " + std::to_string(rule.min) + " до " + std::to_string(rule.max));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> BodyReader::Bool(const std::string& name, bool required) {
  const nlohmann::json* value = Field(name, required);
  if (!value) return std::nullopt;
  if (!value->is_boolean()) {
    Fail(name, "Ожидается true или false");
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<long long> BodyReader::Fixed(const std::string& name, int decimals, long long min,
                                           long long max, bool required) {
  const nlohmann::json* value = Field(name, required);
  if (!value) return std::nullopt;
  if (!value->is_number()) {
    Fail(name, "Ожидается число");
    return std::nullopt;
  }
  double scale = std::pow(10.0, decimals);
  double scaled = value->get<double>() * scale;
  double rounded = std::round(scaled);
  // Binary floating point carries 54.35 as 54.3499…; a tiny tolerance accepts it.
  if (std::fabs(scaled - rounded) > 1e-6 * std::max(1.0, std::fabs(scaled))) {
    Fail(name, "Не более " + std::to_string(decimals) + " знаков после запятой");
    return std::nullopt;
  }
  if (rounded < static_cast<double>(min) || rounded > static_cast<double>(max)) {
    auto show = [scale](long long v) {
      std::string text = std::to_string(static_cast<double>(v) / scale);
      text.erase(text.find_last_not_of('0') + 1);
      if (!text.empty() && text.back() == '.') text.pop_back();
      return text;
    };
    Fail(name, "Допустимо от " + show(min) + " до " + show(max));
    return std::nullopt;
  }
  return static_cast<long long>(rounded);
}

std::optional<std::vector<std::string>> BodyReader::StringList(const std::string& name) {
  const nlohmann::json* value = Field(name, false);
  if (!value) return std::nullopt;
  if (!value->is_array()) {
    Fail(name, "Ожидается список строк");
    return std::nullopt;
  }
  std::vector<std::string> items;
  for (const nlohmann::json& item : *value) {
    if (!item.is_string()) {
      Fail(name, "Ожидается список строк");
      return std::nullopt;
    }
    if (item.get_ref<const std::string&>().find('\0') != std::string::npos) {
      Fail(name, "Недопустимый символ в тексте");
      return std::nullopt;
    }
    items.push_back(item.get<std::string>());
  }
  return items;
}

bool BodyReader::Known(std::string_view name) const {
  return std::find(known_.begin(), known_.end(), name) != known_.end();
}

void BodyReader::Finish() {
  for (const auto& [name, value] : object_.items())
    if (!Known(name)) errors_.emplace(name, "Неизвестное поле");
  if (!errors_.empty()) ThrowValidation(errors_);
}

}  // namespace upravdom
