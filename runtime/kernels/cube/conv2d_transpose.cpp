//===- conv2d_transpose.cpp - conv2d_transpose: validation and tiling -----===//
//
// ONNX ConvTranspose semantics on NCHW: filter [Cin, Cout/groups, KH, KW],
//   OH = sh * (H - 1) + output_padding_h + (KH - 1) * dh + 1 - pad_top
//        - pad_bottom   (likewise OW),
// with strides, pads [top, bottom, left, right], dilations, output_padding,
// groups, an optional bias [Cout] and the activation epilogue. ONNX's
// output_shape / auto_pad are resolved into pads by the frontend. x and the
// filter are f32, f16 or bf16 (the same); bias and y are that dtype or f32.
//
//===----------------------------------------------------------------------===//

#include "kernels/cube/conv2d_transpose_tiling.h"
#include "kernels/cube/gemm_entry.h"

#include "geflow/kernels/Registry.h"

#include <algorithm>
#include <numeric>

namespace geflow::kernels {
namespace cube {
namespace {

const std::string kOp = "conv2d_transpose";

Status checkShapes(const TilingContext &ctx, Conv2dTransposeTiling *t) {
  if (ctx.inputs.size() != 2 && ctx.inputs.size() != 3)
    return rt::invalidArgument(
        kOp + ": expects 2 or 3 inputs (x, filter[, bias]), got " +
        std::to_string(ctx.inputs.size()));
  const TensorDesc &x = ctx.inputs[0], &f = ctx.inputs[1];
  GEFLOW_RETURN_IF_ERROR(
      checkFloatTensor(kOp, "x", x, {Format::NCHW, Format::ND}));
  GEFLOW_RETURN_IF_ERROR(
      checkFloatTensor(kOp, "filter", f, {Format::ND, Format::NCHW}));
  const DType d = x.dtype;
  GEFLOW_RETURN_IF_ERROR(checkOperandDtype(kOp, "filter", f, d, false));
  t->inDtype = t->biasDtype = t->outDtype = int32_t(d);
  if (x.shape.size() != 4 || f.shape.size() != 4)
    return rt::invalidArgument(kOp + ": x " + shapeString(x.shape) +
                               " and filter " + shapeString(f.shape) +
                               " must be 4-D");
  t->n = x.shape[0];
  t->cin = x.shape[1];
  t->h = x.shape[2];
  t->w = x.shape[3];
  t->groups = int32_t(ctx.attrs.getInt("groups", 1));
  if (t->groups < 1)
    return rt::invalidArgument(kOp + ": groups must be >= 1");
  if (t->cin % t->groups)
    return rt::invalidArgument(
        kOp + ": input channels " + std::to_string(t->cin) +
        " not divisible by groups " + std::to_string(t->groups));
  if (f.shape[0] != t->cin)
    return rt::invalidArgument(kOp + ": filter " + shapeString(f.shape) +
                               " must be [Cin = " + std::to_string(t->cin) +
                               ", Cout/groups, KH, KW]");
  t->cout = f.shape[1] * t->groups;
  t->kh = int32_t(f.shape[2]);
  t->kw = int32_t(f.shape[3]);
  if (t->kh < 1 || t->kw < 1 || f.shape[1] < 1)
    return rt::invalidArgument(kOp + ": filter " + shapeString(f.shape) +
                               " is empty");
  if (ctx.inputs.size() == 3) {
    GEFLOW_RETURN_IF_ERROR(
        checkFloatTensor(kOp, "bias", ctx.inputs[2], {Format::ND}));
    GEFLOW_RETURN_IF_ERROR(
        checkOperandDtype(kOp, "bias", ctx.inputs[2], d, true));
    t->biasDtype = int32_t(ctx.inputs[2].dtype);
    if (ctx.inputs[2].shape != std::vector<int64_t>{t->cout})
      return rt::invalidArgument(kOp + ": bias " +
                                 shapeString(ctx.inputs[2].shape) +
                                 " must be [" + std::to_string(t->cout) + "]");
    t->hasBias = 1;
  }
  std::vector<int64_t> strides, pads, dilations, outPad;
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(kOp, ctx.attrs, "strides", 2, 1, 1, &strides));
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(kOp, ctx.attrs, "pads", 4, 0, 0, &pads));
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(kOp, ctx.attrs, "dilations", 2, 1, 1, &dilations));
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(kOp, ctx.attrs, "output_padding", 2, 0, 0, &outPad));
  for (int i = 0; i < 2; ++i)
    if (outPad[i] >= std::max(strides[i], dilations[i]))
      return rt::invalidArgument(
          kOp + ": output_padding " + shapeString(outPad) +
          " must be smaller than the stride or dilation");
  t->sh = int32_t(strides[0]);
  t->sw = int32_t(strides[1]);
  t->dh = int32_t(dilations[0]);
  t->dw = int32_t(dilations[1]);
  t->padTop = int32_t(pads[0]);
  t->padLeft = int32_t(pads[2]);
  t->oh = t->sh * (t->h - 1) + outPad[0] + int64_t(t->kh - 1) * t->dh + 1 -
          pads[0] - pads[1];
  t->ow = t->sw * (t->w - 1) + outPad[1] + int64_t(t->kw - 1) * t->dw + 1 -
          pads[2] - pads[3];
  if (t->h < 1 || t->w < 1 || t->oh < 1 || t->ow < 1)
    return rt::invalidArgument(
        kOp + ": output would be " + std::to_string(t->oh) + "x" +
        std::to_string(t->ow) + " for input " + shapeString(x.shape) +
        " and pads " + shapeString(pads));
  std::vector<int64_t> outShape = {t->n, t->cout, t->oh, t->ow};
  if (!ctx.outputs.empty() && !ctx.outputs[0].shape.empty() &&
      ctx.outputs[0].shape != outShape)
    return rt::invalidArgument(kOp + ": output " +
                               shapeString(ctx.outputs[0].shape) +
                               " should be " + shapeString(outShape));
  if (!ctx.outputs.empty()) {
    GEFLOW_RETURN_IF_ERROR(
        checkOperandDtype(kOp, "output", ctx.outputs[0], d, true));
    t->outDtype = int32_t(ctx.outputs[0].dtype);
  }
  return Status::OK();
}

