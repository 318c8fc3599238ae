//===- pool_impl.h - max_pool / avg_pool / global_avg_pool kernel body ----===//
//
// Templated on the lanes per spatial position: 1 for NCHW (the compiler
// vectorizes along the output row) and 16 for NC1HWC0 (one vector of C0
// lanes per position). Like the depthwise conv, every window offset
// (kh, kw) is one pass over an L1-resident output row, over the index range
// that stays inside the input. f16/bf16 planes are read and written as fp32
// rows (PlaneRows / OutRows): maxima are exact, averages are summed in fp32
// and rounded once. max_pool is separable: rows first, then columns, each
// a contiguous pass (maxPoolRowsSeparable).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_POOL_IMPL_H
#define GEFLOW_KERNELS_CUBE_POOL_IMPL_H

#include "kernels/cube/conv_window.h"
#include "kernels/cube/plane_rows.h"
#include "kernels/cube/pool_tiling.h"

#include <limits>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

template <int L>
void maxPoolRows(const PoolTiling &t, PlaneRows &in, OutRows &out, int64_t oh0,
                 int64_t oh1) {
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    float *o = out.begin(oh);
    for (int64_t i = 0; i < t.ow * L; ++i)
      o[i] = -std::numeric_limits<float>::infinity();
    for (int64_t kh = 0; kh < t.kh; ++kh) {
      int64_t ih = oh * t.sh - t.padTop + kh * t.dh;
      if (ih < 0 || ih >= t.h)
        continue;
      const float *row = in.row(ih);
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
    out.end(oh);
  }
}

/// max_pool by rows, then columns (the `separable` tiling): per output row,
/// the maximum of the window's input rows into `col` (contiguous passes),
/// then of its columns. With a column stride, NCHW rows are first split into
/// their sw phases (column x is element x / sw of phase x % sw), so every
/// column tap is a contiguous, vectorized pass too.
template <int L>
void maxPoolRowsSeparable(const PoolTiling &t, PlaneRows &in, OutRows &out,
                          int64_t oh0, int64_t oh1, float *col, float *phases) {
  const int64_t rowElems = t.w * L;
  const int64_t sw = t.sw, phaseLen = ceilDiv(t.w, sw);
  const bool split = L == 1 && sw > 1;
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    float *o = out.begin(oh);
    for (int64_t i = 0; i < t.ow * L; ++i)
      o[i] = -std::numeric_limits<float>::infinity();
    bool any = false;
    for (int64_t kh = 0; kh < t.kh; ++kh) {
      int64_t ih = oh * t.sh - t.padTop + kh * t.dh;
      if (ih < 0 || ih >= t.h)
        continue;
      const float *row = in.row(ih);
      if (!any)
        std::copy(row, row + rowElems, col);
      else
        for (int64_t i = 0; i < rowElems; ++i)
          col[i] = col[i] > row[i] ? col[i] : row[i];
      any = true;
    }
    if (any) {
      const float *src = col;
      if (split) {
        if (sw == 2) {
          for (int64_t q = 0; q < t.w / 2; ++q) {
            phases[q] = col[2 * q];
            phases[phaseLen + q] = col[2 * q + 1];
          }
          if (t.w % 2)
            phases[t.w / 2] = col[t.w - 1];
        } else {
          for (int64_t p = 0; p < sw; ++p)
            for (int64_t q = 0; q * sw + p < t.w; ++q)
              phases[p * phaseLen + q] = col[q * sw + p];
        }
        src = phases;
      }
      for (int64_t kw = 0; kw < t.kw; ++kw) {
        int64_t off = kw * t.dw - t.padLeft, lo, hi;
        validRange(off, sw, t.w, t.ow, &lo, &hi);
        if (L == 1) {
          // Column i * sw + off: phase p, element i + (off - p) / sw.
          int64_t p = split ? ((off % sw) + sw) % sw : 0;
          const float *s =
              split ? src + p * phaseLen + (off - p) / sw : src + off;
          for (int64_t i = lo; i < hi; ++i)
            o[i] = o[i] > s[i] ? o[i] : s[i];
          continue;
        }
        for (int64_t i = lo; i < hi; ++i) {
          const float *s = src + (i * sw + off) * L;
          float *d = o + i * L;
          for (int l = 0; l < L; ++l)
            d[l] = d[l] > s[l] ? d[l] : s[l];
        }
      }
    }
    out.end(oh);
  }
}

template <int L>
void avgPoolRows(const PoolTiling &t, PlaneRows &in, OutRows &out, int64_t oh0,
                 int64_t oh1) {
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    float *o = out.begin(oh);
    for (int64_t i = 0; i < t.ow * L; ++i)
      o[i] = 0.0f;
    int64_t hs = oh * t.sh - t.padTop;
    for (int64_t kh = 0; kh < t.kh; ++kh) {
      int64_t ih = hs + kh;
      if (ih < 0 || ih >= t.h)
        continue;
      const float *row = in.row(ih);
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
    out.end(oh);
  }
}

