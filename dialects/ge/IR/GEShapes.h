//===- GEShapes.h - Shape rules shared by ge ops and frontends --*- C++ -*-===//
//
// Pure functions on shapes (mlir::ShapedType::kDynamic marks an unknown dim).
// Ops use them to infer result types; frontends use the same rules so that
// imported graphs and verified graphs cannot disagree.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_DIALECTS_GE_IR_GESHAPES_H
#define GEFLOW_DIALECTS_GE_IR_GESHAPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace geflow::ge::shapes {

inline bool isDynamic(int64_t d) { return mlir::ShapedType::isDynamic(d); }
constexpr int64_t kDynamic = mlir::ShapedType::kDynamic;

/// NumPy broadcast of two shapes; nullopt when two static dims differ and
/// neither is 1.
std::optional<llvm::SmallVector<int64_t>> broadcast(llvm::ArrayRef<int64_t> a,
                                                    llvm::ArrayRef<int64_t> b);

/// Output extent of a convolution / pooling window along one dim.
/// `ceil` rounds up as pooling's ceil_mode does (the last window must start
/// inside the input or its leading pad). Returns kDynamic for a dynamic input
/// and a value < 1 when the window does not fit.
int64_t windowOutputDim(int64_t in, int64_t kernel, int64_t stride,
                        int64_t dilation, int64_t padBefore, int64_t padAfter,
                        bool ceil = false);

/// Output extent of a transposed convolution along one dim.
int64_t transposedOutputDim(int64_t in, int64_t kernel, int64_t stride,
                            int64_t dilation, int64_t padBefore,
                            int64_t padAfter, int64_t outputPadding);

/// Maps a possibly negative axis into [0, rank); nullopt when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Product of dims, kDynamic when any is dynamic, INT64_MAX when the product
/// overflows.
int64_t numElements(llvm::ArrayRef<int64_t> shape);

/// Result of reshaping `in` to `target` (entries: -1 infer once, 0 copy the
/// input dim). On failure returns nullopt and sets `error`.
std::optional<llvm::SmallVector<int64_t>>
reshape(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> target,
        std::string *error);

/// Number of elements a strided slice takes from [begin, end) with `stride`.
int64_t sliceExtent(int64_t begin, int64_t end, int64_t stride);

} // namespace geflow::ge::shapes

#endif // GEFLOW_DIALECTS_GE_IR_GESHAPES_H
