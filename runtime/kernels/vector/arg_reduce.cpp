//===- arg_reduce.cpp - arg_max / arg_min along one axis ------------------===//
//
// The input is viewed as [outer, n, inner]; every output element is the
// index along n of the largest (smallest) value of its column. Ties keep
// the first index and a NaN wins (numpy argmax/argmin). Work items are
// (outer, block of up to kCols inner columns): the axis is walked once per
// item with the running best of each column in registers/L1, so rows are
// read contiguously. Values compare in their own type (f16/bf16 widened to
// f32), so int64 stays exact.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Half.h"
#include "kernels/common/kernel_families.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/nd_shape.h"

#include <algorithm>
#include <cmath>

namespace geflow::kernels::vec {

namespace {

constexpr int64_t kCols = 64;

struct ArgReduceTiling {
  uint8_t dtype, isMax, idx64, pad;
  int32_t pad2;
  int64_t outer, n, inner, colBlocks;
};

Status argReduceTiling(const std::string &name, bool isMax,
                       const TilingContext &ctx, TilingResult *result) {
  GEFLOW_RETURN_IF_ERROR(checkArity(name, ctx, 1, 1, 1, 1));
  const TensorDesc &x = ctx.inputs[0];
  const TensorDesc &y = ctx.outputs[0];
  if (x.dtype == DType::Bool)
    return unsupported(name + ": input 0 has dtype bool, expected a number");
  if (y.dtype != DType::I32 && y.dtype != DType::I64)
    return invalidArgument(name + ": output 0 has dtype " +
                           std::string(rt::dtypeName(y.dtype)) +
                           ", expected int32 or int64");
  int64_t rank = static_cast<int64_t>(x.shape.size()), axis = 0;
  if (rank == 0)
    return invalidArgument(name + ": input 0 must have rank >= 1");
  GEFLOW_RETURN_IF_ERROR(
      normalizeAxis(name, ctx.attrs.getInt("axis", 0), rank, &axis));
  if (x.shape[axis] == 0)
    return invalidArgument(name + ": axis " + std::to_string(axis) +
                           " of input 0 is empty");
  // The output drops the axis, or keeps it as 1 (same layout).
  Shape dropped = x.shape, kept = x.shape;
  dropped.erase(dropped.begin() + axis);
  kept[axis] = 1;
  if (y.shape != dropped && y.shape != kept)
    return invalidArgument(name + ": output 0 has shape " + shapeStr(y.shape) +
                           ", expected " + shapeStr(dropped) + " or " +
                           shapeStr(kept));
  ArgReduceTiling t{};
  t.dtype = static_cast<uint8_t>(x.dtype);
  t.isMax = isMax;
  t.idx64 = y.dtype == DType::I64;
  t.outer = 1;
  t.inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      (d < axis ? t.outer : t.inner) *= x.shape[d];
  t.n = x.shape[axis];
  t.colBlocks = (t.inner + kCols - 1) / kCols;
  int64_t items = t.outer * t.colBlocks;
  int64_t bytes =
      rt::numElements(x.shape) * static_cast<int64_t>(rt::dtypeSize(x.dtype));
  result->blockDim =
      chooseBlockDim(socOf(ctx), std::max<int64_t>(items, 1), bytes);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

template <bool Max>
Status argTiling(const TilingContext &ctx, TilingResult *r) {
  return argReduceTiling(Max ? "arg_max" : "arg_min", Max, ctx, r);
}

// How each dtype is stored and compared.
template <typename S, typename V> struct Plain {
  using Storage = S;
  static V load(S v) { return static_cast<V>(v); }
};
struct F16 {
  using Storage = uint16_t;
  static float load(uint16_t h) { return rt::halfToFloat(h); }
};
struct BF16 {
  using Storage = uint16_t;
  static float load(uint16_t h) { return rt::bf16ToFloat(h); }
};

template <typename V> bool isNaN(V v) {
  if constexpr (std::is_floating_point_v<V>)
    return std::isnan(v);
  return false;
}

template <class D, bool Max, typename I>
void argColumns(const ArgReduceTiling &t, const typename D::Storage *x, I *y,
                int64_t o, int64_t c0, int64_t w) {
  using V = decltype(D::load(x[0]));
  V best[kCols];
  I idx[kCols];
  const typename D::Storage *col = x + o * t.n * t.inner + c0;
  for (int64_t j = 0; j < w; ++j) {
    best[j] = D::load(col[j]);
    idx[j] = 0;
  }
  for (int64_t k = 1; k < t.n; ++k) {
    const typename D::Storage *row = col + k * t.inner;
    for (int64_t j = 0; j < w; ++j) {
      V v = D::load(row[j]);
      // Strictly better, or the first NaN; nothing replaces a NaN.
      bool better = Max ? v > best[j] : v < best[j];
      if (!isNaN(best[j]) && (better || isNaN(v))) {
        best[j] = v;
        idx[j] = static_cast<I>(k);
      }
    }
  }
  std::copy(idx, idx + w, y + o * t.inner + c0);
}

template <class D, bool Max>
void argRange(const ArgReduceTiling &t, const KernelArgs &args, int64_t begin,
              int64_t end) {
  const auto *x = static_cast<const typename D::Storage *>(args.inputs[0]);
  for (int64_t item = begin; item < end; ++item) {
    int64_t o = item / t.colBlocks, c0 = (item % t.colBlocks) * kCols;
    int64_t w = std::min(kCols, t.inner - c0);
    if (t.idx64)
      argColumns<D, Max>(t, x, static_cast<int64_t *>(args.outputs[0]), o, c0,
                         w);
    else
      argColumns<D, Max>(t, x, static_cast<int32_t *>(args.outputs[0]), o, c0,
                         w);
  }
}

template <class D>
void argDispatch(const ArgReduceTiling &t, const KernelArgs &args,
                 int64_t begin, int64_t end) {
  if (t.isMax)
    argRange<D, true>(t, args, begin, end);
  else
    argRange<D, false>(t, args, begin, end);
}

int32_t argReduceKernel(const KernelArgs &args, uint32_t blockIdx,
                        uint32_t blockDim) {
  ArgReduceTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 1 || args.numOutputs != 1 ||
      t.n < 1)
    return kVecErrBadTiling;
  int64_t begin, end;
  blockRange(t.outer * t.colBlocks, blockIdx, blockDim, &begin, &end);
  switch (static_cast<DType>(t.dtype)) {
  case DType::F32:
    argDispatch<Plain<float, float>>(t, args, begin, end);
    break;
  case DType::F16:
    argDispatch<F16>(t, args, begin, end);
    break;
  case DType::BF16:
    argDispatch<BF16>(t, args, begin, end);
    break;
  case DType::I8:
    argDispatch<Plain<int8_t, int32_t>>(t, args, begin, end);
    break;
  case DType::U8:
    argDispatch<Plain<uint8_t, int32_t>>(t, args, begin, end);
    break;
  case DType::I32:
    argDispatch<Plain<int32_t, int32_t>>(t, args, begin, end);
    break;
  case DType::I64:
    argDispatch<Plain<int64_t, int64_t>>(t, args, begin, end);
    break;
  default:
    return kVecErrBadTiling;
  }
  return 0;
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerArgReduceKernels(KernelRegistry &registry) {
  using namespace vec;
  for (bool isMax : {true, false}) {
    KernelDef def{isMax ? "arg_max" : "arg_min",
                  isMax ? argTiling<true> : argTiling<false>,
                  nullptr,
                  {}};
    for (DType dt : {DType::F32, DType::F16, DType::BF16, DType::I8, DType::U8,
                     DType::I32, DType::I64})
      def.impls.push_back({dt, Isa::Portable, argReduceKernel});
    registry.add(std::move(def));
  }
}

} // namespace geflow::kernels
