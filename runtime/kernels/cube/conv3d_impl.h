//===- conv3d_impl.h - conv3d / conv3d_transpose kernel body --------------===//
//
// Per task (image, group, output depth od, pixel chunk): the kd taps that
// read an input depth are "active"; their im2col rows (ci, kh, kw) over the
// chunk's pixels go into col, and a register-tiled product with the group's
// fp32 filter [kd][co][ci, kh, kw] accumulates 4 output channels x kTile
// pixels in vector registers over every active row. The transposed
// convolution is the same product over a gathered col: output pixel o reads
// input i where o = i * s - pad + k * d, so only taps with (o + pad - k * d)
// divisible by s contribute (a depth tap is active only then; within a
// slice the other rows are zeros). f16/bf16 operands are converted while
// building col and the filter; results are rounded once, on store.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONV3D_IMPL_H
#define GEFLOW_KERNELS_CUBE_CONV3D_IMPL_H

#include "kernels/cube/conv3d_tiling.h"
#include "kernels/cube/conv_window.h"
#include "kernels/cube/convert.h"

#include <cstring>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

#if defined(__AVX512F__)
constexpr int kConv3dLanes = 16;
constexpr int kConv3dVectors = 4; // 4 x 4 zmm accumulators, 64 pixels
#elif defined(__AVX2__)
constexpr int kConv3dLanes = 8;
constexpr int kConv3dVectors = 2; // 4 x 2 ymm accumulators, 16 pixels
#else
constexpr int kConv3dLanes = 4;
constexpr int kConv3dVectors = 2; // 4 x 2 xmm accumulators, 8 pixels
#endif
constexpr int kConv3dTile = kConv3dLanes * kConv3dVectors;
static_assert(64 % kConv3dTile == 0, "chunks are multiples of 64 pixels");

typedef float Conv3dVec
    __attribute__((vector_size(kConv3dLanes * sizeof(float))));

inline Conv3dVec loadVec(const float *p) {
  Conv3dVec v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

/// rows[r][0, chunk) = sum over the `active` kd taps and the plane's k of
/// filter[tap][co0 + r][k] * col[a][k][.], for R output channels.
template <int R>
void conv3dRows(const float *filter, const float *col, const int32_t *taps,
                int64_t active, int64_t coutG, int64_t planeK, int64_t chunk,
                int64_t co0, float *rows) {
  for (int64_t p0 = 0; p0 < chunk; p0 += kConv3dTile) {
    Conv3dVec acc[R][kConv3dVectors] = {};
    for (int64_t a = 0; a < active; ++a) {
      const float *w = filter + (int64_t(taps[a]) * coutG + co0) * planeK;
      const float *c = col + a * planeK * chunk + p0;
      for (int64_t k = 0; k < planeK; ++k, c += chunk) {
        Conv3dVec x[kConv3dVectors];
        for (int v = 0; v < kConv3dVectors; ++v)
          x[v] = loadVec(c + v * kConv3dLanes);
        for (int r = 0; r < R; ++r) {
          float wv = w[r * planeK + k];
          for (int v = 0; v < kConv3dVectors; ++v)
            acc[r][v] += wv * x[v];
        }
      }
    }
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < kConv3dVectors; ++v)
        std::memcpy(rows + r * chunk + p0 + v * kConv3dLanes, &acc[r][v],
                    sizeof(Conv3dVec));
  }
}

/// The fp32 filter of group g as [kd][co][ci, kh, kw].
template <typename T>
void relayoutConv3dFilter(const Conv3dTiling &t, const T *w, int64_t g,
                          float *dst) {
  const int64_t cinG = conv3dCinPerGroup(t), coutG = conv3dCoutPerGroup(t);
  const int64_t khw = int64_t(t.kh) * t.kw, planeK = conv3dPlaneK(t);
  for (int64_t kd = 0; kd < t.kd; ++kd)
    for (int64_t co = 0; co < coutG; ++co)
      for (int64_t ci = 0; ci < cinG; ++ci) {
        // conv: [cout, cin/g, kd, kh, kw]; transpose: [cin, cout/g, ...].
        int64_t src = t.transpose
                          ? (((g * cinG + ci) * coutG + co) * t.kd + kd) * khw
                          : (((g * coutG + co) * cinG + ci) * t.kd + kd) * khw;
        float *d = dst + (kd * coutG + co) * planeK + ci * khw;
        for (int64_t i = 0; i < khw; ++i)
          d[i] = toF32(w[src + i]);
      }
}

/// Input depth read by output depth `od` through tap `kd`, or -1.
inline int64_t conv3dInputDepth(const Conv3dTiling &t, int64_t od, int64_t kd) {
  if (!t.transpose) {
    int64_t id = od * t.sd - t.padFront + kd * t.dd;
    return id >= 0 && id < t.d ? id : -1;
  }
  int64_t u = od + t.padFront - kd * t.dd;
  if (u < 0 || u % t.sd)
    return -1;
  return u / t.sd < t.d ? u / t.sd : -1;
}

