//===- storage_rows.h - fp32 rows of f16/bf16 tensors (vector kernels) ----===//
//
// softmax, layer_norm, batch_norm and the reductions compute in fp32 with
// the VecOps row primitives. Their f16/bf16 operands are converted a row or
// a UB-sized chunk at a time into fp32 buffers in the workspace and their
// f16/bf16 results are rounded (to nearest even) from such buffers; f32
// operands are used in place. The dtype rules they share are here too.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_STORAGE_ROWS_H
#define GEFLOW_KERNELS_VECTOR_STORAGE_ROWS_H

#include "geflow/runtime/Half.h"
#include "kernels/vector/nd_shape.h"
#include "kernels/vector/vec_ops.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

namespace geflow::kernels::vec {

/// Storage dtypes of the fp32-compute vector kernels: the data input is f32,
/// f16 or bf16 (D); `what` must be D or, when `orF32`, f32.
inline Status checkStorage(const std::string &op, const std::string &what,
                           DType got, DType d, bool orF32) {
  if (got == d || (orF32 && got == DType::F32))
    return Status::OK();
  std::string want(rt::dtypeName(d));
  if (orF32 && d != DType::F32)
    want += " or float32";
  return invalidArgument(op + ": " + what + " has dtype " +
                         std::string(rt::dtypeName(got)) + ", expected " +
                         want);
}

/// Checks that the data input is f32, f16 or bf16.
inline Status checkFloatData(const std::string &op, const std::string &what,
                             DType got) {
  if (got == DType::F32 || got == DType::F16 || got == DType::BF16)
    return Status::OK();
  return unsupported(op + ": " + what + " has dtype " +
                     std::string(rt::dtypeName(got)) +
                     " (supported: float32, float16, bfloat16)");
}

/// Floats per UB-sized chunk of converted elements (a multiple of 16).
inline int64_t storageChunk(const SocInfo &soc) {
  int64_t ub = soc.ubSize ? int64_t(soc.ubSize) : 32 * 1024;
  return std::clamp<int64_t>(ub / 16 / 16 * 16, 16, 4096);
}

/// n elements of `dt` at element `offset` of `base` as fp32: the memory
/// itself when it is f32, otherwise converted into `buf`.
inline const float *rowIn(const VecOps &ops, DType dt, const void *base,
                          int64_t offset, int64_t n, float *buf) {
  if (dt == DType::F32)
    return static_cast<const float *>(base) + offset;
  const auto *p = static_cast<const uint16_t *>(base) + offset;
  if (dt == DType::F16)
    ops.f16ToF32(p, buf, n);
  else
    ops.bf16ToF32(p, buf, n);
  return buf;
}

/// Where to compute n results that go to element `offset` of `base`: the
/// memory itself when it is f32, otherwise `buf` (then call rowOut).
inline float *rowOutPtr(DType dt, void *base, int64_t offset, float *buf) {
  return dt == DType::F32 ? static_cast<float *>(base) + offset : buf;
}

/// Stores n fp32 results computed at `src` (from rowOutPtr) as `dt`.
inline void rowOut(const VecOps &ops, DType dt, const float *src, void *base,
                   int64_t offset, int64_t n) {
  if (dt == DType::F32) {
    float *dst = static_cast<float *>(base) + offset;
    if (dst != src)
      std::memmove(dst, src, size_t(n) * sizeof(float));
    return;
  }
  auto *p = static_cast<uint16_t *>(base) + offset;
  if (dt == DType::F16)
    ops.f32ToF16(src, p, n);
  else
    ops.f32ToBf16(src, p, n);
}

/// Element i of a `dt` array as fp32 (per-channel parameters).
inline float valueAt(DType dt, const void *p, int64_t i) {
  if (dt == DType::F16)
    return rt::halfToFloat(static_cast<const uint16_t *>(p)[i]);
  if (dt == DType::BF16)
    return rt::bf16ToFloat(static_cast<const uint16_t *>(p)[i]);
  return static_cast<const float *>(p)[i];
}

/// Stores one fp32 value as `dt` at element i (per-row statistics).
inline void storeValue(DType dt, void *p, int64_t i, float v) {
  if (dt == DType::F16)
    static_cast<uint16_t *>(p)[i] = rt::floatToHalf(v);
  else if (dt == DType::BF16)
    static_cast<uint16_t *>(p)[i] = rt::floatToBf16(v);
  else
    static_cast<float *>(p)[i] = v;
}

} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_STORAGE_ROWS_H
