//===- fill.cpp - fill and range (no inputs) ------------------------------===//
//
// fill: every element = attr `value` (converted to the output dtype like
// cast). range: out[i] = start + i * delta, computed in int64 for integer
// dtypes and in double (then rounded) for floats, with the length taken
// from the output shape (the compiler computes it from start/limit/delta).
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Half.h"
#include "kernels/common/kernel_families.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/vec_registry.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace geflow::kernels::vec {

namespace {

struct FillTiling {
  uint8_t dtype;
  uint8_t isRange;
  uint8_t pad[6];
  int64_t total;
  double start, delta; // fill: value in start
};

Status fillTilingImpl(const std::string &op, bool range,
                      const TilingContext &ctx, TilingResult *result) {
  GEFLOW_RETURN_IF_ERROR(checkArity(op, ctx, 0, 0, 1, 1));
  const TensorDesc &out = ctx.outputs[0];
  FillTiling t{};
  t.dtype = static_cast<uint8_t>(out.dtype);
  t.isRange = range;
  if (range) {
    if (out.shape.size() != 1)
      return invalidArgument(op + ": output 0 must be 1-d, got " +
                             shapeStr(out.shape));
    if (!ctx.attrs.has("start") || !ctx.attrs.has("delta"))
      return invalidArgument(op + ": needs attributes `start` and `delta`");
    t.start = ctx.attrs.getFloat("start", 0);
    t.delta = ctx.attrs.getFloat("delta", 1);
  } else {
    if (!ctx.attrs.has("value"))
      return invalidArgument(op + ": needs attribute `value`");
    t.start = ctx.attrs.getFloat("value", 0);
  }
  auto phys = rt::physicalShape(out.format, out.shape);
  if (!phys)
    return invalidArgument(op + ": output shape does not fit its format");
  t.total = rt::numElements(*phys);
  result->blockDim =
      chooseBlockDim(socOf(ctx), std::max<int64_t>(t.total / 4096, 1),
                     t.total * static_cast<int64_t>(rt::dtypeSize(out.dtype)));
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

Status fillTiling(const TilingContext &ctx, TilingResult *r) {
  return fillTilingImpl("fill", false, ctx, r);
}
Status rangeTiling(const TilingContext &ctx, TilingResult *r) {
  return fillTilingImpl("range", true, ctx, r);
}

template <typename T, class Fn>
void generate(void *out, int64_t b, int64_t e, Fn f) {
  T *y = static_cast<T *>(out);
  for (int64_t i = b; i < e; ++i)
    y[i] = f(i);
}

int32_t fillKernel(const KernelArgs &args, uint32_t blockIdx,
                   uint32_t blockDim) {
  FillTiling t;
  if (!decodeTiling(args, &t) || args.numOutputs != 1)
    return kVecErrBadTiling;
  int64_t b, e;
  blockRange(t.total, blockIdx, blockDim, &b, &e);
  void *out = args.outputs[0];
  // Integer ranges stay exact in int64; float values are computed in double.
  auto val = [&](int64_t i) {
    return t.isRange ? t.start + double(i) * t.delta : t.start;
  };
  auto ival = [&](int64_t i) {
    int64_t s = static_cast<int64_t>(t.start),
            d = static_cast<int64_t>(t.delta);
    return t.isRange ? static_cast<int64_t>(static_cast<uint64_t>(s) +
                                            static_cast<uint64_t>(i) *
                                                static_cast<uint64_t>(d))
                     : s;
  };
  switch (static_cast<DType>(t.dtype)) {
  case DType::F32:
    generate<float>(out, b, e, [&](int64_t i) { return float(val(i)); });
    break;
  case DType::F16:
    generate<uint16_t>(
        out, b, e, [&](int64_t i) { return rt::floatToHalf(float(val(i))); });
    break;
  case DType::BF16:
    generate<uint16_t>(
        out, b, e, [&](int64_t i) { return rt::floatToBf16(float(val(i))); });
    break;
  case DType::I8:
    generate<int8_t>(out, b, e, [&](int64_t i) { return int8_t(ival(i)); });
    break;
  case DType::U8:
    generate<uint8_t>(out, b, e, [&](int64_t i) { return uint8_t(ival(i)); });
    break;
  case DType::I32:
    generate<int32_t>(out, b, e, [&](int64_t i) { return int32_t(ival(i)); });
    break;
  case DType::I64:
    generate<int64_t>(out, b, e, ival);
    break;
  case DType::Bool:
    generate<uint8_t>(out, b, e,
                      [&](int64_t i) { return uint8_t(val(i) != 0); });
    break;
  case DType::F64:
    generate<double>(out, b, e, val);
    break;
  case DType::I16:
    generate<int16_t>(out, b, e, [&](int64_t i) { return int16_t(ival(i)); });
    break;
  case DType::U16:
    generate<uint16_t>(out, b, e, [&](int64_t i) { return uint16_t(ival(i)); });
    break;
  case DType::U32:
    generate<uint32_t>(out, b, e, [&](int64_t i) { return uint32_t(ival(i)); });
    break;
  case DType::U64:
    generate<uint64_t>(out, b, e, [&](int64_t i) { return uint64_t(ival(i)); });
    break;
  case DType::String: // not registered for strings (addAllDtypes)
    break;
  }
  return 0;
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerFillKernels(KernelRegistry &registry) {
  using namespace vec;
  KernelDef fill{"fill", fillTiling, nullptr, {}};
  addAllDtypes(&fill, fillKernel);
  registry.add(std::move(fill));
  KernelDef range{"range", rangeTiling, nullptr, {}};
  addAllDtypes(&range, fillKernel);
  registry.add(std::move(range));
}

} // namespace geflow::kernels
