#include "core/temp_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace upravdom {

int RemoveStaleTempFiles(const std::filesystem::path& directory, std::string_view prefix,
                         std::chrono::seconds age) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto stale = fs::file_time_type::clock::now() - age;
  int removed = 0;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    struct stat info {};
    // lstat: a link is not followed (nor removed: it is not a regular file).
    if (::lstat(entry.path().c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
        info.st_uid != ::geteuid())
      continue;
    std::error_code time_error;
    if (entry.last_write_time(time_error) >= stale || time_error) continue;
    if (fs::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace upravdom
