//===- conv2d_impl.h - conv2d kernel body ---------------------------------===//
//
// Runs the block's share of tasks for the path the tiling chose (see
// ConvPath in conv2d_tiling.h). GEMM tasks are (image, group, row region,
// column region); depthwise tasks are (image, plane or C0 block, row band).
// x and the filter are stored as T (float, Half, BFloat) and packed as fp32
// panels, or as bf16 pairs when the tiling asked for them and this CPU runs
// vdpbf16ps (Dp). Outputs are f32 or T: f16/bf16 outputs accumulate in an
// fp32 stage and are rounded once per tile.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONV2D_IMPL_H
#define GEFLOW_KERNELS_CUBE_CONV2D_IMPL_H

#include "kernels/cube/conv2d_depthwise.h"
#include "kernels/cube/conv2d_im2col.h"
#include "kernels/cube/conv2d_winograd.h"

#include <type_traits>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

struct ConvBuffers {
  const void *x, *filter;
  const float *bias; // fp32 (converted when stored as f16/bf16)
  void *y;
  uint8_t *ws;          // this block's workspace
  const void *residual; // the fused residual Add's tensor, y's layout
  DType residualDtype;  // (f32, or y's dtype)
};

/// The residual view of the product whose element (0, 0) is element `base`
/// of the residual tensor (empty when there is none).
inline ResidualView residualAt(const ConvBuffers &io, int64_t base, int64_t ldr,
                               int64_t cgs, int64_t j0) {
  if (!io.residual)
    return {};
  return {static_cast<const uint8_t *>(io.residual) +
              base * rt::dtypeSize(io.residualDtype),
          io.residualDtype, ldr, cgs, j0};
}

/// Calls fn with the filter of group g as a GEMM operand of `rows` rows of
/// panels `width` wide: prepacked (in the tiling's panel format; pairs are
/// expanded without Dp) or packed from the [rows, K] matrix per block.
template <typename T, bool Dp, class Fn>
void withFilterOperand(const Conv2dTiling &t, const void *filter, int64_t g,
                       int64_t rows, int32_t width, Fn &&fn) {
  const int64_t K = t.gemmK;
  if (t.filterPacked) {
    const float *p =
        static_cast<const float *>(filter) + g * convPackedFilterGroupWords(t);
    if constexpr (Dp)
      fn(PrepackedPanels<true>{p, K, width});
    else if (t.panels == int32_t(PanelFormat::Bf16Pairs))
      fn(PrepackedPairsAsF32{p, K, width});
    else
      fn(PrepackedOperand{p, K, width});
  } else {
    fn(StridedOperand<T, Dp>{
        {static_cast<const T *>(filter) + g * rows * K, 1, K}, rows, width});
  }
}

/// One region of the NCHW GEMM: rows = output channels of group g.
template <typename T, bool Dp>
void convGemmNchwTask(const Conv2dTiling &t, const ConvBuffers &io, int64_t img,
                      int64_t g, int64_t region) {
  const GemmBlocking &bl = t.blocking;
  const int64_t M = t.gemmM, N = t.gemmN, K = t.gemmK, cinG = t.cin / t.groups;
  const Region r = gridRegion(t.grid, M, N, region);
  auto *wsA = reinterpret_cast<float *>(io.ws);
  auto *wsB = reinterpret_cast<float *>(io.ws + t.wsPackB);
  auto *stage = reinterpret_cast<float *>(io.ws + t.wsOut);
  EpilogueArgs ep = makeEpilogue(t.epilogue);
  ep.rowBias = io.bias ? io.bias + g * M : nullptr;
  ep.res = residualAt(io, (img * t.cout + g * M) * N, N, 16, 0);
  const DType outDtype = DType(t.outDtype);
  FinalStore out{static_cast<uint8_t *>(io.y) +
                     (img * t.cout + g * M) * N * rt::dtypeSize(outDtype),
                 outDtype, N};
  const T *x =
      static_cast<const T *>(io.x) + (img * t.cin + g * cinG) * t.h * t.w;

  withFilterOperand<T, Dp>(t, io.filter, g, M, bl.mr, [&](const auto &a) {
    auto run = [&](const auto &b) {
      gemmRegionTo(bl, K, r.m0, r.m1, r.n0, r.n1, a, b, out, ep, wsA, wsB,
                   stage, t.outStage);
    };
    if (t.pointwise)
      run(StridedOperand<T, Dp>{{x, t.h * t.w, 1}, N, bl.nr});
    else
      run(Im2colNchwOperand<T, Dp>{&t, x, bl.nr});
  });
}

