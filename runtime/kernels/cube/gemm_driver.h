//===- gemm_driver.h - Cache-blocked GEMM over packed panels --------------===//
//
// One region C[m0:m1, n0:n1] = epilogue(A x B) with the classic five loops:
//   jc (nc columns) > pc (kc depth) > pack B block > ic (mc rows) >
//   pack A block > ir (mr) > jr (nr) > micro-kernel.
// The mr x kc A micro-panel stays in the UB (L1) across the jr loop, the
// kc x nc B block sits in L2. Operands only have to hand out packed panel
// blocks, so prepacked weights, strided matrices and implicit im2col all
// run through the same loops. The epilogue (bias, activation) runs on each
// tile right after its last k block, while the tile is still in L1.
//
// Included by per-ISA translation units after their micro-kernel header,
// which provides microTile() in namespace GEFLOW_CUBE_ISA.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_GEMM_DRIVER_H
#define GEFLOW_KERNELS_CUBE_GEMM_DRIVER_H

#ifndef GEFLOW_CUBE_ISA
#error "gemm_driver.h belongs to a per-ISA translation unit"
#endif

#include "kernels/cube/gemm_activation.h"
#include "kernels/cube/gemm_common.h"
#include "kernels/cube/gemm_pack.h"
#if defined(__AVX512BF16__)
#include "kernels/cube/gemm_pack_bf16.h"
#endif

#include <algorithm>
#include <cstdint>
#include <type_traits>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// Where a finished product is stored when it is not fp32: element (i, j)
/// at element offset (i - i0) * ldc + ((j - j0) / 16) * cgs + (j - j0) % 16
/// of `p`, in `dtype` (f16 / bf16, rounded to nearest even).
struct FinalStore {
  void *p = nullptr;
  DType dtype = DType::F32;
  int64_t ldc = 0;
  int64_t cgs = 16;
  int64_t i0 = 0;
  int64_t j0 = 0;
  int64_t offset(int64_t i, int64_t j) const {
    int64_t jj = j - j0;
    return (i - i0) * ldc + (jj >> 4) * cgs + (jj & 15);
  }
};

/// Where C lives: element (i, j) of the product is stored at
///   p + (i - i0) * ldc + ((j - j0) / 16) * cgs + (j - j0) % 16
/// (row-major when cgs == 16; NC1HWC0 when ldc == 16 and cgs == H*W*16).
/// i0/j0 let a staging buffer hold a region of a larger product; j0 and
/// every tile's first column are multiples of 16. With `out` set, C is an
/// fp32 stage: each tile is converted into `out` once its last k block and
/// epilogue are done, while it is still in L1.
struct CMatrix {
  float *p = nullptr;
  int64_t ldc = 0;
  int64_t cgs = 16;
  int64_t i0 = 0;
  int64_t j0 = 0;
  const FinalStore *out = nullptr;
  float *at(int64_t i, int64_t j) const {
    int64_t jj = j - j0;
    return p + (i - i0) * ldc + (jj >> 4) * cgs + (jj & 15);
  }
};

/// A tensor added to the product in the epilogue (a fused residual Add),
/// stored in `dtype` in the layout the output tile is stored in: element
/// (i, j) of the product meets element
///   i * ldr + ((j + j0) / 16) * cgs + (j + j0) % 16
/// of `p` (row-major when cgs == 16, NC1HWC0 when ldr == 16 and cgs is the
/// plane; j0 shifts a group's channels inside the C0 blocks).
struct ResidualView {
  const void *p = nullptr;
  DType dtype = DType::F32;
  int64_t ldr = 0;
  int64_t cgs = 16;
  int64_t j0 = 0;

  /// Elements [off, off + n) of the tensor as fp32: in place when it is
  /// fp32, else converted into `buf`.
  const float *run(int64_t off, int64_t n, float *buf) const {
    if (dtype == DType::F32)
      return static_cast<const float *>(p) + off;
    loadRow(dtype, p, off, buf, n);
    return buf;
  }

  /// Columns [j, j + n) of row i as fp32: a pointer into the tensor when
  /// they are contiguous fp32, else converted (or gathered, when they cross
  /// a strided C0 block) into `buf` (n floats).
  const float *span(int64_t i, int64_t j, int64_t n, float *buf) const {
    const int64_t jj = j + j0;
    const int64_t off = i * ldr + (jj >> 4) * cgs + (jj & 15);
    if (cgs == 16 || (jj & 15) + n <= 16)
      return run(off, n, buf);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t c = jj + k;
      buf[k] = loadValue(dtype, p, i * ldr + (c >> 4) * cgs + (c & 15));
    }
    return buf;
  }
};

