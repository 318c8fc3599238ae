//===- conv3d.cpp - conv3d / conv3d_transpose: tiling ---------------------===//
//
// 3-D convolutions on NCDHW. conv3d: x [N, Cin, D, H, W], filter [Cout,
// Cin/groups, KD, KH, KW]; conv3d_transpose (ONNX ConvTranspose): filter
// [Cin, Cout/groups, KD, KH, KW]. Optional bias [Cout]. Attributes: strides
// and dilations (3 entries, D H W), pads (6: front, back, top, bottom, left,
// right), groups, output_padding (3, conv3d_transpose). x and filter are
// f32, f16 or bf16 (the same); bias and y that dtype or f32.
//
//===----------------------------------------------------------------------===//

#include "kernels/cube/conv3d_tiling.h"

#include "geflow/kernels/Registry.h"

#include <algorithm>

namespace geflow::kernels {
namespace cube {

#define GEFLOW_CONV3D_ENTRY_POINTS(ns)                                         \
  namespace ns {                                                               \
  int32_t conv3dKernel(const KernelArgs &, uint32_t, uint32_t);                \
  int32_t conv3dKernelF16(const KernelArgs &, uint32_t, uint32_t);             \
  int32_t conv3dKernelBf16(const KernelArgs &, uint32_t, uint32_t);            \
  }
GEFLOW_CONV3D_ENTRY_POINTS(portable)
GEFLOW_CONV3D_ENTRY_POINTS(avx2)
GEFLOW_CONV3D_ENTRY_POINTS(avx512)
#undef GEFLOW_CONV3D_ENTRY_POINTS

namespace {

Status conv3dTiling(const TilingContext &ctx, bool transpose,
                    TilingResult *result) {
  const std::string op = transpose ? "conv3d_transpose" : "conv3d";
  if (ctx.inputs.size() != 2 && ctx.inputs.size() != 3)
    return rt::invalidArgument(
        op + ": expects 2 or 3 inputs (x, filter[, bias]), got " +
        std::to_string(ctx.inputs.size()));
  const TensorDesc &x = ctx.inputs[0], &f = ctx.inputs[1];
  GEFLOW_RETURN_IF_ERROR(checkFloatTensor(op, "x", x, {Format::ND}));
  GEFLOW_RETURN_IF_ERROR(checkFloatTensor(op, "filter", f, {Format::ND}));
  const DType d = x.dtype;
  GEFLOW_RETURN_IF_ERROR(checkOperandDtype(op, "filter", f, d, false));
  if (x.shape.size() != 5 || f.shape.size() != 5)
    return rt::invalidArgument(op + ": x " + shapeString(x.shape) +
                               " and filter " + shapeString(f.shape) +
                               " must be 5-D (NCDHW)");
  Conv3dTiling t;
  t.transpose = transpose;
  t.inDtype = t.biasDtype = t.outDtype = int32_t(d);
  t.n = x.shape[0];
  t.cin = x.shape[1];
  t.d = x.shape[2];
  t.h = x.shape[3];
  t.w = x.shape[4];
  int64_t groups = ctx.attrs.getInt("groups", 1);
  if (groups < 1 || groups > t.cin || t.cin % groups)
    return rt::invalidArgument(
        op + ": input channels " + std::to_string(t.cin) +
        " not divisible by groups " + std::to_string(groups));
  t.groups = int32_t(groups);
  if (!transpose) {
    t.cout = f.shape[0];
    if (f.shape[1] * groups != t.cin || t.cout % groups)
      return rt::invalidArgument(
          op + ": filter " + shapeString(f.shape) + " must be [Cout, Cin/" +
          std::to_string(groups) + " = " + std::to_string(t.cin / groups) +
          ", KD, KH, KW] with Cout divisible by the groups");
  } else {
    if (f.shape[0] != t.cin)
      return rt::invalidArgument(op + ": filter " + shapeString(f.shape) +
                                 " must be [Cin = " + std::to_string(t.cin) +
                                 ", Cout/groups, KD, KH, KW]");
    t.cout = f.shape[1] * groups;
  }
  if (t.cout < 1 || f.shape[2] < 1 || f.shape[3] < 1 || f.shape[4] < 1)
    return rt::invalidArgument(op + ": filter " + shapeString(f.shape) +
                               " is empty");
  if (f.shape[2] > 64 || f.shape[3] > (1 << 20) || f.shape[4] > (1 << 20))
    return rt::unsupported(op + ": filter " + shapeString(f.shape) +
                           " has more than 64 depth taps");
  t.kd = int32_t(f.shape[2]);
  t.kh = int32_t(f.shape[3]);
  t.kw = int32_t(f.shape[4]);
  if (ctx.inputs.size() == 3) {
    const TensorDesc &b = ctx.inputs[2];
    GEFLOW_RETURN_IF_ERROR(checkFloatTensor(op, "bias", b, {Format::ND}));
    GEFLOW_RETURN_IF_ERROR(checkOperandDtype(op, "bias", b, d, true));
    if (b.shape != std::vector<int64_t>{t.cout})
      return rt::invalidArgument(op + ": bias " + shapeString(b.shape) +
                                 " must be [" + std::to_string(t.cout) + "]");
    t.hasBias = 1;
    t.biasDtype = int32_t(b.dtype);
  }
  std::string act = ctx.attrs.getString("activation", "none");
  if (act != "none")
    return rt::unsupported(op + ": activation '" + act +
                           "' is not supported (no epilogue)");
  std::vector<int64_t> strides, pads, dilations, outPad;
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(op, ctx.attrs, "strides", 3, 1, 1, &strides));
  GEFLOW_RETURN_IF_ERROR(readWindowAttr(op, ctx.attrs, "pads", 6, 0, 0, &pads));
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(op, ctx.attrs, "dilations", 3, 1, 1, &dilations));
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(op, ctx.attrs, "output_padding", 3, 0, 0, &outPad));
  t.sd = int32_t(strides[0]);
  t.sh = int32_t(strides[1]);
  t.sw = int32_t(strides[2]);
  t.dd = int32_t(dilations[0]);
  t.dh = int32_t(dilations[1]);
  t.dw = int32_t(dilations[2]);
  t.padFront = int32_t(pads[0]);
  t.padTop = int32_t(pads[2]);
  t.padLeft = int32_t(pads[4]);
  const int64_t in[3] = {t.d, t.h, t.w};
  const int64_t k[3] = {t.kd, t.kh, t.kw};
  int64_t out[3];
  for (int i = 0; i < 3; ++i) {
    int64_t span = dilations[i] * (k[i] - 1) + 1;
    if (transpose) {
      if (outPad[i] >= std::max(strides[i], dilations[i]))
        return rt::invalidArgument(
            op + ": output_padding " + shapeString(outPad) +
            " must be smaller than the stride or the dilation");
      out[i] = strides[i] * (in[i] - 1) + outPad[i] + span - pads[2 * i] -
               pads[2 * i + 1];
    } else {
      if (outPad[i] != 0)
        return rt::invalidArgument(op + ": output_padding is for "
                                        "conv3d_transpose only");
      int64_t padded = in[i] + pads[2 * i] + pads[2 * i + 1];
      out[i] = padded < span ? 0 : (padded - span) / strides[i] + 1;
    }
    if (in[i] < 1 || out[i] < 1)
      return rt::invalidArgument(
          op + ": the window does not fit input " + shapeString(x.shape) +
          " with pads " + shapeString(pads) + " (output dim " +
          std::to_string(i + 2) + " would be " + std::to_string(out[i]) + ")");
  }
  t.od = out[0];
  t.oh = out[1];
  t.ow = out[2];
  std::vector<int64_t> outShape = {t.n, t.cout, t.od, t.oh, t.ow};
  if (!ctx.outputs.empty()) {
    const TensorDesc &y = ctx.outputs[0];
    if (!y.shape.empty() && y.shape != outShape)
      return rt::invalidArgument(op + ": output " + shapeString(y.shape) +
                                 " should be " + shapeString(outShape));
    GEFLOW_RETURN_IF_ERROR(checkOperandDtype(op, "output", y, d, true));
    t.outDtype = int32_t(y.dtype);
  }
  // Chunks of a slice's pixels whose column buffer (every kd tap) takes
  // about half of L2, at least one 64-pixel tile.
  SocInfo soc = resolveSoc(ctx);
  const int64_t pixels = t.oh * t.ow;
  const int64_t colK = int64_t(t.kd) * conv3dPlaneK(t);
  const int64_t l2 = soc.l2Size ? int64_t(soc.l2Size) : 1 << 20;
  int64_t chunk = (l2 / 2 / 4 / std::max<int64_t>(1, colK)) / 64 * 64;
  t.chunk = std::clamp<int64_t>(chunk, 64, roundUp(pixels, 64));
  t.chunks = ceilDiv(pixels, t.chunk);
  t.tasks = t.n * t.groups * t.od * t.chunks;
  double work = double(t.n) * t.od * pixels * t.cout * conv3dPlaneK(t) * t.kd /
                (transpose ? t.sd : 1);
  result->blockDim = blocksForWork(soc, work, std::max<int64_t>(1, t.tasks));
  t.wsBytesPerBlock = uint64_t(conv3dWorkspace(t).floats) * 4;
  result->tilingData = encodeTiling(t);
  result->workspaceSize = t.wsBytesPerBlock * result->blockDim;
  result->packedInputs.clear();
  return Status::OK();
}

