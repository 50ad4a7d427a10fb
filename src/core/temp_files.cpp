#include "core/temp_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

namespace upravdom {

int RemoveStaleTempFiles(const std::filesystem::path& directory, std::string_view prefix,
                         std::chrono::seconds age) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto stale = std::chrono::system_clock::now() - age;
  int removed = 0;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    struct stat info {};
    // lstat: a link is not followed (nor removed: it is not a regular file).
    if (::lstat(entry.path().c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
        info.st_uid != ::geteuid())
      continue;
    const auto written = std::chrono::system_clock::from_time_t(info.st_mtim.tv_sec);
    if (written >= stale) continue;
    if (fs::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace upravdom
