//===- conv2d.cpp - conv2d: validation, tiling, filter packing ------------===//
//
// y = act(conv(x, filter) + bias) with groups, strides, pads, dilations on
// NCHW or NC1HWC0 inputs (the output takes the input's format, or is
// NC1HWC0 for an NCHW input without groups: the small-channel path). The tiling
// picks the path (GEMM with implicit im2col, or direct depthwise), the
// GEMM blocking and grid, and asks for a constant filter to be prepacked.
// x and the filter are f32, f16 or bf16 (the same); bias and y are that
// dtype or f32.
//
//===----------------------------------------------------------------------===//

#include "kernels/cube/conv2d_tiling.h"
#include "kernels/cube/conv2d_winograd_tiling.h"
#include "kernels/cube/gemm_entry.h"

#include "geflow/kernels/Registry.h"

#include <algorithm>

namespace geflow::kernels {
namespace cube {
namespace {

const char *kOp = "conv2d";

Status checkShapes(const TilingContext &ctx, Conv2dTiling *t) {
  const int64_t residualFlag = ctx.attrs.getInt("residual", 0);
  if (residualFlag != 0 && residualFlag != 1)
    return rt::invalidArgument(std::string(kOp) + ": 'residual' must be 0 or " +
                               "1, got " + std::to_string(residualFlag));
  t->hasResidual = int32_t(residualFlag);
  const size_t withBias = 3 + t->hasResidual;
  if (ctx.inputs.size() != withBias - 1 && ctx.inputs.size() != withBias)
    return rt::invalidArgument(
        std::string(kOp) + ": expects " + std::to_string(withBias - 1) +
        " or " + std::to_string(withBias) +
        (t->hasResidual ? " inputs (x, filter[, bias], residual), got "
                        : " inputs (x, filter[, bias]), got ") +
        std::to_string(ctx.inputs.size()));
  const TensorDesc &x = ctx.inputs[0], &f = ctx.inputs[1];
  GEFLOW_RETURN_IF_ERROR(checkFloatTensor(
      kOp, "x", x, {Format::NCHW, Format::ND, Format::NC1HWC0}));
  GEFLOW_RETURN_IF_ERROR(
      checkFloatTensor(kOp, "filter", f, {Format::ND, Format::NCHW}));
  const DType d = x.dtype;
  GEFLOW_RETURN_IF_ERROR(checkOperandDtype(kOp, "filter", f, d, false));
  t->inDtype = t->biasDtype = t->outDtype = int32_t(d);
  if (x.shape.size() != 4)
    return rt::invalidArgument(std::string(kOp) + ": x " +
                               shapeString(x.shape) +
                               " must be 4-D (logical NCHW)");
  if (f.shape.size() != 4)
    return rt::invalidArgument(std::string(kOp) + ": filter " +
                               shapeString(f.shape) +
                               " must be [Cout, Cin/groups, KH, KW]");
  t->n = x.shape[0];
  t->cin = x.shape[1];
  t->h = x.shape[2];
  t->w = x.shape[3];
  t->cout = f.shape[0];
  t->kh = int32_t(f.shape[2]);
  t->kw = int32_t(f.shape[3]);
  t->groups = int32_t(ctx.attrs.getInt("groups", 1));
  if (t->groups < 1)
    return rt::invalidArgument(std::string(kOp) + ": groups " +
                               std::to_string(t->groups) + " must be >= 1");
  if (t->cin % t->groups)
    return rt::invalidArgument(
        std::string(kOp) + ": input channels " + std::to_string(t->cin) +
        " not divisible by groups " + std::to_string(t->groups));
  if (t->cout % t->groups)
    return rt::invalidArgument(
        std::string(kOp) + ": output channels " + std::to_string(t->cout) +
        " not divisible by groups " + std::to_string(t->groups));
  if (f.shape[1] != t->cin / t->groups)
    return rt::invalidArgument(
        std::string(kOp) + ": filter " + shapeString(f.shape) +
        " needs Cin/groups = " + std::to_string(t->cin / t->groups) +
        " in dim 1");
  if (t->kh < 1 || t->kw < 1)
    return rt::invalidArgument(std::string(kOp) + ": filter " +
                               shapeString(f.shape) + " has an empty window");
  if (ctx.inputs.size() == withBias) {
    GEFLOW_RETURN_IF_ERROR(
        checkFloatTensor(kOp, "bias", ctx.inputs[2], {Format::ND}));
    GEFLOW_RETURN_IF_ERROR(
        checkOperandDtype(kOp, "bias", ctx.inputs[2], d, true));
    t->biasDtype = int32_t(ctx.inputs[2].dtype);
    if (ctx.inputs[2].shape != std::vector<int64_t>{t->cout})
      return rt::invalidArgument(std::string(kOp) + ": bias " +
                                 shapeString(ctx.inputs[2].shape) +
                                 " must be [" + std::to_string(t->cout) + "]");
    t->hasBias = 1;
  }

  std::vector<int64_t> strides, pads, dilations;
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(kOp, ctx.attrs, "strides", 2, 1, 1, &strides));
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(kOp, ctx.attrs, "pads", 4, 0, 0, &pads));
  GEFLOW_RETURN_IF_ERROR(
      readWindowAttr(kOp, ctx.attrs, "dilations", 2, 1, 1, &dilations));
  t->sh = int32_t(strides[0]);
  t->sw = int32_t(strides[1]);
  t->dh = int32_t(dilations[0]);
  t->dw = int32_t(dilations[1]);
  t->padTop = int32_t(pads[0]);
  t->padLeft = int32_t(pads[2]);
  int64_t spanH = int64_t(t->dh) * (t->kh - 1) + 1,
          spanW = int64_t(t->dw) * (t->kw - 1) + 1;
  int64_t inH = t->h + pads[0] + pads[1], inW = t->w + pads[2] + pads[3];
  if (inH < spanH || inW < spanW)
    return rt::invalidArgument(
        std::string(kOp) + ": the dilated window " + std::to_string(spanH) +
        "x" + std::to_string(spanW) + " does not fit the padded input " +
        std::to_string(inH) + "x" + std::to_string(inW));
  t->oh = (inH - spanH) / t->sh + 1;
  t->ow = (inW - spanW) / t->sw + 1;

