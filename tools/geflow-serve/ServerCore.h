//===- ServerCore.h - What both protocol front ends share -------*- C++ -*-===//
//
// The model repository, the metrics and the request rules both front ends
// (REST and gRPC) apply: readiness turns false while draining (the front
// ends still finish what they accepted), bounds the requests in flight (429 /
// RESOURCE_EXHAUSTED beyond), gives each request its deadline, and counts every
// answer.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_SERVERCORE_H
#define GEFLOW_SERVE_SERVERCORE_H

#include "Metrics.h"
#include "ModelRepository.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>

namespace geflow::serve {

struct ServerLimits {
  /// Largest request body / gRPC message.
  uint64_t maxBodyBytes = uint64_t(64) << 20;
  /// Per-request deadline (TF Serving's rest_api_timeout_in_ms).
  int64_t timeoutMs = 30000;
  /// Inference requests in flight at once; 0: unbounded.
  int64_t maxInflight = 0;
};

/// Called when an inference request is admitted, before it is decoded:
/// wakes the device's AI cores (rt::Device::expectWork) so the run does not
/// wait for sleeping threads.
using RequestHook = std::function<void()>;

class ServerCore {
public:
  ServerCore(ModelRepository &repository, Metrics &metrics, ServerLimits limits,
             RequestHook onRequest = nullptr)
      : repository(repository), metrics(metrics), limits(limits),
        onRequest_(std::move(onRequest)) {}

  ModelRepository &repository;
  Metrics &metrics;
  const ServerLimits limits;
  std::atomic<bool> draining{false};

  /// Admits an inference request (the returned ticket releases it); an
  /// error when too many are in flight.
  class Ticket {
  public:
    explicit Ticket(ServerCore *core) : core_(core) {}
    Ticket(Ticket &&other) : core_(other.core_) { other.core_ = nullptr; }
    ~Ticket() {
      if (core_)
        --core_->inflight_;
    }

  private:
    ServerCore *core_;
  };
  Result<Ticket> admit();

  /// "3" -> 3; a version that is not a number is an error naming it.
  static Result<std::optional<int64_t>> parseVersion(const std::string &text);

private:
  std::atomic<int64_t> inflight_{0};
  RequestHook onRequest_;
};

} // namespace geflow::serve

#endif // GEFLOW_SERVE_SERVERCORE_H
