//===- Precision.h - GE precision options to graph attributes ---*- C++ -*-===//
#ifndef GEFLOW_LIB_COMPILER_PRECISION_H
#define GEFLOW_LIB_COMPILER_PRECISION_H

#include "geflow/Compiler/CompileConfig.h"

#include "mlir/IR/BuiltinOps.h"

namespace geflow {

/// The precision mode a compile runs under.
struct ResolvedPrecision {
  std::string mode; // a precision_mode value
  std::string v2;   // the precision_mode_v2 value it came from, if any
  bool socDefault = false;
  bool fromGraph = false; // the graph's ge.precision_mode
  /// "option", "precision_mode_v2 mixed_float16", "soc default" or
  /// "graph attribute".
  std::string from() const;
};

/// precision_mode, or the mode precision_mode_v2 stands for, or the default
/// of the soc (soc_version). Fails for a soc without a profile.
/// With `module`: a graph's own ge.precision_mode counts when no option
/// sets the mode.
mlir::FailureOr<ResolvedPrecision>
resolvePrecision(const PrecisionConfig &config, const std::string &soc,
                 std::string &error, mlir::ModuleOp module = {});

} // namespace geflow

#endif
