//===- conv2d_depthwise.h - Direct depthwise convolution ------------------===//
//
// A depthwise conv has K = KH * KW per output: far too little depth for a
// GEMM, so it runs directly. Each task computes a band of output rows of one
// plane (NCHW) or one 16-channel block (NC1HWC0) and accumulates KH * KW
// shifted, scaled input rows into the L1-resident output row. The loops are
// plain C++ that the compiler vectorizes along the row (NCHW) or the C0
// lanes (NC1HWC0). f16/bf16 planes are read and written through PlaneRows /
// OutRows (fp32 rows, converted once each).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONV2D_DEPTHWISE_H
#define GEFLOW_KERNELS_CUBE_CONV2D_DEPTHWISE_H

#include "kernels/cube/conv2d_im2col.h"
#include "kernels/cube/plane_rows.h"

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// Output rows [oh0, oh1) of one plane, NCHW: `in` is set to its input
/// plane, `out` to its output plane; `w` are its KH * KW taps.
inline void depthwiseNchwRows(const Conv2dTiling &t, PlaneRows &in,
                              OutRows &out, const float *w, float b,
                              int64_t oh0, int64_t oh1,
                              const EpilogueArgs &ep) {
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    float *o = out.begin(oh);
    for (int64_t i = 0; i < t.ow; ++i)
      o[i] = 0.0f;
    for (int64_t kh = 0; kh < t.kh; ++kh) {
      int64_t ih = oh * t.sh - t.padTop + kh * t.dh;
      if (ih < 0 || ih >= t.h)
        continue;
      const float *row = in.row(ih);
      for (int64_t kw = 0; kw < t.kw; ++kw) {
        float wv = w[kh * t.kw + kw];
        int64_t off = kw * t.dw - t.padLeft, lo, hi;
        validRange(off, t.sw, t.w, t.ow, &lo, &hi);
        if (t.sw == 1) {
          const float *src = row + off;
          for (int64_t i = lo; i < hi; ++i)
            o[i] += wv * src[i];
        } else {
          for (int64_t i = lo; i < hi; ++i)
            o[i] += wv * row[i * t.sw + off];
        }
      }
    }
    activateSpanDyn(ep.act, o, t.ow, b, nullptr, ep.alpha);
    out.end(oh);
  }
}

/// Output rows [oh0, oh1) of one plane, NCHW, on phase planes (see
/// depthwisePhasesApply): the band's padded input is scattered into
/// stride x stride zero-padded planes, after which tap (kh, kw) is a single
/// flat pass `acc += w * plane[offset + i]` over rows x wq elements, however
/// narrow the rows (a 7x7 plane is 4 vectors per tap, not 7 short rows).
/// `x` is the input tensor, `inOffset` the element offset of this plane;
/// `ws` holds depthwisePhaseShape(t, oh1 - oh0).floats() floats.
inline void depthwisePhaseRows(const Conv2dTiling &t, const void *x,
                               int64_t inOffset, OutRows &out, const float *w,
                               float b, int64_t oh0, int64_t oh1,
                               const EpilogueArgs &ep, float *ws) {
  const DType inDtype = DType(t.inDtype);
  const int64_t rows = oh1 - oh0;
  const DepthwisePhaseShape ps = depthwisePhaseShape(t, rows);
  const int64_t s = ps.s, hq = ps.hq, wq = ps.wq, planeSize = hq * wq;
  float *phases = ws, *acc = ws + s * s * planeSize,
        *converted = acc + rows * wq;
  std::fill(phases, phases + s * s * planeSize, 0.0f);
  for (int64_t i = 0; i < hq; ++i)
    for (int64_t rp = 0; rp < s; ++rp) {
      const int64_t ih = s * (oh0 + i) + rp - t.padTop;
      if (ih < 0 || ih >= t.h)
        continue;
      const float *src;
      if (inDtype == DType::F32) {
        src = static_cast<const float *>(x) + inOffset + ih * t.w;
      } else {
        loadRow(inDtype, x, inOffset + ih * t.w, converted, t.w);
        src = converted;
      }
      for (int64_t cp = 0; cp < s; ++cp) {
        // Padded column s * j + cp is input column s * j + cp - padLeft.
        const int64_t first = cp - t.padLeft;
        const int64_t jlo = first >= 0 ? 0 : (-first + s - 1) / s;
        const int64_t jhi =
            std::min<int64_t>(wq, first >= t.w ? 0 : (t.w - 1 - first) / s + 1);
        float *dst = phases + (rp * s + cp) * planeSize + i * wq;
        if (s == 1)
          for (int64_t j = jlo; j < jhi; ++j)
            dst[j] = src[j + first];
        else
          for (int64_t j = jlo; j < jhi; ++j)
            dst[j] = src[2 * j + first];
      }
    }
  const int64_t n = rows * wq;
  auto tap = [&](int64_t kh, int64_t kw) {
    return phases + ((kh % s) * s + kw % s) * planeSize + (kh / s) * wq +
           kw / s;
  };
  for (int64_t kh = 0; kh < t.kh; ++kh) {
    const float *wr = w + kh * t.kw;
    int64_t kw = 0;
    if (t.kw >= 3) {
      // Three taps per pass: one load and store of acc for three FMAs.
      const float *p0 = tap(kh, 0), *p1 = tap(kh, 1), *p2 = tap(kh, 2);
      const float w0 = wr[0], w1 = wr[1], w2 = wr[2];
      if (kh == 0)
        for (int64_t i = 0; i < n; ++i)
          acc[i] = w0 * p0[i] + w1 * p1[i] + w2 * p2[i];
      else
        for (int64_t i = 0; i < n; ++i)
          acc[i] += w0 * p0[i] + w1 * p1[i] + w2 * p2[i];
      kw = 3;
    } else if (kh == 0) {
      std::fill(acc, acc + n, 0.0f);
    }
    for (; kw < t.kw; ++kw) {
      const float *p = tap(kh, kw);
      const float wv = wr[kw];
      for (int64_t i = 0; i < n; ++i)
        acc[i] += wv * p[i];
    }
  }
  // Bias and activation in one flat pass (the spare columns are ignored).
  activateSpanDyn(ep.act, acc, n, b, nullptr, ep.alpha);
  for (int64_t r = 0; r < rows; ++r) {
    float *o = out.begin(oh0 + r);
    const float *a = acc + r * wq;
    for (int64_t i = 0; i < t.ow; ++i)
      o[i] = a[i];
    out.end(oh0 + r);
  }
}

