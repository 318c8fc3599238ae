//===- strided_copy.cpp - The strided copy engine -------------------------===//
#include "kernels/vector/strided_copy.h"
#include "kernels/vector/ew_engine.h"

#include <algorithm>
#include <cstring>

namespace geflow::kernels::vec {

/// Bytes of one transpose tile (held in a stack buffer by the kernel).
constexpr int64_t kTileBytes = 16384;

Status tileStridedCopy(const std::string &op, Shape outShape,
                       std::vector<int64_t> inStrides, int64_t inBase,
                       size_t elemSize, const SocInfo &soc,
                       TilingResult *result) {
  std::vector<int64_t> outStrides = contiguousStrides(outShape);
  collapseDims(&outShape, {&inStrides, &outStrides});
  if (outShape.size() > static_cast<size_t>(kCopyMaxRank))
    return unsupported(op + ": the copy has rank " +
                       std::to_string(outShape.size()) +
                       " after merging contiguous dims; at most " +
                       std::to_string(kCopyMaxRank) + " is supported");
  StridedCopyTiling t{};
  t.rank = static_cast<int32_t>(outShape.size());
  t.elemSize = static_cast<uint32_t>(elemSize);
  for (int32_t d = 0; d < t.rank; ++d) {
    t.shape[d] = outShape[d];
    t.inStride[d] = inStrides[d];
  }
  t.inBase = inBase;
  t.total = rt::numElements(outShape);
  int64_t inner = t.inStride[t.rank - 1];
  t.tileDim = -1;
  if (inner == 1) {
    t.mode = 0;
  } else if (inner == 0) {
    t.mode = 1;
  } else {
    t.mode = 3;
    for (int32_t d = t.rank - 2; d >= 0; --d)
      if (t.inStride[d] == 1 && t.shape[d] > 1) {
        t.mode = 2;
        t.tileDim = d;
        break;
      }
  }
  t.numItems = t.total;
  if (t.mode == 2) {
    // Square tiles of up to kTileBytes: each input row segment is several
    // lines long, so the row-by-row reads stream instead of paying a DRAM
    // latency per 64-byte piece.
    t.tileSize = 8;
    while ((2 * t.tileSize) * (2 * t.tileSize) *
               static_cast<int64_t>(elemSize) <=
           kTileBytes)
      t.tileSize *= 2;
    int64_t a = (t.shape[t.tileDim] + t.tileSize - 1) / t.tileSize;
    int64_t b = (t.shape[t.rank - 1] + t.tileSize - 1) / t.tileSize;
    t.tilesPerPlane = a * b;
    int64_t planes = t.total / (t.shape[t.tileDim] * t.shape[t.rank - 1]);
    t.numItems = t.total ? planes * t.tilesPerPlane : 0;
  }
  int64_t bytes = t.total * static_cast<int64_t>(elemSize) * 2;
  result->blockDim =
      chooseBlockDim(soc, std::max<int64_t>(t.numItems, 1), bytes);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  result->packedInputs.clear();
  return Status::OK();
}

namespace {

/// Multi-index odometer over the output dims [0, rank - skip).
struct Odometer {
  const StridedCopyTiling &t;
  int32_t dims;
  int64_t idx[kCopyMaxRank] = {};
  int64_t in = 0; // input element offset (without inBase)

