//===- RankFiles.h - Each rank's own files under mpirun ---------*- C++ -*-===//
#ifndef GEFLOW_TOOLS_GEFLOW_RUN_RANKFILES_H
#define GEFLOW_TOOLS_GEFLOW_RUN_RANKFILES_H

#include "geflow/runtime/Collectives.h"

#include <string>

namespace geflow::run {

/// `path` for this rank: "{rank}" becomes the rank number; with several
/// ranks, a path that does not exist while <stem><rank><ext> does is GE's
/// multi-rank layout (mp_rank.air -> mp_rank0.air, mp_rank1.air, ...).
std::string pathForRank(const std::string &path, const rt::RankInfo &rank);

} // namespace geflow::run

#endif // GEFLOW_TOOLS_GEFLOW_RUN_RANKFILES_H
