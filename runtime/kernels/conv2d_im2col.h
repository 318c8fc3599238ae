//===- conv2d_im2col.h - Implicit im2col operands of the conv2d GEMMs -----===//
//
// Convolution as GEMM without materializing the im2col matrix: the packing
// step of the GEMM driver gathers the panels straight from the input, so
// only one cache-sized block of im2col ever exists.
//  - NCHW: B(k, p) with k = (cin, kh, kw) and p an output pixel. Pixels of
//    one output row read one input row, contiguously when the stride is 1.
//  - NC1HWC0: A(p, k) with k = (kh, kw, cin). The channels of one pixel sit
//    next to each other inside a C0 group.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CONV2D_IM2COL_H
#define GEFLOW_KERNELS_CONV2D_IM2COL_H

#include "kernels/conv2d_tiling.h"
#include "kernels/conv_window.h"
#include "kernels/gemm_driver.h"

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// Panel widths the im2col packers support (their per-panel scratch).
constexpr int32_t kMaxIm2colWidth = 256;

/// Im2col of an NCHW input with pixels along the panel width: the B operand
/// of the NCHW GEMM (width nr) and the A operand of its pixel-rows variant
/// (width mr). x points at the group's first input channel of one image.
struct Im2colNchwOperand {
  const Conv2dTiling *t;
  const float *x;
  int32_t width;

  PanelBlock panels(int64_t k0, int64_t kb, int64_t x0, int64_t len,
                    float *ws) const {
    for (int64_t q = 0; q < len; q += width)
      packPanel(k0, kb, x0 + q, std::min<int64_t>(width, len - q), width,
                ws + (q / width) * kb * width);
    return {ws, kb * width};
  }

private:
  struct Segment {
    int64_t oh, ow, count, col;
  };

  void packPanel(int64_t k0, int64_t kb, int64_t p0, int64_t cnt, int32_t width,
                 float *dst) const {
    const Conv2dTiling &c = *t;
    // The panel's pixels as runs within output rows.
    Segment segs[kMaxIm2colWidth];
    int nseg = 0;
    for (int64_t col = 0; col < cnt;) {
      int64_t p = p0 + col, oh = p / c.ow, ow = p % c.ow;
      int64_t run = std::min(c.ow - ow, cnt - col);
      segs[nseg++] = {oh, ow, run, col};
      col += run;
    }
    const int64_t khw = int64_t(c.kh) * c.kw;
    int64_t ci = k0 / khw, kh = (k0 % khw) / c.kw, kw = k0 % c.kw;
    for (int64_t k = 0; k < kb; ++k) {
      float *row = dst + k * width;
      const float *plane = x + ci * c.h * c.w;
      for (int s = 0; s < nseg; ++s) {
        const Segment &sg = segs[s];
        float *out = row + sg.col;
        int64_t ih = sg.oh * c.sh - c.padTop + kh * c.dh;
        if (ih < 0 || ih >= c.h) {
          for (int64_t i = 0; i < sg.count; ++i)
            out[i] = 0.0f;
          continue;
        }
        const float *src = plane + ih * c.w;
        int64_t iw0 = sg.ow * c.sw - c.padLeft + kw * c.dw, lo, hi;
        validRange(iw0, c.sw, c.w, sg.count, &lo, &hi);
        for (int64_t i = 0; i < lo; ++i)
          out[i] = 0.0f;
        if (c.sw == 1) {
          const float *s1 = src + iw0;
          for (int64_t i = lo; i < hi; ++i)
            out[i] = s1[i];
        } else {
          for (int64_t i = lo; i < hi; ++i)
            out[i] = src[iw0 + i * c.sw];
        }
        for (int64_t i = hi; i < sg.count; ++i)
          out[i] = 0.0f;
      }
      for (int64_t i = cnt; i < width; ++i)
        row[i] = 0.0f;
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
struct Im2colC0Operand {
  const Conv2dTiling *t;
  const float *x;
  int64_t cBase;

  PanelBlock panels(int64_t k0, int64_t kb, int64_t x0, int64_t len,
                    float *ws) const {
    const int32_t width = t->blocking.mr;
    for (int64_t q = 0; q < len; q += width)
      packPanel(k0, kb, x0 + q, std::min<int64_t>(width, len - q), width,
                ws + (q / width) * kb * width);
    return {ws, kb * width};
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
        const float *pix = x + (ih * c.w + iw) * 16;
        for (int64_t i = 0; i < run; ++i) {
          int64_t in = cBase + ch + i;
          d[i * width + r] = pix[(in >> 4) * plane16 + (in & 15)];
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
inline void packFilterC0Group(const Conv2dTiling &t, const float *filter,
                              int64_t g, float *dst) {
  const int32_t nr = t.blocking.nr;
  const int64_t N = t.gemmN, K = t.gemmK, cinG = t.cin / t.groups;
  const int64_t khw = int64_t(t.kh) * t.kw;
  for (int64_t q = 0; q < N; q += nr)
    for (int64_t k = 0; k < K; ++k) {
      int64_t c = k % t.kChannels, kk = k / t.kChannels;
      float *d = dst + (q / nr) * K * nr + k * nr;
      for (int64_t j = 0; j < nr; ++j) {
        int64_t co = q + j;
        d[j] = co < N && c < cinG ? filter[((g * N + co) * cinG + c) * khw + kk]
                                  : 0.0f;
      }
    }
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CONV2D_IM2COL_H