/// One region of the pixel-rows NCHW GEMM: rows = output pixels, columns =
/// output channels of group g, staged row-major and transposed into the
/// output planes.
template <typename T, bool Dp>
void convGemmPixelRowsTask(const Conv2dTiling &t, const ConvBuffers &io,
                           int64_t img, int64_t g, int64_t region) {
  const GemmBlocking &bl = t.blocking;
  const int64_t M = t.gemmM, N = t.gemmN, K = t.gemmK, cinG = t.cin / t.groups;
  const Region r = gridRegion(t.grid, M, N, region);
  const int64_t m0 = r.m0, m1 = r.m1, n0 = r.n0, n1 = r.n1;
  auto *wsA = reinterpret_cast<float *>(io.ws);
  auto *wsB = reinterpret_cast<float *>(io.ws + t.wsPackB);
  auto *stage = reinterpret_cast<float *>(io.ws + t.wsStage);
  const EpilogueArgs final = makeEpilogue(t.epilogue);
  EpilogueArgs ep = final;
  ep.colBias = io.bias ? io.bias + g * N : nullptr;
  // A residual is stored like the output planes, transposed to the stage:
  // the stage gets the bias only, and the residual Add and activation run
  // on contiguous plane rows once the tile is transposed.
  const bool res = io.residual != nullptr;
  if (res)
    ep.act = Activation::None;
  const int64_t ld = roundUp(t.grid.nStep, 16);
  CMatrix c{stage, ld, 16, m0, n0};
  const T *x =
      static_cast<const T *>(io.x) + (img * t.cin + g * cinG) * t.h * t.w;

  withFilterOperand<T, Dp>(t, io.filter, g, N, bl.nr, [&](const auto &b) {
    if (t.pointwise) {
      StridedOperand<T, Dp> a{{x, t.h * t.w, 1}, M, bl.mr};
      gemmRegion(bl, K, m0, m1, n0, n1, a, b, c, ep, wsA, wsB);
    } else {
      Im2colNchwOperand<T, Dp> a{&t, x, bl.mr};
      gemmRegion(bl, K, m0, m1, n0, n1, a, b, c, ep, wsA, wsB);
    }
  });

  // Staged [pixel][channel] -> NCHW planes.
  const int64_t planes = (img * t.cout + g * N) * M;
  const DType outDtype = DType(t.outDtype);
  const ResidualView rv = residualAt(io, planes, M, 16, 0);
  alignas(64) float resBuf[64];
  if (outDtype == DType::F32) {
    // Eight pixels at a time.
    float *y = static_cast<float *>(io.y) + planes;
    int64_t p = m0;
    for (; p + 8 <= m1; p += 8)
      transpose8(c.at(p, n0), ld, n1 - n0, y + n0 * M + p, M);
    for (; p < m1; ++p)
      for (int64_t co = n0; co < n1; ++co)
        y[co * M + p] = *c.at(p, co);
    if (res)
      for (int64_t co = n0; co < n1; ++co)
        for (int64_t p = m0; p < m1; p += 64) {
          int64_t cnt = std::min<int64_t>(64, m1 - p);
          addResidualSpanDyn(final.act, y + co * M + p, cnt,
                             rv.span(co, p, cnt, resBuf), final.alpha);
        }
    return;
  }
  // f16/bf16: gather a channel's pixels, round them in one go.
  alignas(64) float col[64];
  for (int64_t co = n0; co < n1; ++co)
    for (int64_t p = m0; p < m1; p += 64) {
      int64_t cnt = std::min<int64_t>(64, m1 - p);
      for (int64_t i = 0; i < cnt; ++i)
        col[i] = *c.at(p + i, co);
      if (res)
        addResidualSpanDyn(final.act, col, cnt, rv.span(co, p, cnt, resBuf),
                           final.alpha);
      storeRow(outDtype, col, io.y, planes + co * M + p, cnt);
    }
}

