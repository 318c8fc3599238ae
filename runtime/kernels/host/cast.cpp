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
//   x <-> string      ONNX's text forms (string_number.h): the shortest
//                     decimal of the source type, "NaN"/"INF"/"-INF";
//                     reading "1e-5", "+INF", "nan", ... ("100.5" to an
//                     integer truncates; "True"/"False" to bool); text
//                     that is no number is an error naming the element
//
//===----------------------------------------------------------------------===//
#include "kernels/host/string_number.h"
#include "kernels/host/typed.h"

#include "geflow/runtime/Half.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

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

std::string formatElement(rt::DType t, const void *data, int64_t i) {
  switch (t) {
  case rt::DType::F32:
    return formatFloat32(static_cast<float>(load(t, data, i).f));
  case rt::DType::F64:
    return formatFloat64(load(t, data, i).f);
  case rt::DType::F16:
  case rt::DType::BF16:
    return formatFloat16(static_cast<float>(load(t, data, i).f),
                         t == rt::DType::BF16);
  case rt::DType::Bool:
    return load(t, data, i).u ? "True" : "False";
  default: {
    Scalar s = load(t, data, i);
    return s.kind == Scalar::Signed ? std::to_string(s.i) : std::to_string(s.u);
  }
  }
}

/// What a string reads as for `to`: a float32 directly, else a Scalar.
std::optional<Scalar> parseElement(std::string_view text, rt::DType to) {
  Scalar s;
  if (to == rt::DType::F32) {
    std::optional<float> f = parseFloat32(text);
    if (!f)
      return std::nullopt;
    s.f = *f;
    return s;
  }
  if (to == rt::DType::Bool) {
    std::string_view t = text;
    if (t == "True" || t == "true" || t == "TRUE") {
      s.kind = Scalar::Unsigned;
      s.u = 1;
      return s;
    }
    if (t == "False" || t == "false" || t == "FALSE") {
      s.kind = Scalar::Unsigned;
      return s;
    }
  }
  std::optional<ParsedNumber> p = parseNumber(text);
  if (!p)
    return std::nullopt;
  if (p->isInt && !p->negative) {
    s.kind = Scalar::Unsigned;
    s.u = p->magnitude;
  } else if (p->isInt && p->magnitude <= (uint64_t(1) << 63)) {
    s.kind = Scalar::Signed;
    s.i = static_cast<int64_t>(0 - p->magnitude);
  } else {
    s.f = p->value;
  }
  return s;
}

std::string quoted(std::string_view s) {
  constexpr size_t kShown = 40;
  std::string out = "'" + std::string(s.substr(0, kShown));
  return out + (s.size() > kShown ? "...'" : "'");
}

rt::Status castStrings(const rt::HostCallArgs &args, const TensorDesc &x,
                       const TensorDesc &y, int64_t n) {
  const void *in = args.inputs[0];
  void *out = args.outputs[0];
  if (x.dtype == rt::DType::String && y.dtype == rt::DType::String) {
    std::memmove(out, in, size_t(n) * sizeof(rt::StringRef));
    return rt::Status::OK();
  }
  if (y.dtype == rt::DType::String) {
    if (!args.strings)
      return hostError("Cast to strings needs the run's string store");
    for (int64_t i = 0; i < n; ++i) {
      rt::StatusOr<rt::StringRef> r =
          args.strings->add(formatElement(x.dtype, in, i));
      if (!r.ok())
        return r.status();
      rt::setStringAt(out, size_t(i), *r);
    }
    return rt::Status::OK();
  }
  for (int64_t i = 0; i < n; ++i) {
    std::string_view text = rt::stringAt(in, size_t(i));
    std::optional<Scalar> s = parseElement(text, y.dtype);
    if (!s)
      return hostError("Cast from string: element " + std::to_string(i) + " " +
                       quoted(text) +
                       " is not a number (ONNX reads "
                       "decimals such as 3.14 or 1e-5, NaN, INF, -INF)");
    store(y.dtype, out, i, *s);
  }
  return rt::Status::OK();
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
  if (x.dtype == rt::DType::String || y.dtype == rt::DType::String)
    return castStrings(args, x, y, n);
  for (int64_t i = 0; i < n; ++i)
    store(y.dtype, args.outputs[0], i, load(x.dtype, args.inputs[0], i));
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
