//===- conv2d_im2col.h - Implicit im2col operands of the conv2d GEMMs -----===//
//
// Convolution as GEMM without materializing the im2col matrix: the packing
// step of the GEMM driver gathers the panels straight from the input, so
// only one cache-sized block of im2col ever exists.
//  - NCHW: B(k, p) with k = (cin, kh, kw) and p an output pixel. Pixels of
//    one output row read one input row, contiguously when the stride is 1.
//  - NC1HWC0: A(p, k) with k = (kh, kw, cin). The channels of one pixel sit
//    next to each other inside a C0 group.
// The input is stored as T (float, Half, BFloat) and packed as fp32; with
// Pairs the fp32 panels are then narrowed to bf16 pairs in place (exact:
// the values came from bf16).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONV2D_IM2COL_H
#define GEFLOW_KERNELS_CUBE_CONV2D_IM2COL_H

#include "kernels/cube/conv2d_tiling.h"
#include "kernels/cube/conv_runs.h"
#include "kernels/cube/conv_window.h"
#include "kernels/cube/gemm_driver.h"

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// Panel widths the im2col packers support (their per-panel scratch).
constexpr int32_t kMaxIm2colWidth = 256;

/// The panel block of `panels` fp32 panels of depth kb packed at `ws`, as
/// bf16 pairs when Pairs (narrowed in place) or as they are.
template <bool Pairs>
inline PanelBlock narrowPanels(float *ws, int64_t panels, int64_t kb,
                               int32_t width) {
  if constexpr (Pairs) {
    static_assert(!Pairs || kHasBf16Dot, "bf16-pair panels need AVX-512");
#if defined(__AVX512BF16__)
    pairPanelsInPlaceAvx512(ws, panels, kb, width);
#else
    pairPanelsInPlace(ws, panels, kb, width);
#endif
    return {ws, ((kb + 1) / 2) * width};
  } else {
    return {ws, kb * width};
  }
}

