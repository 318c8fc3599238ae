//===- typed.h - Element types and shapes of the host kernels ---*- C++ -*-===//
//
// The host CPU engine computes in the C++ type of each dtype: f64, i16, u16,
// u32 and u64 (which the device kernels lack) and the device's own integer
// and f32 types. f16 and bf16 are converted through float where a kernel
// accepts them (Cast).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_HOST_TYPED_H
#define GEFLOW_KERNELS_HOST_TYPED_H

#include "kernels/host/host_kernels.h"

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace geflow::kernels::host {

/// Calls `f(T())` with the C++ type of `t`; false when `t` has none (f16,
/// bf16, string). Bool is uint8_t holding 0 or 1.
template <typename F> bool visitNative(rt::DType t, F &&f) {
  switch (t) {
  case rt::DType::F32:
    f(float());
    return true;
  case rt::DType::F64:
    f(double());
    return true;
  case rt::DType::I8:
    f(int8_t());
    return true;
  case rt::DType::U8:
  case rt::DType::Bool:
    f(uint8_t());
    return true;
  case rt::DType::I16:
    f(int16_t());
    return true;
  case rt::DType::U16:
    f(uint16_t());
    return true;
  case rt::DType::I32:
    f(int32_t());
    return true;
  case rt::DType::U32:
    f(uint32_t());
    return true;
  case rt::DType::I64:
    f(int64_t());
    return true;
  case rt::DType::U64:
    f(uint64_t());
    return true;
  case rt::DType::F16:
  case rt::DType::BF16:
  case rt::DType::String:
    return false;
  }
  return false;
}

inline bool hasNativeType(rt::DType t) {
  return visitNative(t, [](auto) {});
}

inline rt::Status hostError(const std::string &message) {
  return rt::Status(rt::ErrorCode::kInvalidArgument, message);
}

inline rt::Status hostUnsupported(const std::string &message) {
  return rt::Status(rt::ErrorCode::kUnsupported, message);
}

inline bool plainLayout(const TensorDesc &d) {
  return d.format == rt::Format::ND || d.format == rt::Format::NCHW ||
         d.format == rt::Format::NHWC;
}

/// Element strides of `in` read at the positions of an output of rank
/// `rank` (NumPy broadcasting: shapes aligned at the right, a dim of 1
/// repeats, stride 0).
std::vector<int64_t> broadcastStrides(const std::vector<int64_t> &in,
                                      size_t rank);
/// Whether `in` broadcasts to `out`.
bool broadcastsTo(const std::vector<int64_t> &in,
                  const std::vector<int64_t> &out);

} // namespace geflow::kernels::host

#endif // GEFLOW_KERNELS_HOST_TYPED_H
