//===- AirWeights.h - FileConstant paths of a .air, resolved safely -*- C++
//-*-//
//
// GE resolves a FileConstant's relative file_path against the working
// directory; TorchAir records it as the user gave export_path. geflow also
// accepts it relative to the .air's own directory (so a copied export
// directory compiles from anywhere). The path may not leave the directory
// it resolves in: ".." components and symlinks leading out are refused, as
// is an absolute path that lies in neither directory.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_AIR_AIRWEIGHTS_H
#define GEFLOW_LIB_FRONTEND_AIR_AIRWEIGHTS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace geflow::frontend::air {

struct ResolvedWeight {
  /// The file's real path.
  std::string realPath;
  /// Its path relative to the .air's real directory, or empty when it lies
  /// outside (found through the working directory).
  std::string underModelDir;
  uint64_t size = 0;
};

/// Resolves `filePath` (cwd first, then `modelDir`; `modelDir` may be
/// empty). Fails with `error` saying where it looked or why it is refused.
mlir::FailureOr<ResolvedWeight> resolveAirWeight(llvm::StringRef filePath,
                                                 llvm::StringRef modelDir,
                                                 std::string &error);

} // namespace geflow::frontend::air

#endif