/// One region of the NC1HWC0 GEMM: rows = output pixels, columns = output
/// channels of group g. `packedGroup` remembers which group's filter this
/// block last packed into its workspace (non-constant filters).
template <typename T, bool Dp>
void convGemmC0Task(const Conv2dTiling &t, const ConvBuffers &io, int64_t img,
                    int64_t g, int64_t region, int64_t *packedGroup) {
  const GemmBlocking &bl = t.blocking;
  const int64_t M = t.gemmM, N = t.gemmN, K = t.gemmK;
  const int64_t plane16 = t.oh * t.ow * 16, co1 = ceilDiv(t.cout, 16);
  const Region r = gridRegion(t.grid, M, N, region);
  const int64_t m0 = r.m0, m1 = r.m1, n0 = r.n0, n1 = r.n1;
  auto *wsA = reinterpret_cast<float *>(io.ws);
  auto *wsB = reinterpret_cast<float *>(io.ws + t.wsPackB);
  const DType outDtype = DType(t.outDtype);

  int64_t cinImage = ceilDiv(t.cin, 16) * t.h * t.w * 16;
  Im2colC0Operand<T, Dp> a{&t, static_cast<const T *>(io.x) + img * cinImage,
                           t.groups == 1 ? 0 : g * (t.cin / t.groups)};
  EpilogueArgs ep = makeEpilogue(t.epilogue);
  ep.colBias = io.bias ? io.bias + g * N : nullptr;
  const int64_t yImg = img * co1 * plane16; // element offset of the image
  // Product (pixel p, channel j) is channel g * N + j of the image.
  ep.res = residualAt(io, yImg, 16, plane16, g * N);

  auto withB = [&](auto &&fn) {
    if (t.filterPacked)
      return withFilterOperand<T, Dp>(t, io.filter, g, N, bl.nr, fn);
    // Packed per group into the workspace, as bf16 pairs when Dp.
    auto *packed = reinterpret_cast<float *>(io.ws + t.wsFilter);
    if (*packedGroup != g) {
      packFilterC0Group(t, static_cast<const T *>(io.filter), g, packed);
      if constexpr (Dp)
        narrowPanels<true>(packed, ceilDiv(N, bl.nr), K, bl.nr);
    }
    *packedGroup = g;
    fn(PrepackedPanels<Dp>{packed, K, bl.nr});
  };

  if (!t.staged) {
    FinalStore out{io.y, outDtype, 16, plane16, 0, 0};
    out.p = static_cast<uint8_t *>(io.y) +
            (yImg + (g * N / 16) * plane16) * rt::dtypeSize(outDtype);
    withB([&](const auto &b) {
      gemmRegionTo(bl, K, m0, m1, n0, n1, a, b, out, ep, wsA, wsB,
                   reinterpret_cast<float *>(io.ws + t.wsOut), t.outStage);
    });
  } else {
    // The group's channels start inside a C0 block: compute the region
    // row-major, then scatter it channel by channel.
    auto *stage = reinterpret_cast<float *>(io.ws + t.wsStage);
    int64_t ld = roundUp(t.grid.nStep, 16);
    CMatrix c{stage, ld, 16, m0, n0};
    withB([&](const auto &b) {
      gemmRegion(bl, K, m0, m1, n0, n1, a, b, c, ep, wsA, wsB);
    });
    for (int64_t p = m0; p < m1; ++p)
      for (int64_t j = n0; j < n1; ++j) {
        int64_t co = g * N + j;
        storeRow(outDtype, c.at(p, j), io.y,
                 yImg + (co >> 4) * plane16 + p * 16 + (co & 15), 1);
      }
  }
  // Padded channels of the last C0 block stay zero whatever act(0) is.
  if (g == t.groups - 1 && n1 == N && t.cout % 16)
    for (int64_t p = m0; p < m1; ++p)
      zeroElements(outDtype, io.y,
                   yImg + (co1 - 1) * plane16 + p * 16 + t.cout % 16,
                   16 - t.cout % 16);
}

