//===- ModelLoader.h - Parse, check and shape-infer an ONNX model -*- C++ -*-//
//
// What happens to the onnx::ModelProto before shape inference and graph
// building: parsing untrusted bytes, checking opsets, applying
// --input_shape. Protobuf reports some problems with C++ exceptions; they
// are caught here and become error strings.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_MODELLOADER_H
#define GEFLOW_LIB_FRONTEND_ONNX_MODELLOADER_H

#include "geflow/Frontend/ImportOptions.h"

#include "mlir/Support/LLVM.h"

#include <string>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace geflow::frontend::onnximp {

/// The ai.onnx opsets the importer translates: ops of opsets 1 to 6 are read
/// as their opset-7 definitions (unchanged, or adapted by LegacyOps.cpp).
constexpr int64_t kMinOpset = 7;
constexpr int64_t kMaxOpset = 21;

/// Parses serialized model bytes. Fails for bytes that are not a complete
/// ModelProto (truncated or corrupt files) and for models without a graph.
mlir::LogicalResult parseModel(llvm::StringRef bytes, onnx::ModelProto &model,
                               std::string &error);

/// The model's ai.onnx opset version, 0 when it imports none (its nodes
/// must then all be in other domains). Fails for versions newer than
/// kMaxOpset; older ones are checked per node.
mlir::FailureOr<int64_t> getDefaultOpset(const onnx::ModelProto &model,
                                         std::string &error);

/// The version of `domain` the model imports; 0 when it imports none.
int64_t getDomainOpset(const onnx::ModelProto &model, llvm::StringRef domain);

/// Replaces the shapes of the named graph inputs (ATC --input_shape). When
/// any shape changes, previously inferred shapes are dropped so that shape
/// inference derives them again.
mlir::LogicalResult applyInputShapes(onnx::ModelProto &model,
                                     llvm::ArrayRef<NamedShape> shapes,
                                     std::string &error);

} // namespace geflow::frontend::onnximp

#endif
