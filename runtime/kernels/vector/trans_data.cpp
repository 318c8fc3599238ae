//===- trans_data.cpp - NCHW <-> NC1HWC0, ND <-> FRACTAL_NZ ---------------===//
//
// The format change GE inserts between ND/NCHW graphs and the Cube unit's
// blocked layouts; the logical shape stays the same, the formats come from
// the input and output descriptors.
//   NCHW [N, C, H, W] <-> NC1HWC0 [N, ceil(C/16), H, W, 16]: for each
//     (n, c1) a [16 channels, HW] <-> [HW, 16] transpose in tiles of 64 HW
//     positions; channels >= C are zero in NC1HWC0.
//   ND [..., M, N] <-> FRACTAL_NZ [..., ceil(N/16), ceil(M/16), 16, 16]:
//     16x16 blocks copied row by row (rows are contiguous on both sides);
//     padding rows/columns are zero in FRACTAL_NZ.
// Element-size generic.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/kernel_families.h"
#include "kernels/vector/data_movement.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/vec_registry.h"

#include <algorithm>
#include <cstring>

namespace geflow::kernels::vec {

namespace {

constexpr int64_t kC0 = rt::kC0, kHwTile = 64, kFrac = 16;

enum class TransKind : uint32_t { ToNc1hwc0, FromNc1hwc0, ToNz, FromNz };

struct TransDataTiling {
  uint32_t kind;
  uint32_t elemSize;
  // NC1HWC0: n, c, hw (c1 derived). FRACTAL_NZ: batch, m, n.
  int64_t a, b, c;
  int64_t items;
};

bool isPlain(Format f) { return f == Format::ND || f == Format::NCHW; }

Status transDataTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "trans_data";
  GEFLOW_RETURN_IF_ERROR(checkMoveSignature(op, ctx));
  const TensorDesc &in = ctx.inputs[0], &out = ctx.outputs[0];
  GEFLOW_RETURN_IF_ERROR(
      checkShape(op, "output 0 (logical)", out.shape, in.shape));
  TransDataTiling t{};
  t.elemSize = static_cast<uint32_t>(rt::dtypeSize(in.dtype));
  const Shape &s = in.shape;
  auto formats = std::string(rt::formatName(in.format)) + " -> " +
                 std::string(rt::formatName(out.format));
  bool toNc = isPlain(in.format) && out.format == Format::NC1HWC0;
  bool fromNc = in.format == Format::NC1HWC0 && isPlain(out.format);
  bool toNz = in.format == Format::ND && out.format == Format::FRACTAL_NZ;
  bool fromNz = in.format == Format::FRACTAL_NZ && out.format == Format::ND;
  if (toNc || fromNc) {
    if (s.size() != 4)
      return invalidArgument(op + ": " + formats +
                             " needs a 4-d logical shape, got " + shapeStr(s));
    t.kind = static_cast<uint32_t>(toNc ? TransKind::ToNc1hwc0
                                        : TransKind::FromNc1hwc0);
    t.a = s[0];
    t.b = s[1];
    t.c = s[2] * s[3];
    int64_t c1 = (t.b + kC0 - 1) / kC0;
    t.items = t.a * c1 * ((t.c + kHwTile - 1) / kHwTile);
  } else if (toNz || fromNz) {
    if (s.size() < 2)
      return invalidArgument(op + ": " + formats + " needs rank >= 2, got " +
                             shapeStr(s));
    t.kind = static_cast<uint32_t>(toNz ? TransKind::ToNz : TransKind::FromNz);
    t.a = 1;
    for (size_t d = 0; d + 2 < s.size(); ++d)
      t.a *= s[d];
    t.b = s[s.size() - 2];
    t.c = s.back();
    t.items = t.a * ((t.b + kFrac - 1) / kFrac) * ((t.c + kFrac - 1) / kFrac);
  } else {
    return unsupported(
        op + ": " + formats +
        " is not supported (NCHW/ND <-> NC1HWC0, ND <-> FRACTAL_NZ)");
  }
  auto phys = rt::physicalShape(out.format, out.shape);
  int64_t bytes = 2 * rt::numElements(*phys) * t.elemSize;
  result->blockDim =
      chooseBlockDim(socOf(ctx), std::max<int64_t>(t.items, 1), bytes);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

/// One (n, c1, hw-tile) item of NCHW <-> NC1HWC0.
template <typename T>
void nc1hwc0Item(const TransDataTiling &t, bool to, const T *in, T *out,
                 int64_t item) {
  const int64_t C = t.b, HW = t.c, c1n = (C + kC0 - 1) / kC0;
  const int64_t tiles = (HW + kHwTile - 1) / kHwTile;
  int64_t plane = item / tiles, h0 = (item % tiles) * kHwTile;
  int64_t n = plane / c1n, c1 = plane % c1n;
  int64_t len = std::min(kHwTile, HW - h0);
  int64_t cn = std::min(kC0, C - c1 * kC0); // real channels in this block
  T *blk = nullptr;
  const T *cblk = nullptr;
  int64_t blockOff = ((n * c1n + c1) * HW + h0) * kC0;
  int64_t planeOff = (n * C + c1 * kC0) * HW + h0;
  if (to) {
    blk = out + blockOff;
    const T *src = in + planeOff;
    for (int64_t i = 0; i < len; ++i) {
      for (int64_t c0 = 0; c0 < cn; ++c0)
        blk[i * kC0 + c0] = src[c0 * HW + i];
      for (int64_t c0 = cn; c0 < kC0; ++c0)
        blk[i * kC0 + c0] = T(0);
    }
  } else {
    cblk = in + blockOff;
    T *dst = out + planeOff;
    for (int64_t c0 = 0; c0 < cn; ++c0)
      for (int64_t i = 0; i < len; ++i)
        dst[c0 * HW + i] = cblk[i * kC0 + c0];
  }
}

/// One (batch, m1, n1) 16x16 block of ND <-> FRACTAL_NZ.
template <typename T>
void nzItem(const TransDataTiling &t, bool to, const T *in, T *out,
            int64_t item) {
  const int64_t M = t.b, N = t.c;
  const int64_t m1n = (M + kFrac - 1) / kFrac, n1n = (N + kFrac - 1) / kFrac;
  int64_t b = item / (m1n * n1n), k = item % (m1n * n1n);
  int64_t m1 = k / n1n, n1 = k % n1n;
  int64_t rows = std::min(kFrac, M - m1 * kFrac),
          cols = std::min(kFrac, N - n1 * kFrac);
  int64_t nzOff = ((b * n1n + n1) * m1n + m1) * kFrac * kFrac;
  int64_t ndOff = (b * M + m1 * kFrac) * N + n1 * kFrac;
  for (int64_t i = 0; i < kFrac; ++i) {
    if (to) {
      T *dst = out + nzOff + i * kFrac;
      if (i < rows) {
        std::memcpy(dst, in + ndOff + i * N,
                    static_cast<size_t>(cols) * sizeof(T));
        std::fill(dst + cols, dst + kFrac, T(0));
      } else {
        std::fill(dst, dst + kFrac, T(0));
      }
    } else if (i < rows) {
      std::memcpy(out + ndOff + i * N, in + nzOff + i * kFrac,
                  static_cast<size_t>(cols) * sizeof(T));
    }
  }
}

template <typename T>
void runTyped(const TransDataTiling &t, const void *in, void *out,
              int64_t begin, int64_t end) {
  const T *src = static_cast<const T *>(in);
  T *dst = static_cast<T *>(out);
  TransKind kind = static_cast<TransKind>(t.kind);
  for (int64_t item = begin; item < end; ++item) {
    if (kind == TransKind::ToNc1hwc0 || kind == TransKind::FromNc1hwc0)
      nc1hwc0Item(t, kind == TransKind::ToNc1hwc0, src, dst, item);
    else
      nzItem(t, kind == TransKind::ToNz, src, dst, item);
  }
}

int32_t transDataKernel(const KernelArgs &args, uint32_t blockIdx,
                        uint32_t blockDim) {
  TransDataTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 1 || args.numOutputs != 1)
    return kVecErrBadTiling;
  int64_t begin, end;
  blockRange(t.items, blockIdx, blockDim, &begin, &end);
  switch (t.elemSize) {
  case 1:
    runTyped<uint8_t>(t, args.inputs[0], args.outputs[0], begin, end);
    break;
  case 2:
    runTyped<uint16_t>(t, args.inputs[0], args.outputs[0], begin, end);
    break;
  case 4:
    runTyped<uint32_t>(t, args.inputs[0], args.outputs[0], begin, end);
    break;
  case 8:
    runTyped<uint64_t>(t, args.inputs[0], args.outputs[0], begin, end);
    break;
  default:
    return kVecErrBadTiling;
  }
  return 0;
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerTransDataKernels(KernelRegistry &registry) {
  using namespace vec;
  KernelDef def{"trans_data", transDataTiling, nullptr, {}};
  addAllDtypes(&def, transDataKernel);
  registry.add(std::move(def));
}

} // namespace geflow::kernels
