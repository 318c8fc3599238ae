//===- GraphDump.h - GE's DUMP_GE_GRAPH graph dumps -------------*- C++ -*-===//
//
// GE writes the graph after each build stage to ge_proto_*_<stage>.txt when
// DUMP_GE_GRAPH is set; geflow writes the IR after each pipeline stage to
// <debug_dir>/ge_<NNN>_<stage>_<graph>.mlir. DUMP_GE_GRAPH picks how much of
// the IR (1 all, 2 without weight data, 3 no data, no locations) and
// DUMP_GRAPH_LEVEL which stages (1 every pass, 2 top-level stages, 3 the
// final IR, 4 the imported IR, or one pass by its name). docs/debugging.md.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_COMPILER_GRAPHDUMP_H
#define GEFLOW_COMPILER_GRAPHDUMP_H

#include "geflow/Compiler/GraphDumpConfig.h"

#include "mlir/IR/Operation.h"
#include "mlir/Pass/PassManager.h"

#include <memory>
#include <string>

namespace geflow {

/// The dumps of one compile: numbered files, in the order written.
class GraphDumper {
public:
  GraphDumper(GraphDumpConfig config, std::string graph);
  ~GraphDumper();
  bool enabled() const { return config.content != 0; }
  /// Adds the per-pass dumps (levels 1 and 2, or a named stage) to `pm`.
  void instrument(mlir::PassManager &pm);
  /// Before the first pass (level 4) / after the last (level 3).
  mlir::LogicalResult dumpImported(mlir::Operation *module);
  mlir::LogicalResult dumpFinal(mlir::Operation *module);
  /// Fails when a named stage never ran (naming the stages that did) or a
  /// file could not be written.
  mlir::LogicalResult finish(mlir::Operation *module);

  struct State;

private:
  GraphDumpConfig config;
  std::shared_ptr<State> state;
};

} // namespace geflow

#endif // GEFLOW_COMPILER_GRAPHDUMP_H
