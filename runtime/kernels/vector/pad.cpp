//===- pad.cpp - pad: constant, reflect, edge -----------------------------===//
//
// Each output row (all dims but the last) maps to one input row, or to
// padding in constant mode; the row is then left padding, a memcpy of the
// input row, right padding. Reflect follows numpy "reflect" (the edge is
// not repeated), edge repeats the border element.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Half.h"
#include "kernels/common/kernel_families.h"
#include "kernels/vector/data_movement.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/vec_registry.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace geflow::kernels::vec {

namespace {

enum class PadMode : uint32_t { Constant, Reflect, Edge };

struct PadTiling {
  uint32_t mode;
  uint32_t elemSize;
  int32_t rank;
  uint32_t pad0;
  uint64_t valueBits; // the constant in the dtype's own encoding
  int64_t inShape[kMaxRank], outShape[kMaxRank], begin[kMaxRank];
  int64_t rows; // output rows
};

/// The constant as the bytes of one element of `dt` (float->int truncates,
/// like cast).
uint64_t encodeValue(double v, DType dt) {
  uint64_t bits = 0;
  auto put = [&](auto x) { std::memcpy(&bits, &x, sizeof(x)); };
  switch (dt) {
  case DType::F32:
    put(static_cast<float>(v));
    break;
  case DType::F16:
    put(rt::floatToHalf(static_cast<float>(v)));
    break;
  case DType::BF16:
    put(rt::floatToBf16(static_cast<float>(v)));
    break;
  case DType::I8:
    put(static_cast<int8_t>(static_cast<int64_t>(v)));
    break;
  case DType::U8:
    put(static_cast<uint8_t>(static_cast<int64_t>(v)));
    break;
  case DType::I32:
    put(static_cast<int32_t>(static_cast<int64_t>(v)));
    break;
  case DType::I64:
    put(static_cast<int64_t>(v));
    break;
  case DType::Bool:
    put(static_cast<uint8_t>(v != 0));
    break;
  case DType::F64:
    put(v);
    break;
  case DType::I16:
    put(static_cast<int16_t>(static_cast<int64_t>(v)));
    break;
  case DType::U16:
    put(static_cast<uint16_t>(static_cast<int64_t>(v)));
    break;
  case DType::U32:
    put(static_cast<uint32_t>(static_cast<int64_t>(v)));
    break;
  case DType::U64:
    put(static_cast<uint64_t>(static_cast<int64_t>(v)));
    break;
  case DType::String: // not registered for strings (addAllDtypes)
    break;
  }
  return bits;
}

Status padTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "pad";
  GEFLOW_RETURN_IF_ERROR(checkMoveSignature(op, ctx));
  const TensorDesc &x = ctx.inputs[0];
  int64_t rank = static_cast<int64_t>(x.shape.size());
  GEFLOW_RETURN_IF_ERROR(checkRank(op, "the input", x.shape.size()));
  if (rank == 0)
    return invalidArgument(op + ": input 0 must have rank >= 1");
  std::vector<int64_t> pads = ctx.attrs.getInts("pads");
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return invalidArgument(
        op + ": pads has " + std::to_string(pads.size()) +
        " entries, expected 2 * rank = " + std::to_string(2 * rank) +
        " ([begin_0, ..., begin_n, end_0, ..., end_n])");
  std::string mode = ctx.attrs.getString("mode", "constant");
  PadTiling t{};
  if (mode == "constant")
    t.mode = static_cast<uint32_t>(PadMode::Constant);
  else if (mode == "reflect")
    t.mode = static_cast<uint32_t>(PadMode::Reflect);
  else if (mode == "edge")
    t.mode = static_cast<uint32_t>(PadMode::Edge);
  else
    return invalidArgument(op + ": mode '" + mode +
                           "' is not one of constant, reflect, edge");
  t.elemSize = static_cast<uint32_t>(rt::dtypeSize(x.dtype));
  t.rank = static_cast<int32_t>(rank);
  t.valueBits = encodeValue(ctx.attrs.getFloat("value", 0.0), x.dtype);
  Shape out;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t b = pads[d], e = pads[rank + d], n = x.shape[d];
    std::string where =
        " for axis " + std::to_string(d) + " of size " + std::to_string(n);
    if (b < 0 || e < 0)
      return invalidArgument(op + ": negative pads" + where +
                             " (crop with slice)");
    if (mode == "reflect" && (b >= n || e >= n) && (b > 0 || e > 0))
      return invalidArgument(op + ": reflect pads " + std::to_string(b) + ", " +
                             std::to_string(e) +
                             " must be smaller than the size" + where);
    if (mode == "edge" && n == 0 && (b > 0 || e > 0))
      return invalidArgument(op + ": edge padding of an empty axis" + where);
    t.inShape[d] = n;
    t.begin[d] = b;
    t.outShape[d] = n + b + e;
    out.push_back(t.outShape[d]);
  }
  GEFLOW_RETURN_IF_ERROR(checkShape(op, "output 0", ctx.outputs[0].shape, out));
  t.rows = rt::numElements(out) / std::max<int64_t>(out.back(), 1);
  if (out.back() == 0)
    t.rows = 0;
  int64_t bytes = rt::numElements(out) * t.elemSize * 2;
  result->blockDim =
      chooseBlockDim(socOf(ctx), std::max<int64_t>(t.rows, 1), bytes);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