/// One region of the small-channel GEMM: rows = output pixels read from the
/// NCHW input by the pixel-rows im2col (channels not padded to C0),
/// columns = output channels, stored straight into NC1HWC0 (groups == 1).
template <typename T, bool Dp>
void convGemmNchwToC0Task(const Conv2dTiling &t, const ConvBuffers &io,
                          int64_t img, int64_t region) {
  const GemmBlocking &bl = t.blocking;
  const int64_t M = t.gemmM, N = t.gemmN, K = t.gemmK;
  const int64_t plane16 = t.oh * t.ow * 16, co1 = ceilDiv(t.cout, 16);
  const Region r = gridRegion(t.grid, M, N, region);
  auto *wsA = reinterpret_cast<float *>(io.ws);
  auto *wsB = reinterpret_cast<float *>(io.ws + t.wsPackB);
  const DType outDtype = DType(t.outDtype);
  EpilogueArgs ep = makeEpilogue(t.epilogue);
  ep.colBias = io.bias;
  const int64_t yImg = img * co1 * plane16;
  FinalStore out{static_cast<uint8_t *>(io.y) + yImg * rt::dtypeSize(outDtype),
                 outDtype,
                 16,
                 plane16,
                 0,
                 0};
  const T *x = static_cast<const T *>(io.x) + img * t.cin * t.h * t.w;
  auto *stage = reinterpret_cast<float *>(io.ws + t.wsOut);
  withFilterOperand<T, Dp>(t, io.filter, 0, N, bl.nr, [&](const auto &b) {
    if (t.pointwise)
      gemmRegionTo(bl, K, r.m0, r.m1, r.n0, r.n1,
                   StridedOperand<T, Dp>{{x, t.h * t.w, 1}, M, bl.mr}, b, out,
                   ep, wsA, wsB, stage, t.outStage);
    else
      gemmRegionTo(bl, K, r.m0, r.m1, r.n0, r.n1,
                   Im2colNchwOperand<T, Dp>{&t, x, bl.mr}, b, out, ep, wsA, wsB,
                   stage, t.outStage);
  });
  // Padded channels of the last C0 block stay zero whatever act(0) is.
  if (r.n1 == N && t.cout % 16)
    for (int64_t p = r.m0; p < r.m1; ++p)
      zeroElements(outDtype, io.y,
                   yImg + (co1 - 1) * plane16 + p * 16 + t.cout % 16,
                   16 - t.cout % 16);
}