Status conv3dForwardTiling(const TilingContext &ctx, TilingResult *result) {
  return conv3dTiling(ctx, false, result);
}

Status conv3dTransposeTiling(const TilingContext &ctx, TilingResult *result) {
  return conv3dTiling(ctx, true, result);
}

} // namespace
} // namespace cube

void registerConv3dKernels(KernelRegistry &registry) {
  using namespace cube;
  std::vector<KernelImpl> impls = {
      {DType::F32, Isa::Portable, portable::conv3dKernel},
      {DType::F32, Isa::AVX2, avx2::conv3dKernel},
      {DType::F32, Isa::AVX512, avx512::conv3dKernel},
      {DType::F16, Isa::Portable, portable::conv3dKernelF16},
      {DType::F16, Isa::AVX2, avx2::conv3dKernelF16},
      {DType::F16, Isa::AVX512, avx512::conv3dKernelF16},
      {DType::BF16, Isa::Portable, portable::conv3dKernelBf16},
      {DType::BF16, Isa::AVX2, avx2::conv3dKernelBf16},
      {DType::BF16, Isa::AVX512, avx512::conv3dKernelBf16}};
  registry.add({"conv3d", conv3dForwardTiling, nullptr, impls});
  registry.add({"conv3d_transpose", conv3dTransposeTiling, nullptr, impls});
}

} // namespace geflow::kernels
