// Request counts and latency histograms per route, rendered as Prometheus text.
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace upravdom::http {

class Metrics {
 public:
  void Record(const std::string& method, const std::string& route, int status, double seconds);
  std::string RenderPrometheus() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   5};
  struct Histogram {
    std::array<unsigned long long, kBuckets.size()> buckets{};
    unsigned long long count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, unsigned long long> counts_;
  std::map<std::string, Histogram> latency_;  // by route
};

}  // namespace upravdom::http