struct EpilogueArgs {
  Activation act = Activation::None;
  float alpha = 0.0f;
  const float *rowBias = nullptr; // indexed by product row
  const float *colBias = nullptr; // indexed by product column
  ResidualView res;               // res.p null: no residual
  bool active() const {
    return act != Activation::None || rowBias || colBias || res.p;
  }
};

inline EpilogueArgs makeEpilogue(const EpilogueSpec &spec) {
  EpilogueArgs ep;
  ep.act = static_cast<Activation>(spec.activation);
  ep.alpha = spec.alpha;
  return ep;
}

/// Applies the epilogue to rows [i, i+m) x columns [j, j+n) of C.
inline void applyEpilogue(const EpilogueArgs &ep, const CMatrix &c, int64_t i,
                          int64_t j, int64_t m, int64_t n) {
  // Row-major C is one span; NC1HWC0 C is a span per 16-column group. A
  // residual is read a whole span at a time (in place when it is fp32), at
  // most kResidualSpan columns (a tile row; empty-K regions are wider).
  constexpr int64_t kResidualSpan = 256;
  const bool res = ep.res.p != nullptr;
  const int64_t span = c.cgs != 16 || (res && ep.res.cgs != 16)
                           ? 16
                           : (res ? std::min(n, kResidualSpan) : n);
  alignas(64) float resBuf[kResidualSpan];
  for (int64_t r = 0; r < m; ++r) {
    float rb = ep.rowBias ? ep.rowBias[i + r] : 0.0f;
    for (int64_t g = 0; g < n; g += span) {
      const int64_t len = std::min(span, n - g);
      const float *vbias = ep.colBias ? ep.colBias + j + g : nullptr;
      float *dst = c.at(i + r, j + g);
      if (res)
        activateSpanResidualDyn(ep.act, dst, len, rb, vbias, ep.alpha,
                                ep.res.span(i + r, j + g, len, resBuf));
      else
        activateSpanDyn(ep.act, dst, len, rb, vbias, ep.alpha);
    }
  }
}

/// Stores rows [i, i+m) x columns [j, j+n) of the fp32 stage `c` into
/// c.out.
inline void storeTile(const CMatrix &c, int64_t i, int64_t j, int64_t m,
                      int64_t n) {
  const FinalStore &o = *c.out;
  int64_t span = o.cgs == 16 && c.cgs == 16 ? n : 16;
  for (int64_t r = 0; r < m; ++r)
    for (int64_t g = 0; g < n; g += span)
      storeRow(o.dtype, c.at(i + r, j + g), o.p, o.offset(i + r, j + g),
               std::min(span, n - g));
}

/// A block of packed panels: panel q starts at p + q * stride (floats, or
/// 32-bit words of bf16 pairs).
struct PanelBlock {
  const float *p;
  int64_t stride;
};

// Every operand type says whether it hands out bf16-pair panels (kPairs;
// both operands of a product agree) and whether it is already packed
// (kPrepacked: no packing cost, which decides the loop order).

/// Operand packed ahead of time over the full depth K (a weight): panel q
/// of the whole operand at base + q * depth(K) * width.
template <bool Pairs> struct PrepackedPanels {
  static constexpr bool kPairs = Pairs;
  static constexpr bool kPrepacked = true;
  const float *base;
  int64_t K;
  int32_t width;
  PanelBlock panels(int64_t k0, int64_t kb, int64_t x0, int64_t len,
                    float *ws) const {
    const PanelFormat f = Pairs ? PanelFormat::Bf16Pairs : PanelFormat::F32;
    int64_t depth = panelDepth(K, f);
    return {base + (x0 / width) * depth * width + panelDepth(k0, f) * width,
            depth * width};
  }
};
using PrepackedOperand = PrepackedPanels<false>;

/// A weight prepacked as bf16 pairs, run by a unit (or CPU) without
/// vdpbf16ps: each block is expanded to fp32 panels in `ws`. k0 is even
/// (pair tilings have even k blocks).
struct PrepackedPairsAsF32 {
  static constexpr bool kPairs = false;
  static constexpr bool kPrepacked = true;
  const float *base;
  int64_t K;
  int32_t width;
  PanelBlock panels(int64_t k0, int64_t kb, int64_t x0, int64_t len,
                    float *ws) const {
    int64_t kp = (K + 1) / 2;
    const auto *words = reinterpret_cast<const uint32_t *>(base) +
                        (x0 / width) * kp * width + (k0 / 2) * width;
    unpairPanels(words, kp, ceilDiv(len, width), kb, width, ws);
    return {ws, kb * width};
  }
};

