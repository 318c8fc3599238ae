//===- pool.cpp - max_pool / avg_pool / global_avg_pool: tiling -----------===//
//
// Pools on NCHW or NC1HWC0 (output in the input's format). Attributes:
// ksize, strides, pads [top, bottom, left, right], dilations (max_pool
// only), ceil_mode, count_include_pad (avg_pool). x is f32, f16 or bf16; y
// is x's dtype or f32.
//
//===----------------------------------------------------------------------===//

#include "kernels/cube/gemm_common.h"
#include "kernels/cube/pool_tiling.h"

#include "geflow/kernels/Registry.h"

#include <algorithm>

namespace geflow::kernels {
namespace cube {

#define GEFLOW_POOL_ENTRY_POINT(ns)                                            \
  namespace ns {                                                               \
  int32_t poolKernel(const KernelArgs &args, uint32_t blockIdx,                \
                     uint32_t blockDim);                                       \
  }
GEFLOW_POOL_ENTRY_POINT(portable)
GEFLOW_POOL_ENTRY_POINT(avx2)
GEFLOW_POOL_ENTRY_POINT(avx512)
#undef GEFLOW_POOL_ENTRY_POINT

namespace {

/// Output extent of one spatial dim (PyTorch's rule: with ceil_mode the last
/// window must start inside the input or its leading padding).
int64_t pooledExtent(int64_t in, int64_t padBegin, int64_t padEnd, int64_t span,
                     int64_t stride, bool ceilMode) {
  int64_t num = in + padBegin + padEnd - span;
  int64_t out = (ceilMode ? ceilDiv(num, stride) : num / stride) + 1;
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

Status checkInput(const std::string &op, const TilingContext &ctx,
                  PoolTiling *t) {
  if (ctx.inputs.size() != 1)
    return rt::invalidArgument(op + ": expects 1 input, got " +
                               std::to_string(ctx.inputs.size()));
  const TensorDesc &x = ctx.inputs[0];
  GEFLOW_RETURN_IF_ERROR(checkFloatTensor(
      op, "x", x, {Format::NCHW, Format::ND, Format::NC1HWC0}));
  if (x.shape.size() != 4)
    return rt::invalidArgument(op + ": x " + shapeString(x.shape) +
                               " must be 4-D (logical NCHW)");
  t->n = x.shape[0];
  t->c = x.shape[1];
  t->h = x.shape[2];
  t->w = x.shape[3];
  t->c0 = x.format == Format::NC1HWC0;
  t->inDtype = t->outDtype = int32_t(x.dtype);
  t->planes = t->n * (t->c0 ? ceilDiv(t->c, 16) : t->c);
  return Status::OK();
}

/// Checks the declared output and splits planes into row bands.
Status finish(const std::string &op, const TilingContext &ctx, PoolTiling *t,
              TilingResult *result) {
  std::vector<int64_t> outShape = {t->n, t->c, t->oh, t->ow};
  if (!ctx.outputs.empty()) {
    const TensorDesc &y = ctx.outputs[0];
    if (!y.shape.empty() && y.shape != outShape)
      return rt::invalidArgument(op + ": output " + shapeString(y.shape) +
                                 " should be " + shapeString(outShape));
    if ((y.format == Format::NC1HWC0) != bool(t->c0))
      return rt::invalidArgument(op + ": output format " +
                                 std::string(rt::formatName(y.format)) +
                                 " must match the input's");
    GEFLOW_RETURN_IF_ERROR(
        checkOperandDtype(op, "output", y, DType(t->inDtype), true));
    t->outDtype = int32_t(y.dtype);
  }
  SocInfo soc = resolveSoc(ctx);
  int64_t wanted = 4 * int64_t(std::max<uint32_t>(1, soc.aiCoreCount));
  int64_t bands = std::min<int64_t>(
      t->oh, ceilDiv(wanted, std::max<int64_t>(1, t->planes)));
  t->rowsPerTask = ceilDiv(t->oh, std::max<int64_t>(1, bands));
  t->tasks = t->planes * ceilDiv(t->oh, t->rowsPerTask);
  // Pooling is bound by moving its elements, not by the window's compares:
  // one element read or written costs about 32 GEMM multiply-adds (ResNet's
  // 64x112x112 max pool, 3x3 stride 2, took ~0.5 ms on one core, over 100
  // times blocksForWork's two-core threshold, which counting compares / 8
  // put below it).
  double work = double(t->planes) * (t->c0 ? 16 : 1) *
                (double(t->h) * t->w + double(t->oh) * t->ow) * 32;
  result->blockDim = blocksForWork(soc, work, std::max<int64_t>(1, t->tasks));
  if (t->inDtype != int32_t(DType::F32)) {
    t->ringSlots = int64_t(t->dh) * (t->kh - 1) + 1;
    if (t->kind == int32_t(PoolKind::GlobalAvg)) {
      t->ringSlots = 1;
      // A chunk of converted positions fills about an eighth of the UB.
      int64_t ub = soc.ubSize ? int64_t(soc.ubSize) : 32 * 1024;
      t->chunkPositions =
          std::clamp<int64_t>(ub / 8 / (t->c0 ? 16 : 1), 16, 4096);
    }
  }
  t->separable = t->kind == int32_t(PoolKind::Max);
  t->wsBytesPerBlock = uint64_t(poolWorkspace(*t).floats) * 4;
  result->tilingData = encodeTiling(*t);
  result->workspaceSize = t->wsBytesPerBlock * result->blockDim;
  result->packedInputs.clear();
  return Status::OK();
}

Status windowTiling(const TilingContext &ctx, PoolKind kind,
                    TilingResult *result) {
  const std::string op = kind == PoolKind::Max ? "max_pool" : "avg_pool";
  PoolTiling t;
  t.kind = int32_t(kind);
  GEFLOW_RETURN_IF_ERROR(checkInput(op, ctx, &t));
  std::vector<int64_t> ksize, strides, pads, dilations;
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(op, ctx.attrs, "ksize", 2, std::nullopt, 1, &ksize));
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(op, ctx.attrs, "strides", 2, 1, 1, &strides));
  GEFLOW_RETURN_IF_ERROR(readWindowAttr(op, ctx.attrs, "pads", 4, 0, 0, &pads));
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(op, ctx.attrs, "dilations", 2, 1, 1, &dilations));
  if (kind == PoolKind::Avg && (dilations[0] != 1 || dilations[1] != 1))
    return rt::unsupported(op + ": dilations " + shapeString(dilations) +
                           " are not supported (max_pool only)");
  bool ceilMode = ctx.attrs.getInt("ceil_mode", 0) != 0;
  t.countIncludePad = ctx.attrs.getInt("count_include_pad", 0) != 0;
  t.kh = int32_t(ksize[0]);
  t.kw = int32_t(ksize[1]);
  t.sh = int32_t(strides[0]);
  t.sw = int32_t(strides[1]);
  t.dh = int32_t(dilations[0]);
  t.dw = int32_t(dilations[1]);
  t.padTop = int32_t(pads[0]);
  t.padBottom = int32_t(pads[1]);
  t.padLeft = int32_t(pads[2]);
  t.padRight = int32_t(pads[3]);
  int64_t spanH = int64_t(t.dh) * (t.kh - 1) + 1,
          spanW = int64_t(t.dw) * (t.kw - 1) + 1;
  // A window must always see some input (PyTorch/ONNX bound pads by the
  // window).
  if (pads[0] >= spanH || pads[1] >= spanH || pads[2] >= spanW ||
      pads[3] >= spanW)
    return rt::invalidArgument(op + ": pads " + shapeString(pads) +
                               " must be smaller than the window " +
                               std::to_string(spanH) + "x" +
                               std::to_string(spanW));
  if (t.h + pads[0] + pads[1] < spanH || t.w + pads[2] + pads[3] < spanW)
    return rt::invalidArgument(
        op + ": window " + std::to_string(spanH) + "x" + std::to_string(spanW) +
        " does not fit the padded input " + shapeString(ctx.inputs[0].shape));
  t.oh = pooledExtent(t.h, pads[0], pads[1], spanH, t.sh, ceilMode);
  t.ow = pooledExtent(t.w, pads[2], pads[3], spanW, t.sw, ceilMode);
  return finish(op, ctx, &t, result);
}

Status maxPoolTiling(const TilingContext &ctx, TilingResult *result) {
  return windowTiling(ctx, PoolKind::Max, result);
}

Status avgPoolTiling(const TilingContext &ctx, TilingResult *result) {
  return windowTiling(ctx, PoolKind::Avg, result);
}

Status globalAvgPoolTiling(const TilingContext &ctx, TilingResult *result) {
  PoolTiling t;
  t.kind = int32_t(PoolKind::GlobalAvg);
  GEFLOW_RETURN_IF_ERROR(checkInput("global_avg_pool", ctx, &t));
  t.oh = t.ow = 1;
  t.kh = int32_t(std::min<int64_t>(t.h, INT32_MAX));
  t.kw = int32_t(std::min<int64_t>(t.w, INT32_MAX));
  return finish("global_avg_pool", ctx, &t, result);
}

} // namespace
} // namespace cube

void registerPoolKernels(KernelRegistry &registry) {
  using namespace cube;
  // One body per ISA serves every storage dtype (rows are converted).
  std::vector<KernelImpl> impls;
  for (DType dt : {DType::F32, DType::F16, DType::BF16}) {
    impls.push_back({dt, Isa::Portable, portable::poolKernel});
    impls.push_back({dt, Isa::AVX2, avx2::poolKernel});
    impls.push_back({dt, Isa::AVX512, avx512::poolKernel});
  }
  registry.add({"max_pool", maxPoolTiling, nullptr, impls});
  registry.add({"avg_pool", avgPoolTiling, nullptr, impls});
  registry.add({"global_avg_pool", globalAvgPoolTiling, nullptr, impls});
}

} // namespace geflow::kernels
