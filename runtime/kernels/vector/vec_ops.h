//===- vec_ops.h - Table of ISA-specific vector primitives ----------------===//
//
// The vector-unit kernels (tiling, broadcasting, blocking, the vec_fused
// interpreter) are written once in portable C++; the inner loops they call
// are in this table, with one instance per ISA (vec_ops.cpp, vec_ops_avx2.cpp,
// vec_ops_avx512.cpp). A kernel implementation registered for ISA X uses
// vecOps(X), so the registry's ISA choice selects the inner loops.
//
// Operands flagged "Vec" are arrays of n floats; otherwise they point at one
// float broadcast to all n lanes. Outputs may alias inputs exactly (in place).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_VEC_OPS_H
#define GEFLOW_KERNELS_VECTOR_VEC_OPS_H

#include "geflow/kernels/Elementwise.h"
#include "geflow/kernels/Soc.h"

#include <cstdint>

namespace geflow::kernels::vec {

struct VecOps {
  Isa isa;
  /// y = op(x) for unary ops; p0/p1 are the scalar parameters of LeakyRelu
  /// (alpha) and HardSigmoid (alpha, beta).
  void (*unary)(EwOp op, const float *x, float *y, int64_t n, float p0,
                float p1);
  /// y = op(a, b) for binary and comparison ops.
  void (*binary)(EwOp op, const float *a, bool aVec, const float *b, bool bVec,
                 float *y, int64_t n);
  /// y = op(a, b, c) for Select, MulAdd and Clip.
  void (*ternary)(EwOp op, const float *a, bool aVec, const float *b, bool bVec,
                  const float *c, bool cVec, float *y, int64_t n);

  // Row primitives of softmax, normalization and reductions.
  float (*sum)(const float *x, int64_t n);
  float (*max)(const float *x, int64_t n); // NaN if any element is NaN
  /// Centred moments about `mean`: *sumDiff = sum(x - mean), *sumSq =
  /// sum((x - mean)^2). sumDiff corrects a rounded mean (corrected two-pass
  /// variance).
  void (*centeredMoments)(const float *x, int64_t n, float mean, float *sumDiff,
                          float *sumSq);
  /// y = exp(x - shift) (skipped when y is null); returns sum(exp(x - shift)).
  float (*expShiftSum)(const float *x, float *y, int64_t n, float shift);
  /// y = (x - mean) * rstd * gamma + beta; gamma/beta may be null (1 / 0).
  void (*normAffine)(const float *x, float *y, int64_t n, float mean,
                     float rstd, const float *gamma, const float *beta);
  /// y[r*len + j] = x[r*len + j] * a[j] + b[j] for r < rows, j < len.
  void (*affineRows)(const float *x, float *y, int64_t rows, int64_t len,
                     const float *a, const float *b);

  /// dst = src with non-temporal stores (dst need not be aligned); call
  /// storeFence() before the data may be read by another core.
  void (*streamCopy)(float *dst, const float *src, int64_t n);
  void (*storeFence)();

  // Storage conversions (round to nearest even; NaN stays NaN).
  void (*f16ToF32)(const uint16_t *x, float *y, int64_t n);
  void (*f32ToF16)(const float *x, uint16_t *y, int64_t n);
  void (*bf16ToF32)(const uint16_t *x, float *y, int64_t n);
  void (*f32ToBf16)(const float *x, uint16_t *y, int64_t n);
};

/// The table of `isa`'s implementation (which must be supported by the CPU).
const VecOps &vecOps(Isa isa);

// Defined by the ISA-specific translation units.
const VecOps &vecOpsPortable();
const VecOps &vecOpsAvx2();
const VecOps &vecOpsAvx512();

} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_VEC_OPS_H
