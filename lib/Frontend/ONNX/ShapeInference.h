//===- ShapeInference.h - ONNX shape inference, isolated --------*- C++ -*-===//
//
// ONNX's shape inference is not hardened against malformed models: a Shape
// node without an input or a MaxPool with a zero stride crash it. Models
// are untrusted input, so inference runs in a forked child process; a crash
// there becomes an error naming the model instead of taking the compiler
// down. The child sends back only what inference adds (value_info and the
// output types), not the weights.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_SHAPEINFERENCE_H
#define GEFLOW_LIB_FRONTEND_ONNX_SHAPEINFERENCE_H

#include "mlir/Support/LLVM.h"

#include <string>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace geflow::frontend::onnximp {

/// Runs ONNX shape inference (lenient about node-level errors, with data
/// propagation) and stores its results in `model`'s graph. Fails with
/// `error` when inference throws, crashes or hangs.
mlir::LogicalResult inferShapes(onnx::ModelProto &model, std::string &error);

} // namespace geflow::frontend::onnximp

#endif
