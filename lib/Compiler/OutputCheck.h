//===- OutputCheck.h - A compile's output must load -----------------------===//
#ifndef GEFLOW_LIB_COMPILER_OUTPUTCHECK_H
#define GEFLOW_LIB_COMPILER_OUTPUTCHECK_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geflow {

/// Names the .gfm stores as protobuf strings (the model name, input and
/// output names, task names from the graph's node names) must be UTF-8;
/// emits an error naming the first that is not.
mlir::LogicalResult checkGfmNames(mlir::ModuleOp module,
                                  const std::string &modelName);

/// Loads the serialized `bytes` with the runtime's own loader and validator
/// (and the gear-padding check under gear_padding): a compile either
/// produces a file that loads or fails with the loader's reason.
mlir::LogicalResult checkGfmLoads(mlir::ModuleOp module,
                                  const std::vector<uint8_t> &bytes,
                                  const std::string &modelName,
                                  bool gearPadding);

} // namespace geflow

#endif // GEFLOW_LIB_COMPILER_OUTPUTCHECK_H
