//===- matmul.cpp - matmul / batch_matmul: tiling, packing, registration --===//
//
// matmul:       y[M, N] = act(op(x1) x op(x2) + bias)
// batch_matmul: the same over numpy-broadcast leading batch dims.
// op() transposes when transpose_x1/x2 (matmul) or adj_x1/x2
// (batch_matmul) is set. A constant x2 is prepacked into nr-wide panels at
// compile time (bf16 pairs when the soc runs vdpbf16ps). x1 and x2 are
// f32, f16 or bf16 (the same); bias and y are that dtype or f32.
//
//===----------------------------------------------------------------------===//

#include "kernels/cube/gemm_entry.h"
#include "kernels/cube/matmul_tiling.h"

#include "geflow/kernels/Registry.h"

#include <algorithm>

namespace geflow::kernels {
namespace cube {
namespace {

/// Shared by matmul and batch_matmul once the flags are read.
Status tileMatmul(const TilingContext &ctx, const std::string &op, bool transA,
                  bool transB, bool batched, TilingResult *result) {
  if (ctx.inputs.size() != 2 && ctx.inputs.size() != 3)
    return rt::invalidArgument(
        op + ": expects 2 or 3 inputs (x1, x2[, bias]), got " +
        std::to_string(ctx.inputs.size()));
  const TensorDesc &x1 = ctx.inputs[0], &x2 = ctx.inputs[1];
  GEFLOW_RETURN_IF_ERROR(checkFloatTensor(op, "x1", x1, {Format::ND}));
  GEFLOW_RETURN_IF_ERROR(checkFloatTensor(op, "x2", x2, {Format::ND}));
  const DType d = x1.dtype;
  GEFLOW_RETURN_IF_ERROR(checkOperandDtype(op, "x2", x2, d, false));
  size_t r1 = x1.shape.size(), r2 = x2.shape.size();
  if (!batched && (r1 != 2 || r2 != 2))
    return rt::invalidArgument(op + ": x1 " + shapeString(x1.shape) +
                               " and x2 " + shapeString(x2.shape) +
                               " must be 2-D (use batch_matmul)");
  if (r1 < 2 || r2 < 2)
    return rt::invalidArgument(op + ": x1 " + shapeString(x1.shape) +
                               " and x2 " + shapeString(x2.shape) +
                               " must have rank >= 2");

  MatmulTiling t;
  t.transA = transA;
  t.transB = transB;
  t.M = x1.shape[r1 - (transA ? 1 : 2)];
  int64_t k1 = x1.shape[r1 - (transA ? 2 : 1)];
  int64_t k2 = x2.shape[r2 - (transB ? 1 : 2)];
  t.N = x2.shape[r2 - (transB ? 2 : 1)];
  t.K = k1;
  if (k1 != k2)
    return rt::invalidArgument(
        op + ": contraction dims differ: x1 " + shapeString(x1.shape) +
        " gives K = " + std::to_string(k1) + ", x2 " + shapeString(x2.shape) +
        " gives K = " + std::to_string(k2));

  // Numpy broadcasting of the leading dims.
  size_t rank = std::max(r1, r2) - 2;
  if (rank > size_t(kMaxBatchRank))
    return rt::unsupported(op + ": more than " + std::to_string(kMaxBatchRank) +
                           " batch dims");
  std::vector<int64_t> outShape;
  int64_t aStride = 1, bStride = 1;
  for (int d = int(rank) - 1; d >= 0; --d) {
    int o1 = d - int(rank) + int(r1) - 2, o2 = d - int(rank) + int(r2) - 2;
    int64_t a = o1 >= 0 ? x1.shape[o1] : 1, b = o2 >= 0 ? x2.shape[o2] : 1;
    if (a != b && a != 1 && b != 1)
      return rt::invalidArgument(op + ": batch dims of x1 " +
                                 shapeString(x1.shape) + " and x2 " +
                                 shapeString(x2.shape) + " do not broadcast");
    t.batchDims[d] = std::max(a, b);
    t.aBatchStride[d] = a == 1 ? 0 : aStride;
    t.bBatchStride[d] = b == 1 ? 0 : bStride;
    aStride *= a;
    bStride *= b;
  }
  t.batchRank = int32_t(rank);
  t.batch = 1;
  for (size_t d = 0; d < rank; ++d) {
    t.batch *= t.batchDims[d];
    outShape.push_back(t.batchDims[d]);
  }
  outShape.push_back(t.M);
  outShape.push_back(t.N);

  if (ctx.inputs.size() == 3) {
    const TensorDesc &bias = ctx.inputs[2];
    GEFLOW_RETURN_IF_ERROR(checkFloatTensor(op, "bias", bias, {Format::ND}));
    GEFLOW_RETURN_IF_ERROR(checkOperandDtype(op, "bias", bias, d, true));
    t.biasDtype = int32_t(bias.dtype);
    if (bias.shape != std::vector<int64_t>{t.N})
      return rt::invalidArgument(op + ": bias " + shapeString(bias.shape) +
                                 " must be [N] = [" + std::to_string(t.N) +
                                 "]");
    t.hasBias = 1;
  }
  if (!ctx.outputs.empty() && !ctx.outputs[0].shape.empty() &&
      ctx.outputs[0].shape != outShape)
    return rt::invalidArgument(op + ": output " +
                               shapeString(ctx.outputs[0].shape) +
                               " should be " + shapeString(outShape));
  t.inDtype = int32_t(d);
  t.outDtype = int32_t(d);
  if (!ctx.outputs.empty()) {
    GEFLOW_RETURN_IF_ERROR(
        checkOperandDtype(op, "output", ctx.outputs[0], d, true));
    t.outDtype = int32_t(ctx.outputs[0].dtype);
  }
  GEFLOW_RETURN_IF_ERROR(parseEpilogue(ctx.attrs, op, &t.epilogue));

  SocInfo soc = resolveSoc(ctx);
  t.bPacked = x2.isConst ? 1 : 0;
  const PanelFormat panels = panelFormatFor(soc, d);
  t.panels = int32_t(panels);
  t.blocking = applyBlockingHint(chooseGemmBlocking(soc, t.M, t.N, t.K, panels),
                                 tilingHintOf(ctx.attrs), t.M, t.N, t.K);
  // Packing an element costs roughly 8 (contiguous copy) to 32 (transpose)
  // multiply-add slots of the micro-kernel.
  PackCosts costs{transA ? 8.0 : 32.0, t.bPacked ? 0.0 : (transB ? 32.0 : 8.0)};
  GridChoice choice =
      chooseGemmGrid(soc, t.blocking, t.batch, t.M, t.N, t.K, costs);
  t.grid = choice.grid;
  // Packing buffers hold fp32 panels (the larger format): a unit without
  // vdpbf16ps expands prepacked pairs into the B buffer, hence it also
  // exists for a prepacked x2 in pair format.
  t.wsBias = uint64_t(roundUp(int64_t(t.blocking.mc) * t.blocking.kc, 16)) * 4 +
             gemmPackBytes(t.blocking, false,
                           !t.bPacked || panels == PanelFormat::Bf16Pairs);
  t.wsStage = t.wsBias;
  if (t.hasBias && t.biasDtype != int32_t(DType::F32))
    t.wsStage += roundUp(t.N * 4, 64);
  t.wsBytesPerBlock = t.wsStage;
  if (t.outDtype != int32_t(DType::F32)) {
    // A prepacked x2 makes the driver walk x1 blocks outside.
    t.stage = chooseStage(t.blocking, t.grid, t.bPacked);
    t.wsBytesPerBlock += roundUp(t.stage.rows * t.stage.cols * 4, 64);
  }
  t.wsBytesPerBlock = roundUp(int64_t(t.wsBytesPerBlock), 64);

  result->blockDim = choice.blockDim;
  result->tilingData = encodeTiling(t);
  result->workspaceSize = t.wsBytesPerBlock * choice.blockDim;
  result->packedInputs.clear();
  if (t.bPacked)
    result->packedInputs.push_back(1);
  return Status::OK();
}

Status matmulTiling(const TilingContext &ctx, TilingResult *result) {
  return tileMatmul(ctx, "matmul", ctx.attrs.getInt("transpose_x1", 0) != 0,
                    ctx.attrs.getInt("transpose_x2", 0) != 0, false, result);
}

Status batchMatmulTiling(const TilingContext &ctx, TilingResult *result) {
  return tileMatmul(ctx, "batch_matmul", ctx.attrs.getInt("adj_x1", 0) != 0,
                    ctx.attrs.getInt("adj_x2", 0) != 0, true, result);
}

/// Packs the constant x2 (every matrix of its own batch dims) into the
/// PrepackedOperand layout the kernel expects when MatmulTiling::bPacked.
Status matmulPack(const TilingContext &ctx, const TilingResult &tiling,
                  uint32_t inputIndex, const void *src,
                  std::vector<uint8_t> *packed) {
  MatmulTiling t;
  KernelArgs view;
  view.tiling = tiling.tilingData.data();
  view.tilingSize = tiling.tilingData.size();
  if (!decodeTiling(view, &t))
    return rt::internalError("matmul: tiling data has the wrong size");
  if (inputIndex != 1 || !t.bPacked)
    return rt::invalidArgument("matmul: only input 1 (x2) is prepacked");
  const TensorDesc &x2 = ctx.inputs.at(1);
  if (x2.dtype != DType(t.inDtype))
    return rt::invalidArgument("matmul: x2 dtype differs from the tiling's");
  int64_t mats = 1;
  for (size_t d = 0; d + 2 < x2.shape.size(); ++d)
    mats *= x2.shape[d];
  const PanelFormat format = PanelFormat(t.panels);
  const int64_t K = t.K, N = t.N, nr = t.blocking.nr;
  const int64_t per = packedWords(N, K, nr, format);
  // Room for fp32 panels of one matrix beyond the last: pairs are packed as
  // fp32 first and narrowed in place.
  packed->assign(size_t(mats * per + packedFloats(N, K, nr)) * 4, 0);
  auto *dst = reinterpret_cast<float *>(packed->data());
  const size_t esize = rt::dtypeSize(x2.dtype);
  for (int64_t m = 0; m < mats; ++m)
    portable::packWholeOperand(static_cast<const uint8_t *>(src) +
                                   m * K * N * esize,
                               x2.dtype, t.transB ? 1 : N, t.transB ? K : 1, N,
                               K, int32_t(nr), format, dst + m * per);
  packed->resize(size_t(mats * per) * 4);
  return Status::OK();
}

/// Cache blocks and block counts around the default tiling's.
std::vector<TilingHint> matmulCandidates(const TilingContext &ctx,
                                         const TilingResult &tiling) {
  MatmulTiling t;
  if (tiling.tilingData.size() != sizeof(t))
    return {};
  std::memcpy(&t, tiling.tilingData.data(), sizeof(t));
  return gemmBlockingCandidates(t.blocking, tiling.blockDim, t.M, t.N, t.K);
}

} // namespace
} // namespace cube

void registerMatmulKernels(KernelRegistry &registry) {
  using namespace cube;
  std::vector<KernelImpl> impls = {
      {DType::F32, Isa::Portable, portable::matmulKernel},
      {DType::F32, Isa::AVX2, avx2::matmulKernel},
      {DType::F32, Isa::AVX512, avx512::matmulKernel},
      {DType::F16, Isa::Portable, portable::matmulKernelF16},
      {DType::F16, Isa::AVX2, avx2::matmulKernelF16},
      {DType::F16, Isa::AVX512, avx512::matmulKernelF16},
      {DType::BF16, Isa::Portable, portable::matmulKernelBf16},
      {DType::BF16, Isa::AVX2, avx2::matmulKernelBf16},
      {DType::BF16, Isa::AVX512, avx512::matmulKernelBf16}};
  registry.add(
      {"matmul", matmulTiling, matmulPack, impls, nullptr, matmulCandidates});
  registry.add({"batch_matmul", batchMatmulTiling, matmulPack, impls, nullptr,
                matmulCandidates});
}

} // namespace geflow::kernels
