// Reading an import batch ({"space", "source", "dry_run", "records": […]}, docs/import-api.md)
// from a request body as a stream: the records are handed over one at a time, so the import
// holds one record's JSON in memory, not the whole batch's.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace upravdom::exchange {

inline constexpr size_t kMaxRecords = 200'000;

struct BatchHeader {
  std::string space = "operations";
  std::string source = "api";
  bool dry_run = false;
  size_t records = 0;
};

// The first pass: checks that the whole body is JSON of the batch's shape and reads the
// fields beside `records` (which may come after it). Throws ApiError: 400 for a body that
// is not JSON, 422 naming the field for a wrong shape; nothing has been applied then.
BatchHeader ReadBatchHeader(std::string_view body);

// The second pass: calls `visit(index, record)` for each element of `records`, in order,
// until it returns false. The body must have passed ReadBatchHeader.
void ForEachRecord(std::string_view body,
                   const std::function<bool(size_t, nlohmann::json&)>& visit);

}  // namespace upravdom::exchange
