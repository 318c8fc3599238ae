//===- conv2d_tiling_check.cpp - Checking a stored conv2d tiling ----------===//
//
// Soc-dependent choices kept from the file: the panel format and blocking,
// the grid (GEMM paths) or the row bands (depthwise paths), and whether the
// filter arrives prepacked. Everything else is the kernel's own tiling of
// the task's descriptors, or derived from those choices as conv2dTiling
// derives it.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/tiling_check.h"
#include "kernels/cube/conv2d_tiling.h"
#include "kernels/cube/conv2d_winograd_tiling.h"

namespace geflow::kernels::check {
namespace {

using cube::Conv2dTiling;
using cube::ConvPath;

#define F(f) GEFLOW_TILING_FIELD(Conv2dTiling, f)
constexpr Field kFields[] = {F(n),
                             F(cin),
                             F(h),
                             F(w),
                             F(cout),
                             F(oh),
                             F(ow),
                             F(kh),
                             F(kw),
                             F(sh),
                             F(sw),
                             F(dh),
                             F(dw),
                             F(padTop),
                             F(padLeft),
                             F(groups),
                             F(path),
                             F(filterPacked),
                             F(hasBias),
                             F(pointwise),
                             F(staged),
                             F(gemmM),
                             F(gemmN),
                             F(gemmK),
                             F(kChannels),
                             F(blocking.mr),
                             F(blocking.nr),
                             F(blocking.mc),
                             F(blocking.nc),
                             F(blocking.kc),
                             F(blocking.reserved),
                             F(grid.mStep),
                             F(grid.nStep),
                             F(grid.gm),
                             F(grid.gn),
                             F(rowsPerTask),
                             F(tasks),
                             F(epilogue.activation),
                             F(epilogue.alpha),
                             F(directPhases),
                             F(wsPackB),
                             F(wsFilter),
                             F(wsStage),
                             F(wsBytesPerBlock),
                             F(inDtype),
                             F(biasDtype),
                             F(outDtype),
                             F(panels),
                             F(outStage.rows),
                             F(outStage.cols),
                             F(ringSlots),
                             F(wsBias),
                             F(wsOut),
                             F(winoM),
                             F(coutSplits),
                             F(tilesY),
                             F(tilesX),
                             F(tileRowsPerTask),
                             F(coutPerTask),
                             F(wsWinoV),
                             F(wsWinoM),
                             F(wsWinoRows),
                             F(hasResidual),
                             F(residualDtype)};
#undef F
// Every byte but 'reserved2' (named padding, zeroed, never read).
static_assert(fieldBytes(kFields) + 4 == sizeof(Conv2dTiling),
              "every field of Conv2dTiling is checked");

constexpr const char *kOp = "conv2d";
// The im2col packers' per-panel scratch (conv2d_im2col.h).
constexpr int32_t kMaxIm2colWidth = 256;

bool isGemmPath(int32_t path) {
  return path == int32_t(ConvPath::GemmNchw) ||
         path == int32_t(ConvPath::GemmNc1hwc0) ||
         path == int32_t(ConvPath::GemmNchwPixelRows) ||
         path == int32_t(ConvPath::GemmNchwToC0);
}

/// Takes the file's GEMM choices into `t` and derives what follows from
/// them (tileGemmPath in conv2d.cpp).
Status deriveGemm(const Conv2dTiling &got, Conv2dTiling *t) {
  using namespace cube;
  const uint64_t biasBytes = t->wsOut - t->wsBias; // soc-independent
  GEFLOW_RETURN_IF_ERROR(checkBlocking(kOp, got.blocking, got.panels,
                                       DType(t->inDtype), kMaxIm2colWidth,
                                       t->gemmM, t->gemmN));
  t->panels = got.panels;
  t->blocking = got.blocking;
  GEFLOW_RETURN_IF_ERROR(
      checkGrid(kOp, got.grid, got.blocking, t->gemmM, t->gemmN));
  t->grid = got.grid;
  GEFLOW_RETURN_IF_ERROR(inRange(kOp, "filterPacked", got.filterPacked, 0, 1));
  t->filterPacked = got.filterPacked;
  t->tasks = t->n * t->groups * t->grid.gm * t->grid.gn;
  const GemmBlocking &bl = t->blocking;
  const bool c0 = t->path == int32_t(ConvPath::GemmNc1hwc0);
  t->wsPackB = roundUp(int64_t(bl.mc) * bl.kc * 4, 64);
  t->wsFilter = t->wsPackB + gemmPackBytes(bl, false, true);
  uint64_t filterBytes =
      c0 && !t->filterPacked
          ? roundUp(packedFloats(t->gemmN, t->gemmK, bl.nr) * 4, 64)
          : 0;
  t->wsStage = t->wsFilter + filterBytes;
  uint64_t stageBytes =
      t->staged ? roundUp(t->grid.mStep * roundUp(t->grid.nStep, 16) * 4, 64)
                : 0;
  t->wsBias = t->wsStage + stageBytes;
  t->wsOut = t->wsBias + biasBytes;
  t->wsBytesPerBlock = t->wsOut;
  const bool toC0 = t->path == int32_t(ConvPath::GemmNchwToC0);
  const bool viaStage =
      t->path == int32_t(ConvPath::GemmNchw) || toC0 || (c0 && !t->staged);
  t->outStage = {};
  if (t->outDtype != int32_t(DType::F32) && viaStage) {
    t->outStage = chooseStage(bl, t->grid, c0 || toC0);
    t->wsBytesPerBlock += roundUp(t->outStage.rows * t->outStage.cols * 4, 64);
  }
  return Status::OK();
}

/// Takes the file's blocking, band and cout split into `t` and derives the
/// rest (tileWinogradPath in conv2d.cpp). The tile size is shape-only.
Status deriveWinograd(const Conv2dTiling &got, Conv2dTiling *t) {
  using namespace cube;
  const uint64_t biasBytes = t->wsOut - t->wsBias; // soc-independent
  if (got.panels != int32_t(PanelFormat::F32))
    return corrupt(std::string(kOp) + ": the Winograd path needs fp32 panels");
  GEFLOW_RETURN_IF_ERROR(inRange(kOp, "tileRowsPerTask", got.tileRowsPerTask, 1,
                                 std::max<int64_t>(t->tilesY, 1)));
  t->tileRowsPerTask = got.tileRowsPerTask;
  GEFLOW_RETURN_IF_ERROR(checkBlocking(
      kOp, got.blocking, got.panels, DType(t->inDtype), kMaxIm2colWidth,
      got.tileRowsPerTask * t->tilesX, t->gemmN));
  t->blocking = got.blocking;
  GEFLOW_RETURN_IF_ERROR(inRange(kOp, "coutPerTask", got.coutPerTask, 1,
                                 roundUp(t->cout, got.blocking.nr)));
  if (got.coutPerTask % got.blocking.nr)
    return corrupt(std::string(kOp) +
                   ": coutPerTask is not a multiple of the panel width");
  t->coutPerTask = got.coutPerTask;
  deriveWinogradLayout(t, biasBytes);
  return Status::OK();
}

/// Takes the file's row bands into `t` (tileDepthwisePath in conv2d.cpp).
Status deriveDepthwise(const Conv2dTiling &got, Conv2dTiling *t) {
  using namespace cube;
  GEFLOW_RETURN_IF_ERROR(inRange(kOp, "rowsPerTask", got.rowsPerTask, 1,
                                 std::max<int64_t>(t->oh, 1)));
  t->rowsPerTask = got.rowsPerTask;
  const bool c0 = t->path == int32_t(ConvPath::DepthwiseNc1hwc0);
  const int64_t planes = t->n * (c0 ? ceilDiv(t->cin, 16) : t->cout);
  t->tasks = planes * ceilDiv(t->oh, t->rowsPerTask);
  if (t->directPhases)
    t->wsBytesPerBlock = t->wsStage + depthwisePhaseBytes(*t, t->rowsPerTask);
  return Status::OK();
}

} // namespace

Status checkConv2dTiling(const TilingCheck &c) {
  using namespace cube;
  Conv2dTiling got, want;
  GEFLOW_RETURN_IF_ERROR(decodeBoth(kOp, c, &got, &want));
  if (isGemmPath(want.path))
    GEFLOW_RETURN_IF_ERROR(deriveGemm(got, &want));
  else if (want.path == int32_t(ConvPath::WinogradNchw))
    GEFLOW_RETURN_IF_ERROR(deriveWinograd(got, &want));
  else
    GEFLOW_RETURN_IF_ERROR(deriveDepthwise(got, &want));
  GEFLOW_RETURN_IF_ERROR(compareFields(kOp, got, want, kFields));
  GEFLOW_RETURN_IF_ERROR(checkBlocks(kOp, c, want.tasks, want.wsBytesPerBlock));

  // Buffer sizes from the tiling's own dims (a rank-0 output descriptor
  // is not checked against them by the tiling function).
  const TilingContext &ctx = *c.ctx;
  const DType in = DType(want.inDtype);
  const Format xFormat = ctx.inputs[0].format;
  GEFLOW_RETURN_IF_ERROR(checkTensorBuffer(
      kOp, c, false, 0, in, xFormat, {want.n, want.cin, want.h, want.w}, "x"));
  if (want.filterPacked) {
    if (!ctx.inputs[1].isConst)
      return corrupt(std::string(kOp) +
                     ": the tiling reads a prepacked filter, but the filter "
                     "is not a constant");
    GEFLOW_RETURN_IF_ERROR(checkBuffer(kOp, c, false, 1,
                                       uint64_t(want.groups) *
                                           convPackedFilterGroupWords(want) * 4,
                                       "packed filter"));
  } else {
    GEFLOW_RETURN_IF_ERROR(checkTensorBuffer(
        kOp, c, false, 1, in, Format::ND,
        {want.cout, want.cin / want.groups, want.kh, want.kw}, "filter"));
  }
  if (want.hasBias)
    GEFLOW_RETURN_IF_ERROR(checkTensorBuffer(kOp, c, false, 2,
                                             DType(want.biasDtype), Format::ND,
                                             {want.cout}, "bias"));
  const Format yFormat =
      want.path == int32_t(ConvPath::GemmNchwToC0) ? Format::NC1HWC0 : xFormat;
  return checkTensorBuffer(kOp, c, true, 0, DType(want.outDtype), yFormat,
                           {want.n, want.cout, want.oh, want.ow}, "y");
}

} // namespace geflow::kernels::check
