// Timestamps as ISO-8601 UTC strings ("2026-11-27T06:28:49Z"): the one format stored in both
// databases and sent over the API; they sort lexically in time order.
#pragma once

#include <chrono>
#include <string>

namespace upravdom::timeutil {

std::string ToIso(std::chrono::system_clock::time_point t);
std::string NowIso();
std::string IsoAfter(std::chrono::seconds delta);  // now + delta

}  // namespace upravdom::timeutil