  Odometer(const StridedCopyTiling &tiling, int32_t skip)
      : t(tiling), dims(tiling.rank - skip) {}
  void seek(int64_t pos) {
    in = 0;
    for (int32_t d = dims; d-- > 0;) {
      idx[d] = pos % t.shape[d];
      pos /= t.shape[d];
      in += idx[d] * t.inStride[d];
    }
  }
  void next() {
    for (int32_t d = dims; d-- > 0;) {
      in += t.inStride[d];
      if (++idx[d] < t.shape[d])
        return;
      in -= idx[d] * t.inStride[d];
      idx[d] = 0;
    }
  }
};

template <typename T>
void copyRange(const StridedCopyTiling &t, const T *in, T *out, int64_t begin,
               int64_t end) {
  int64_t len = t.shape[t.rank - 1], s = t.inStride[t.rank - 1];
  Odometer rows(t, 1);
  rows.seek(begin / len);
  for (int64_t f = begin; f < end; rows.next()) {
    int64_t col = f % len, n = std::min(len - col, end - f);
    const T *src = in + t.inBase + rows.in + col * s;
    T *dst = out + f;
    if (t.mode == 0)
      std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(T));
    else if (t.mode == 1)
      std::fill(dst, dst + n, *src);
    else
      for (int64_t j = 0; j < n; ++j)
        dst[j] = src[j * s];
    f += n;
  }
}

/// Mode 2: tile `item` of the (tileDim, last) planes. The input is
/// contiguous along tileDim, the output along the last dim.
template <typename T>
void copyTile(const StridedCopyTiling &t, const T *in, T *out, int64_t item) {
  const int32_t a = t.tileDim, last = t.rank - 1;
  const int64_t B = t.tileSize;
  int64_t plane = item / t.tilesPerPlane, k = item % t.tilesPerPlane;
  int64_t aBlocks = (t.shape[a] + B - 1) / B;
  int64_t a0 = (k % aBlocks) * B, b0 = (k / aBlocks) * B;
  int64_t na = std::min(B, t.shape[a] - a0),
          nb = std::min(B, t.shape[last] - b0);
  // Offsets of the plane: decompose over every dim except a and last.
  int64_t inOff = t.inBase, outOff = 0, outStride = 1, rest = plane;
  int64_t outStrides[kCopyMaxRank];
  for (int32_t d = t.rank; d-- > 0;) {
    outStrides[d] = outStride;
    outStride *= t.shape[d];
  }
  for (int32_t d = t.rank; d-- > 0;) {
    if (d == a || d == last)
      continue;
    int64_t i = rest % t.shape[d];
    rest /= t.shape[d];
    inOff += i * t.inStride[d];
    outOff += i * outStrides[d];
  }
  const int64_t sIn = t.inStride[last], sOut = outStrides[a];
  const T *src = in + inOff + a0 + b0 * sIn;
  T *dst = out + outOff + a0 * sOut + b0;
  // Gather the tile row by row from the input (each input line read in one
  // burst), then write it out row by row. Touching the lines of a
  // power-of-two stride one after another, instead of all of them for every
  // output row, avoids thrashing the L1 set they all map to.
  alignas(64) unsigned char raw[kTileBytes];
  T *buf = reinterpret_cast<T *>(raw);
  for (int64_t j = 0; j < nb; ++j) {
    const T *row = src + j * sIn;
    for (int64_t i = 0; i < na; ++i)
      buf[i * B + j] = row[i];
  }
  for (int64_t i = 0; i < na; ++i) {
    const T *b = buf + i * B;
    T *o = dst + i * sOut;
    for (int64_t j = 0; j < nb; ++j)
      o[j] = b[j];
  }
}

template <typename T>
void runTyped(const StridedCopyTiling &t, const void *in, void *out,
              int64_t begin, int64_t end) {
  const T *src = static_cast<const T *>(in);
  T *dst = static_cast<T *>(out);
  if (t.mode == 2)
    for (int64_t item = begin; item < end; ++item)
      copyTile(t, src, dst, item);
  else
    copyRange(t, src, dst, begin, end);
}

} // namespace

int32_t stridedCopyKernel(const KernelArgs &args, uint32_t blockIdx,
                          uint32_t blockDim) {
  StridedCopyTiling t;
  if (!decodeTiling(args, &t) || args.numInputs < 1 || args.numOutputs != 1 ||
      t.rank < 1 || t.rank > kCopyMaxRank ||
      (t.mode == 2 && (t.tileDim < 0 || t.tileDim >= t.rank - 1 ||
                       t.tileSize * t.tileSize * t.elemSize > kTileBytes)))
    return kVecErrBadTiling;
  int64_t begin, end;
  blockRange(t.numItems, blockIdx, blockDim, &begin, &end);
  if (begin >= end)
    return 0;
  const void *in = args.inputs[0];
  void *out = args.outputs[0];
  switch (t.elemSize) {
  case 1:
    runTyped<uint8_t>(t, in, out, begin, end);
    break;
  case 2:
    runTyped<uint16_t>(t, in, out, begin, end);
    break;
  case 4:
    runTyped<uint32_t>(t, in, out, begin, end);
    break;
  case 8:
    runTyped<uint64_t>(t, in, out, begin, end);
    break;
  default:
    return kVecErrBadTiling;
  }
  return 0;
}

} // namespace geflow::kernels::vec
