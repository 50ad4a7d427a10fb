#include "http/router.hpp"

#include <stdexcept>

namespace upravdom::http {

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

void Router::Add(const std::string& method, const std::string& pattern, Handler handler,
                 Access access) {
  for (const Route& route : routes_)
    if (route.method == method && route.pattern == pattern)
      throw std::logic_error("route registered twice: " + method + " " + pattern);
  routes_.push_back({method, pattern, SplitPath(pattern), std::move(handler), access});
}

namespace {

bool MatchSegments(const Route& route, const std::vector<std::string>& segments,
                   std::map<std::string, std::string>& params) {
  if (route.segments.size() != segments.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& expected = route.segments[i];
    if (expected.size() > 2 && expected.front() == '{' && expected.back() == '}')
      found[expected.substr(1, expected.size() - 2)] = segments[i];
    else if (expected != segments[i])
      return false;
  }
  params = std::move(found);
  return true;
}

}  // namespace

Router::Match Router::Find(const std::string& method, const std::string& path) const {
  Match match;
  const std::vector<std::string> segments = SplitPath(path);
  // A literal segment beats a parameter ("/objects/export" before "/objects/{id}"): try
  // routes with fewer parameters first by scanning twice.
  for (int pass = 0; pass < 2; ++pass) {
    for (const Route& route : routes_) {
      bool has_params = route.pattern.find('{') != std::string::npos;
      if (has_params != (pass == 1)) continue;
      std::map<std::string, std::string> params;
      if (!MatchSegments(route, segments, params)) continue;
      if (route.method == method || (method == "HEAD" && route.method == "GET")) {
        match.route = &route;
        match.params = std::move(params);
        return match;
      }
      match.allowed.push_back(route.method);
    }
  }
  return match;
}

}  // namespace upravdom::http