/// Operand read from a strided view and packed per block into `ws`: fp32
/// panels converted from T, or (Pairs) bf16-pair panels of a bf16 view.
template <typename T, bool Pairs = false> struct StridedOperand {
  static constexpr bool kPairs = Pairs;
  static constexpr bool kPrepacked = false;
  StridedView<T> view;
  int64_t extent; // rows of A / columns of B
  int32_t width;
  PanelBlock panels(int64_t k0, int64_t kb, int64_t x0, int64_t len,
                    float *ws) const {
    if constexpr (Pairs) {
      static_assert(std::is_same_v<T, BFloat> && kHasBf16Dot,
                    "bf16-pair panels come from bf16 in the AVX-512 unit");
      packPairPanels(view, extent, k0, kb, x0, len, width,
                     reinterpret_cast<uint32_t *>(ws));
      return {ws, ((kb + 1) / 2) * width};
    } else {
      packPanels(view, extent, k0, kb, x0, len, width, ws);
      return {ws, kb * width};
    }
  }
};

/// Whether an operand type hands out panels without packing.
template <class Operand> constexpr bool isPrepacked() {
  return Operand::kPrepacked;
}

/// The step that cuts `extent` into as few blocks of at most `maxStep` as
/// possible, of equal size rounded up to `unit` (maxStep is a multiple of
/// unit, so the result never exceeds it).
inline int64_t balancedStep(int64_t extent, int64_t maxStep, int64_t unit) {
  int64_t blocks = std::max<int64_t>(1, ceilDiv(extent, maxStep));
  return std::min(maxStep, roundUp(ceilDiv(extent, blocks), unit));
}

/// Micro-kernels over one packed A block (mb rows) x one packed B block
/// (nb columns) at depth block [pc, pc + kb); the epilogue after the last.
/// `bInner` walks B panels inside A panels (the A micro-panel stays in L1)
/// or the other way round.
template <bool Pairs>
inline void gemmBlock(const GemmBlocking &bl, PanelBlock ap, PanelBlock bp,
                      int64_t ic, int64_t mb, int64_t jc, int64_t nb,
                      int64_t kb, bool accumulate, bool last, bool bInner,
                      const CMatrix &c, const EpilogueArgs &ep) {
  const int64_t mr = bl.mr, nr = bl.nr;
  auto tile = [&](int64_t ir, int64_t jr) {
    int64_t rows = std::min(mr, mb - ir), cols = std::min(nr, nb - jr);
    runTile<Pairs>(ap.p + (ir / mr) * ap.stride, mr,
                   bp.p + (jr / nr) * bp.stride, nr, kb, c.at(ic + ir, jc + jr),
                   c.ldc, c.cgs, rows, cols, accumulate);
    if (last && ep.active())
      applyEpilogue(ep, c, ic + ir, jc + jr, rows, cols);
    if (last && c.out)
      storeTile(c, ic + ir, jc + jr, rows, cols);
  };
  if (bInner) {
    for (int64_t ir = 0; ir < mb; ir += mr)
      for (int64_t jr = 0; jr < nb; jr += nr)
        tile(ir, jr);
    return;
  }
  // B panels outside: each B micro-panel is read from memory by its first
  // tile. Prepacked panels lie a whole depth apart, a jump the hardware
  // prefetcher does not follow, so the next panel is prefetched into L2
  // piecewise over the row tiles of this one.
  const int64_t panelBytes = (Pairs ? (kb + 1) / 2 : kb) * nr * 4;
  const int64_t tiles = ceilDiv(mb, mr);
  const int64_t chunk = roundUp(ceilDiv(panelBytes, tiles), 64);
  for (int64_t jr = 0; jr < nb; jr += nr) {
    const char *next =
        jr + nr < nb
            ? reinterpret_cast<const char *>(bp.p + (jr / nr + 1) * bp.stride)
            : nullptr;
    int64_t from = 0;
    for (int64_t ir = 0; ir < mb; ir += mr) {
      if (next) {
        int64_t to = std::min(panelBytes, from + chunk);
        for (int64_t off = from; off < to; off += 64)
          __builtin_prefetch(next + off, 0, 2);
        from = to;
      }
      tile(ir, jr);
    }
  }
}

