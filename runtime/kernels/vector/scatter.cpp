//===- scatter.cpp - scatter_elements, scatter_nd -------------------------===//
//
// scatter_elements / scatter_nd: the output starts as a copy of data, then
// every update is applied in row-major order of the indices, so duplicate
// indices resolve like the ONNX reference (the last write wins; add / mul
// accumulate in that order). That order is the semantics, so one block does
// the copy and the updates (block_dim 1; other blocks of a forced larger
// block_dim return at once). add/mul compute in the element
// type (f16/bf16 through f32 with one rounding per update, integers
// wrapping); bool takes `none` only. Negative indices count from the end;
// out of range fails the task.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Half.h"
#include "kernels/common/kernel_families.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/index_operands.h"
#include "kernels/vector/nd_shape.h"
#include "kernels/vector/vec_registry.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace geflow::kernels::vec {

namespace {

enum class Reduction : uint32_t { None, Add, Mul, Max, Min };

Status parseReduction(const std::string &op, const TilingContext &ctx, DType dt,
                      Reduction *out) {
  std::string r = ctx.attrs.getString("reduction", "none");
  if (r == "none")
    *out = Reduction::None;
  else if (r == "add")
    *out = Reduction::Add;
  else if (r == "mul")
    *out = Reduction::Mul;
  else if (r == "max")
    *out = Reduction::Max;
  else if (r == "min")
    *out = Reduction::Min;
  else
    return invalidArgument(op + ": reduction \"" + r +
                           "\" is not none, add, mul, max or min");
  if (*out != Reduction::None && dt == DType::Bool)
    return unsupported(op + ": reduction \"" + r + "\" on bool data");
  return Status::OK();
}

//===----------------------------------------------------------------------===//
// Combining an update into an element
//===----------------------------------------------------------------------===//

template <typename T> void combine(Reduction r, T *dst, T v) {
  if (r == Reduction::None) {
    *dst = v;
  } else if (r == Reduction::Max) {
    *dst = std::max(*dst, v);
  } else if (r == Reduction::Min) {
    *dst = std::min(*dst, v);
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>; // wrapping
    *dst = r == Reduction::Add ? static_cast<T>(U(U(*dst) + U(v)))
                               : static_cast<T>(U(U(*dst) * U(v)));
  } else {
    *dst = r == Reduction::Add ? *dst + v : *dst * v;
  }
}

void combineElement(Reduction r, DType dt, uint8_t *dst, const uint8_t *src) {
  switch (dt) {
  case DType::F32:
    return combine(r, reinterpret_cast<float *>(dst),
                   *reinterpret_cast<const float *>(src));
  case DType::F16:
  case DType::BF16: {
    bool half = dt == DType::F16;
    uint16_t a, b;
    std::memcpy(&a, dst, 2);
    std::memcpy(&b, src, 2);
    float fa = half ? rt::halfToFloat(a) : rt::bf16ToFloat(a);
    float fb = half ? rt::halfToFloat(b) : rt::bf16ToFloat(b);
    combine(r, &fa, fb);
    uint16_t out = half ? rt::floatToHalf(fa) : rt::floatToBf16(fa);
    std::memcpy(dst, &out, 2);
    return;
  }
  case DType::I8:
    return combine(r, reinterpret_cast<int8_t *>(dst),
                   *reinterpret_cast<const int8_t *>(src));
  case DType::U8:
  case DType::Bool:
    return combine(r, dst, *src);
  case DType::I32:
    return combine(r, reinterpret_cast<int32_t *>(dst),
                   *reinterpret_cast<const int32_t *>(src));
  case DType::I64:
    return combine(r, reinterpret_cast<int64_t *>(dst),
                   *reinterpret_cast<const int64_t *>(src));
  case DType::F64:
    return combine(r, reinterpret_cast<double *>(dst),
                   *reinterpret_cast<const double *>(src));
  case DType::I16:
    return combine(r, reinterpret_cast<int16_t *>(dst),
                   *reinterpret_cast<const int16_t *>(src));
  case DType::U16:
    return combine(r, reinterpret_cast<uint16_t *>(dst),
                   *reinterpret_cast<const uint16_t *>(src));
  case DType::U32:
    return combine(r, reinterpret_cast<uint32_t *>(dst),
                   *reinterpret_cast<const uint32_t *>(src));
  case DType::U64:
    return combine(r, reinterpret_cast<uint64_t *>(dst),
                   *reinterpret_cast<const uint64_t *>(src));
  case DType::String: // not registered for strings (addAllDtypes)
    return;
  }
}

/// dst[0..n) combined with src[0..n) (elements of `es` bytes).
void combineRun(Reduction r, DType dt, uint8_t *dst, const uint8_t *src,
                int64_t n, int64_t es) {
  if (r == Reduction::None) {
    std::memcpy(dst, src, static_cast<size_t>(n * es));
    return;
  }
  for (int64_t i = 0; i < n; ++i)
    combineElement(r, dt, dst + i * es, src + i * es);
}

/// The output starts as data (unless the planner made them one buffer).
void copyData(const KernelArgs &args, int64_t bytes) {
  if (args.outputs[0] != args.inputs[0] && bytes > 0)
    std::memcpy(args.outputs[0], args.inputs[0], static_cast<size_t>(bytes));
}

//===----------------------------------------------------------------------===//
// scatter_elements
//===----------------------------------------------------------------------===//

struct ScatterElementsTiling {
  int32_t rank;
  uint32_t idx64, reduction;
  uint8_t dtype, pad[3];
  int64_t axis, total, dataBytes, elemBytes;
  int64_t idxShape[kMaxRank];
  int64_t dataShape[kMaxRank];
  int64_t dataStride[kMaxRank]; // elements
};

Status scatterElementsTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "scatter_elements";
  GEFLOW_RETURN_IF_ERROR(checkArity(op, ctx, 3, 3, 1, 1));
  const TensorDesc &data = ctx.inputs[0], &idx = ctx.inputs[1],
                   &upd = ctx.inputs[2];
  GEFLOW_RETURN_IF_ERROR(checkIndices(op, idx));
  GEFLOW_RETURN_IF_ERROR(
      checkDtype(op, "input 2 (updates)", upd.dtype, data.dtype));
  GEFLOW_RETURN_IF_ERROR(
      checkDtype(op, "output 0", ctx.outputs[0].dtype, data.dtype));
  GEFLOW_RETURN_IF_ERROR(
      checkShape(op, "output 0", ctx.outputs[0].shape, data.shape));
  GEFLOW_RETURN_IF_ERROR(
      checkShape(op, "input 2 (updates)", upd.shape, idx.shape));
  int64_t rank = static_cast<int64_t>(data.shape.size()), axis;
  GEFLOW_RETURN_IF_ERROR(checkRank(op, "input 0 (data)", data.shape.size()));
  if (rank == 0 || static_cast<int64_t>(idx.shape.size()) != rank)
    return invalidArgument(op + ": input 1 (indices) has rank " +
                           std::to_string(idx.shape.size()) +
                           ", expected data's rank " + std::to_string(rank) +
                           " >= 1");
  GEFLOW_RETURN_IF_ERROR(
      normalizeAxis(op, ctx.attrs.getInt("axis", 0), rank, &axis));
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && idx.shape[d] > data.shape[d])
      return invalidArgument(op + ": input 1 (indices) has shape " +
                             shapeStr(idx.shape) + ", larger than the data " +
                             shapeStr(data.shape) + " in dim " +
                             std::to_string(d));
  ScatterElementsTiling t{};
  Reduction r;
  GEFLOW_RETURN_IF_ERROR(parseReduction(op, ctx, data.dtype, &r));
  t.reduction = static_cast<uint32_t>(r);
  t.rank = static_cast<int32_t>(rank);
  t.idx64 = idx.dtype == DType::I64;
  t.dtype = static_cast<uint8_t>(data.dtype);
  t.axis = axis;
  t.total = rt::numElements(idx.shape);
  t.elemBytes = static_cast<int64_t>(rt::dtypeSize(data.dtype));
  t.dataBytes = rt::numElements(data.shape) * t.elemBytes;
  std::vector<int64_t> strides = contiguousStrides(data.shape);
  for (int64_t d = 0; d < rank; ++d) {
    t.idxShape[d] = idx.shape[d];
    t.dataShape[d] = data.shape[d];
    t.dataStride[d] = strides[d];
  }
  result->blockDim = 1;
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

