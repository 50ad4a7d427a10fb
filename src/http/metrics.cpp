#include "http/metrics.hpp"

#include <sstream>

namespace upravdom::http {

void Metrics::Record(const std::string& method, const std::string& route, int status,
                     double seconds) {
  std::lock_guard lock(mutex_);
  ++counts_[{method, route, status}];
  Histogram& h = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

namespace {
// Route templates and methods come from code, but escape anyway to keep the format valid.
std::string Label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}
}  // namespace

std::string Metrics::RenderPrometheus() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  out << "# HELP upravdom_http_requests_total HTTP requests by method, route and status.\n"
      << "# TYPE upravdom_http_requests_total counter\n";
  for (const auto& [key, count] : counts_) {
    const auto& [method, route, status] = key;
    out << "upravdom_http_requests_total{method=\"" << Label(method) << "\",route=\""
        << Label(route) << "\",status=\"" << status << "\"} " << count << "\n";
  }
  out << "# HELP upravdom_http_request_duration_seconds Time to answer a request.\n"
      << "# TYPE upravdom_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string label = "route=\"" + Label(route) + "\"";
    for (size_t i = 0; i < kBuckets.size(); ++i)
      out << "upravdom_http_request_duration_seconds_bucket{" << label << ",le=\"" << kBuckets[i]
          << "\"} " << h.buckets[i] << "\n";
    out << "upravdom_http_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} " << h.count
        << "\n";
    out << "upravdom_http_request_duration_seconds_sum{" << label << "} " << h.sum << "\n";
    out << "upravdom_http_request_duration_seconds_count{" << label << "} " << h.count << "\n";
  }
  return out.str();
}

}  // namespace upravdom::http