/// Output rows [oh0, oh1) of channel block c1, NC1HWC0, multiplier 1: `in`
/// and `out` are set to the block's planes. `w16` is scratch for
/// KH * KW * 16 floats; `filter` is stored as `filterDtype`, `bias` is fp32.
inline void depthwiseC0Rows(const Conv2dTiling &t, PlaneRows &in, OutRows &out,
                            const void *filter, DType filterDtype,
                            const float *bias, int64_t c1, int64_t oh0,
                            int64_t oh1, const EpilogueArgs &ep, float *w16) {
  const int64_t khw = int64_t(t.kh) * t.kw;
  // The block's filter taps as 16-lane vectors; lanes past Cin stay zero.
  float b16[16];
  for (int64_t l = 0; l < 16; ++l) {
    int64_t c = c1 * 16 + l;
    b16[l] = c < t.cin && bias ? bias[c] : 0.0f;
    for (int64_t k = 0; k < khw; ++k)
      w16[k * 16 + l] =
          c < t.cin ? loadValue(filterDtype, filter, c * khw + k) : 0.0f;
  }
  int64_t lanes = std::min<int64_t>(16, t.cin - c1 * 16);
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    float *o = out.begin(oh);
    for (int64_t i = 0; i < t.ow * 16; ++i)
      o[i] = 0.0f;
    for (int64_t kh = 0; kh < t.kh; ++kh) {
      int64_t ih = oh * t.sh - t.padTop + kh * t.dh;
      if (ih < 0 || ih >= t.h)
        continue;
      const float *row = in.row(ih);
      for (int64_t kw = 0; kw < t.kw; ++kw) {
        const float *wv = w16 + (kh * t.kw + kw) * 16;
        int64_t off = kw * t.dw - t.padLeft, lo, hi;
        validRange(off, t.sw, t.w, t.ow, &lo, &hi);
        for (int64_t i = lo; i < hi; ++i) {
          const float *src = row + (i * t.sw + off) * 16;
          float *d = o + i * 16;
          for (int l = 0; l < 16; ++l)
            d[l] += wv[l] * src[l];
        }
      }
    }
    for (int64_t i = 0; i < t.ow; ++i) {
      activateSpanDyn(ep.act, o + i * 16, 16, 0.0f, b16, ep.alpha);
      // Padded channels of the last block stay zero whatever act(0) is.
      for (int64_t l = lanes; l < 16; ++l)
        o[i * 16 + l] = 0.0f;
    }
    out.end(oh);
  }
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_CONV2D_DEPTHWISE_H
