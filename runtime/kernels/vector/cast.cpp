//===- cast.cpp - cast among f32, f16, bf16, i8, u8, i32, i64, bool -------===//
//
// Semantics (numpy on x86, which ONNX Runtime and PyTorch share):
//   float -> float    round to nearest even; overflow to inf; NaN stays NaN
//   float -> int      truncate toward zero; NaN or out of the int32 (int64)
//                     range gives INT32_MIN (INT64_MIN), the x86 "integer
//                     indefinite"; int8/uint8 take the int32 result modulo 256
//   int -> int        two's complement wrap
//   int -> float      round to nearest
//   x -> bool         x != 0 (NaN -> true);  bool -> x: 0 or 1
// f32 <-> f16/bf16 use the vector conversions of the ISA; other pairs go
// through a stack chunk of float (float sources) or int64 (integer sources).
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Half.h"
#include "kernels/common/kernel_families.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/vec_registry.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace geflow::kernels::vec {

namespace {

struct CastTiling {
  uint8_t from, to;
  uint8_t pad[6];
  int64_t total;
};

Status castTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "cast";
  GEFLOW_RETURN_IF_ERROR(checkArity(op, ctx, 1, 1, 1, 1));
  GEFLOW_RETURN_IF_ERROR(
      checkShape(op, "output 0", ctx.outputs[0].shape, ctx.inputs[0].shape));
  if (ctx.inputs[0].format != ctx.outputs[0].format)
    return invalidArgument(op + ": input and output formats differ (" +
                           std::string(rt::formatName(ctx.inputs[0].format)) +
                           " vs " +
                           std::string(rt::formatName(ctx.outputs[0].format)) +
                           "); use trans_data");
  CastTiling t{};
  t.from = static_cast<uint8_t>(ctx.inputs[0].dtype);
  t.to = static_cast<uint8_t>(ctx.outputs[0].dtype);
  auto phys = rt::physicalShape(ctx.inputs[0].format, ctx.inputs[0].shape);
  if (!phys)
    return invalidArgument(op + ": input shape " +
                           shapeStr(ctx.inputs[0].shape) +
                           " does not fit its format");
  t.total = rt::numElements(*phys);
  int64_t bytes =
      t.total * static_cast<int64_t>(rt::dtypeSize(ctx.inputs[0].dtype) +
                                     rt::dtypeSize(ctx.outputs[0].dtype));
  result->blockDim =
      chooseBlockDim(socOf(ctx), std::max<int64_t>(t.total / 1024, 1), bytes);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

int32_t toInt32(float x) {
  // The x86 integer indefinite for NaN and out-of-range values, without
  // the undefined behaviour of a plain C++ conversion.
  if (!(x >= -2147483648.f && x < 2147483648.f))
    return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(x);
}

int64_t toInt64(float x) {
  if (!(x >= -9223372036854775808.f && x < 9223372036854775808.f))
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(x);
}

bool isFloatType(DType t) { return rt::isFloat(t); }

void loadFloats(const VecOps &ops, DType from, const void *src, float *dst,
                int64_t n) {
  switch (from) {
  case DType::F32:
    std::memcpy(dst, src, static_cast<size_t>(n) * 4);
    break;
  case DType::F16:
    ops.f16ToF32(static_cast<const uint16_t *>(src), dst, n);
    break;
  default:
    ops.bf16ToF32(static_cast<const uint16_t *>(src), dst, n);
    break;
  }
}

template <typename T>
void loadIntsAs(const void *src, int64_t *dst, int64_t n) {
  const T *s = static_cast<const T *>(src);
  for (int64_t i = 0; i < n; ++i)
    dst[i] = static_cast<int64_t>(s[i]);
}

void loadInts(DType from, const void *src, int64_t *dst, int64_t n) {
  switch (from) {
  case DType::I8:
    loadIntsAs<int8_t>(src, dst, n);
    break;
  case DType::U8:
  case DType::Bool:
    loadIntsAs<uint8_t>(src, dst, n);
    break;
  case DType::I32:
    loadIntsAs<int32_t>(src, dst, n);
    break;
  default:
    loadIntsAs<int64_t>(src, dst, n);
    break;
  }
}

void storeFloats(const VecOps &ops, DType to, const float *src, void *dst,
                 int64_t n) {
  switch (to) {
  case DType::F32:
    std::memcpy(dst, src, static_cast<size_t>(n) * 4);
    break;
  case DType::F16:
    ops.f32ToF16(src, static_cast<uint16_t *>(dst), n);
    break;
  case DType::BF16:
    ops.f32ToBf16(src, static_cast<uint16_t *>(dst), n);
    break;
  case DType::Bool: {
    uint8_t *d = static_cast<uint8_t *>(dst);
    for (int64_t i = 0; i < n; ++i)
      d[i] = src[i] != 0.f;
    break;
  }
  case DType::I64: {
    int64_t *d = static_cast<int64_t *>(dst);
    for (int64_t i = 0; i < n; ++i)
      d[i] = toInt64(src[i]);
    break;
  }
  case DType::I32: {
    int32_t *d = static_cast<int32_t *>(dst);
    for (int64_t i = 0; i < n; ++i)
      d[i] = toInt32(src[i]);
    break;
  }
  default: { // I8 / U8: the int32 result modulo 256
    uint8_t *d = static_cast<uint8_t *>(dst);
    for (int64_t i = 0; i < n; ++i)
      d[i] = static_cast<uint8_t>(static_cast<uint32_t>(toInt32(src[i])));
  }
  }
}

template <typename T>
void storeIntsAs(const int64_t *src, void *dst, int64_t n) {
  T *d = static_cast<T *>(dst);
  for (int64_t i = 0; i < n; ++i)
    d[i] = static_cast<T>(
        static_cast<std::make_unsigned_t<T>>(static_cast<uint64_t>(src[i])));
}

void storeInts(const VecOps &ops, DType to, const int64_t *src, void *dst,
               int64_t n, float *scratch) {
  switch (to) {
  case DType::I8:
    storeIntsAs<int8_t>(src, dst, n);
    return;
  case DType::U8:
    storeIntsAs<uint8_t>(src, dst, n);
    return;
  case DType::I32:
    storeIntsAs<int32_t>(src, dst, n);
    return;
  case DType::I64:
    std::memcpy(dst, src, static_cast<size_t>(n) * 8);
    return;
  case DType::Bool: {
    uint8_t *d = static_cast<uint8_t *>(dst);
    for (int64_t i = 0; i < n; ++i)
      d[i] = src[i] != 0;
    return;
  }
  default: // to a float type
    for (int64_t i = 0; i < n; ++i)
      scratch[i] = static_cast<float>(src[i]);
    storeFloats(ops, to, scratch, dst, n);
  }
}

int32_t castKernel(const VecOps &ops, const KernelArgs &args, uint32_t blockIdx,
                   uint32_t blockDim) {
  CastTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 1 || args.numOutputs != 1)
    return kVecErrBadTiling;
  DType from = static_cast<DType>(t.from), to = static_cast<DType>(t.to);
  int64_t begin, end;
  blockRange(t.total, blockIdx, blockDim, &begin, &end);
  size_t inSize = rt::dtypeSize(from), outSize = rt::dtypeSize(to);
  const uint8_t *in = static_cast<const uint8_t *>(args.inputs[0]);
  uint8_t *out = static_cast<uint8_t *>(args.outputs[0]);
  if (from == to) {
    std::memcpy(out + begin * outSize, in + begin * inSize,
                static_cast<size_t>(end - begin) * inSize);
    return 0;
  }
  constexpr int64_t kChunk = 1024;
  alignas(64) float fbuf[kChunk];
  alignas(64) int64_t ibuf[kChunk];
  for (int64_t i = begin; i < end; i += kChunk) {
    int64_t n = std::min(kChunk, end - i);
    const void *src = in + i * inSize;
    void *dst = out + i * outSize;
    if (from == DType::F32 && (to == DType::F16 || to == DType::BF16)) {
      storeFloats(ops, to, static_cast<const float *>(src), dst, n);
    } else if (isFloatType(from)) {
      loadFloats(ops, from, src, fbuf, n);
      storeFloats(ops, to, fbuf, dst, n);
    } else {
      loadInts(from, src, ibuf, n);
      storeInts(ops, to, ibuf, dst, n, fbuf);
    }
  }
  return 0;
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerCastKernels(KernelRegistry &registry) {
  using namespace vec;
  KernelDef cast{"cast", castTiling, nullptr, {}};
  addVecImpls<castKernel>(&cast,
                          {DType::F32, DType::F16, DType::BF16, DType::I8,
                           DType::U8, DType::I32, DType::I64, DType::Bool});
  registry.add(std::move(cast));
}

} // namespace geflow::kernels
