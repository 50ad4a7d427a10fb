#include "core/time.hpp"

#include <ctime>

namespace upravdom::timeutil {

std::string ToIso(std::chrono::system_clock::time_point t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string NowIso() {
  return ToIso(std::chrono::system_clock::now());
}

std::string IsoAfter(std::chrono::seconds delta) {
  return ToIso(std::chrono::system_clock::now() + delta);
}

}  // namespace upravdom::timeutil
