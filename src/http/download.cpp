#include "http/download.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace upravdom::http {

namespace {

std::string TemporaryPath(const std::string& suffix) {
  std::string path =
      (std::filesystem::temp_directory_path() / ("upravdom-download-XXXXXX" + suffix)).string();
  int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw std::runtime_error("cannot create a temporary file");
  close(fd);
  return path;
}

// RFC 5987: filename*=UTF-8''%D0%9F…
std::string EncodeFilename(const std::string& name) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

Response XlsxDownload(const std::function<void(const std::string& path)>& write,
                      const std::string& filename) {
  std::string path = TemporaryPath(".xlsx");
  try {
    write(path);
  } catch (...) {
    std::remove(path.c_str());
    throw;
  }
  Response response;
  response.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  response.file_path = path;
  response.delete_file_after_send = true;
  response.headers.emplace_back(
      "Content-Disposition",
      "attachment; filename=\"export.xlsx\"; filename*=UTF-8''" + EncodeFilename(filename));
  return response;
}

}  // namespace upravdom::http
