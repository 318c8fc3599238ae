//===- GfmWriter.h - Serialize npu programs into a .gfm executable -*- C++ -*-//
#ifndef GEFLOW_TARGET_GFMWRITER_H
#define GEFLOW_TARGET_GFMWRITER_H

#include "geflow/Target/ExternalWeights.h"

#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <string>
#include <vector>

namespace geflow {

struct GfmWriteOptions {
  std::string modelName;
  std::string soc = "host";
  /// GE options the model was compiled with (recorded in the file).
  std::map<std::string, std::string> options;
  /// external_weight: every weight of at least this many bytes goes to a
  /// file of `externalWeights` (region EXTERNAL) instead of the blob, and
  /// the blob keeps the rest, compacted. 0: every weight stays inline.
  uint64_t externalWeightMinBytes = 0;
  ExternalWeights *externalWeights = nullptr;
};

/// Serializes every planned `npu.program` of `module` (one per gear, in
/// order) with the module's weight blob. Emits a diagnostic and fails when
/// a program is not fully planned (unplaced buffers, dynamic shapes).
mlir::FailureOr<std::vector<uint8_t>>
serializeGfm(mlir::ModuleOp module, const GfmWriteOptions &options);

/// serializeGfm, then an atomic write to `path`.
mlir::LogicalResult writeGfmFile(mlir::ModuleOp module, const std::string &path,
                                 const GfmWriteOptions &options);

} // namespace geflow

#endif
