// A generated file sent as a download: written to a temporary file (constant memory), then
// streamed from disk and removed.
#pragma once

#include <functional>
#include <string>

#include "http/types.hpp"

namespace upravdom::http {

// Calls `write(path)` to fill a new temporary .xlsx file and answers with it as an
// attachment named `filename` (UTF-8, e.g. «Помещения.xlsx»).
Response XlsxDownload(const std::function<void(const std::string& path)>& write,
                      const std::string& filename);

}  // namespace upravdom::http