int32_t scatterElementsKernel(const KernelArgs &args, uint32_t blockIdx,
                              uint32_t blockDim) {
  ScatterElementsTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 3 || args.numOutputs != 1 ||
      t.rank < 1 || t.rank > kMaxRank || t.axis < 0 || t.axis >= t.rank)
    return kVecErrBadTiling;
  if (blockIdx != 0)
    return 0;
  copyData(args, t.dataBytes);
  uint8_t *out = static_cast<uint8_t *>(args.outputs[0]);
  const uint8_t *upd = static_cast<const uint8_t *>(args.inputs[2]);
  DType dt = static_cast<DType>(t.dtype);
  Reduction r = static_cast<Reduction>(t.reduction);
  int64_t coord[kMaxRank] = {};
  for (int64_t f = 0; f < t.total; ++f) {
    int64_t i = readIndex(args.inputs[1], t.idx64, f);
    int64_t n = t.dataShape[t.axis];
    if (i < -n || i >= n)
      return indexOutOfRange(kVecErrIndexOutOfRange, i, f, n,
                             "on axis " + std::to_string(t.axis));
    int64_t offset = 0;
    for (int d = 0; d < t.rank; ++d)
      offset +=
          (d == t.axis ? (i < 0 ? i + n : i) : coord[d]) * t.dataStride[d];
    combineRun(r, dt, out + offset * t.elemBytes, upd + f * t.elemBytes, 1,
               t.elemBytes);
    for (int d = t.rank - 1; d >= 0; --d) { // next coordinate
      if (++coord[d] < t.idxShape[d])
        break;
      coord[d] = 0;
    }
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// scatter_nd
//===----------------------------------------------------------------------===//

struct ScatterNdTiling {
  uint32_t idx64, k, reduction;
  uint8_t dtype, pad[3];
  int64_t tuples, sliceBytes, elemBytes, dataBytes;
  int64_t dims[kMaxRank], strides[kMaxRank]; // indexed dims, byte strides
};

Status scatterNdTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "scatter_nd";
  GEFLOW_RETURN_IF_ERROR(checkArity(op, ctx, 3, 3, 1, 1));
  const TensorDesc &data = ctx.inputs[0], &idx = ctx.inputs[1],
                   &upd = ctx.inputs[2];
  GEFLOW_RETURN_IF_ERROR(checkIndices(op, idx));
  GEFLOW_RETURN_IF_ERROR(
      checkDtype(op, "input 2 (updates)", upd.dtype, data.dtype));
  GEFLOW_RETURN_IF_ERROR(
      checkDtype(op, "output 0", ctx.outputs[0].dtype, data.dtype));
  GEFLOW_RETURN_IF_ERROR(
      checkShape(op, "output 0", ctx.outputs[0].shape, data.shape));
  int64_t xr = static_cast<int64_t>(data.shape.size());
  if (idx.shape.empty())
    return invalidArgument(op + ": input 1 (indices) must have rank >= 1");
  int64_t k = idx.shape.back();
  if (k < 1 || k > xr || k > kMaxRank)
    return invalidArgument(op + ": index tuples of " + std::to_string(k) +
                           " entries do not fit data " + shapeStr(data.shape));
  Shape expected(idx.shape.begin(), idx.shape.end() - 1);
  expected.insert(expected.end(), data.shape.begin() + k, data.shape.end());
  GEFLOW_RETURN_IF_ERROR(
      checkShape(op, "input 2 (updates)", upd.shape, expected));
  ScatterNdTiling t{};
  Reduction r;
  GEFLOW_RETURN_IF_ERROR(parseReduction(op, ctx, data.dtype, &r));
  t.reduction = static_cast<uint32_t>(r);
  t.idx64 = idx.dtype == DType::I64;
  t.k = static_cast<uint32_t>(k);
  t.dtype = static_cast<uint8_t>(data.dtype);
  t.elemBytes = static_cast<int64_t>(rt::dtypeSize(data.dtype));
  t.tuples = rt::numElements(idx.shape) / k;
  t.sliceBytes = t.elemBytes;
  for (int64_t d = k; d < xr; ++d)
    t.sliceBytes *= data.shape[d];
  int64_t stride = t.sliceBytes;
  for (int64_t j = k - 1; j >= 0; --j) {
    t.dims[j] = data.shape[j];
    t.strides[j] = stride;
    stride *= t.dims[j];
  }
  t.dataBytes = stride;
  result->blockDim = 1;
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

int32_t scatterNdKernel(const KernelArgs &args, uint32_t blockIdx,
                        uint32_t blockDim) {
  ScatterNdTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 3 || args.numOutputs != 1 ||
      t.k < 1 || t.k > uint32_t(kMaxRank))
    return kVecErrBadTiling;
  if (blockIdx != 0)
    return 0;
  copyData(args, t.dataBytes);
  uint8_t *out = static_cast<uint8_t *>(args.outputs[0]);
  const uint8_t *upd = static_cast<const uint8_t *>(args.inputs[2]);
  for (int64_t item = 0; item < t.tuples; ++item) {
    int64_t offset = 0;
    for (uint32_t j = 0; j < t.k; ++j) {
      int64_t i = readIndex(args.inputs[1], t.idx64, item * t.k + j);
      if (i < -t.dims[j] || i >= t.dims[j])
        return indexOutOfRange(
            kVecErrIndexOutOfRange, i, item * t.k + j, t.dims[j],
            "at position " + std::to_string(j) + " of its index tuple");
      offset += (i < 0 ? i + t.dims[j] : i) * t.strides[j];
    }
    combineRun(static_cast<Reduction>(t.reduction), static_cast<DType>(t.dtype),
               out + offset, upd + item * t.sliceBytes,
               t.sliceBytes / t.elemBytes, t.elemBytes);
  }
  return 0;
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerScatterKernels(KernelRegistry &registry) {
  using namespace vec;
  KernelDef elements{"scatter_elements", scatterElementsTiling, nullptr, {}};
  addAllDtypes(&elements, scatterElementsKernel);
  registry.add(std::move(elements));
  KernelDef nd{"scatter_nd", scatterNdTiling, nullptr, {}};
  addAllDtypes(&nd, scatterNdKernel);
  registry.add(std::move(nd));
}

} // namespace geflow::kernels
