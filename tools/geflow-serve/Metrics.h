//===- Metrics.h - Prometheus metrics of geflow-serve -----------*- C++ -*-===//
//
// What /metrics exposes, in the Prometheus text format: requests by model,
// protocol and outcome, request latency and batch size histograms per
// model, and gauges read at scrape time (queue depth, loaded versions).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_METRICS_H
#define GEFLOW_SERVE_METRICS_H

#include "ServeStatus.h"

#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace geflow::serve {

class Metrics {
public:
  /// A finished request: `protocol` is "tfserving", "kserve" or "grpc".
  void observeRequest(const std::string &model, const std::string &protocol,
                      Code code, double seconds);
  /// A batch of `rows` rows run on a gear of `gearBatch` rows.
  void observeBatch(const std::string &model, int64_t rows, int64_t gearBatch);
  /// `count` stored warm-up requests replayed while a version loaded.
  void observeWarmupRequests(const std::string &model, uint64_t count);
  /// Gauges, read at every scrape: label value -> value.
  using GaugeFn = std::function<std::map<std::string, double>()>;
  void addGauge(const std::string &name, const std::string &help,
                const std::string &label, GaugeFn read);

  /// The Prometheus text exposition.
  std::string render() const;

private:
  static constexpr std::array<double, 14> kLatencyBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   2.5};
  struct Histogram {
    std::vector<uint64_t> counts; // per bucket (not cumulative), then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  struct Gauge {
    std::string name, help, label;
    GaugeFn read;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t>
      requests_;
  std::map<std::string, Histogram> latency_;
  std::map<std::string, Histogram> batchSize_;
  std::map<std::string, uint64_t> paddedRows_;
  std::map<std::string, uint64_t> warmupRequests_;
  std::vector<Gauge> gauges_;
};

} // namespace geflow::serve

#endif // GEFLOW_SERVE_METRICS_H
