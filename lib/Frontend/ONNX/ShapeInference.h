//===- ShapeInference.h - ONNX shape inference, isolated --------*- C++ -*-===//
//
// ONNX's shape inference is not hardened against malformed models: it
// dereferences the type of an input nothing defines (a Shape node of an
// undefined value), copies an initializer's raw_data without checking its
// size, and divides by a zero stride. geflow checks what it can before
// calling it: nodes whose inputs do not match their schema (and nodes with
// subgraphs) are hidden from it, initializers whose data do not match their
// dims are renamed out of its way, and every value gets a type (an empty one
// where the model declares none). Checks that need the shapes inference
// itself infers run inside it (InferenceGuards.h: RNN inputs of the wrong
// rank, conv kernels from weights of the wrong rank, zero strides and block
// sizes, pools over absurd dims) and refuse the model naming the node. As a
// second line, inference runs in a forked child process with a time limit;
// a crash there becomes an error
// naming the model instead of taking the compiler down. The child sends back
// only what inference adds (value_info and the output types), not the
// weights. The fuzz build (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION) infers
// in-process, so a crash of the library is a finding, not an error.
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
