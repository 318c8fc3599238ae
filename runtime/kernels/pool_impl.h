//===- pool_impl.h - max_pool / avg_pool / global_avg_pool kernel body ----===//
//
// Templated on the lanes per spatial position: 1 for NCHW (the compiler
// vectorizes along the output row) and 16 for NC1HWC0 (one vector of C0
// lanes per position). Like the depthwise conv, every window offset
// (kh, kw) is one pass over an L1-resident output row, over the index range
// that stays inside the input.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_POOL_IMPL_H
#define GEFLOW_KERNELS_POOL_IMPL_H

#include "kernels/conv_window.h"
#include "kernels/pool_tiling.h"

#include <limits>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

template <int L>
void maxPoolRows(const PoolTiling &t, const float *in, float *out, int64_t oh0,
                 int64_t oh1) {
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    float *o = out + oh * t.ow * L;
    for (int64_t i = 0; i < t.ow * L; ++i)
      o[i] = -std::numeric_limits<float>::infinity();
    for (int64_t kh = 0; kh < t.kh; ++kh) {
      int64_t ih = oh * t.sh - t.padTop + kh * t.dh;
      if (ih < 0 || ih >= t.h)
        continue;
      const float *row = in + ih * t.w * L;
      for (int64_t kw = 0; kw < t.kw; ++kw) {
        int64_t off = kw * t.dw - t.padLeft, lo, hi;
        validRange(off, t.sw, t.w, t.ow, &lo, &hi);
        if (L == 1 && t.sw == 1) {
          const float *src = row + off;
          for (int64_t i = lo; i < hi; ++i)
            o[i] = o[i] > src[i] ? o[i] : src[i];
          continue;
        }
        for (int64_t i = lo; i < hi; ++i) {
          const float *src = row + (i * t.sw + off) * L;
          float *d = o + i * L;
          for (int l = 0; l < L; ++l)
            d[l] = d[l] > src[l] ? d[l] : src[l];
        }
      }
    }
  }
}

template <int L>
void avgPoolRows(const PoolTiling &t, const float *in, float *out, int64_t oh0,
                 int64_t oh1) {
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    float *o = out + oh * t.ow * L;
    for (int64_t i = 0; i < t.ow * L; ++i)
      o[i] = 0.0f;
    int64_t hs = oh * t.sh - t.padTop;
    for (int64_t kh = 0; kh < t.kh; ++kh) {
      int64_t ih = hs + kh;
      if (ih < 0 || ih >= t.h)
        continue;
      const float *row = in + ih * t.w * L;
      for (int64_t kw = 0; kw < t.kw; ++kw) {
        int64_t off = kw - t.padLeft, lo, hi;
        validRange(off, t.sw, t.w, t.ow, &lo, &hi);
        if (L == 1 && t.sw == 1) {
          const float *src = row + off;
          for (int64_t i = lo; i < hi; ++i)
            o[i] += src[i];
          continue;
        }
        for (int64_t i = lo; i < hi; ++i) {
          const float *src = row + (i * t.sw + off) * L;
          float *d = o + i * L;
          for (int l = 0; l < L; ++l)
            d[l] += src[l];
        }
      }
    }
    // Divisors as in PyTorch: with count_include_pad the window clipped to
    // the padded input (ceil_mode windows may reach past it), otherwise
    // only the input positions it covers.
    int64_t hPad = std::min(hs + t.kh, t.h + t.padBottom) - hs;
    int64_t hIn = std::min(hs + t.kh, t.h) - std::max<int64_t>(hs, 0);
    for (int64_t i = 0; i < t.ow; ++i) {
      int64_t ws = i * t.sw - t.padLeft;
      int64_t wPad = std::min(ws + t.kw, t.w + t.padRight) - ws;
      int64_t wIn = std::min(ws + t.kw, t.w) - std::max<int64_t>(ws, 0);
      int64_t count = t.countIncludePad ? hPad * wPad : hIn * wIn;
      float scale = count > 0 ? 1.0f / float(count) : 0.0f;
      for (int l = 0; l < L; ++l)
        o[i * L + l] *= scale;
    }
  }
}

template <int L>
void globalAvgPool(const PoolTiling &t, const float *in, float *out) {
  // 16 independent partial sums per lane keep the adds pipelined and
  // vectorized (a single running sum would serialize on the add latency).
  constexpr int kParts = L == 1 ? 16 : 1;
  float acc[kParts * L] = {};
  int64_t n = t.h * t.w, i = 0;
  for (; i + kParts <= n; i += kParts)
    for (int p = 0; p < kParts * L; ++p)
      acc[p] += in[i * L + p];
  for (; i < n; ++i)
    for (int l = 0; l < L; ++l)
      acc[l] += in[i * L + l];
  float scale = n > 0 ? 1.0f / float(n) : 0.0f;
  for (int l = 0; l < L; ++l) {
    float s = 0.0f;
    for (int p = 0; p < kParts; ++p)
      s += acc[p * L + l];
    out[l] = s * scale;
  }
}

inline int32_t poolBody(const KernelArgs &args, uint32_t blockIdx,
                        uint32_t blockDim) {
  PoolTiling t;
  if (!decodeTiling(args, &t))
    return kBadTiling;
  if (args.numInputs < 1 || args.numOutputs < 1 || t.rowsPerTask < 1)
    return kBadOperands;
  const auto *x = static_cast<const float *>(args.inputs[0]);
  auto *y = static_cast<float *>(args.outputs[0]);
  const int64_t lanes = t.c0 ? 16 : 1;
  const int64_t bands = ceilDiv(t.oh, t.rowsPerTask);
  const auto kind = static_cast<PoolKind>(t.kind);
  TaskRange range = blockTaskRange(t.tasks, blockIdx, blockDim);
  for (int64_t task = range.begin; task < range.end; ++task) {
    int64_t plane = task / bands, band = task % bands;
    int64_t oh0 = band * t.rowsPerTask;
    int64_t oh1 = std::min(t.oh, oh0 + t.rowsPerTask);
    const float *in = x + plane * t.h * t.w * lanes;
    float *out = y + plane * t.oh * t.ow * lanes;
    switch (kind) {
    case PoolKind::Max:
      t.c0 ? maxPoolRows<16>(t, in, out, oh0, oh1)
           : maxPoolRows<1>(t, in, out, oh0, oh1);
      break;
    case PoolKind::Avg:
      t.c0 ? avgPoolRows<16>(t, in, out, oh0, oh1)
           : avgPoolRows<1>(t, in, out, oh0, oh1);
      break;
    case PoolKind::GlobalAvg:
      t.c0 ? globalAvgPool<16>(t, in, out) : globalAvgPool<1>(t, in, out);
      break;
    default:
      return kBadTiling;
    }
  }
  return 0;
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_POOL_IMPL_H
