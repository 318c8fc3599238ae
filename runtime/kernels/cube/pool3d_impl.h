//===- pool3d_impl.h - max_pool3d / avg_pool3d / lp_pool3d kernel body ----===//
//
// One output row (od, oh) at a time, in fp32 in the workspace: every
// window tap (kd, kh) whose input row exists is one pass over the row per
// kw, over the index range that stays inside the input (contiguous and
// vectorized with a column stride of 1). lp_pool3d sums |x|^p (the row
// transformed once per tap row) and takes the p-th root; avg_pool3d divides
// by the product of the per-dim tap counts (or divisor_override). f16/bf16
// input rows are converted on load, output rows rounded once on store.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_POOL3D_IMPL_H
#define GEFLOW_KERNELS_CUBE_POOL3D_IMPL_H

#include "kernels/cube/conv_window.h"
#include "kernels/cube/convert.h"
#include "kernels/cube/pool3d_tiling.h"

#include <cmath>
#include <limits>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// Taps of a window at output index `o` of one dim that count in the
/// average: inside the input, or (countIncludePad) inside the padded input.
inline int64_t pool3dTaps(int64_t o, int64_t stride, int64_t padBegin,
                          int64_t padEnd, int64_t k, int64_t dilation,
                          int64_t in, bool includePad) {
  int64_t count = 0;
  for (int64_t i = 0; i < k; ++i) {
    int64_t pos = o * stride - padBegin + i * dilation;
    count += includePad ? pos < in + padEnd : pos >= 0 && pos < in;
  }
  return count;
}

inline int32_t pool3dBody(const KernelArgs &args, uint32_t blockIdx,
                          uint32_t blockDim) {
  Pool3dTiling t;
  if (!decodeTiling(args, &t) || t.rowsPerTask < 1 || t.kind < 0 ||
      t.kind > 2 || t.p < 1)
    return kBadTiling;
  if (args.numInputs != 1 || args.numOutputs != 1)
    return kBadOperands;
  const Pool3dKind kind = Pool3dKind(t.kind);
  const DType inDtype = DType(t.inDtype), outDtype = DType(t.outDtype);
  const Pool3dWorkspace ws = pool3dWorkspace(t);
  float *base = static_cast<float *>(args.workspace) +
                int64_t(blockIdx) * int64_t(t.wsBytesPerBlock / 4);
  float *o = base + ws.out, *inRow = base + ws.in, *counts = base + ws.counts;
  const bool include = t.countIncludePad != 0;
  if (kind == Pool3dKind::Avg)
    for (int64_t i = 0; i < t.ow; ++i)
      counts[i] = float(
          pool3dTaps(i, t.sw, t.pads[4], t.pads[5], t.kw, t.dw, t.w, include));
  const int64_t outRows = t.od * t.oh;
  const int64_t bands = ceilDiv(outRows, t.rowsPerTask);
  const float init =
      kind == Pool3dKind::Max ? -std::numeric_limits<float>::infinity() : 0.0f;
  const float invP = 1.0f / float(t.p);
  TaskRange range = blockTaskRange(t.tasks, blockIdx, blockDim);
  for (int64_t task = range.begin; task < range.end; ++task) {
    const int64_t plane = task / bands;
    const int64_t r0 = (task % bands) * t.rowsPerTask;
    const int64_t r1 = std::min(outRows, r0 + t.rowsPerTask);
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t od = r / t.oh, oh = r % t.oh;
      std::fill(o, o + t.ow, init);
      for (int64_t kd = 0; kd < t.kd; ++kd) {
        const int64_t id = od * t.sd - t.pads[0] + kd * t.dd;
        if (id < 0 || id >= t.d)
          continue;
        for (int64_t kh = 0; kh < t.kh; ++kh) {
          const int64_t ih = oh * t.sh - t.pads[2] + kh * t.dh;
          if (ih < 0 || ih >= t.h)
            continue;
          const int64_t at = ((plane * t.d + id) * t.h + ih) * t.w;
          const float *row;
          if (inDtype == DType::F32 && kind != Pool3dKind::Lp) {
            row = static_cast<const float *>(args.inputs[0]) + at;
          } else {
            loadRow(inDtype, args.inputs[0], at, inRow, t.w);
            if (kind == Pool3dKind::Lp) {
              if (t.p == 1)
                for (int64_t i = 0; i < t.w; ++i)
                  inRow[i] = std::fabs(inRow[i]);
              else if (t.p == 2)
                for (int64_t i = 0; i < t.w; ++i)
                  inRow[i] *= inRow[i];
              else
                for (int64_t i = 0; i < t.w; ++i)
                  inRow[i] = std::pow(std::fabs(inRow[i]), float(t.p));
            }
            row = inRow;
          }
          for (int64_t kw = 0; kw < t.kw; ++kw) {
            const int64_t off = kw * t.dw - t.pads[4];
            int64_t lo, hi;
            validRange(off, t.sw, t.w, t.ow, &lo, &hi);
            const float *src = row + off;
            if (kind == Pool3dKind::Max) {
              if (t.sw == 1)
                for (int64_t i = lo; i < hi; ++i)
                  o[i] = o[i] > src[i] ? o[i] : src[i];
              else
                for (int64_t i = lo; i < hi; ++i)
                  o[i] = o[i] > src[i * t.sw] ? o[i] : src[i * t.sw];
            } else if (t.sw == 1) {
              for (int64_t i = lo; i < hi; ++i)
                o[i] += src[i];
            } else {
              for (int64_t i = lo; i < hi; ++i)
                o[i] += src[i * t.sw];
            }
          }
        }
      }
      if (kind == Pool3dKind::Avg) {
        if (t.divisorOverride > 0) {
          const float inv = 1.0f / float(t.divisorOverride);
          for (int64_t i = 0; i < t.ow; ++i)
            o[i] *= inv;
        } else {
          const float dh = float(pool3dTaps(od, t.sd, t.pads[0], t.pads[1],
                                            t.kd, t.dd, t.d, include) *
                                 pool3dTaps(oh, t.sh, t.pads[2], t.pads[3],
                                            t.kh, t.dh, t.h, include));
          for (int64_t i = 0; i < t.ow; ++i)
            o[i] /= dh * counts[i];
        }
      } else if (kind == Pool3dKind::Lp && t.p != 1) {
        if (t.p == 2)
          for (int64_t i = 0; i < t.ow; ++i)
            o[i] = std::sqrt(o[i]);
        else
          for (int64_t i = 0; i < t.ow; ++i)
            o[i] = std::pow(o[i], invP);
      }
      storeRow(outDtype, o, args.outputs[0], (plane * outRows + r) * t.ow,
               t.ow);
    }
  }
  return 0;
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_POOL3D_IMPL_H
