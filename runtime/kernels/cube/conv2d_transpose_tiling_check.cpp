//===- conv2d_transpose_tiling_check.cpp - Checking a conv2d_transpose tiling
//
// Soc-dependent choices kept from the file: the panel format and blocking,
// the output channels per task (coStep), the pixel chunk of the column
// buffer, and whether the filter arrives prepacked. Everything else is the
// kernel's own tiling of the task's descriptors, or derived from those
// choices as conv2dTransposeTiling (conv2d_transpose.cpp) derives it.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/tiling_check.h"
#include "kernels/cube/conv2d_transpose_tiling.h"

#include <numeric>

namespace geflow::kernels::check {
namespace {

using cube::Conv2dTransposeTiling;

#define F(f) GEFLOW_TILING_FIELD(Conv2dTransposeTiling, f)
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
                             F(filterPacked),
                             F(hasBias),
                             F(reserved),
                             F(gemmM),
                             F(gemmK),
                             F(gemmN),
                             F(pixelChunk),
                             F(coStep),
                             F(coSplits),
                             F(blocking.mr),
                             F(blocking.nr),
                             F(blocking.mc),
                             F(blocking.nc),
                             F(blocking.kc),
                             F(blocking.reserved),
                             F(epilogue.activation),
                             F(epilogue.alpha),
                             F(reserved2),
                             F(wsPackB),
                             F(wsCol),
                             F(wsBytesPerBlock),
                             F(inDtype),
                             F(biasDtype),
                             F(outDtype),
                             F(panels),
                             F(wsBias),
                             F(wsPlanes)};
#undef F
// Every byte but the 4 bytes of padding after 'reserved2' (never read).
static_assert(fieldBytes(kFields) + 4 == sizeof(Conv2dTransposeTiling),
              "every field of Conv2dTransposeTiling is checked");

constexpr int32_t kMaxPanelWidth = 256;

} // namespace

Status checkConv2dTransposeTiling(const TilingCheck &c) {
  using namespace cube;
  const char *kOp = "conv2d_transpose";
  Conv2dTransposeTiling got, t;
  GEFLOW_RETURN_IF_ERROR(decodeBoth(kOp, c, &got, &t));
  const uint64_t biasBytes = t.wsPlanes - t.wsBias; // soc-independent
  const int64_t khw = int64_t(t.kh) * t.kw, coutG = t.cout / t.groups;
  const GemmBlocking &bl = got.blocking;
  // Channel ranges start on panel boundaries of the filter rows.
  GEFLOW_RETURN_IF_ERROR(inRange(kOp, "blocking.mr", bl.mr, 1, kMaxPanelWidth));
  const int64_t unit = bl.mr / std::gcd<int64_t>(bl.mr, khw);
  GEFLOW_RETURN_IF_ERROR(inRange(kOp, "coStep", got.coStep, unit,
                                 roundUp(std::max<int64_t>(coutG, 1), unit)));
  if (got.coStep % unit)
    return corrupt(std::string(kOp) + " tiling field 'coStep' is " +
                   std::to_string(got.coStep) + ", not a multiple of " +
                   std::to_string(unit) + " channels");
  t.coStep = got.coStep;
  t.coSplits = ceilDiv(coutG, t.coStep);
  const int64_t rows = t.coStep * khw;
  GEFLOW_RETURN_IF_ERROR(
      inRange(kOp, "blocking.nr", bl.nr, 16, kMaxPanelWidth));
  const int64_t maxChunk = roundUp(t.gemmN, bl.nr);
  GEFLOW_RETURN_IF_ERROR(inRange(kOp, "pixelChunk", got.pixelChunk,
                                 std::min<int64_t>(bl.nr, maxChunk), maxChunk));
  if (got.pixelChunk % bl.nr)
    return corrupt(std::string(kOp) + " tiling field 'pixelChunk' is " +
                   std::to_string(got.pixelChunk) + ", not whole panels of " +
                   std::to_string(bl.nr));
  t.pixelChunk = got.pixelChunk;
  GEFLOW_RETURN_IF_ERROR(checkBlocking(kOp, bl, got.panels, DType(t.inDtype),
                                       kMaxPanelWidth, rows, t.pixelChunk));
  t.blocking = bl;
  t.panels = got.panels;
  GEFLOW_RETURN_IF_ERROR(inRange(kOp, "filterPacked", got.filterPacked, 0, 1));
  t.filterPacked = got.filterPacked;
  t.wsPackB = roundUp(int64_t(bl.mc) * bl.kc * 4, 64);
  t.wsCol = t.wsPackB + gemmPackBytes(bl, false, true);
  t.wsBias = t.wsCol + roundUp(rows * t.pixelChunk * 4, 64);
  t.wsPlanes = t.wsBias + biasBytes;
  t.wsBytesPerBlock = t.wsPlanes;
  if (t.outDtype != int32_t(DType::F32))
    t.wsBytesPerBlock += roundUp(t.coStep * t.oh * t.ow * 4, 64);
  GEFLOW_RETURN_IF_ERROR(compareFields(kOp, got, t, kFields));
  GEFLOW_RETURN_IF_ERROR(
      checkBlocks(kOp, c, t.n * t.groups * t.coSplits, t.wsBytesPerBlock));

  const TilingContext &ctx = *c.ctx;
  const DType in = DType(t.inDtype);
  GEFLOW_RETURN_IF_ERROR(checkTensorBuffer(kOp, c, false, 0, in, Format::ND,
                                           {t.n, t.cin, t.h, t.w}, "x"));
  if (t.filterPacked) {
    if (!ctx.inputs[1].isConst)
      return corrupt(std::string(kOp) +
                     ": the tiling reads a prepacked filter, but the filter "
                     "is not a constant");
    GEFLOW_RETURN_IF_ERROR(checkBuffer(
        kOp, c, false, 1,
        uint64_t(t.groups) *
            packedWords(t.gemmM, t.gemmK, bl.mr, PanelFormat(t.panels)) * 4,
        "packed filter"));
  } else {
    GEFLOW_RETURN_IF_ERROR(checkTensorBuffer(kOp, c, false, 1, in, Format::ND,
                                             {t.cin, coutG, t.kh, t.kw},
                                             "filter"));
  }
  if (t.hasBias)
    GEFLOW_RETURN_IF_ERROR(checkTensorBuffer(
        kOp, c, false, 2, DType(t.biasDtype), Format::ND, {t.cout}, "bias"));
  return checkTensorBuffer(kOp, c, true, 0, DType(t.outDtype), Format::ND,
                           {t.n, t.cout, t.oh, t.ow}, "y");
}

} // namespace geflow::kernels::check
