//===- WeightPaths.h - Weight files resolved inside the model directory -*- C++
//-*-//
//
// External weights (ONNX external data, ge.FileConstant) are named by a path
// relative to the model's directory and may never leave it: no absolute
// paths, no "..", and no symlink that resolves outside.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_FRONTEND_WEIGHTPATHS_H
#define GEFLOW_FRONTEND_WEIGHTPATHS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace geflow::frontend {

/// The real path of weight file `location` under `modelDir`, or failure with
/// `error` saying why it is refused.
mlir::FailureOr<std::string> resolveWeightFile(llvm::StringRef modelDir,
                                               llvm::StringRef location,
                                               std::string &error);

} // namespace geflow::frontend

#endif