/// Im2col of an NCHW input with pixels along the panel width: the B operand
/// of the NCHW GEMM (width nr) and the A operand of its pixel-rows variant
/// (width mr). x points at the group's first input channel of one image.
///
/// Panels are packed in groups, k-outer: for one k = (cin, kh, kw) the
/// group's pixels read one or a few input rows left to right, so the input
/// streams through the caches once per group instead of once per panel.
template <typename T, bool Pairs = false> struct Im2colNchwOperand {
  static constexpr bool kPairs = Pairs;
  static constexpr bool kPrepacked = false;
  const Conv2dTiling *t;
  const T *x;
  int32_t width;

  PanelBlock panels(int64_t k0, int64_t kb, int64_t x0, int64_t len,
                    float *ws) const {
    const int64_t group = std::max<int64_t>(1, kGroupPixels / width) * width;
    for (int64_t g = 0; g < len; g += group)
      packGroup(k0, kb, x0 + g, std::min(group, len - g),
                ws + (g / width) * kb * width);
    return narrowPanels<Pairs>(ws, ceilDiv(len, width), kb, width);
  }

private:
  /// Pixels per group; bounds the segment table below.
  static constexpr int64_t kGroupPixels = 256;
  static constexpr int kMaxSegments = 2 * kGroupPixels + 2;

  /// A run of pixels in one output row and one panel (oh < 0: zero fill of
  /// a partial last panel).
  struct Segment {
    int32_t oh, ow, count, room; // room: writable floats left in the panel row
    int64_t offset;              // of the run's first float in panel row k=0
  };

  void packGroup(int64_t k0, int64_t kb, int64_t p0, int64_t cnt,
                 float *dst) const {
    const Conv2dTiling &c = *t;
    Segment segs[kMaxSegments];
    int nseg = 0;
    for (int64_t col = 0; col < cnt;) {
      int64_t p = p0 + col, oh = p / c.ow, ow = p % c.ow, inPanel = col % width;
      int64_t run = std::min({c.ow - ow, cnt - col, width - inPanel});
      int64_t offset = (col / width) * kb * width + inPanel;
      segs[nseg++] = {int32_t(oh), int32_t(ow), int32_t(run),
                      int32_t(width - inPanel), offset};
      col += run;
    }
    if (int64_t used = cnt % width)
      segs[nseg++] = {-1, 0, int32_t(width - used), int32_t(width - used),
                      (cnt / width) * kb * width + used};

    for (int s = 0; s < nseg; ++s)
      packSegment(segs[s], k0, kb, dst);
  }

  /// Rows k0 .. k0+kb of one segment. Segment-outer order lets the input
  /// row offset of every kh and the lane mask of every kw be computed once
  /// per segment instead of once per packed row.
  void packSegment(const Segment &sg, int64_t k0, int64_t kb,
                   float *dst) const {
    const Conv2dTiling &c = *t;
    constexpr int kMaxTaps = 16;
    const int64_t khw = int64_t(c.kh) * c.kw;
    int64_t ci = k0 / khw, kh = (k0 % khw) / c.kw, kw = k0 % c.kw;
    float *out = dst + sg.offset;
    if (sg.oh < 0) {
      for (int64_t k = 0; k < kb; ++k, out += width)
        maskedRun(out, out, sg.count, 0, 1, sg.room);
      return;
    }
    if (c.kh > kMaxTaps || c.kw > kMaxTaps || sg.count > 64) {
      // Large windows or wide panels: bounds per row.
      for (int64_t k = 0; k < kb; ++k, out += width) {
        int64_t ih = sg.oh * c.sh + kh * c.dh - c.padTop;
        int64_t iw0 = sg.ow * c.sw + kw * c.dw - c.padLeft, lo = 0, hi = 0;
        if (ih >= 0 && ih < c.h)
          validRange(iw0, c.sw, c.w, sg.count, &lo, &hi);
        const T *src =
            x + (ci * c.h + std::clamp<int64_t>(ih, 0, c.h - 1)) * c.w;
        gatherRun(out, src + iw0, sg.count, lo, hi, c.sw, sg.room);
        if (++kw == c.kw) {
          kw = 0;
          if (++kh == c.kh) {
            kh = 0;
            ++ci;
          }
        }
      }
      return;
    }
    int64_t rowOffset[kMaxTaps], colOffset[kMaxTaps];
    uint64_t lanes[kMaxTaps];
    for (int64_t i = 0; i < c.kh; ++i) {
      int64_t ih = sg.oh * c.sh + i * c.dh - c.padTop;
      rowOffset[i] = ih >= 0 && ih < c.h ? ih * c.w : -1;
    }
    for (int64_t j = 0; j < c.kw; ++j) {
      int64_t iw0 = sg.ow * c.sw + j * c.dw - c.padLeft, lo, hi;
      validRange(iw0, c.sw, c.w, sg.count, &lo, &hi);
      colOffset[j] = iw0;
      lanes[j] = laneBits(lo, hi);
    }
    const int64_t plane = c.h * c.w, cinG = c.cin / c.groups;
    const int64_t aheadChannels = ceilDiv(8, khw);
    const int64_t span = colOffset[c.kw - 1] - colOffset[0] + sg.count * c.sw;
    for (int64_t k = 0; k < kb; ++k, out += width) {
      int64_t ro = rowOffset[kh];
      // Channels are a plane apart, too far for the hardware prefetcher:
      // fetch this row of a channel at least 8 packed rows ahead.
      if (kw == 0 && ro >= 0 && ci + aheadChannels < cinG) {
        const T *next = x + (ci + aheadChannels) * plane + ro + colOffset[0];
        for (int64_t i = 0; i < span; i += 16)
          __builtin_prefetch(next + i);
      }
      if (ro < 0)
        maskedRun(out, out, sg.count, 0, 1, sg.room);
      else
        maskedRun(out, x + ci * plane + ro + colOffset[kw], sg.count, lanes[kw],
                  c.sw, sg.room);
      if (++kw == c.kw) {
        kw = 0;
        if (++kh == c.kh) {
          kh = 0;
          ++ci;
        }
      }
    }
  }
};

