//===- matmul_tiling_check.cpp - Checking a stored matmul tiling ----------===//
//
// matmul and batch_matmul. Soc-dependent choices kept from the file: the
// panel format, blocking and grid, and whether x2 arrives prepacked.
// Everything else is the kernel's own tiling of the task's descriptors, or
// derived from those choices as tileMatmul (matmul.cpp) derives it.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/tiling_check.h"
#include "kernels/cube/matmul_tiling.h"

namespace geflow::kernels::check {
namespace {

using cube::kMaxBatchRank;
using cube::MatmulTiling;

#define F(f) GEFLOW_TILING_FIELD(MatmulTiling, f)
constexpr Field kFields[] = {F(M),
                             F(N),
                             F(K),
                             F(batch),
                             F(batchRank),
                             F(transA),
                             F(transB),
                             F(bPacked),
                             F(hasBias),
                             F(reserved),
                             F(batchDims),
                             F(aBatchStride),
                             F(bBatchStride),
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
                             F(epilogue.activation),
                             F(epilogue.alpha),
                             F(wsBytesPerBlock),
                             F(inDtype),
                             F(biasDtype),
                             F(outDtype),
                             F(panels),
                             F(wsBias),
                             F(wsStage),
                             F(stage.rows),
                             F(stage.cols)};
#undef F
static_assert(fieldBytes(kFields) == sizeof(MatmulTiling),
              "every byte of MatmulTiling is checked");

// Panel widths well beyond any micro-kernel's.
constexpr int32_t kMaxPanelWidth = 256;

} // namespace

Status checkMatmulTiling(const TilingCheck &c) {
  using namespace cube;
  const char *kOp = "matmul";
  MatmulTiling got, t;
  GEFLOW_RETURN_IF_ERROR(decodeBoth(kOp, c, &got, &t));
  GEFLOW_RETURN_IF_ERROR(checkBlocking(kOp, got.blocking, got.panels,
                                       DType(t.inDtype), kMaxPanelWidth, t.M,
                                       t.N));
  t.panels = got.panels;
  t.blocking = got.blocking;
  GEFLOW_RETURN_IF_ERROR(checkGrid(kOp, got.grid, got.blocking, t.M, t.N));
  t.grid = got.grid;
  GEFLOW_RETURN_IF_ERROR(inRange(kOp, "bPacked", got.bPacked, 0, 1));
  t.bPacked = got.bPacked;
  const GemmBlocking &bl = t.blocking;
  const bool pairs = t.panels == int32_t(PanelFormat::Bf16Pairs);
  t.wsBias = uint64_t(roundUp(int64_t(bl.mc) * bl.kc, 16)) * 4 +
             gemmPackBytes(bl, false, !t.bPacked || pairs);
  t.wsStage = t.wsBias;
  if (t.hasBias && t.biasDtype != int32_t(DType::F32))
    t.wsStage += roundUp(t.N * 4, 64);
  t.wsBytesPerBlock = t.wsStage;
  t.stage = {};
  if (t.outDtype != int32_t(DType::F32)) {
    t.stage = chooseStage(bl, t.grid, t.bPacked);
    t.wsBytesPerBlock += roundUp(t.stage.rows * t.stage.cols * 4, 64);
  }
  t.wsBytesPerBlock = roundUp(int64_t(t.wsBytesPerBlock), 64);
  GEFLOW_RETURN_IF_ERROR(compareFields(kOp, got, t, kFields));
  const int64_t tasks = t.batch * t.grid.gm * t.grid.gn;
  GEFLOW_RETURN_IF_ERROR(checkBlocks(kOp, c, tasks, t.wsBytesPerBlock));

  // Buffer sizes: the operand descriptors (their dims gave the tiling's),
  // the output from the tiling (a rank-0 descriptor is not compared).
  const TilingContext &ctx = *c.ctx;
  const DType in = DType(t.inDtype);
  const TensorDesc &x1 = ctx.inputs[0], &x2 = ctx.inputs[1];
  GEFLOW_RETURN_IF_ERROR(
      checkTensorBuffer(kOp, c, false, 0, in, Format::ND, x1.shape, "x1"));
  if (t.bPacked) {
    if (!x2.isConst)
      return corrupt(std::string(kOp) +
                     ": the tiling reads a prepacked x2, but x2 is not a "
                     "constant");
    int64_t mats = 1;
    for (size_t d = 0; d + 2 < x2.shape.size(); ++d)
      mats *= x2.shape[d];
    GEFLOW_RETURN_IF_ERROR(
        checkBuffer(kOp, c, false, 1,
                    uint64_t(mats) *
                        packedWords(t.N, t.K, bl.nr, PanelFormat(t.panels)) * 4,
                    "packed x2"));
  } else {
    GEFLOW_RETURN_IF_ERROR(
        checkTensorBuffer(kOp, c, false, 1, in, Format::ND, x2.shape, "x2"));
  }
  if (t.hasBias)
    GEFLOW_RETURN_IF_ERROR(checkTensorBuffer(
        kOp, c, false, 2, DType(t.biasDtype), Format::ND, {t.N}, "bias"));
  std::vector<int64_t> y(t.batchDims, t.batchDims + t.batchRank);
  y.push_back(t.M);
  y.push_back(t.N);
  return checkTensorBuffer(kOp, c, true, 0, DType(t.outDtype), Format::ND, y,
                           "y");
}

} // namespace geflow::kernels::check