/// One im2col row: dst[p - p0] for the pixels p in [p0, p1) of the slice,
/// read from input plane `plane` ([h, w]) through tap (kh, kw).
template <typename T>
void conv3dColRow(const Conv3dTiling &t, const T *plane, int64_t kh, int64_t kw,
                  int64_t p0, int64_t p1, float *dst) {
  for (int64_t p = p0; p < p1;) {
    const int64_t oh = p / t.ow, ow0 = p % t.ow;
    const int64_t ow1 = std::min<int64_t>(t.ow, ow0 + (p1 - p));
    // o[i] is output column ow0 + i.
    float *o = dst + (p - p0);
    const int64_t len = ow1 - ow0;
    int64_t ih;
    if (!t.transpose) {
      ih = oh * t.sh - t.padTop + kh * t.dh;
    } else {
      int64_t u = oh + t.padTop - kh * t.dh;
      ih = u >= 0 && u % t.sh == 0 ? u / t.sh : -1;
    }
    if (ih < 0 || ih >= t.h) {
      std::fill(o, o + len, 0.0f);
    } else if (!t.transpose || t.sw == 1) {
      // Input column ow * step + off (step sw for conv, 1 for transpose).
      const int64_t step = t.transpose ? 1 : t.sw;
      const int64_t off =
          t.transpose ? t.padLeft - kw * t.dw : kw * t.dw - t.padLeft;
      int64_t lo, hi;
      validRange(off, step, t.w, t.ow, &lo, &hi);
      lo = std::clamp(lo, ow0, ow1);
      hi = std::clamp(hi, lo, ow1);
      std::fill(o, o + (lo - ow0), 0.0f);
      const T *src = plane + ih * t.w + off;
      if (step == 1)
        for (int64_t i = lo; i < hi; ++i)
          o[i - ow0] = toF32(src[i]);
      else
        for (int64_t i = lo; i < hi; ++i)
          o[i - ow0] = toF32(src[i * step]);
      std::fill(o + (hi - ow0), o + len, 0.0f);
    } else {
      const T *row = plane + ih * t.w;
      for (int64_t i = ow0; i < ow1; ++i) {
        int64_t u = i + t.padLeft - kw * t.dw;
        o[i - ow0] = u >= 0 && u % t.sw == 0 && u / t.sw < t.w
                         ? toF32(row[u / t.sw])
                         : 0.0f;
      }
    }
    p += ow1 - ow0;
  }
}

template <typename T>
int32_t conv3dBody(const KernelArgs &args, uint32_t blockIdx,
                   uint32_t blockDim) {
  Conv3dTiling t;
  if (!decodeTiling(args, &t) || t.groups < 1 || t.chunk % 64 || t.chunk < 64 ||
      t.cin % t.groups || t.cout % t.groups)
    return kBadTiling;
  if (args.numInputs < 2u + uint32_t(t.hasBias) || args.numOutputs != 1)
    return kBadOperands;
  const T *x = static_cast<const T *>(args.inputs[0]);
  const T *w = static_cast<const T *>(args.inputs[1]);
  const Conv3dWorkspace ws = conv3dWorkspace(t);
  float *base = static_cast<float *>(args.workspace) +
                int64_t(blockIdx) * int64_t(t.wsBytesPerBlock / 4);
  float *filter = base + ws.filter, *col = base + ws.col,
        *rows = base + ws.rows;
  const float *bias = t.hasBias
                          ? channelsAsF32(DType(t.biasDtype), args.inputs[2],
                                          t.cout, base + ws.bias)
                          : nullptr;
  const int64_t cinG = conv3dCinPerGroup(t), coutG = conv3dCoutPerGroup(t);
  const int64_t planeK = conv3dPlaneK(t), pixels = t.oh * t.ow;
  const int64_t inPlane = t.h * t.w;
  const DType outDtype = DType(t.outDtype);
  int32_t taps[64];
  if (t.kd > 64)
    return kBadTiling;
  int64_t filterGroup = -1;
  TaskRange range = blockTaskRange(t.tasks, blockIdx, blockDim);
  for (int64_t task = range.begin; task < range.end; ++task) {
    const int64_t chunkIdx = task % t.chunks;
    const int64_t od = (task / t.chunks) % t.od;
    const int64_t g = (task / t.chunks / t.od) % t.groups;
    const int64_t n = task / t.chunks / t.od / t.groups;
    const int64_t p0 = chunkIdx * t.chunk;
    const int64_t p1 = std::min(pixels, p0 + t.chunk);
    if (p0 >= p1)
      continue;
    if (filterGroup != g) {
      relayoutConv3dFilter(t, w, g, filter);
      filterGroup = g;
    }
    int64_t active = 0;
    for (int64_t kd = 0; kd < t.kd; ++kd) {
      int64_t id = conv3dInputDepth(t, od, kd);
      if (id < 0)
        continue;
      float *c = col + active * planeK * t.chunk;
      for (int64_t ci = 0; ci < cinG; ++ci) {
        const T *plane = x + ((n * t.cin + g * cinG + ci) * t.d + id) * inPlane;
        for (int64_t kh = 0; kh < t.kh; ++kh)
          for (int64_t kw = 0; kw < t.kw; ++kw, c += t.chunk) {
            conv3dColRow(t, plane, kh, kw, p0, p1, c);
            std::fill(c + (p1 - p0), c + t.chunk, 0.0f);
          }
      }
      taps[active++] = int32_t(kd);
    }
    for (int64_t co0 = 0; co0 < coutG; co0 += 4) {
      const int64_t r = std::min<int64_t>(4, coutG - co0);
      if (r == 4)
        conv3dRows<4>(filter, col, taps, active, coutG, planeK, t.chunk, co0,
                      rows);
      else
        for (int64_t i = 0; i < r; ++i)
          conv3dRows<1>(filter, col, taps, active, coutG, planeK, t.chunk,
                        co0 + i, rows + i * t.chunk);
      for (int64_t i = 0; i < r; ++i) {
        const int64_t co = g * coutG + co0 + i;
        float *row = rows + i * t.chunk;
        if (bias)
          for (int64_t p = 0; p < p1 - p0; ++p)
            row[p] += bias[co];
        storeRow(outDtype, row, args.outputs[0],
                 ((n * t.cout + co) * t.od + od) * pixels + p0, p1 - p0);
      }
    }
  }
  return 0;
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_CONV3D_IMPL_H
