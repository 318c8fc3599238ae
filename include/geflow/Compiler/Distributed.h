//===- Distributed.h - GE's rank configuration and HCCL options -*- C++ -*-===//
//
// How a process learns its rank (docs/distributed.md): the MPI launcher,
// arranged by GE's settings — RANK_ID, RANK_SIZE, and a rank table
// (option rank_table_file / ge.exec.rankTableFile, or RANK_TABLE_FILE) in
// GE's JSON format — and the hccl_timeout option (or HCCL_EXEC_TIMEOUT).
// Tools, Python and Session call setUpRanks once before loading models.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_COMPILER_DISTRIBUTED_H
#define GEFLOW_COMPILER_DISTRIBUTED_H

#include "geflow/Compiler/Options.h"
#include "geflow/runtime/MpiCollectives.h"

#include <optional>
#include <string>
#include <vector>

namespace geflow {

/// Parses GE's rank table (JSON: server_list[].device[] with rank_id,
/// device_id, device_ip; server_id per server); errors name the file and
/// the entry.
std::optional<std::vector<rt::RankTableDevice>>
parseRankTable(const std::string &path, std::string &error);

/// The rank configuration from `options` and the environment (RANK_ID,
/// RANK_SIZE, RANK_TABLE_FILE); an option wins over its variable.
std::optional<rt::RankConfig> parseRankConfig(const Options &options,
                                              std::string &error);

/// Applies hccl_timeout and sets up this process's rank (once per
/// process; see rt::initCollectives). local_rank_id, when given, must be
/// the rank's local rank.
rt::StatusOr<rt::RankInfo> setUpRanks(const Options &options);

} // namespace geflow

#endif // GEFLOW_COMPILER_DISTRIBUTED_H
