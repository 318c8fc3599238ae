//===- MpiCollectives.h - Collectives across processes on Open MPI -*- C++
//-*-===//
//
// The collectives component (runtime/collectives, library
// geflow_collectives): the only part of geflow that includes mpi.h. It
// installs an MPI backend for collective tasks (geflow/runtime/
// Collectives.h) when the process was started by an MPI launcher
// (`mpirun -np N ...`), with the ranks arranged by GE's configuration:
//
//   - RANK_SIZE: must equal the launcher's process count;
//   - RANK_ID: this process's rank (a permutation of the launcher's ranks;
//     default: the launcher's rank);
//   - a rank table (rank_table_file / RANK_TABLE_FILE, GE's JSON): its
//     device count must equal the process count; it names each rank's
//     server, which gives the local ranks.
//
// One MPI thread (MPI_THREAD_FUNNELED) makes every MPI call: it posts
// non-blocking operations and progresses them, so a late rank delays only
// the stream waiting for that collective. A collective that has not
// completed after hccl_timeout seconds fails naming the op, the group and
// the ranks that did not arrive.
//
// Built without MPI (no libopenmpi-dev), the component is a stub: a single
// process works as rank 0 of 1, a multi-rank launch is an error.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_MPICOLLECTIVES_H
#define GEFLOW_RUNTIME_MPICOLLECTIVES_H

#include "geflow/runtime/Collectives.h"

#include <string>
#include <vector>

namespace geflow::rt {

/// One device of a rank table: the rank it runs and where.
struct RankTableDevice {
  int32_t rankId = 0;
  int32_t deviceId = 0;
  std::string serverId;
  std::string deviceIp;
};

/// GE's rank configuration, read by the caller (options and environment).
struct RankConfig {
  /// RANK_ID; -1: the launcher's rank.
  int32_t rankId = -1;
  /// RANK_SIZE; 0: the launcher's size.
  int32_t rankSize = 0;
  /// The rank table's devices (empty: none given) and its path, for errors.
  std::vector<RankTableDevice> rankTable;
  std::string rankTablePath;
};

/// True when this build has Open MPI.
bool mpiCollectivesBuilt();

/// Sets up the ranks once per process: under an MPI launcher, initializes
/// MPI, arranges the world by `config` and installs the MPI backend;
/// otherwise checks that `config` asks for one rank at most. Later calls
/// return the first call's result. Errors name the setting at fault.
StatusOr<RankInfo> initCollectives(const RankConfig &config);

/// Ends MPI (also run at exit): MPI_Finalize, or MPI_Abort when a
/// collective failed or is still in flight (other ranks may wait for it
/// forever otherwise).
void finalizeCollectives();

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_MPICOLLECTIVES_H
