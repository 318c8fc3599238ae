//===- GraphDumpConfig.h - DUMP_GE_GRAPH settings ---------------*- C++ -*-===//
//
// The graph-dump settings a compile reads (GraphDump.h writes the files);
// kept apart so that CompileConfig.h needs no MLIR pass headers.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_COMPILER_GRAPHDUMPCONFIG_H
#define GEFLOW_COMPILER_GRAPHDUMPCONFIG_H

#include "geflow/Compiler/Options.h"

#include <optional>
#include <string>

namespace geflow {

struct GraphDumpConfig {
  /// DUMP_GE_GRAPH: 0 off, 1 full, 2 without weight data, 3 bare.
  int content = 0;
  /// DUMP_GRAPH_LEVEL 1..4 (GE's default 2), or 0 with `stage` set.
  int level = 2;
  /// DUMP_GRAPH_LEVEL given as a pass name (e.g. ge-infer-shapes).
  std::string stage;
  /// debug_dir (default: the current directory, as GE).
  std::string dir = ".";
};

/// Reads DUMP_GE_GRAPH, DUMP_GRAPH_LEVEL and the debug_dir option. Fails
/// with the reason in `error` for a bad value.
std::optional<GraphDumpConfig> parseGraphDumpConfig(const Options &options,
                                                    std::string &error);

} // namespace geflow

#endif // GEFLOW_COMPILER_GRAPHDUMPCONFIG_H
