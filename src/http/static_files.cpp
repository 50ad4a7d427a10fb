#include "http/static_files.hpp"

#include <map>

#include "http/router.hpp"

namespace upravdom::http {

namespace fs = std::filesystem;

StaticFiles::StaticFiles(fs::path root) : root_(fs::weakly_canonical(std::move(root))) {}

namespace {

std::string ContentType(const fs::path& file) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}};
  auto it = kTypes.find(file.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

Response FileResponse(const fs::path& file, bool immutable) {
  Response response;
  response.file_path = file.string();
  response.content_type = ContentType(file);
  // Vite puts content-hashed names under assets/: they never change, so cache them for a
  // year; everything else (index.html) must be revalidated to pick up a new build.
  response.headers.emplace_back("Cache-Control",
                                immutable ? "public, max-age=31536000, immutable" : "no-cache");
  return response;
}

}  // namespace

std::optional<Response> StaticFiles::Serve(const std::string& path) const {
  std::vector<std::string> segments = SplitPath(path);
  fs::path file = root_;
  for (const std::string& segment : segments) {
    if (segment == ".." || segment == "." || segment.find('\\') != std::string::npos)
      return std::nullopt;
    file /= segment;
  }
  std::error_code ec;
  if (!segments.empty() && fs::is_regular_file(file, ec))
    return FileResponse(file, segments.front() == "assets");
  // A path whose last segment has a dot names a file that is missing: 404. Any other path
  // is a page of the app: answer with index.html and let the browser route it.
  if (!segments.empty() && segments.back().find('.') != std::string::npos) return std::nullopt;
  if (!segments.empty() && segments.front() == "assets") return std::nullopt;
  fs::path index = root_ / "index.html";
  if (!fs::is_regular_file(index, ec)) return std::nullopt;
  return FileResponse(index, false);
}

}  // namespace upravdom::http