/// C[m0:m1, n0:n1] = epilogue(A[m0:m1, :K] x B[:K, n0:n1]). m0 and n0 are
/// multiples of mr and nr; wsA holds mc x kc floats, wsB kc x nc.
template <class AOperand, class BOperand>
void gemmRegion(const GemmBlocking &bl, int64_t K, int64_t m0, int64_t m1,
                int64_t n0, int64_t n1, const AOperand &a, const BOperand &b,
                const CMatrix &c, const EpilogueArgs &ep, float *wsA,
                float *wsB) {
  constexpr bool Pairs = AOperand::kPairs;
  static_assert(Pairs == BOperand::kPairs, "operands disagree on panels");
  if (K <= 0) {
    // An empty sum: the product is zero, the epilogue still applies.
    for (int64_t i = m0; i < m1; ++i)
      for (int64_t j = n0; j < n1; ++j)
        *c.at(i, j) = 0.0f;
    applyEpilogue(ep, c, m0, n0, m1 - m0, n1 - n0);
    if (c.out)
      storeTile(c, m0, n0, m1 - m0, n1 - n0);
    return;
  }
  // Equal blocks (at most nc / mc): a short last block would repack the
  // other operand for little work.
  const int64_t nc = balancedStep(n1 - n0, bl.nc, bl.nr);
  const int64_t mc = balancedStep(m1 - m0, bl.mc, bl.mr);
  if (isPrepacked<BOperand>() && !isPrepacked<AOperand>()) {
    // Only A costs packing (a weight times activations, pixel-row convs):
    // pack each A block once and stream every prepacked B block past it.
    for (int64_t ic = m0; ic < m1; ic += mc) {
      int64_t mb = std::min<int64_t>(mc, m1 - ic);
      for (int64_t pc = 0; pc < K; pc += bl.kc) {
        int64_t kb = std::min<int64_t>(bl.kc, K - pc);
        PanelBlock ap = a.panels(pc, kb, ic, mb, wsA);
        for (int64_t jc = n0; jc < n1; jc += nc) {
          int64_t nb = std::min<int64_t>(nc, n1 - jc);
          gemmBlock<Pairs>(bl, ap, b.panels(pc, kb, jc, nb, wsB), ic, mb, jc,
                           nb, kb, pc > 0, pc + kb == K, false, c, ep);
        }
      }
    }
    return;
  }
  // GotoBLAS order: a B block in L2, A blocks packed inside it.
  for (int64_t jc = n0; jc < n1; jc += nc) {
    int64_t nb = std::min<int64_t>(nc, n1 - jc);
    for (int64_t pc = 0; pc < K; pc += bl.kc) {
      int64_t kb = std::min<int64_t>(bl.kc, K - pc);
      PanelBlock bp = b.panels(pc, kb, jc, nb, wsB);
      for (int64_t ic = m0; ic < m1; ic += mc) {
        int64_t mb = std::min<int64_t>(mc, m1 - ic);
        gemmBlock<Pairs>(bl, a.panels(pc, kb, ic, mb, wsA), bp, ic, mb, jc, nb,
                         kb, pc > 0, pc + kb == K, true, c, ep);
      }
    }
  }
}

/// gemmRegion into the final output `out`: straight into it when it is
/// fp32, otherwise through the fp32 `stage` (stage.rows x stage.cols floats,
/// row-major), one sub-region at a time, so every k block accumulates in
/// fp32 and each tile is rounded to f16/bf16 once.
template <class AOperand, class BOperand>
void gemmRegionTo(const GemmBlocking &bl, int64_t K, int64_t m0, int64_t m1,
                  int64_t n0, int64_t n1, const AOperand &a, const BOperand &b,
                  const FinalStore &out, const EpilogueArgs &ep, float *wsA,
                  float *wsB, float *stage, StageShape shape) {
  if (out.dtype == DType::F32) {
    CMatrix c{static_cast<float *>(out.p), out.ldc, out.cgs, out.i0, out.j0};
    gemmRegion(bl, K, m0, m1, n0, n1, a, b, c, ep, wsA, wsB);
    return;
  }
  for (int64_t ms = m0; ms < m1; ms += shape.rows)
    for (int64_t ns = n0; ns < n1; ns += shape.cols) {
      CMatrix c{stage, shape.cols, 16, ms, ns, &out};
      gemmRegion(bl, K, ms, std::min(m1, ms + shape.rows), ns,
                 std::min(n1, ns + shape.cols), a, b, c, ep, wsA, wsB);
    }
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_GEMM_DRIVER_H
