//===- NoMpi.cpp - The collectives component in a build without MPI -------===//
//
// Without Open MPI a process is rank 0 of 1: collectives are copies, and a
// multi-rank launch or configuration is an error naming what to install.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/MpiCollectives.h"

#include <algorithm>

namespace geflow::rt {

bool mpiCollectivesBuilt() { return false; }

StatusOr<RankInfo> initCollectives(const RankConfig &config) {
  int32_t ranks =
      std::max<int32_t>({launchedRankSize(), config.rankSize,
                         static_cast<int32_t>(config.rankTable.size())});
  if (ranks > 1 || config.rankId > 0)
    return Status(ErrorCode::kUnsupported,
                  "this process is one of " + std::to_string(ranks) +
                      " ranks, but geflow was built without MPI: install "
                      "libopenmpi-dev (scripts/bootstrap.sh does) and rebuild");
  return RankInfo();
}

void finalizeCollectives() {}

} // namespace geflow::rt