/// Input index for output index `o` of a dim, or -1 (constant padding).
int64_t sourceIndex(PadMode mode, int64_t o, int64_t begin, int64_t n) {
  int64_t i = o - begin;
  if (i >= 0 && i < n)
    return i;
  switch (mode) {
  case PadMode::Constant:
    return -1;
  case PadMode::Edge:
    return i < 0 ? 0 : n - 1;
  case PadMode::Reflect:
    return i < 0 ? -i : 2 * (n - 1) - i;
  }
  return -1;
}

template <typename T>
void padRows(const PadTiling &t, const T *in, T *out, int64_t begin,
             int64_t end) {
  PadMode mode = static_cast<PadMode>(t.mode);
  T value;
  std::memcpy(&value, &t.valueBits, sizeof(T));
  const int32_t last = t.rank - 1;
  const int64_t outLen = t.outShape[last], inLen = t.inShape[last],
                b = t.begin[last];
  for (int64_t r = begin; r < end; ++r) {
    T *dst = out + r * outLen;
    // Map the outer output index to an input row.
    int64_t rest = r, inRow = 0, scale = 1;
    bool padded = false;
    for (int32_t d = last - 1; d >= 0; --d) {
      int64_t o = rest % t.outShape[d];
      rest /= t.outShape[d];
      int64_t i = sourceIndex(mode, o, t.begin[d], t.inShape[d]);
      padded |= i < 0;
      inRow += i * scale;
      scale *= t.inShape[d];
    }
    if (padded) {
      std::fill(dst, dst + outLen, value);
      continue;
    }
    const T *src = in + inRow * inLen;
    for (int64_t o = 0; o < b; ++o) {
      int64_t i = sourceIndex(mode, o, b, inLen);
      dst[o] = i < 0 ? value : src[i];
    }
    std::memcpy(dst + b, src, static_cast<size_t>(inLen) * sizeof(T));
    for (int64_t o = b + inLen; o < outLen; ++o) {
      int64_t i = sourceIndex(mode, o, b, inLen);
      dst[o] = i < 0 ? value : src[i];
    }
  }
}

int32_t padKernel(const KernelArgs &args, uint32_t blockIdx,
                  uint32_t blockDim) {
  PadTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 1 || args.numOutputs != 1 ||
      t.rank < 1 || t.rank > kMaxRank)
    return kVecErrBadTiling;
  int64_t begin, end;
  blockRange(t.rows, blockIdx, blockDim, &begin, &end);
  const void *in = args.inputs[0];
  void *out = args.outputs[0];
  switch (t.elemSize) {
  case 1:
    padRows(t, static_cast<const uint8_t *>(in), static_cast<uint8_t *>(out),
            begin, end);
    break;
  case 2:
    padRows(t, static_cast<const uint16_t *>(in), static_cast<uint16_t *>(out),
            begin, end);
    break;
  case 4:
    padRows(t, static_cast<const uint32_t *>(in), static_cast<uint32_t *>(out),
            begin, end);
    break;
  case 8:
    padRows(t, static_cast<const uint64_t *>(in), static_cast<uint64_t *>(out),
            begin, end);
    break;
  default:
    return kVecErrBadTiling;
  }
  return 0;
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerPadKernels(KernelRegistry &registry) {
  using namespace vec;
  KernelDef pad{"pad", padTiling, nullptr, {}};
  addAllDtypes(&pad, padKernel);
  registry.add(std::move(pad));
}

} // namespace geflow::kernels
