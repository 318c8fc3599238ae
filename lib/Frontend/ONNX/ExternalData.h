//===- ExternalData.h - ONNX external tensor data, resolved safely -*- C++ -*-//
//
// Large ONNX models keep weights in side files (TensorProto.data_location =
// EXTERNAL, with location/offset/length entries). The importer turns them
// into ge.FileConstant. A model file is untrusted input: its paths must stay
// inside the model's directory, so absolute paths, ".." components and
// symlinks that lead elsewhere are rejected.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_EXTERNALDATA_H
#define GEFLOW_LIB_FRONTEND_ONNX_EXTERNALDATA_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace geflow::frontend::onnximp {

struct ExternalTensor {
  /// Path relative to the model's directory, without "." components.
  std::string location;
  int64_t offset = 0;
  int64_t length = 0;
};

/// Resolves the external data of `tensor`, which needs `bytes` bytes. Fails
/// with `error` for a path that leaves `modelDir`, a missing file, a file too
/// short for offset + bytes, or a length that disagrees with the tensor.
mlir::FailureOr<ExternalTensor>
resolveExternalData(const onnx::TensorProto &tensor, llvm::StringRef modelDir,
                    int64_t bytes, std::string &error);

} // namespace geflow::frontend::onnximp

#endif
