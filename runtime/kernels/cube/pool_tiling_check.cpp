//===- pool_tiling_check.cpp - Checking a stored pool tiling --------------===//
//
// max_pool, avg_pool and global_avg_pool. Choices kept from the file: the
// output rows per task, (global_avg_pool of f16/bf16) the positions per
// converted chunk and (max_pool) the separable loop. Everything else is the
// kernel's own tiling of the task's descriptors, or derived from those choices
// as finish() (pool.cpp) derives it.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/tiling_check.h"
#include "kernels/cube/pool_tiling.h"

namespace geflow::kernels::check {
namespace {

using cube::PoolKind;
using cube::PoolTiling;

#define F(f) GEFLOW_TILING_FIELD(PoolTiling, f)
constexpr Field kFields[] = {F(n),
                             F(c),
                             F(h),
                             F(w),
                             F(oh),
                             F(ow),
                             F(kind),
                             F(c0),
                             F(kh),
                             F(kw),
                             F(sh),
                             F(sw),
                             F(dh),
                             F(dw),
                             F(padTop),
                             F(padBottom),
                             F(padLeft),
                             F(padRight),
                             F(countIncludePad),
                             F(separable),
                             F(planes),
                             F(rowsPerTask),
                             F(tasks),
                             F(inDtype),
                             F(outDtype),
                             F(ringSlots),
                             F(chunkPositions),
                             F(wsBytesPerBlock)};
#undef F
static_assert(fieldBytes(kFields) == sizeof(PoolTiling),
              "every byte of PoolTiling is checked");

} // namespace

Status checkPoolTiling(const TilingCheck &c) {
  using namespace cube;
  const char *kOp = "pool";
  PoolTiling got, t;
  GEFLOW_RETURN_IF_ERROR(decodeBoth(kOp, c, &got, &t));
  GEFLOW_RETURN_IF_ERROR(inRange(kOp, "rowsPerTask", got.rowsPerTask, 1,
                                 std::max<int64_t>(t.oh, 1)));
  t.rowsPerTask = got.rowsPerTask;
  t.tasks = t.planes * ceilDiv(t.oh, t.rowsPerTask);
  const bool global = t.kind == int32_t(PoolKind::GlobalAvg);
  const bool narrowIn = t.inDtype != int32_t(DType::F32);
  if (global && narrowIn) {
    GEFLOW_RETURN_IF_ERROR(
        inRange(kOp, "chunkPositions", got.chunkPositions, 16, 4096));
    t.chunkPositions = got.chunkPositions;
  }
  // Both max_pool loops are valid: tilings written before the separable
  // one keep theirs.
  if (t.kind == int32_t(PoolKind::Max)) {
    GEFLOW_RETURN_IF_ERROR(inRange(kOp, "separable", got.separable, 0, 1));
    t.separable = got.separable;
  }
  t.wsBytesPerBlock = uint64_t(poolWorkspace(t).floats) * 4;
  GEFLOW_RETURN_IF_ERROR(compareFields(kOp, got, t, kFields));
  GEFLOW_RETURN_IF_ERROR(checkBlocks(kOp, c, t.tasks, t.wsBytesPerBlock));

  const Format format = t.c0 ? Format::NC1HWC0 : Format::NCHW;
  GEFLOW_RETURN_IF_ERROR(checkTensorBuffer(kOp, c, false, 0, DType(t.inDtype),
                                           format, {t.n, t.c, t.h, t.w}, "x"));
  return checkTensorBuffer(kOp, c, true, 0, DType(t.outDtype), format,
                           {t.n, t.c, t.oh, t.ow}, "y");
}

} // namespace geflow::kernels::check