  std::vector<int64_t> outShape = {t->n, t->cout, t->oh, t->ow};
  if (!ctx.outputs.empty()) {
    const TensorDesc &y = ctx.outputs[0];
    if (!y.shape.empty() && y.shape != outShape)
      return rt::invalidArgument(std::string(kOp) + ": output " +
                                 shapeString(y.shape) + " should be " +
                                 shapeString(outShape));
    GEFLOW_RETURN_IF_ERROR(checkOperandDtype(kOp, "output", y, d, true));
    t->outDtype = int32_t(y.dtype);
    bool c0In = x.format == Format::NC1HWC0,
         c0Out = y.format == Format::NC1HWC0;
    // NCHW -> NC1HWC0 runs as GemmNchwToC0, which has no groups.
    if (!c0In && c0Out && t->groups != 1)
      return rt::invalidArgument(std::string(kOp) +
                                 ": an NCHW input with an NC1HWC0 output needs "
                                 "groups 1, got " +
                                 std::to_string(t->groups));
    if (c0In && !c0Out)
      return rt::invalidArgument(std::string(kOp) + ": output format " +
                                 std::string(rt::formatName(y.format)) +
                                 " must match the input's " +
                                 std::string(rt::formatName(x.format)));
  }
  if (t->hasResidual) {
    // Added element by element in the output's layout.
    const TensorDesc &r = ctx.inputs.back();
    GEFLOW_RETURN_IF_ERROR(checkFloatTensor(
        kOp, "residual", r, {Format::NCHW, Format::ND, Format::NC1HWC0}));
    if (r.shape != outShape)
      return rt::invalidArgument(std::string(kOp) + ": residual " +
                                 shapeString(r.shape) + " must be the output " +
                                 shapeString(outShape));
    if (r.dtype != DType(t->outDtype))
      return rt::invalidArgument(
          std::string(kOp) + ": residual dtype " +
          std::string(rt::dtypeName(r.dtype)) + " must be the output's " +
          std::string(rt::dtypeName(DType(t->outDtype))));
    if ((r.format == Format::NC1HWC0) != (x.format == Format::NC1HWC0))
      return rt::invalidArgument(std::string(kOp) + ": residual format " +
                                 std::string(rt::formatName(r.format)) +
                                 " must match the output's");
    t->residualDtype = int32_t(r.dtype);
  }
  return Status::OK();
}

/// `impl_mode` (GE's op_select_implmode as it applies to this op):
/// high_performance allows Winograd (t->winoM = 1 until a tile size is
/// chosen), high_precision (the default) keeps direct convolution.
Status parseImplMode(const AttrMap &attrs, Conv2dTiling *t) {
  const std::string mode = attrs.getString("impl_mode", "high_precision");
  if (mode != "high_precision" && mode != "high_performance")
    return rt::invalidArgument(std::string(kOp) + ": impl_mode '" + mode +
                               "' is not high_precision or high_performance");
  t->winoM = mode == "high_performance";
  return Status::OK();
}

/// Workspace for an f32 copy of an f16/bf16 bias.
uint64_t biasBytes(const Conv2dTiling &t) {
  return t.hasBias && t.biasDtype != int32_t(DType::F32)
             ? roundUp(t.cout * 4, 64)
             : 0;
}

/// GEMM dims, blocking, grid and workspace of the GEMM paths (`toC0`: NCHW
/// input, NC1HWC0 output); returns the block count the grid was balanced
/// for.
uint32_t tileGemmPath(const SocInfo &soc, bool c0, bool toC0, bool filterConst,
                      const TilingHint &hint, Conv2dTiling *t) {
  const int64_t cinG = t->cin / t->groups, coutG = t->cout / t->groups;
  const int64_t pixels = t->oh * t->ow, khw = int64_t(t->kh) * t->kw;
  PackCosts costs;
  // Vector lanes a GEMM wastes when `n` columns run along 16-lane vectors.
  auto laneWaste = [](int64_t n) { return double(roundUp(n, 16)) / double(n); };
  if (toC0) {
    // Pixel rows without channel padding: K is cin * kh * kw, not
    // ceil(cin / 16) * 16 * kh * kw as it is for an NC1HWC0 input.
    t->pointwise =
        khw == 1 && t->sh == 1 && t->sw == 1 && t->oh == t->h && t->ow == t->w;
    t->path = int32_t(ConvPath::GemmNchwToC0);
    t->gemmM = pixels;
    t->gemmN = coutG;
    t->gemmK = cinG * khw;
    costs = {t->pointwise ? 8.0 : 16.0, filterConst ? 0.0 : 32.0};
  } else if (!c0) {
    t->pointwise =
        khw == 1 && t->sh == 1 && t->sw == 1 && t->oh == t->h && t->ow == t->w;
    t->gemmK = cinG * khw;
    // Few pixels (e.g. 7x7) fill vectors poorly; output channels usually
    // fill them exactly. The transposed product pays for transposing its
    // tiles and, unless pointwise, for an im2col cut into mr-pixel panels.
    double overhead = t->pointwise ? 1.03 : 1.15;
    bool pixelRows = laneWaste(coutG) * overhead < laneWaste(pixels);
    if (hint.variant == 1 || hint.variant == 2)
      pixelRows = hint.variant == 2;
    if (pixelRows) {
      t->path = int32_t(ConvPath::GemmNchwPixelRows);
      t->gemmM = pixels;
      t->gemmN = coutG;
      t->staged = 1;
      costs = {t->pointwise ? 8.0 : 16.0, filterConst ? 0.0 : 32.0};
    } else {
      t->path = int32_t(ConvPath::GemmNchw);
      t->gemmM = coutG;
      t->gemmN = pixels;
      costs = {filterConst ? 0.0 : 32.0, t->pointwise ? 8.0 : 16.0};
    }
  } else {
    t->path = int32_t(ConvPath::GemmNc1hwc0);
    t->kChannels = t->groups == 1 ? roundUp(t->cin, 16) : cinG;
    t->gemmM = pixels;
    t->gemmN = coutG;
    t->gemmK = khw * t->kChannels;
    t->staged = t->groups > 1 && coutG % 16 != 0;
    costs = {32.0, 0.0};
  }
  t->filterPacked = filterConst;
  const PanelFormat panels = panelFormatFor(soc, DType(t->inDtype));
  t->panels = int32_t(panels);
  t->blocking = applyBlockingHint(
      chooseGemmBlocking(soc, t->gemmM, t->gemmN, t->gemmK, panels), hint,
      t->gemmM, t->gemmN, t->gemmK);
  GridChoice choice = chooseGemmGrid(soc, t->blocking, t->n * t->groups,
                                     t->gemmM, t->gemmN, t->gemmK, costs);
  t->grid = choice.grid;
  t->tasks = t->n * t->groups * t->grid.gm * t->grid.gn;
  const GemmBlocking &bl = t->blocking;
  t->wsPackB = roundUp(int64_t(bl.mc) * bl.kc * 4, 64);
  t->wsFilter = t->wsPackB + gemmPackBytes(bl, false, true);
  uint64_t filterBytes =
      c0 && !filterConst
          ? roundUp(packedFloats(t->gemmN, t->gemmK, bl.nr) * 4, 64)
          : 0;
  t->wsStage = t->wsFilter + filterBytes;
  uint64_t stageBytes =
      t->staged ? roundUp(t->grid.mStep * roundUp(t->grid.nStep, 16) * 4, 64)
                : 0;
  t->wsBias = t->wsStage + stageBytes;
  t->wsOut = t->wsBias + biasBytes(*t);
  t->wsBytesPerBlock = t->wsOut;
  const bool viaStage =
      t->path == int32_t(ConvPath::GemmNchw) || toC0 ||
      (t->path == int32_t(ConvPath::GemmNc1hwc0) && !t->staged);
  if (t->outDtype != int32_t(DType::F32) && viaStage) {
    // NC1HWC0 outputs: the filter (B) is prepacked or packed per group (or
    // read strided), the im2col (A) per block; NCHW: the filter is A, the
    // im2col B.
    t->outStage = chooseStage(
        bl, t->grid, t->path == int32_t(ConvPath::GemmNc1hwc0) || toC0);
    t->wsBytesPerBlock += roundUp(t->outStage.rows * t->outStage.cols * 4, 64);
  }
  return choice.blockDim;
}

/// The Winograd path with output tiles of m x m: fp32 panels (the
/// transformed filter is not a bf16 value), bands of tile rows whose
/// transformed input and products stay within about half of L2, and output
/// channels split in nr steps only when bands alone leave cores idle.
uint32_t tileWinogradPath(const SocInfo &soc, int32_t m, const TilingHint &hint,
                          Conv2dTiling *t) {
  t->path = int32_t(ConvPath::WinogradNchw);
  t->winoM = m;
  t->filterPacked = 1;
  t->panels = int32_t(PanelFormat::F32);
  const int64_t alpha = m + 2, tilesY = ceilDiv(t->oh, m),
                tilesX = ceilDiv(t->ow, m);
  const int64_t l2 = soc.l2Size ? int64_t(soc.l2Size) : 512 * 1024;
  const int64_t cores = std::max<uint32_t>(1, soc.aiCoreCount);
  const int64_t rowBytes = alpha * alpha * tilesX * (t->cin + t->cout) * 4;
  t->tileRowsPerTask =
      std::clamp<int64_t>(l2 / 2 / std::max<int64_t>(rowBytes, 1), 1, tilesY);
  // Enough bands for every core (evened out so the last is not short).
  int64_t bands = ceilDiv(tilesY, t->tileRowsPerTask);
  if (t->n * bands < 2 * cores)
    bands = std::min<int64_t>(tilesY, ceilDiv(2 * cores, t->n));
  t->tileRowsPerTask = hint.rows ? std::clamp<int64_t>(hint.rows, 1, tilesY)
                                 : ceilDiv(tilesY, bands);
  const int64_t bandTiles = t->tileRowsPerTask * tilesX;
  t->blocking = applyBlockingHint(
      chooseGemmBlocking(soc, bandTiles, t->cout, t->cin, PanelFormat::F32),
      hint, bandTiles, t->cout, t->cin);
  const int64_t nr = t->blocking.nr;
  int64_t splits = 1;
  bands = ceilDiv(tilesY, t->tileRowsPerTask);
  if (t->n * bands < cores)
    splits = std::min(ceilDiv(cores, t->n * bands), ceilDiv(t->cout, nr));
  t->coutPerTask = roundUp(ceilDiv(t->cout, splits), nr);
  deriveWinogradLayout(t, biasBytes(*t));
  const double work =
      double(t->n) * t->cout * t->cin * alpha * alpha * tilesY * tilesX;
  return blocksForWork(soc, work, t->tasks);
}

/// Tasks of the depthwise paths: planes (or C0 blocks), split into row
/// bands when there are fewer planes than a few per core.
uint32_t tileDepthwisePath(const SocInfo &soc, bool c0, const TilingHint &hint,
                           Conv2dTiling *t) {
  t->path = int32_t(c0 ? ConvPath::DepthwiseNc1hwc0 : ConvPath::DepthwiseNchw);
  int64_t planes = t->n * (c0 ? ceilDiv(t->cin, 16) : t->cout);
  int64_t wanted = 4 * int64_t(std::max<uint32_t>(1, soc.aiCoreCount));
  int64_t bands = std::min<int64_t>(t->oh, ceilDiv(wanted, planes));
  t->rowsPerTask = hint.rows ? std::clamp<int64_t>(hint.rows, 1, t->oh)
                             : ceilDiv(t->oh, bands);
  t->tasks = planes * ceilDiv(t->oh, t->rowsPerTask);
  t->wsFilter = 0;
  t->wsBias = c0 ? roundUp(int64_t(t->kh) * t->kw * 16 * 4, 64) : 0;
  t->wsOut = t->wsBias + biasBytes(*t);
  t->wsBytesPerBlock = t->wsOut;
  const int64_t lanes = c0 ? 16 : 1;
  if (t->inDtype != int32_t(DType::F32)) {
    // Converted input rows: as many as a window spans, so each row is
    // converted once per band with stride 1.
    t->ringSlots = int64_t(t->dh) * (t->kh - 1) + 1;
  }
  if (t->inDtype != int32_t(DType::F32) || t->outDtype != int32_t(DType::F32))
    t->wsBytesPerBlock +=
        4 * (roundUp(int64_t(t->kh) * t->kw, 16) + roundUp(t->ow * lanes, 16) +
             std::max<int64_t>(1, t->ringSlots) * (t->w * lanes + 2));
  if (depthwisePhasesApply(*t)) {
    // Bands small enough that their phase planes stay in L2 near the core.
    constexpr uint64_t kPhaseBytes = 96 * 1024;
    int64_t bands = ceilDiv(t->oh, t->rowsPerTask);
    while (!hint.rows && t->rowsPerTask > 1 &&
           depthwisePhaseBytes(*t, t->rowsPerTask) > kPhaseBytes)
      t->rowsPerTask = ceilDiv(t->oh, ++bands);
    t->tasks = planes * ceilDiv(t->oh, t->rowsPerTask);
    t->directPhases = 1;
    t->wsStage = roundUp(t->wsBytesPerBlock, 64);
    t->wsBytesPerBlock = t->wsStage + depthwisePhaseBytes(*t, t->rowsPerTask);
  }
  // A depthwise multiply-add costs about ten of a GEMM's (it reuses nothing
  // from registers): measured 12 vs 130 GFLOP/s on MobileNetV2.
  constexpr double kDepthwiseMacCost = 10;
  double work = kDepthwiseMacCost * double(t->n) * t->cout * t->oh * t->ow *
                t->kh * t->kw;
  return blocksForWork(soc, work, t->tasks);
}

Status conv2dTiling(const TilingContext &ctx, TilingResult *result) {
  Conv2dTiling t;
  GEFLOW_RETURN_IF_ERROR(checkShapes(ctx, &t));
  GEFLOW_RETURN_IF_ERROR(parseEpilogue(ctx.attrs, kOp, &t.epilogue));
  SocInfo soc = resolveSoc(ctx);
  const bool c0 = ctx.inputs[0].format == Format::NC1HWC0;
  const bool toC0 =
      !c0 && !ctx.outputs.empty() && ctx.outputs[0].format == Format::NC1HWC0;
  const bool depthwise = t.groups > 1 && t.groups == t.cin;
  GEFLOW_RETURN_IF_ERROR(parseImplMode(ctx.attrs, &t));
  const TilingHint hint = tilingHintOf(ctx.attrs);
  // Winograd only where high_performance allows it, whatever the hint.
  const bool winoAllowed =
      t.winoM && !toC0 && winogradApplies(t, c0, ctx.inputs[1].isConst);
  int32_t winoM = winoAllowed ? chooseWinogradTile(t) : 0;
  if (winoAllowed && hint.variant >= 3 && hint.variant <= 5)
    winoM = hint.variant == 3 ? 0 : hint.variant == 4 ? 2 : 4;
  t.winoM = 0;
  if (winoM)
    result->blockDim = tileWinogradPath(soc, winoM, hint, &t);
  else if (t.hasResidual && (toC0 || (depthwise && (!c0 || t.cout == t.cin))))
    return rt::invalidArgument(std::string(kOp) + ": a residual has no " +
                               (toC0 ? "small-channel" : "depthwise") +
                               " kernel (add it after the convolution)");
  else if (depthwise && !toC0 && (!c0 || t.cout == t.cin))
    result->blockDim = tileDepthwisePath(soc, c0, hint, &t);
  else
    result->blockDim =
        tileGemmPath(soc, c0, toC0, ctx.inputs[1].isConst, hint, &t);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = t.wsBytesPerBlock * result->blockDim;
  result->packedInputs.clear();
  if (t.filterPacked)
    result->packedInputs.push_back(1);
  return Status::OK();
}

Status conv2dPack(const TilingContext &ctx, const TilingResult &tiling,
                  uint32_t inputIndex, const void *src,
                  std::vector<uint8_t> *packed) {
  Conv2dTiling t;
  KernelArgs view;
  view.tiling = tiling.tilingData.data();
  view.tilingSize = tiling.tilingData.size();
  if (!decodeTiling(view, &t))
    return rt::internalError("conv2d: tiling data has the wrong size");
  if (inputIndex != 1 || !t.filterPacked)
    return rt::invalidArgument("conv2d: only input 1 (filter) is prepacked");
  if (ctx.inputs.at(1).dtype != DType(t.inDtype))
    return rt::invalidArgument(
        "conv2d: filter dtype differs from the tiling's");
  const int64_t per = convPackedFilterGroupWords(t);
  // fp32 room for one group beyond the last: bf16 pairs are packed as fp32
  // and narrowed in place.
  const int64_t f32Group = t.path == int32_t(ConvPath::GemmNchw)
                               ? packedFloats(t.gemmM, t.gemmK, t.blocking.mr)
                               : packedFloats(t.gemmN, t.gemmK, t.blocking.nr);
  packed->assign(size_t(t.groups * per + f32Group) * 4, 0);
  portable::packConvFilter(t, src, reinterpret_cast<float *>(packed->data()));
  packed->resize(size_t(t.groups * per) * 4);
  return Status::OK();
}

/// The other paths and bands a shape allows, and cache blocks and block
/// counts around the default tiling's.
std::vector<TilingHint> conv2dCandidates(const TilingContext &ctx,
                                         const TilingResult &tiling) {
  Conv2dTiling t;
  if (tiling.tilingData.size() != sizeof(t))
    return {};
  std::memcpy(&t, tiling.tilingData.data(), sizeof(t));
  std::vector<TilingHint> out;
  const bool c0 = ctx.inputs[0].format == Format::NC1HWC0;
  const bool winoAllowed =
      ctx.attrs.getString("impl_mode", "") == "high_performance" &&
      winogradApplies(t, c0, ctx.inputs[1].isConst);
  auto bands = [&](int64_t rows, int64_t extent) {
    std::vector<TilingHint> v{TilingHint{}};
    for (int64_t r : {rows / 2, rows * 2})
      if (r >= 1 && r <= extent && r != rows)
        v.push_back({0, 0, 0, 0, 0, r});
    if (tiling.blockDim > 1)
      v.push_back({0, 0, 0, 1, 0, 0});
    return v;
  };
  switch (ConvPath(t.path)) {
  case ConvPath::DepthwiseNchw:
  case ConvPath::DepthwiseNc1hwc0:
    return bands(t.rowsPerTask, t.oh);
  case ConvPath::WinogradNchw:
    out = bands(t.tileRowsPerTask, t.tilesY);
    out.push_back({0, 0, 0, 0, t.winoM == 4 ? 4 : 5, 0});
    out.push_back({0, 0, 0, 0, 3, 0});
    return out;
  default:
    break;
  }
  out = gemmBlockingCandidates(t.blocking, tiling.blockDim, t.gemmM, t.gemmN,
                               t.gemmK);
  if (ConvPath(t.path) == ConvPath::GemmNchw)
    out.push_back({0, 0, 0, 0, 2, 0});
  if (ConvPath(t.path) == ConvPath::GemmNchwPixelRows)
    out.push_back({0, 0, 0, 0, 1, 0});
  if (winoAllowed)
    for (int64_t variant : {4, 5})
      out.push_back({0, 0, 0, 0, variant, 0});
  return out;
}

} // namespace
} // namespace cube

void registerConv2dKernels(KernelRegistry &registry) {
  using namespace cube;
  registry.add({"conv2d",
                conv2dTiling,
                conv2dPack,
                {{DType::F32, Isa::Portable, portable::conv2dKernel},
                 {DType::F32, Isa::AVX2, avx2::conv2dKernel},
                 {DType::F32, Isa::AVX512, avx512::conv2dKernel},
                 {DType::F16, Isa::Portable, portable::conv2dKernelF16},
                 {DType::F16, Isa::AVX2, avx2::conv2dKernelF16},
                 {DType::F16, Isa::AVX512, avx512::conv2dKernelF16},
                 {DType::BF16, Isa::Portable, portable::conv2dKernelBf16},
                 {DType::BF16, Isa::AVX2, avx2::conv2dKernelBf16},
                 {DType::BF16, Isa::AVX512, avx512::conv2dKernelBf16}},
                nullptr,
                conv2dCandidates});
}

} // namespace geflow::kernels