/// The depthwise paths: planes (NCHW) or C0 blocks, bands of output rows.
inline void convDepthwiseTask(const Conv2dTiling &t, const ConvBuffers &io,
                              int64_t plane, int64_t oh0, int64_t oh1,
                              const EpilogueArgs &ep) {
  const DType inDtype = DType(t.inDtype), outDtype = DType(t.outDtype);
  const bool c0 = t.path == int32_t(ConvPath::DepthwiseNc1hwc0);
  const int64_t lanes = c0 ? 16 : 1, khw = int64_t(t.kh) * t.kw;
  // [taps][output row][input row ring] (f16/bf16 only: float32 runs have
  // no workspace, and offsetting a null pointer is undefined).
  float *taps = io.ws ? reinterpret_cast<float *>(io.ws + t.wsOut) : nullptr;
  float *outRow = taps ? taps + roundUp(khw, 16) : nullptr;
  float *ring = outRow ? outRow + roundUp(t.ow * lanes, 16) : nullptr;
  PlaneRows in(inDtype, t.w * lanes, std::max<int64_t>(t.ringSlots, 1), ring);
  OutRows out(outDtype, t.ow * lanes, outRow);
  if (!c0) {
    const int64_t img = plane / t.cout, co = plane % t.cout;
    const int64_t ci = co / (t.cout / t.cin);
    in.setPlane(io.x, (img * t.cin + ci) * t.h * t.w);
    out.setPlane(io.y, (img * t.cout + co) * t.oh * t.ow);
    const float *w = static_cast<const float *>(io.filter) + co * khw;
    if (inDtype != DType::F32) {
      loadRow(inDtype, io.filter, co * khw, taps, khw);
      w = taps;
    }
    const float b = io.bias ? io.bias[co] : 0.0f;
    if (t.directPhases)
      depthwisePhaseRows(t, io.x, (img * t.cin + ci) * t.h * t.w, out, w, b,
                         oh0, oh1, ep,
                         reinterpret_cast<float *>(io.ws + t.wsStage));
    else
      depthwiseNchwRows(t, in, out, w, b, oh0, oh1, ep);
    return;
  }
  const int64_t c1n = ceilDiv(t.cin, 16);
  in.setPlane(io.x, plane * t.h * t.w * 16);
  out.setPlane(io.y, plane * t.oh * t.ow * 16);
  depthwiseC0Rows(t, in, out, io.filter, inDtype, io.bias, plane % c1n, oh0,
                  oh1, ep, reinterpret_cast<float *>(io.ws + t.wsFilter));
}

template <typename T, bool Dp>
int32_t conv2dRun(const Conv2dTiling &t, const KernelArgs &args,
                  uint32_t blockIdx, uint32_t blockDim) {
  uint8_t *ws = static_cast<uint8_t *>(args.workspace) +
                uint64_t(blockIdx) * t.wsBytesPerBlock;
  ConvBuffers io{args.inputs[0],
                 args.inputs[1],
                 channelsAsF32(DType(t.biasDtype),
                               t.hasBias ? args.inputs[2] : nullptr, t.cout,
                               reinterpret_cast<float *>(ws + t.wsBias)),
                 args.outputs[0],
                 ws,
                 t.hasResidual ? args.inputs[2 + t.hasBias] : nullptr,
                 DType(t.residualDtype)};
  const auto path = static_cast<ConvPath>(t.path);
  TaskRange range = blockTaskRange(t.tasks, blockIdx, blockDim);
  EpilogueArgs ep = makeEpilogue(t.epilogue);
  int64_t packedGroup = -1, transformedBand = -1;
  const int64_t regions = int64_t(t.grid.gm) * t.grid.gn;
  const int64_t bands = ceilDiv(t.oh, std::max<int64_t>(1, t.rowsPerTask));
  for (int64_t task = range.begin; task < range.end; ++task) {
    switch (path) {
    case ConvPath::GemmNchw:
    case ConvPath::GemmNchwPixelRows:
    case ConvPath::GemmNc1hwc0:
    case ConvPath::GemmNchwToC0: {
      int64_t ig = task / regions, img = ig / t.groups, g = ig % t.groups;
      if (path == ConvPath::GemmNchwToC0)
        convGemmNchwToC0Task<T, Dp>(t, io, img, task % regions);
      else if (path == ConvPath::GemmNchw)
        convGemmNchwTask<T, Dp>(t, io, img, g, task % regions);
      else if (path == ConvPath::GemmNchwPixelRows)
        convGemmPixelRowsTask<T, Dp>(t, io, img, g, task % regions);
      else
        convGemmC0Task<T, Dp>(t, io, img, g, task % regions, &packedGroup);
      break;
    }
    case ConvPath::DepthwiseNchw:
    case ConvPath::DepthwiseNc1hwc0: {
      int64_t plane = task / bands, band = task % bands;
      int64_t oh0 = band * t.rowsPerTask;
      int64_t oh1 = std::min(t.oh, oh0 + t.rowsPerTask);
      convDepthwiseTask(t, io, plane, oh0, oh1, ep);
      break;
    }
    case ConvPath::WinogradNchw: {
      const auto *u = static_cast<const float *>(io.filter);
      const ResidualView res = residualAt(io, 0, 0, 16, 0);
      if (t.winoM == 4)
        winogradTask<4>(t, io.x, u, io.bias, res, io.y, ws, task,
                        &transformedBand);
      else
        winogradTask<2>(t, io.x, u, io.bias, res, io.y, ws, task,
                        &transformedBand);
      break;
    }
    default:
      return kBadTiling;
    }
  }
  return 0;
}