Status conv2dTransposeTiling(const TilingContext &ctx, TilingResult *result) {
  Conv2dTransposeTiling t;
  GEFLOW_RETURN_IF_ERROR(checkShapes(ctx, &t));
  GEFLOW_RETURN_IF_ERROR(parseEpilogue(ctx.attrs, kOp, &t.epilogue));
  SocInfo soc = resolveSoc(ctx);
  const int64_t khw = int64_t(t.kh) * t.kw, coutG = t.cout / t.groups;
  t.gemmM = coutG * khw;
  t.gemmK = t.cin / t.groups;
  t.gemmN = t.h * t.w;
  t.filterPacked = ctx.inputs[1].isConst;
  const PanelFormat panels = panelFormatFor(soc, DType(t.inDtype));
  t.panels = int32_t(panels);
  GemmBlocking bl = chooseGemmBlocking(soc, t.gemmM, t.gemmN, t.gemmK, panels);

  // Output-channel ranges per task: a multiple of `unit` channels keeps each
  // task's first GEMM row on a panel boundary; enough ranges to feed every
  // core when there are few images and groups.
  const int64_t unit = bl.mr / std::gcd<int64_t>(bl.mr, khw);
  const int64_t cores = std::max<uint32_t>(1, soc.aiCoreCount);
  int64_t wantSplits = std::max<int64_t>(1, ceilDiv(2 * cores, t.n * t.groups));
  t.coStep = roundUp(ceilDiv(coutG, wantSplits), unit);
  const int64_t planeOut = t.oh * t.ow;
  if (t.outDtype != int32_t(DType::F32)) {
    // f16/bf16 outputs accumulate a task's planes in fp32 in the workspace:
    // keep them within about two L2s (more tasks, each smaller).
    int64_t l2Bytes = soc.l2Size ? int64_t(soc.l2Size) : 512 * 1024;
    int64_t fit = std::max<int64_t>(1, 2 * l2Bytes / (planeOut * 4));
    t.coStep = std::min(t.coStep, std::max(unit, fit / unit * unit));
  }
  t.coSplits = ceilDiv(coutG, t.coStep);
  // The column buffer (coStep * KH * KW rows of pixelChunk) in half of L2.
  int64_t rows = t.coStep * khw;
  int64_t l2 = soc.l2Size ? int64_t(soc.l2Size) : 512 * 1024;
  t.pixelChunk = std::max<int64_t>(bl.nr, l2 / 2 / (rows * 4) / bl.nr * bl.nr);
  t.pixelChunk = std::min(t.pixelChunk, roundUp(t.gemmN, bl.nr));
  bl = chooseGemmBlocking(soc, rows, t.pixelChunk, t.gemmK, panels);
  t.blocking = bl;
  t.wsPackB = roundUp(int64_t(bl.mc) * bl.kc * 4, 64);
  t.wsCol = t.wsPackB + gemmPackBytes(bl, false, true);
  t.wsBias = t.wsCol + roundUp(rows * t.pixelChunk * 4, 64);
  t.wsPlanes = t.wsBias;
  if (t.hasBias && t.biasDtype != int32_t(DType::F32))
    t.wsPlanes += roundUp(t.cout * 4, 64);
  t.wsBytesPerBlock = t.wsPlanes;
  if (t.outDtype != int32_t(DType::F32))
    t.wsBytesPerBlock += roundUp(t.coStep * planeOut * 4, 64);

  int64_t tasks = t.n * t.groups * t.coSplits;
  double work = double(t.n) * t.gemmM * t.gemmN * t.gemmK;
  result->blockDim = blocksForWork(soc, work, tasks);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = t.wsBytesPerBlock * result->blockDim;
  result->packedInputs.clear();
  if (t.filterPacked)
    result->packedInputs.push_back(1);
  return Status::OK();
}

