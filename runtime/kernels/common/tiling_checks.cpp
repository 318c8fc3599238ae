//===- tiling_checks.cpp - Installing the tiling checks; shared helpers ---===//
//
// Kernels with a pre-pack function keep the tiling the file was compiled
// with (its pre-packed weights were laid out for it), so each such family
// has a check (<family>_tiling_check.cpp). Every other kernel is re-tiled at
// load by the runtime (executor/Planner.cpp) and never runs on file bytes.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/tiling_check.h"

namespace geflow::kernels {
namespace check {

Status checkConv2dTiling(const TilingCheck &c);
Status checkConv2dTransposeTiling(const TilingCheck &c);
Status checkMatmulTiling(const TilingCheck &c);
Status checkPoolTiling(const TilingCheck &c);

std::string fieldValue(const void *base, const Field &f) {
  const auto *p = static_cast<const uint8_t *>(base) + f.offset;
  if (f.size == 4) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return std::to_string(v);
  }
  if (f.size == 8) {
    int64_t v;
    std::memcpy(&v, p, 8);
    return std::to_string(v);
  }
  static const char *hex = "0123456789abcdef";
  std::string s = "0x";
  for (size_t i = f.size; i-- > 0;) {
    s += hex[p[i] >> 4];
    s += hex[p[i] & 15];
  }
  return s;
}

Status inRange(const char *kernel, const char *field, int64_t v, int64_t lo,
               int64_t hi) {
  if (v < lo || v > hi)
    return corrupt(std::string(kernel) + " tiling field '" + field + "' is " +
                   std::to_string(v) + ", outside [" + std::to_string(lo) +
                   ", " + std::to_string(hi) + "]");
  return Status::OK();
}

Status checkBlocking(const char *kernel, const cube::GemmBlocking &bl,
                     int32_t panels, DType inDtype, int32_t maxWidth, int64_t M,
                     int64_t N) {
  using cube::PanelFormat;
  using cube::roundUp;
  if (panels != int32_t(PanelFormat::F32) &&
      !(panels == int32_t(PanelFormat::Bf16Pairs) && inDtype == DType::BF16))
    return corrupt(std::string(kernel) + " tiling field 'panels' is " +
                   std::to_string(panels) + ", not a panel format of " +
                   std::string(rt::dtypeName(inDtype)) + " operands");
  GEFLOW_RETURN_IF_ERROR(inRange(kernel, "blocking.mr", bl.mr, 1, maxWidth));
  GEFLOW_RETURN_IF_ERROR(inRange(kernel, "blocking.nr", bl.nr, 16, maxWidth));
  // Blocks never exceed the product (rounded to whole panels); k blocks are
  // at most a few cache lines deep.
  GEFLOW_RETURN_IF_ERROR(inRange(kernel, "blocking.kc", bl.kc, 1, 1 << 14));
  GEFLOW_RETURN_IF_ERROR(inRange(kernel, "blocking.mc", bl.mc, bl.mr,
                                 roundUp(std::max<int64_t>(M, 1), bl.mr)));
  GEFLOW_RETURN_IF_ERROR(inRange(kernel, "blocking.nc", bl.nc, bl.nr,
                                 roundUp(std::max<int64_t>(N, 1), bl.nr)));
  if (!cube::isValidBlocking(bl))
    return corrupt(std::string(kernel) + " tiling has blocking mr " +
                   std::to_string(bl.mr) + " nr " + std::to_string(bl.nr) +
                   " mc " + std::to_string(bl.mc) + " nc " +
                   std::to_string(bl.nc) +
                   ": nr must be a multiple of 16, mc of mr, nc of nr");
  if (panels == int32_t(PanelFormat::Bf16Pairs) && bl.kc % 2)
    return corrupt(std::string(kernel) + " tiling field 'blocking.kc' is " +
                   std::to_string(bl.kc) + ", odd for bf16-pair panels");
  return Status::OK();
}

Status checkGrid(const char *kernel, const cube::GemmGrid &grid,
                 const cube::GemmBlocking &bl, int64_t M, int64_t N) {
  using cube::ceilDiv;
  using cube::roundUp;
  const int64_t m = std::max<int64_t>(M, 1), n = std::max<int64_t>(N, 1);
  GEFLOW_RETURN_IF_ERROR(
      inRange(kernel, "grid.mStep", grid.mStep, bl.mr, roundUp(m, bl.mr)));
  GEFLOW_RETURN_IF_ERROR(
      inRange(kernel, "grid.nStep", grid.nStep, bl.nr, roundUp(n, bl.nr)));
  if (grid.mStep % bl.mr || grid.nStep % bl.nr)
    return corrupt(std::string(kernel) + " tiling grid steps " +
                   std::to_string(grid.mStep) + " x " +
                   std::to_string(grid.nStep) + " are not whole panels of " +
                   std::to_string(bl.mr) + " x " + std::to_string(bl.nr));
  GEFLOW_RETURN_IF_ERROR(inRange(kernel, "grid.gm", grid.gm,
                                 ceilDiv(m, grid.mStep),
                                 ceilDiv(m, grid.mStep)));
  return inRange(kernel, "grid.gn", grid.gn, ceilDiv(n, grid.nStep),
                 ceilDiv(n, grid.nStep));
}

Status checkBlocks(const char *kernel, const TilingCheck &c, int64_t tasks,
                   uint64_t bytesPerBlock) {
  if (c.blockDim < 1 || int64_t(c.blockDim) > std::max<int64_t>(tasks, 1))
    return corrupt(std::string(kernel) + ": block_dim " +
                   std::to_string(c.blockDim) + " exceeds the " +
                   std::to_string(tasks) + " tasks its tiling splits");
  // bytesPerBlock is at most ~2^50 (bounded blockings), blockDim < 2^32.
  if (bytesPerBlock > (uint64_t(1) << 52) ||
      bytesPerBlock * c.blockDim > c.workspaceBytes)
    return corrupt(std::string(kernel) + ": " + std::to_string(c.blockDim) +
                   " blocks of " + std::to_string(bytesPerBlock) +
                   " workspace bytes do not fit the task's workspace of " +
                   std::to_string(c.workspaceBytes) + " bytes");
  return Status::OK();
}

Status checkBuffer(const char *kernel, const TilingCheck &c, bool output,
                   size_t index, uint64_t need, const char *what) {
  const std::vector<uint64_t> &bytes = output ? c.outputBytes : c.inputBytes;
  if (index >= bytes.size())
    return corrupt(std::string(kernel) + ": the task binds no " +
                   (output ? "output " : "input ") + std::to_string(index) +
                   " (" + what + ")");
  if (bytes[index] < need)
    return corrupt(std::string(kernel) + ": " + what + " (" +
                   (output ? "output " : "input ") + std::to_string(index) +
                   ") has " + std::to_string(bytes[index]) +
                   " bytes, the tiling reads or writes " +
                   std::to_string(need));
  return Status::OK();
}

Status checkTensorBuffer(const char *kernel, const TilingCheck &c, bool output,
                         size_t index, DType dtype, Format format,
                         const std::vector<int64_t> &shape, const char *what) {
  uint64_t bytes = rt::storageBytes(dtype, format, shape);
  bool empty = false;
  for (int64_t d : shape)
    empty |= d == 0;
  if (bytes == 0 && !empty)
    return corrupt(std::string(kernel) + ": the tiling's " + what + " " +
                   cube::shapeString(shape) + " has no valid byte size");
  return checkBuffer(kernel, c, output, index, bytes, what);
}

} // namespace check

void registerTilingChecks(KernelRegistry &registry) {
  registry.setTilingCheck("conv2d", check::checkConv2dTiling);
  registry.setTilingCheck("conv2d_transpose",
                          check::checkConv2dTransposeTiling);
  registry.setTilingCheck("matmul", check::checkMatmulTiling);
  registry.setTilingCheck("batch_matmul", check::checkMatmulTiling);
  registry.setTilingCheck("max_pool", check::checkPoolTiling);
  registry.setTilingCheck("avg_pool", check::checkPoolTiling);
  registry.setTilingCheck("global_avg_pool", check::checkPoolTiling);
}

} // namespace geflow::kernels
