//===- Collectives.h - Ranks, groups and collective operations --*- C++ -*-===//
//
// Collective tasks (GE's Hcom* ops, gfm CollectiveTask) run through a
// process-wide backend. The built-in one is the single-rank backend: this
// process is rank 0 of 1, `hccl_world_group` holds it alone and every
// collective is a copy. geflow-run and the Python module install the MPI
// backend (geflow/runtime/MpiCollectives.h, Open MPI), which takes the
// ranks from the MPI launcher; only that component includes mpi.h.
//
// A backend starts an operation and reports its end through a callback, so
// the stream running a collective task holds no AI core while it waits
// (docs/distributed.md).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_COLLECTIVES_H
#define GEFLOW_RUNTIME_COLLECTIVES_H

#include "geflow/runtime/Status.h"
#include "geflow/runtime/Types.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace geflow::rt {

/// GE's default communication group: every rank.
inline constexpr const char *kWorldGroup = "hccl_world_group";

enum class CollectiveKind : uint8_t {
  AllReduce,
  AllGather,
  ReduceScatter,
  Broadcast,
  Send,
  Receive
};
enum class ReduceOp : uint8_t { Sum, Prod, Max, Min };

/// The GE op type of `kind` ("HcomAllReduce"...); parseCollectiveKind is
/// its inverse.
const char *collectiveKindName(CollectiveKind kind);
std::optional<CollectiveKind> parseCollectiveKind(const std::string &name);
/// "sum", "prod", "max", "min".
std::optional<ReduceOp> parseReduceOp(const std::string &name);

/// Where this process stands among the ranks.
struct RankInfo {
  int32_t rank = 0;
  int32_t size = 1;
  /// Rank among the ranks of this host (GE's get_local_rank_id).
  int32_t localRank = 0;
  int32_t localSize = 1;
  /// The backend's name: "single" or "mpi".
  std::string backend = "single";
};

/// A communication group as this rank sees it.
struct GroupInfo {
  std::string name;
  /// World ranks of the members, in group-rank order.
  std::vector<int32_t> ranks;
  /// This process's rank in the group.
  int32_t rank = 0;
  int32_t size() const { return static_cast<int32_t>(ranks.size()); }
};

/// One collective of a run. Buffers belong to the caller and stay valid
/// until `done` has been called.
struct CollectiveRequest {
  CollectiveKind kind = CollectiveKind::AllReduce;
  /// The task's op name and the group, for errors.
  std::string op;
  std::string group;
  ReduceOp reduction = ReduceOp::Sum;
  DType dtype = DType::F32;
  /// Broadcast: the root; Send: the destination; Receive: the source
  /// (group ranks).
  int32_t peer = 0;
  int64_t tag = 0;
  std::vector<const void *> inputs;
  std::vector<uint64_t> inputBytes;
  std::vector<void *> outputs;
  std::vector<uint64_t> outputBytes;
};

class CollectiveBackend {
public:
  virtual ~CollectiveBackend();
  virtual RankInfo rankInfo() const = 0;
  /// The group `name`; an error when it does not exist or this rank is not
  /// a member.
  virtual StatusOr<GroupInfo> group(const std::string &name) const = 0;
  /// Creates group `name` of world ranks `ranks` (GE's HcomCreateGroup);
  /// every rank of the world calls it with the same arguments.
  virtual Status createGroup(const std::string &name,
                             const std::vector<int32_t> &ranks) = 0;
  /// Starts `request`; `done` is called exactly once, from any thread,
  /// when it has completed or failed. A request that cannot start calls
  /// `done` with the failure before returning.
  virtual void start(std::shared_ptr<const CollectiveRequest> request,
                     std::function<void(Status)> done) = 0;
};

/// The backend collective tasks use (the single-rank one until another is
/// installed).
std::shared_ptr<CollectiveBackend> collectiveBackend();
/// Installs `backend` for models loaded from now on (null: the single-rank
/// one again).
void setCollectiveBackend(std::shared_ptr<CollectiveBackend> backend);

/// hccl_timeout, in seconds: how long a collective waits for the other
/// ranks before it fails naming the ranks that did not arrive (0: forever).
/// Defaults to HCCL_EXEC_TIMEOUT from the environment, else 1800 (GE's).
void setCollectiveTimeout(int64_t seconds);
int64_t collectiveTimeout();

/// The multi-rank launch the environment describes (an MPI launcher's
/// OMPI_COMM_WORLD_SIZE / PMI_SIZE, or GE's RANK_SIZE), or 1.
int32_t launchedRankSize();

/// Runs `request` within this process: every rank's part is this rank's
/// (rank size 1): outputs are copies of the inputs.
Status runSingleRank(const CollectiveRequest &request);

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_COLLECTIVES_H
