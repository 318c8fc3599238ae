//===- pool3d.cpp - max_pool3d / avg_pool3d / lp_pool3d: tiling -----------===//
//
// Pools on NCDHW. Attributes: ksize (3, D H W, required), strides (3),
// pads (6: front, back, top, bottom, left, right; each smaller than the
// window), dilations (3), ceil_mode (PyTorch rule: the last window starts
// inside the input or its leading pad); avg_pool3d: count_include_pad (the
// divisor counts the taps inside the padded input, as PyTorch) and
// divisor_override (GE AvgPool3D); lp_pool3d: p (>= 1). x is f32, f16 or
// bf16; y is x's dtype or f32.
//
//===----------------------------------------------------------------------===//

#include "kernels/cube/pool3d_tiling.h"

#include "geflow/kernels/Registry.h"

#include <algorithm>

namespace geflow::kernels {
namespace cube {

#define GEFLOW_POOL3D_ENTRY_POINT(ns)                                          \
  namespace ns {                                                               \
  int32_t pool3dKernel(const KernelArgs &args, uint32_t blockIdx,              \
                       uint32_t blockDim);                                     \
  }
GEFLOW_POOL3D_ENTRY_POINT(portable)
GEFLOW_POOL3D_ENTRY_POINT(avx2)
GEFLOW_POOL3D_ENTRY_POINT(avx512)
#undef GEFLOW_POOL3D_ENTRY_POINT

namespace {

/// Output extent of one dim (the 2-D pools' rule).
int64_t pooledExtent(int64_t in, int64_t padBegin, int64_t padEnd, int64_t span,
                     int64_t stride, bool ceilMode) {
  int64_t num = in + padBegin + padEnd - span;
  int64_t out = (ceilMode ? ceilDiv(num, stride) : num / stride) + 1;
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

Status pool3dTiling(const TilingContext &ctx, Pool3dKind kind,
                    TilingResult *result) {
  const std::string op = kind == Pool3dKind::Max   ? "max_pool3d"
                         : kind == Pool3dKind::Avg ? "avg_pool3d"
                                                   : "lp_pool3d";
  if (ctx.inputs.size() != 1)
    return rt::invalidArgument(op + ": expects 1 input, got " +
                               std::to_string(ctx.inputs.size()));
  const TensorDesc &x = ctx.inputs[0];
  GEFLOW_RETURN_IF_ERROR(checkFloatTensor(op, "x", x, {Format::ND}));
  if (x.shape.size() != 5)
    return rt::invalidArgument(op + ": x " + shapeString(x.shape) +
                               " must be 5-D (NCDHW)");
  Pool3dTiling t;
  t.kind = int32_t(kind);
  t.inDtype = t.outDtype = int32_t(x.dtype);
  t.n = x.shape[0];
  t.c = x.shape[1];
  t.d = x.shape[2];
  t.h = x.shape[3];
  t.w = x.shape[4];
  std::vector<int64_t> ksize, strides, pads, dilations;
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(op, ctx.attrs, "ksize", 3, std::nullopt, 1, &ksize));
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(op, ctx.attrs, "strides", 3, 1, 1, &strides));
  GEFLOW_RETURN_IF_ERROR(readWindowAttr(op, ctx.attrs, "pads", 6, 0, 0, &pads));
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(op, ctx.attrs, "dilations", 3, 1, 1, &dilations));
  bool ceilMode = ctx.attrs.getInt("ceil_mode", 0) != 0;
  t.countIncludePad = ctx.attrs.getInt("count_include_pad", 0) != 0;
  int64_t divisor = ctx.attrs.getInt("divisor_override", 0);
  if (divisor < 0 || divisor > INT32_MAX)
    return rt::invalidArgument(op + ": divisor_override " +
                               std::to_string(divisor) + " must be >= 0");
  t.divisorOverride = int32_t(divisor);
  int64_t p = ctx.attrs.getInt("p", 2);
  if (p < 1 || p > 64)
    return rt::invalidArgument(op + ": p " + std::to_string(p) +
                               " must be in [1, 64]");
  t.p = int32_t(p);
  const int64_t in[3] = {t.d, t.h, t.w};
  int64_t out[3];
  for (int i = 0; i < 3; ++i) {
    int64_t span = dilations[i] * (ksize[i] - 1) + 1;
    if (pads[2 * i] >= span || pads[2 * i + 1] >= span)
      return rt::invalidArgument(op + ": pads " + shapeString(pads) +
                                 " must be smaller than the window in dim " +
                                 std::to_string(i + 2) + " (" +
                                 std::to_string(span) + ")");
    if (in[i] + pads[2 * i] + pads[2 * i + 1] < span)
      return rt::invalidArgument(op + ": window " + shapeString(ksize) +
                                 " does not fit the padded input " +
                                 shapeString(x.shape));
    out[i] = pooledExtent(in[i], pads[2 * i], pads[2 * i + 1], span, strides[i],
                          ceilMode);
  }
  t.kd = int32_t(ksize[0]);
  t.kh = int32_t(ksize[1]);
  t.kw = int32_t(ksize[2]);
  t.sd = int32_t(strides[0]);
  t.sh = int32_t(strides[1]);
  t.sw = int32_t(strides[2]);
  t.dd = int32_t(dilations[0]);
  t.dh = int32_t(dilations[1]);
  t.dw = int32_t(dilations[2]);
  for (int i = 0; i < 6; ++i)
    t.pads[i] = int32_t(pads[i]);
  t.od = out[0];
  t.oh = out[1];
  t.ow = out[2];
  std::vector<int64_t> outShape = {t.n, t.c, t.od, t.oh, t.ow};
  if (!ctx.outputs.empty()) {
    const TensorDesc &y = ctx.outputs[0];
    if (!y.shape.empty() && y.shape != outShape)
      return rt::invalidArgument(op + ": output " + shapeString(y.shape) +
                                 " should be " + shapeString(outShape));
    GEFLOW_RETURN_IF_ERROR(checkOperandDtype(op, "output", y, x.dtype, true));
    t.outDtype = int32_t(y.dtype);
  }
  SocInfo soc = resolveSoc(ctx);
  const int64_t planes = t.n * t.c, rows = t.od * t.oh;
  int64_t wanted = 4 * int64_t(std::max<uint32_t>(1, soc.aiCoreCount));
  int64_t bands =
      std::clamp<int64_t>(ceilDiv(wanted, std::max<int64_t>(1, planes)), 1,
                          std::max<int64_t>(1, rows));
  t.rowsPerTask = ceilDiv(std::max<int64_t>(1, rows), bands);
  t.tasks = planes * ceilDiv(rows, t.rowsPerTask);
  double work = double(planes) * rows * t.ow * t.kd * t.kh * t.kw;
  result->blockDim = blocksForWork(soc, work, std::max<int64_t>(1, t.tasks));
  t.wsBytesPerBlock = uint64_t(pool3dWorkspace(t).floats) * 4;
  result->tilingData = encodeTiling(t);
  result->workspaceSize = t.wsBytesPerBlock * result->blockDim;
  result->packedInputs.clear();
  return Status::OK();
}

Status maxPool3dTiling(const TilingContext &ctx, TilingResult *result) {
  return pool3dTiling(ctx, Pool3dKind::Max, result);
}
Status avgPool3dTiling(const TilingContext &ctx, TilingResult *result) {
  return pool3dTiling(ctx, Pool3dKind::Avg, result);
}
Status lpPool3dTiling(const TilingContext &ctx, TilingResult *result) {
  return pool3dTiling(ctx, Pool3dKind::Lp, result);
}

} // namespace
} // namespace cube

void registerPool3dKernels(KernelRegistry &registry) {
  using namespace cube;
  // One body per ISA serves every storage dtype (rows are converted).
  std::vector<KernelImpl> impls;
  for (DType dt : {DType::F32, DType::F16, DType::BF16}) {
    impls.push_back({dt, Isa::Portable, portable::pool3dKernel});
    impls.push_back({dt, Isa::AVX2, avx2::pool3dKernel});
    impls.push_back({dt, Isa::AVX512, avx512::pool3dKernel});
  }
  registry.add({"max_pool3d", maxPool3dTiling, nullptr, impls});
  registry.add({"avg_pool3d", avgPool3dTiling, nullptr, impls});
  registry.add({"lp_pool3d", lpPool3dTiling, nullptr, impls});
}

} // namespace geflow::kernels
