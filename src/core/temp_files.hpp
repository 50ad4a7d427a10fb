// Temporary files a crash left behind: a download (up to 1 GB) or an uploaded file written to
// the temp directory is removed when its request ends, but not when the server is killed
// while it runs.
#pragma once

#include <chrono>
#include <filesystem>
#include <string_view>

namespace upravdom {

// Removes the regular files in `directory` whose name starts with `prefix`, that this
// process's user owns (a shared /tmp holds other users' files) and that were last written
// over `age` ago — older than any request that could still be writing them. Errors are
// ignored (a file another instance removes at the same time, say). Returns how many went.
int RemoveStaleTempFiles(const std::filesystem::path& directory, std::string_view prefix,
                         std::chrono::seconds age);

}  // namespace upravdom
