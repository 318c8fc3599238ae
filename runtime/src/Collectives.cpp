//===- Collectives.cpp - The backend registry and the single-rank backend -===//
#include "geflow/runtime/Collectives.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace geflow::rt {

namespace {

constexpr int64_t kDefaultTimeoutSeconds = 1800; // GE's hccl_timeout default

int64_t envTimeout() {
  const char *v = std::getenv("HCCL_EXEC_TIMEOUT");
  if (!v || !*v)
    return kDefaultTimeoutSeconds;
  char *end = nullptr;
  long long s = std::strtoll(v, &end, 10);
  return (*end == '\0' && s >= 0) ? s : kDefaultTimeoutSeconds;
}

std::atomic<int64_t> &timeoutSeconds() {
  static std::atomic<int64_t> seconds{envTimeout()};
  return seconds;
}

int32_t envInt(const char *name) {
  const char *v = std::getenv(name);
  if (!v || !*v)
    return 0;
  char *end = nullptr;
  long n = std::strtol(v, &end, 10);
  return *end == '\0' && n > 0 && n < (1 << 20) ? static_cast<int32_t>(n) : 0;
}

/// This process alone: rank 0 of 1.
class SingleRankBackend final : public CollectiveBackend {
public:
  RankInfo rankInfo() const override { return RankInfo(); }

  StatusOr<GroupInfo> group(const std::string &name) const override {
    if (int32_t launched = launchedRankSize(); launched > 1)
      return Status(
          ErrorCode::kUnsupported,
          "this process was launched as one of " + std::to_string(launched) +
              " ranks, but this program has no multi-rank collectives "
              "(geflow-run and the geflow Python module use Open MPI when "
              "geflow is built with it: install libopenmpi-dev and rebuild)");
    std::lock_guard<std::mutex> lock(mu_);
    if (name == kWorldGroup ||
        std::find(groups_.begin(), groups_.end(), name) != groups_.end())
      return GroupInfo{name, {0}, 0};
    return Status(ErrorCode::kNotFound,
                  "communication group '" + name +
                      "' does not exist (create it first; this process is "
                      "the only rank)");
  }

  Status createGroup(const std::string &name,
                     const std::vector<int32_t> &ranks) override {
    if (ranks != std::vector<int32_t>{0})
      return invalidArgument("group '" + name +
                             "': a single-rank process can only create "
                             "groups of rank 0");
    std::lock_guard<std::mutex> lock(mu_);
    if (name == kWorldGroup ||
        std::find(groups_.begin(), groups_.end(), name) != groups_.end())
      return invalidArgument("group '" + name + "' already exists");
    groups_.push_back(name);
    return Status::OK();
  }

  void start(std::shared_ptr<const CollectiveRequest> request,
             std::function<void(Status)> done) override {
    done(runSingleRank(*request));
  }

private:
  mutable std::mutex mu_;
  std::vector<std::string> groups_;
};

struct Registry {
  std::mutex mu;
  std::shared_ptr<CollectiveBackend> backend =
      std::make_shared<SingleRankBackend>();
};

Registry &registry() {
  static Registry r;
  return r;
}

} // namespace

CollectiveBackend::~CollectiveBackend() = default;

const char *collectiveKindName(CollectiveKind kind) {
  switch (kind) {
  case CollectiveKind::AllReduce:
    return "HcomAllReduce";
  case CollectiveKind::AllGather:
    return "HcomAllGather";
  case CollectiveKind::ReduceScatter:
    return "HcomReduceScatter";
  case CollectiveKind::Broadcast:
    return "HcomBroadcast";
  case CollectiveKind::Send:
    return "HcomSend";
  case CollectiveKind::Receive:
    return "HcomReceive";
  }
  return "?";
}

std::optional<CollectiveKind> parseCollectiveKind(const std::string &name) {
  for (CollectiveKind k :
       {CollectiveKind::AllReduce, CollectiveKind::AllGather,
        CollectiveKind::ReduceScatter, CollectiveKind::Broadcast,
        CollectiveKind::Send, CollectiveKind::Receive})
    if (name == collectiveKindName(k))
      return k;
  return std::nullopt;
}

std::optional<ReduceOp> parseReduceOp(const std::string &name) {
  if (name == "sum")
    return ReduceOp::Sum;
  if (name == "prod")
    return ReduceOp::Prod;
  if (name == "max")
    return ReduceOp::Max;
  if (name == "min")
    return ReduceOp::Min;
  return std::nullopt;
}

std::shared_ptr<CollectiveBackend> collectiveBackend() {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  return r.backend;
}

void setCollectiveBackend(std::shared_ptr<CollectiveBackend> backend) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.backend =
      backend ? std::move(backend) : std::make_shared<SingleRankBackend>();
}

void setCollectiveTimeout(int64_t seconds) {
  timeoutSeconds().store(seconds < 0 ? 0 : seconds);
}

int64_t collectiveTimeout() { return timeoutSeconds().load(); }

int32_t launchedRankSize() {
  for (const char *name :
       {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "RANK_SIZE"})
    if (int32_t n = envInt(name))
      return n;
  return 1;
}

Status runSingleRank(const CollectiveRequest &r) {
  if (r.kind == CollectiveKind::Send || r.kind == CollectiveKind::Receive)
    return invalidArgument(std::string(collectiveKindName(r.kind)) + " '" +
                           r.op + "': rank " + std::to_string(r.peer) +
                           " is not in group '" + r.group +
                           "' (1 rank): a rank cannot send to itself");
  if (r.inputs.size() != r.outputs.size())
    return internalError("collective '" + r.op +
                         "': " + std::to_string(r.inputs.size()) + " inputs, " +
                         std::to_string(r.outputs.size()) + " outputs");
  for (size_t i = 0; i < r.inputs.size(); ++i) {
    if (r.inputBytes[i] != r.outputBytes[i])
      return internalError(
          "collective '" + r.op + "': input " + std::to_string(i) + " has " +
          std::to_string(r.inputBytes[i]) + " bytes, its output " +
          std::to_string(r.outputBytes[i]));
    if (r.outputs[i] != r.inputs[i])
      std::memmove(r.outputs[i], r.inputs[i], r.inputBytes[i]);
  }
  return Status::OK();
}

} // namespace geflow::rt
