//===- MpiEngine.h - The MPI thread: groups, posting, progress --*- C++ -*-===//
//
// Private to runtime/collectives. One thread makes every MPI call: it
// initializes MPI, runs the commands other threads queue (start an
// operation, create a group, finalize) and progresses the operations in
// flight with MPI_Test until they complete or pass their deadline.
//
// Arrival: every collective (not Send/Receive) also sends its sequence
// number to each other rank of the group on a duplicate communicator and
// receives theirs; on a timeout the ranks whose number has not come are
// the ones that did not arrive.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_COLLECTIVES_MPIENGINE_H
#define GEFLOW_RUNTIME_COLLECTIVES_MPIENGINE_H

#include "geflow/runtime/MpiCollectives.h"

#include <mpi.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace geflow::rt::mpi {

using Clock = std::chrono::steady_clock;

struct Group {
  GroupInfo info;
  MPI_Comm comm = MPI_COMM_NULL;     // the members; null on non-members
  MPI_Comm arrivals = MPI_COMM_NULL; // same members, arrival messages
  uint64_t seq = 0;                  // collectives started on it
  std::string broken;                // why it is unusable, or empty
};

/// An operation between start and completion (owned by the MPI thread).
struct InFlight {
  std::shared_ptr<const CollectiveRequest> request;
  std::function<void(Status)> done;
  Group *group = nullptr;
  std::vector<MPI_Request> ops;
  uint64_t seq = 0;
  std::vector<MPI_Request> arrivalRecvs;
  std::vector<int32_t> arrivalFrom; // group rank of each arrival receive
  std::vector<uint64_t> arrivalSeqs;
  std::vector<MPI_Request> arrivalSends;
  std::unique_ptr<uint64_t> ownSeq; // the sent payload
  /// f16/bf16 reductions run in f32: the staged operands (the result is
  /// rounded into the output at completion).
  std::vector<float> stagedIn, stagedOut;
  Clock::time_point deadline = Clock::time_point::max();
};

class Engine {
public:
  static Engine &get();
  /// Starts the MPI thread and waits for MPI_Init and the world's setup.
  StatusOr<RankInfo> init(const RankConfig &config);
  RankInfo rankInfo() const;
  StatusOr<GroupInfo> group(const std::string &name) const;
  Status createGroup(const std::string &name,
                     const std::vector<int32_t> &ranks);
  void start(std::shared_ptr<const CollectiveRequest> request,
             std::function<void(Status)> done);
  void finalize();

private:
  void loop(RankConfig config);
  Status setupWorld(const RankConfig &config);
  Status runCreateGroup(const std::string &name,
                        const std::vector<int32_t> &ranks);
  /// Posts the operation (MpiOps.cpp); a failure completes it at once.
  Status post(InFlight &op);
  void postArrivals(InFlight &op);
  /// True when `op` is over (then `done` has been called).
  bool progress(InFlight &op, Clock::time_point now);
  std::string missingRanks(InFlight &op);
  void runFinalize();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> commands_;
  std::thread thread_;
  bool started_ = false, ready_ = false, finalized_ = false;
  Status initStatus_;
  RankInfo rank_;
  MPI_Comm world_ = MPI_COMM_NULL;
  std::map<std::string, std::unique_ptr<Group>> groups_;
  // MPI thread only:
  std::deque<InFlight> inFlight_;
  bool failedOnce_ = false; // a collective failed: abort, do not finalize
};

/// MPI's text for an error code.
std::string mpiError(int code);

} // namespace geflow::rt::mpi

#endif // GEFLOW_RUNTIME_COLLECTIVES_MPIENGINE_H
