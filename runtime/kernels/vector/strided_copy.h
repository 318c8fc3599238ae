//===- strided_copy.h - The data-movement engine: out[i] = in[base + i.s] -===//
//
// Dense output, input read through arbitrary element strides (negative for
// reversed slices, zero for broadcast). transpose, slice, expand and tile
// are all this one kernel with different strides. After collapsing dims the
// kernel copies contiguous runs (memcpy), fills broadcast runs, or, when
// the innermost output dim is strided but another dim is contiguous in the
// input (a transpose), copies square tiles so both sides touch whole cache
// lines. Element-size generic: one implementation for every dtype.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_STRIDED_COPY_H
#define GEFLOW_KERNELS_VECTOR_STRIDED_COPY_H

#include "geflow/kernels/Kernel.h"
#include "kernels/vector/nd_shape.h"

#include <string>
#include <vector>

namespace geflow::kernels::vec {

/// Tile (and tile's) rank can exceed kMaxRank before collapsing.
constexpr int kCopyMaxRank = 16;

struct StridedCopyTiling {
  int32_t rank;
  uint32_t elemSize;
  /// Mode: 0 = runs (inner input stride 1), 1 = broadcast runs (stride 0),
  /// 2 = blocked transpose over (tileDim, last), 3 = element gather.
  int32_t mode;
  int32_t tileDim;
  int64_t tileSize; // elements per tile side (mode 2)
  int64_t shape[kCopyMaxRank];
  int64_t inStride[kCopyMaxRank];
  int64_t inBase;
  int64_t total;
  int64_t tilesPerPlane; // mode 2: tiles of one (tileDim, last) plane
  int64_t numItems;      // mode 2: tiles; otherwise elements
};

/// Tiles a strided copy of `outShape` elements of `elemSize` bytes from
/// in[inBase + sum(i_d * inStrides_d)].
Status tileStridedCopy(const std::string &op, Shape outShape,
                       std::vector<int64_t> inStrides, int64_t inBase,
                       size_t elemSize, const SocInfo &soc,
                       TilingResult *result);

/// The kernel (any dtype; element size comes from the tiling).
int32_t stridedCopyKernel(const KernelArgs &args, uint32_t blockIdx,
                          uint32_t blockDim);

} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_STRIDED_COPY_H
