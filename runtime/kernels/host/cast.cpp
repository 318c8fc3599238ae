//===- cast.cpp - Cast between every dtype on the host CPU engine ---------===//
//
// GE Cast for the casts the device kernel lacks: to and from f64, i16,
// u16, u32 and u64 (and any pair of the other dtypes). NumPy's astype rules
// (ONNX's reference), through a double for float sources and a 64-bit
// integer for integer sources:
//   float -> float    round to nearest even (f64 -> f16/bf16 via f32)
//   float -> int      truncate toward zero, as x86 converts: 8-, 16- and
//                     32-bit targets through int32 (NaN or out of its range
//                     gives INT32_MIN), then wrapped; 64-bit targets and u32
//                     through int64 (INT64_MIN), u64 also above 2^63
//   int -> int        two's complement wrap;  int -> float  round to nearest
//   x -> bool         x != 0 (NaN -> true);  bool -> x: 0 or 1
//
//===----------------------------------------------------------------------===//
#include "kernels/host/typed.h"

#include "geflow/runtime/Half.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace geflow::kernels::host {

namespace {

/// One element in the widest form of its kind.
struct Scalar {
  enum Kind { Float, Signed, Unsigned } kind = Float;
  double f = 0;
  int64_t i = 0;
  uint64_t u = 0;
};

Scalar load(rt::DType t, const void *data, int64_t index) {
  Scalar s;
  if (t == rt::DType::F16 || t == rt::DType::BF16) {
    uint16_t h;
    std::memcpy(&h, static_cast<const uint8_t *>(data) + 2 * index, 2);
    s.f = t == rt::DType::F16 ? rt::halfToFloat(h) : rt::bf16ToFloat(h);
    return s;
  }
  visitNative(t, [&](auto zero) {
    using T = decltype(zero);
    T v;
    std::memcpy(&v, static_cast<const uint8_t *>(data) + sizeof(T) * index,
                sizeof(T));
    if constexpr (std::is_floating_point_v<T>) {
      s.f = v;
    } else if constexpr (std::is_signed_v<T>) {
      s.kind = Scalar::Signed;
      s.i = v;
    } else {
      s.kind = Scalar::Unsigned;
      s.u = v;
    }
  });
  return s;
}

/// Truncation toward zero with the x86 "integer indefinite" for NaN and
/// values outside the 64-bit range, without C++'s undefined behaviour.
template <typename D> uint64_t floatToBits(double v) {
  if constexpr (sizeof(D) < 4 || std::is_same_v<D, int32_t>) {
    if (!(v >= -2147483648.0 && v < 2147483648.0))
      return static_cast<uint64_t>(
          int64_t(std::numeric_limits<int32_t>::min()));
    return static_cast<uint64_t>(int64_t(static_cast<int32_t>(v)));
  } else {
    if (std::is_same_v<D, uint64_t> && v >= 9223372036854775808.0 &&
        v < 18446744073709551616.0)
      return static_cast<uint64_t>(v);
    if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0))
      return static_cast<uint64_t>(std::numeric_limits<int64_t>::min());
    return static_cast<uint64_t>(static_cast<int64_t>(v));
  }
}

template <typename D> D convert(const Scalar &s, bool toBool) {
  if (toBool) {
    bool nonzero = s.kind == Scalar::Float    ? s.f != 0 || std::isnan(s.f)
                   : s.kind == Scalar::Signed ? s.i != 0
                                              : s.u != 0;
    return static_cast<D>(nonzero);
  }
  if constexpr (std::is_floating_point_v<D>) {
    return s.kind == Scalar::Float    ? static_cast<D>(s.f)
           : s.kind == Scalar::Signed ? static_cast<D>(s.i)
                                      : static_cast<D>(s.u);
  } else {
    uint64_t bits = s.kind == Scalar::Float    ? floatToBits<D>(s.f)
                    : s.kind == Scalar::Signed ? static_cast<uint64_t>(s.i)
                                               : s.u;
    // Two's complement narrowing (well defined through the unsigned type).
    return static_cast<D>(static_cast<std::make_unsigned_t<D>>(bits));
  }
}

void store(rt::DType t, void *data, int64_t index, const Scalar &s) {
  auto *out = static_cast<uint8_t *>(data);
  if (t == rt::DType::F16 || t == rt::DType::BF16) {
    float f = convert<float>(s, false);
    uint16_t h = t == rt::DType::F16 ? rt::floatToHalf(f) : rt::floatToBf16(f);
    std::memcpy(out + 2 * index, &h, 2);
    return;
  }
  visitNative(t, [&](auto zero) {
    using T = decltype(zero);
    T v = convert<T>(s, t == rt::DType::Bool);
    std::memcpy(out + sizeof(T) * index, &v, sizeof(T));
  });
}

} // namespace

rt::Status hostCheckCast(const std::vector<TensorDesc> &inputs,
                         const std::vector<TensorDesc> &outputs,
                         const AttrMap &) {
  if (inputs.size() != 1 || outputs.size() != 1)
    return hostError("Cast takes one input and gives one output");
  if (inputs[0].shape != outputs[0].shape)
    return hostError("Cast's output must have its input's shape");
  if (!plainLayout(inputs[0]) || !plainLayout(outputs[0]))
    return hostUnsupported("Cast on the host needs a plain layout");
  return rt::Status::OK();
}

rt::Status hostRunCast(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0], &y = (*args.outputDescs)[0];
  int64_t n = rt::numElements(x.shape);
  for (int64_t i = 0; i < n; ++i)
    store(y.dtype, args.outputs[0], i, load(x.dtype, args.inputs[0], i));
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