Status conv2dTransposePack(const TilingContext &ctx, const TilingResult &tiling,
                           uint32_t inputIndex, const void *src,
                           std::vector<uint8_t> *packed) {
  Conv2dTransposeTiling t;
  KernelArgs view;
  view.tiling = tiling.tilingData.data();
  view.tilingSize = tiling.tilingData.size();
  if (!decodeTiling(view, &t))
    return rt::internalError(kOp + ": tiling data has the wrong size");
  if (inputIndex != 1 || !t.filterPacked)
    return rt::invalidArgument(kOp + ": only input 1 (filter) is prepacked");
  const DType dtype = ctx.inputs.at(1).dtype;
  if (dtype != DType(t.inDtype))
    return rt::invalidArgument(kOp +
                               ": filter dtype differs from the tiling's");
  const PanelFormat format = PanelFormat(t.panels);
  const int64_t M = t.gemmM, K = t.gemmK, mr = t.blocking.mr;
  const int64_t per = packedWords(M, K, mr, format);
  // fp32 room for one group beyond the last: pairs are narrowed in place.
  packed->assign(size_t(t.groups * per + packedFloats(M, K, mr)) * 4, 0);
  auto *dst = reinterpret_cast<float *>(packed->data());
  const auto *f = static_cast<const uint8_t *>(src);
  // Group g's filter rows are its Cin/groups input channels, each holding
  // the (co, kh, kw) row of A contiguously: v(k = ci, r) = f[ci * M + r].
  for (int64_t g = 0; g < t.groups; ++g)
    portable::packWholeOperand(f + g * K * M * rt::dtypeSize(dtype), dtype, M,
                               1, M, K, int32_t(mr), format, dst + g * per);
  packed->resize(size_t(t.groups * per) * 4);
  return Status::OK();
}

} // namespace
} // namespace cube

void registerConv2dTransposeKernels(KernelRegistry &registry) {
  using namespace cube;
  registry.add(
      {"conv2d_transpose",
       conv2dTransposeTiling,
       conv2dTransposePack,
       {{DType::F32, Isa::Portable, portable::conv2dTransposeKernel},
        {DType::F32, Isa::AVX2, avx2::conv2dTransposeKernel},
        {DType::F32, Isa::AVX512, avx512::conv2dTransposeKernel},
        {DType::F16, Isa::Portable, portable::conv2dTransposeKernelF16},
        {DType::F16, Isa::AVX2, avx2::conv2dTransposeKernelF16},
        {DType::F16, Isa::AVX512, avx512::conv2dTransposeKernelF16},
        {DType::BF16, Isa::Portable, portable::conv2dTransposeKernelBf16},
        {DType::BF16, Isa::AVX2, avx2::conv2dTransposeKernelBf16},
        {DType::BF16, Isa::AVX512, avx512::conv2dTransposeKernelBf16}}});
}

} // namespace geflow::kernels