/// A operand of the NC1HWC0 GEMM: rows are output pixels, k = (kh, kw, c)
/// with c in [0, t->kChannels); x points at one image, channel c of the
/// group is input channel cBase + c.
template <typename T, bool Pairs = false> struct Im2colC0Operand {
  static constexpr bool kPairs = Pairs;
  static constexpr bool kPrepacked = false;
  const Conv2dTiling *t;
  const T *x;
  int64_t cBase;

  PanelBlock panels(int64_t k0, int64_t kb, int64_t x0, int64_t len,
                    float *ws) const {
    const int32_t width = t->blocking.mr;
    for (int64_t q = 0; q < len; q += width)
      packPanel(k0, kb, x0 + q, std::min<int64_t>(width, len - q), width,
                ws + (q / width) * kb * width);
    return narrowPanels<Pairs>(ws, ceilDiv(len, width), kb, width);
  }

private:
  void packPanel(int64_t k0, int64_t kb, int64_t p0, int64_t cnt, int32_t width,
                 float *dst) const {
    const Conv2dTiling &c = *t;
    int64_t ihBase[kMaxIm2colWidth], iwBase[kMaxIm2colWidth];
    for (int64_t r = 0; r < cnt; ++r) {
      ihBase[r] = ((p0 + r) / c.ow) * c.sh - c.padTop;
      iwBase[r] = ((p0 + r) % c.ow) * c.sw - c.padLeft;
    }
    const int64_t plane16 = c.h * c.w * 16, kch = c.kChannels;
    for (int64_t k = k0; k < k0 + kb;) {
      int64_t khw = k / kch, ch = k % kch;
      int64_t kh = khw / c.kw, kw = khw % c.kw;
      int64_t run = std::min(kch - ch, k0 + kb - k);
      float *d = dst + (k - k0) * width;
      for (int64_t r = 0; r < cnt; ++r) {
        int64_t ih = ihBase[r] + kh * c.dh, iw = iwBase[r] + kw * c.dw;
        if (ih < 0 || ih >= c.h || iw < 0 || iw >= c.w) {
          for (int64_t i = 0; i < run; ++i)
            d[i * width + r] = 0.0f;
          continue;
        }
        const T *pix = x + (ih * c.w + iw) * 16;
        for (int64_t i = 0; i < run; ++i) {
          int64_t in = cBase + ch + i;
          d[i * width + r] = toF32(pix[(in >> 4) * plane16 + (in & 15)]);
        }
      }
      for (int64_t i = 0; i < run; ++i)
        for (int64_t r = cnt; r < width; ++r)
          d[i * width + r] = 0.0f;
      k += run;
    }
  }
};

/// Packs group g of filter [Cout, Cin/groups, KH, KW] as the B operand of
/// the NC1HWC0 GEMM: v(k, co) with k = (kh, kw, c), zero for c >= Cin/groups
/// (the C0 padding of groups == 1) and for columns past Cout/groups.
template <typename T>
inline void packFilterC0Group(const Conv2dTiling &t, const T *filter, int64_t g,
                              float *dst) {
  const int32_t nr = t.blocking.nr;
  const int64_t N = t.gemmN, K = t.gemmK, cinG = t.cin / t.groups;
  const int64_t khw = int64_t(t.kh) * t.kw;
  for (int64_t q = 0; q < N; q += nr)
    for (int64_t k = 0; k < K; ++k) {
      int64_t c = k % t.kChannels, kk = k / t.kChannels;
      float *d = dst + (q / nr) * K * nr + k * nr;
      for (int64_t j = 0; j < nr; ++j) {
        int64_t co = q + j;
        d[j] = co < N && c < cinG
                   ? toF32(filter[((g * N + co) * cinG + c) * khw + kk])
                   : 0.0f;
      }
    }
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_CONV2D_IM2COL_H
