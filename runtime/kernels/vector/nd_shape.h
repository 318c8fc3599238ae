//===- nd_shape.h - Shape helpers shared by the vector-unit tiling --------===//
//
// Broadcasting, dimension collapsing, axis normalization and block
// partitioning. Host-side (tiling) code plus tiny inline helpers the kernels
// use; nothing here is ISA-specific.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_ND_SHAPE_H
#define GEFLOW_KERNELS_VECTOR_ND_SHAPE_H

#include "geflow/kernels/Kernel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geflow::kernels::vec {

using rt::internalError;
using rt::invalidArgument;
using rt::unsupported;

/// Highest rank a vector-unit tiling struct holds (after collapsing).
constexpr int kMaxRank = 8;

using Shape = std::vector<int64_t>;

std::string shapeStr(const Shape &shape);

/// numpy broadcast of `shapes`; the error names `op` and the operands.
Status broadcastShapes(const std::string &op, const std::vector<Shape> &shapes,
                       Shape *out);

/// Element strides of `shape` read as broadcast to `outShape` (aligned on the
/// right; 0 for broadcast dims). False when `shape` cannot broadcast to it.
bool broadcastStrides(const Shape &shape, const Shape &outShape,
                      std::vector<int64_t> *strides);

std::vector<int64_t> contiguousStrides(const Shape &shape);

/// Drops size-1 dims and merges adjacent dims whose strides are contiguous
/// in every array of `strides` (all given for `shape`). Leaves rank >= 1.
void collapseDims(Shape *shape, std::vector<std::vector<int64_t> *> strides);

/// Maps axis in [-rank, rank) to [0, rank).
Status normalizeAxis(const std::string &op, int64_t axis, int64_t rank,
                     int64_t *out);

/// Checks the operand counts: inputs in [minIn, maxIn], outputs in
/// [minOut, maxOut].
Status checkArity(const std::string &op, const TilingContext &ctx, size_t minIn,
                  size_t maxIn, size_t minOut, size_t maxOut);

/// Checks that `what` (e.g. "input 1") has dtype `want`.
Status checkDtype(const std::string &op, const std::string &what, DType got,
                  DType want);

/// Checks that `what` has shape `want`.
Status checkShape(const std::string &op, const std::string &what,
                  const Shape &got, const Shape &want);

/// Checks rank <= kMaxRank with a clear message.
Status checkRank(const std::string &op, const std::string &what, size_t rank);

/// Block count for `work` independent items moving `bytes` bytes in all:
/// at most one block per AI core and at least ~kMinBlockBytes per block, so
/// small kernels are not spread over cores for nothing.
constexpr int64_t kMinBlockBytes = 64 * 1024;
uint32_t chooseBlockDim(const SocInfo &soc, int64_t work, int64_t bytes);

const SocInfo &socOf(const TilingContext &ctx);

/// [begin, end) of `total` items for block `b` of `blocks` (balanced).
inline void blockRange(int64_t total, uint32_t b, uint32_t blocks,
                       int64_t *begin, int64_t *end) {
  *begin = total * static_cast<int64_t>(b) / blocks;
  *end = total * static_cast<int64_t>(b + 1) / blocks;
}

} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_ND_SHAPE_H