/// conv2d with x and the filter stored as T (float, Half, BFloat).
template <typename T>
int32_t conv2dBody(const KernelArgs &args, uint32_t blockIdx,
                   uint32_t blockDim) {
  Conv2dTiling t;
  if (!decodeTiling(args, &t) || !isValidBlocking(t.blocking) ||
      t.inDtype != int32_t(dtypeOf<T>()))
    return kBadTiling;
  if (args.numInputs < uint32_t(2 + t.hasBias + t.hasResidual) ||
      args.numOutputs < 1)
    return kBadOperands;
  // The depthwise paths have no residual epilogue (the tiling refuses it).
  if (t.hasResidual && (t.path == int32_t(ConvPath::DepthwiseNchw) ||
                        t.path == int32_t(ConvPath::DepthwiseNc1hwc0)))
    return kBadTiling;
  if (t.blocking.nr > kMaxIm2colWidth || t.blocking.mr > kMaxIm2colWidth)
    return kBadTiling;
  if (t.path == int32_t(ConvPath::GemmNchwToC0) && t.groups != 1)
    return kBadTiling;
  if (t.path == int32_t(ConvPath::WinogradNchw) &&
      (t.panels != int32_t(PanelFormat::F32) || !t.filterPacked ||
       (t.winoM != 2 && t.winoM != 4) || t.tileRowsPerTask < 1 ||
       t.coutPerTask < 1 || t.coutSplits < 1))
    return kBadTiling;
  const bool pairs = t.panels == int32_t(PanelFormat::Bf16Pairs);
  // Pair panels hold whole k pairs, so k blocks start on even k.
  if (pairs && (!std::is_same_v<T, BFloat> || t.blocking.kc % 2))
    return kBadTiling;
  // The unstaged GEMM paths round f16/bf16 outputs from an fp32 stage.
  const bool viaStage = t.path == int32_t(ConvPath::GemmNchw) ||
                        t.path == int32_t(ConvPath::GemmNchwToC0) ||
                        (t.path == int32_t(ConvPath::GemmNc1hwc0) && !t.staged);
  if (DType(t.outDtype) != DType::F32 && viaStage &&
      (t.outStage.rows < t.blocking.mr || t.outStage.rows % t.blocking.mr ||
       t.outStage.cols < t.blocking.nr || t.outStage.cols % t.blocking.nr))
    return kBadTiling;
  if constexpr (std::is_same_v<T, BFloat> && kHasBf16Dot)
    if (pairs && cpuHasBf16Dot())
      return conv2dRun<T, true>(t, args, blockIdx, blockDim);
  return conv2dRun<T, false>(t, args, blockIdx, blockDim);
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_CONV2D_IMPL_H
