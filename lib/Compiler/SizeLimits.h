//===- SizeLimits.h - Memory bounds of a compile --------------------------===//
//
// Every element and byte count of the graph is computed with overflow checks
// and bounded before anything is materialized: a tensor (and an execution's
// arena, and the weights) by graph_memory_max_size, one constant by
// constant_max_size. docs/compiler.md lists both options.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_COMPILER_SIZELIMITS_H
#define GEFLOW_LIB_COMPILER_SIZELIMITS_H

#include "geflow/Compiler/CompileConfig.h"

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <optional>

namespace geflow {

struct SizeLimits {
  uint64_t graphMemory; // graph_memory_max_size
  uint64_t constant;    // constant_max_size
};

SizeLimits getSizeLimits(const CompileConfig &config);

/// Bytes of a tensor of `type` counting its static dims only (a lower bound
/// when some are dynamic), or nullopt when the count overflows 64 bits or the
/// type is not a tensor of ints or floats.
std::optional<uint64_t> staticTensorBytes(mlir::Type type, bool *overflow);

/// Every tensor value of the graph fits graph_memory_max_size and every
/// constant constant_max_size; emits an error at the first that does not.
mlir::LogicalResult checkTensorSizes(mlir::ModuleOp module,
                                     const SizeLimits &limits);

/// Each planned program's arena and the weights fit graph_memory_max_size.
mlir::LogicalResult checkPlannedSizes(mlir::ModuleOp module,
                                      const SizeLimits &limits);

} // namespace geflow

#endif // GEFLOW_LIB_COMPILER_SIZELIMITS_H
