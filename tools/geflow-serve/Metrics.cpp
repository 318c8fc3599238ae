//===- Metrics.cpp - Prometheus metrics of geflow-serve -------------------===//
#include "Metrics.h"

#include <cstdio>

namespace geflow::serve {

static constexpr std::array<double, 8> kBatchBuckets = {1,  2,  4,  8,
                                                        16, 32, 64, 128};

static void observe(std::vector<uint64_t> &counts, double value,
                    const double *bounds, size_t n) {
  if (counts.empty())
    counts.assign(n + 1, 0);
  size_t i = 0;
  while (i < n && value > bounds[i])
    ++i;
  ++counts[i];
}

static std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

static std::string labelValue(const std::string &v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Metrics::observeRequest(const std::string &model,
                             const std::string &protocol, Code code,
                             double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{model, protocol, std::to_string(httpStatus(code))}];
  Histogram &h = latency_[model];
  observe(h.counts, seconds, kLatencyBuckets.data(), kLatencyBuckets.size());
  h.sum += seconds;
  ++h.count;
}

void Metrics::observeBatch(const std::string &model, int64_t rows,
                           int64_t gearBatch) {
  std::lock_guard<std::mutex> lock(mu_);
  Histogram &h = batchSize_[model];
  observe(h.counts, double(rows), kBatchBuckets.data(), kBatchBuckets.size());
  h.sum += double(rows);
  ++h.count;
  paddedRows_[model] += uint64_t(gearBatch - rows);
}

void Metrics::observeWarmupRequests(const std::string &model, uint64_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  warmupRequests_[model] += count;
}

void Metrics::addGauge(const std::string &name, const std::string &help,
                       const std::string &label, GaugeFn read) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_.push_back({name, help, label, std::move(read)});
}

static void renderHistogram(std::string &out, const std::string &name,
                            const std::string &model, const double *bounds,
                            size_t n, const std::vector<uint64_t> &counts,
                            double sum, uint64_t count) {
  uint64_t cumulative = 0;
  std::string labels = "model=\"" + labelValue(model) + "\"";
  for (size_t i = 0; i <= n; ++i) {
    cumulative += counts.empty() ? 0 : counts[i];
    out += name + "_bucket{" + labels + ",le=\"" +
           (i < n ? number(bounds[i]) : std::string("+Inf")) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += name + "_sum{" + labels + "} " + number(sum) + "\n";
  out += name + "_count{" + labels + "} " + std::to_string(count) + "\n";
}

std::string Metrics::render() const {
  std::vector<Gauge> gauges;
  std::string out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out += "# HELP geflow_serve_requests_total Requests answered, by model, "
           "protocol and HTTP status.\n# TYPE geflow_serve_requests_total "
           "counter\n";
    for (const auto &[key, n] : requests_)
      out += "geflow_serve_requests_total{model=\"" +
             labelValue(std::get<0>(key)) + "\",protocol=\"" +
             std::get<1>(key) + "\",code=\"" + std::get<2>(key) + "\"} " +
             std::to_string(n) + "\n";
    out += "# HELP geflow_serve_request_duration_seconds Request latency, "
           "decoding to encoding.\n# TYPE "
           "geflow_serve_request_duration_seconds histogram\n";
    for (const auto &[model, h] : latency_)
      renderHistogram(out, "geflow_serve_request_duration_seconds", model,
                      kLatencyBuckets.data(), kLatencyBuckets.size(), h.counts,
                      h.sum, h.count);
    out += "# HELP geflow_serve_batch_size Rows per batch run.\n# TYPE "
           "geflow_serve_batch_size histogram\n";
    for (const auto &[model, h] : batchSize_)
      renderHistogram(out, "geflow_serve_batch_size", model,
                      kBatchBuckets.data(), kBatchBuckets.size(), h.counts,
                      h.sum, h.count);
    out += "# HELP geflow_serve_padded_rows_total Zero rows added to fill a "
           "batch gear.\n# TYPE geflow_serve_padded_rows_total counter\n";
    for (const auto &[model, n] : paddedRows_)
      out += "geflow_serve_padded_rows_total{model=\"" + labelValue(model) +
             "\"} " + std::to_string(n) + "\n";
    out += "# HELP geflow_serve_warmup_requests_total Stored warm-up "
           "requests (assets.extra/tf_serving_warmup_requests) replayed.\n"
           "# TYPE geflow_serve_warmup_requests_total counter\n";
    for (const auto &[model, n] : warmupRequests_)
      out += "geflow_serve_warmup_requests_total{model=\"" + labelValue(model) +
             "\"} " + std::to_string(n) + "\n";
    gauges = gauges_;
  }
  for (const Gauge &g : gauges) {
    out +=
        "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    for (const auto &[label, value] : g.read())
      out += g.name + "{" + g.label + "=\"" + labelValue(label) + "\"} " +
             number(value) + "\n";
  }
  return out;
}

} // namespace geflow::serve
