//===- ConvWindow.h - ONNX window attributes of convs and pools -*- C++ -*-===//
//
// ONNX describes windows per spatial dim (kernel_shape, strides, dilations,
// pads = [x1_begin, x2_begin, ..., x1_end, x2_end], auto_pad). Conv,
// ConvTranspose, the pools, ConvInteger and QLinearConv read them here, with
// the same checks and the same SAME_* padding.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_FRONTEND_ONNX_CONVWINDOW_H
#define GEFLOW_FRONTEND_ONNX_CONVWINDOW_H

#include "NodeContext.h"

#include <optional>

namespace geflow::frontend::onnximp {

/// A window over the spatial dims, ONNX's view.
struct Window {
  llvm::SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd;

  /// Prepends a height of 1 so that a 1-D window runs as a 2-D one.
  void liftTo2D() {
    kernel.insert(kernel.begin(), 1);
    strides.insert(strides.begin(), 1);
    dilations.insert(dilations.begin(), 1);
    padBegin.insert(padBegin.begin(), 0);
    padEnd.insert(padEnd.begin(), 0);
  }
  llvm::SmallVector<int64_t> geStrides() const {
    return {1, 1, strides[0], strides[1]};
  }
  llvm::SmallVector<int64_t> geDilations() const {
    return {1, 1, dilations[0], dilations[1]};
  }
  llvm::SmallVector<int64_t> geKsize() const {
    return {1, 1, kernel[0], kernel[1]};
  }
  llvm::SmallVector<int64_t> gePads() const {
    return {padBegin[0], padEnd[0], padBegin[1], padEnd[1]};
  }

  /// Prepends unit dims until the window is 3-D.
  void liftTo3D() {
    while (kernel.size() < 3)
      liftTo2D();
  }
  llvm::SmallVector<int64_t> ge3DStrides() const {
    return {1, 1, strides[0], strides[1], strides[2]};
  }
  llvm::SmallVector<int64_t> ge3DDilations() const {
    return {1, 1, dilations[0], dilations[1], dilations[2]};
  }
  llvm::SmallVector<int64_t> ge3DKsize() const {
    return {1, 1, kernel[0], kernel[1], kernel[2]};
  }
  llvm::SmallVector<int64_t> ge3DPads() const {
    return {padBegin[0], padEnd[0],   padBegin[1],
            padEnd[1],   padBegin[2], padEnd[2]};
  }
};

/// An int-list attribute with `count` entries (one per spatial dim, two for
/// pads), `fill` when absent. Entries below `minValue` (0 for pads, 1 for
/// kernels, strides and dilations) or absurdly large are errors, so that the
/// window arithmetic below cannot divide by zero or overflow.
std::optional<llvm::SmallVector<int64_t>> perDim(NodeContext &n,
                                                 llvm::StringRef name,
                                                 int64_t count, int64_t fill,
                                                 int64_t minValue);

/// The spatial dims of `x` (rank >= 3), nullopt when unranked.
std::optional<llvm::SmallVector<int64_t>> spatialDims(mlir::Value x);

/// SAME_UPPER/SAME_LOWER: the output keeps ceil(in / stride) elements and
/// the total padding splits in half, the odd element at the end (UPPER) or
/// at the beginning (LOWER).
mlir::LogicalResult samePadding(NodeContext &n, Window &w, bool upper,
                                mlir::Value x);

/// Reads strides, dilations and pads/auto_pad around a known kernel.
std::optional<Window> readWindow(NodeContext &n, mlir::Value x,
                                 llvm::ArrayRef<int64_t> kernel);

/// The filter's kernel dims (static), or kernel_shape when given.
std::optional<llvm::SmallVector<int64_t>>
kernelOf(NodeContext &n, mlir::Value filter, int64_t spatialRank);

} // namespace geflow::frontend::onnximp

#endif
