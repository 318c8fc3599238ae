//===- Gears.h - GE's gear options to the graph's ge.gears ------*- C++ -*-===//
#ifndef GEFLOW_LIB_COMPILER_GEARS_H
#define GEFLOW_LIB_COMPILER_GEARS_H

#include "geflow/Compiler/Options.h"

#include "mlir/IR/BuiltinOps.h"

namespace geflow {

/// Validates dynamic_dims / dynamic_batch_size / dynamic_image_size against
/// input_shape and the graph's inputs, and records the gear table on the
/// graph as `ge.gears` (one value per unknown input dim per gear). A no-op
/// without gear options.
mlir::LogicalResult attachGears(mlir::ModuleOp module, const Options &options);

} // namespace geflow

#endif
