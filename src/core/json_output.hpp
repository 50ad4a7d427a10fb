// Writing optional values into JSON answers and change-history entries.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

namespace upravdom {

// The value, or JSON null when there is none.
template <class T>
nlohmann::json Optional(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace upravdom
