// Who performs an operation, as services and the change history see it.
#pragma once

#include <optional>
#include <string>

namespace upravdom {

struct Actor {
  long long organization_id = 0;
  std::optional<long long> user_id;  // empty for API tokens and imports
  std::string name;                  // "Иванова Анна", "API: 1С"
};

}  // namespace upravdom