/// Mean of one plane (n = H * W positions of L lanes) at element `offset`
/// of x, stored as `dt`; f16/bf16 planes are converted `chunk` positions at
/// a time into `buf`.
template <int L>
void globalAvgPool(const PoolTiling &t, DType dt, const void *x, int64_t offset,
                   float *buf, int64_t chunk, float *out) {
  // 16 independent partial sums per lane keep the adds pipelined and
  // vectorized (a single running sum would serialize on the add latency).
  constexpr int kParts = L == 1 ? 16 : 1;
  float acc[kParts * L] = {};
  auto accumulate = [&](const float *in, int64_t cnt) {
    int64_t i = 0;
    for (; i + kParts <= cnt; i += kParts)
      for (int p = 0; p < kParts * L; ++p)
        acc[p] += in[i * L + p];
    for (; i < cnt; ++i)
      for (int l = 0; l < L; ++l)
        acc[l] += in[i * L + l];
  };
  int64_t n = t.h * t.w;
  if (dt == DType::F32) {
    accumulate(static_cast<const float *>(x) + offset, n);
  } else {
    for (int64_t i = 0; i < n; i += chunk) {
      int64_t cnt = std::min(chunk, n - i);
      loadRow(dt, x, offset + i * L, buf, cnt * L);
      accumulate(buf, cnt);
    }
  }
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
  const DType inDtype = DType(t.inDtype), outDtype = DType(t.outDtype);
  const bool lowIn = inDtype != DType::F32;
  if ((lowIn && t.ringSlots < 1) ||
      (lowIn && t.kind == int32_t(PoolKind::GlobalAvg) && t.chunkPositions < 1))
    return kBadTiling;
  const int64_t lanes = t.c0 ? 16 : 1;
  const int64_t bands = ceilDiv(t.oh, t.rowsPerTask);
  const auto kind = static_cast<PoolKind>(t.kind);
  // Workspace: [output row][input row ring or global_avg_pool chunk].
  auto *ws = reinterpret_cast<float *>(static_cast<uint8_t *>(args.workspace) +
                                       uint64_t(blockIdx) * t.wsBytesPerBlock);
  const PoolWorkspace layout = poolWorkspace(t);
  if (uint64_t(layout.floats) * 4 > t.wsBytesPerBlock || (layout.floats && !ws))
    return kBadTiling;
  float *outRow = ws;
  float *ring = ws ? ws + layout.ring : nullptr;
  float *col = ws ? ws + layout.col : nullptr;
  float *phases = ws ? ws + layout.phases : nullptr;
  PlaneRows in(inDtype, t.w * lanes, std::max<int64_t>(t.ringSlots, 1), ring);
  OutRows out(outDtype, t.ow * lanes, outRow);
  TaskRange range = blockTaskRange(t.tasks, blockIdx, blockDim);
  for (int64_t task = range.begin; task < range.end; ++task) {
    int64_t plane = task / bands, band = task % bands;
    int64_t oh0 = band * t.rowsPerTask;
    int64_t oh1 = std::min(t.oh, oh0 + t.rowsPerTask);
    in.setPlane(args.inputs[0], plane * t.h * t.w * lanes);
    out.setPlane(args.outputs[0], plane * t.oh * t.ow * lanes);
    switch (kind) {
    case PoolKind::Max:
      if (t.separable)
        t.c0 ? maxPoolRowsSeparable<16>(t, in, out, oh0, oh1, col, phases)
             : maxPoolRowsSeparable<1>(t, in, out, oh0, oh1, col, phases);
      else
        t.c0 ? maxPoolRows<16>(t, in, out, oh0, oh1)
             : maxPoolRows<1>(t, in, out, oh0, oh1);
      break;
    case PoolKind::Avg:
      t.c0 ? avgPoolRows<16>(t, in, out, oh0, oh1)
           : avgPoolRows<1>(t, in, out, oh0, oh1);
      break;
    case PoolKind::GlobalAvg: {
      float *o = out.begin(0);
      if (t.c0)
        globalAvgPool<16>(t, inDtype, args.inputs[0], plane * t.h * t.w * 16,
                          ring, t.chunkPositions, o);
      else
        globalAvgPool<1>(t, inDtype, args.inputs[0], plane * t.h * t.w, ring,
                         t.chunkPositions, o);
      out.end(0);
      break;
    }
    default:
      return kBadTiling;
    }
  }
  return 0;
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_POOL_IMPL_H
