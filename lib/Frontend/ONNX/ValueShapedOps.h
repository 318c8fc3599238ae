//===- ValueShapedOps.h - Translating ops with runtime-valued inputs -*- C++
//-*-===//
//
// Slice, Pad and ReduceSum translate to device ops when their bounds, pads
// and axes are constants; with values computed at run time they become
// host ops whose output shape is the one ONNX knows (ValueShapedOps.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_VALUESHAPEDOPS_H
#define GEFLOW_LIB_FRONTEND_ONNX_VALUESHAPEDOPS_H

#include "NodeContext.h"

namespace geflow::frontend::onnximp {

/// Whether any of the node's inputs at `indices` is present and not a
/// constant.
bool hasRuntimeInput(NodeContext &n, llvm::ArrayRef<unsigned> indices);

/// Slice-10+ whose starts, ends, axes or steps are computed at run time.
mlir::LogicalResult translateRuntimeSlice(NodeContext &n, mlir::Value x);
/// Pad-11+ whose pads or constant_value are computed at run time.
mlir::LogicalResult translateRuntimePad(NodeContext &n, mlir::Value x,
                                        llvm::StringRef mode);
/// ReduceSum-13+ whose axes are computed at run time.
mlir::LogicalResult translateRuntimeReduceSum(NodeContext &n, mlir::Value x);
/// Reshape-14+ with allowzero = 1 whose shape is computed at run time or
/// holds a 0 (ge.Reshape reads 0 as "copy the dim").
mlir::LogicalResult translateRuntimeReshape(NodeContext &n, mlir::Value x,
                                            mlir::Value shape);

} // namespace geflow::frontend::onnximp

#endif
