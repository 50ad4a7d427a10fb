// Serves the built web UI: files from one directory, hashed assets cached for a year,
// index.html for every other page path (the single-page app routes in the browser).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "http/types.hpp"

namespace upravdom::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);
  // A response for the path, or nullopt when nothing fits (→ 404).
  std::optional<Response> Serve(const std::string& path) const;

 private:
  std::filesystem::path root_;
};

}  // namespace upravdom::http
