//===- convert.h - f16 / bf16 <-> fp32 in the Cube kernel bodies ----------===//
//
// The Cube kernels keep f16/bf16 tensors in storage and compute in fp32:
// packing converts operands on load, epilogues convert results on store
// (round to nearest even). Scalar conversions use F16C where the including
// translation unit is compiled with it; row conversions use the vector
// unit's table of the same ISA (vectorized and tested there).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONVERT_H
#define GEFLOW_KERNELS_CUBE_CONVERT_H

#ifndef GEFLOW_CUBE_ISA
#error "cube/convert.h belongs to a per-ISA translation unit"
#endif

#include "geflow/runtime/Half.h"
#include "kernels/cube/gemm_common.h"
#include "kernels/vector/vec_ops.h"

#if defined(__F16C__)
#include <immintrin.h>
#endif

#include <cstdint>
#include <cstring>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

inline float toF32(float v) { return v; }
inline float toF32(Half h) {
#if defined(__F16C__)
  return _cvtsh_ss(h.bits);
#else
  return rt::halfToFloat(h.bits);
#endif
}
inline float toF32(BFloat b) { return rt::bf16ToFloat(b.bits); }

/// The vector unit's primitives for the ISA this unit is compiled for.
inline const vec::VecOps &isaVecOps() {
#if defined(__AVX512F__)
  return vec::vecOpsAvx512();
#elif defined(__AVX2__)
  return vec::vecOpsAvx2();
#else
  return vec::vecOpsPortable();
#endif
}

/// dst[0, n) = src[0, n) as fp32.
inline void rowToF32(const float *src, float *dst, int64_t n) {
  std::memcpy(dst, src, size_t(n) * sizeof(float));
}
inline void rowToF32(const Half *src, float *dst, int64_t n) {
  isaVecOps().f16ToF32(reinterpret_cast<const uint16_t *>(src), dst, n);
}
inline void rowToF32(const BFloat *src, float *dst, int64_t n) {
  isaVecOps().bf16ToF32(reinterpret_cast<const uint16_t *>(src), dst, n);
}

/// n elements of dtype `dt` at element `offset` of `base`, as fp32 in dst.
inline void loadRow(DType dt, const void *base, int64_t offset, float *dst,
                    int64_t n) {
  if (dt == DType::F16)
    rowToF32(static_cast<const Half *>(base) + offset, dst, n);
  else if (dt == DType::BF16)
    rowToF32(static_cast<const BFloat *>(base) + offset, dst, n);
  else
    rowToF32(static_cast<const float *>(base) + offset, dst, n);
}

/// Stores n fp32 values as dtype `dt` at element `offset` of `base`.
inline void storeRow(DType dt, const float *src, void *base, int64_t offset,
                     int64_t n) {
  if (dt == DType::F16)
    isaVecOps().f32ToF16(src, static_cast<uint16_t *>(base) + offset, n);
  else if (dt == DType::BF16)
    isaVecOps().f32ToBf16(src, static_cast<uint16_t *>(base) + offset, n);
  else
    std::memmove(static_cast<float *>(base) + offset, src,
                 size_t(n) * sizeof(float));
}

/// Element i of a `dt` array as fp32 (scalar accesses of small operands).
inline float loadValue(DType dt, const void *p, int64_t i) {
  if (dt == DType::F16)
    return toF32(static_cast<const Half *>(p)[i]);
  if (dt == DType::BF16)
    return toF32(static_cast<const BFloat *>(p)[i]);
  return static_cast<const float *>(p)[i];
}

/// Zeroes n elements of a `dt` array from element `offset` (0 has all bits
/// clear in every float format).
inline void zeroElements(DType dt, void *p, int64_t offset, int64_t n) {
  size_t es = dt == DType::F32 ? 4 : 2;
  std::memset(static_cast<uint8_t *>(p) + offset * es, 0, size_t(n) * es);
}

/// A per-channel operand (bias) as fp32: `p` itself when it is stored as
/// f32, otherwise converted into `ws` (n floats).
inline const float *channelsAsF32(DType dt, const void *p, int64_t n,
                                  float *ws) {
  if (!p || dt == DType::F32)
    return static_cast<const float *>(p);
  loadRow(dt, p, 0, ws, n);
  return ws;
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_CONVERT_H
