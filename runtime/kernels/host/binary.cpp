//===- binary.cpp - Broadcasting binary ops on the host CPU engine --------===//
//
// GE Add, Sub, Mul, RealDiv, Maximum, Minimum, Pow, Mod, FloorMod, the
// comparisons Equal, Less, Greater and BitShift (unsigned; a shift by the
// width or more gives 0) with NumPy broadcasting, in the dtype
// itself (f64, i16, u16, u32, u64 and the device's f32 and integer types),
// as NumPy computes them:
//   integers wrap; x / 0, x % 0 give 0 (NumPy's result, without its
//   warning); integer division truncates (GE RealDiv); Pow on integers
//   is exact repeated multiplication (a negative exponent gives 0 unless
//   the base is 1 or -1); Maximum/Minimum propagate NaN; Mod is C fmod
//   (sign of x1), FloorMod Python's % (sign of x2).
//
//===----------------------------------------------------------------------===//
#include "kernels/host/typed.h"

#include <cmath>
#include <cstring>

namespace geflow::kernels::host {

std::vector<int64_t> broadcastStrides(const std::vector<int64_t> &in,
                                      size_t rank) {
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (size_t k = 0; k < in.size(); ++k) {
    size_t d = in.size() - 1 - k;
    size_t o = rank - 1 - k;
    strides[o] = in[d] == 1 ? 0 : stride;
    stride *= in[d];
  }
  return strides;
}

bool broadcastsTo(const std::vector<int64_t> &in,
                  const std::vector<int64_t> &out) {
  if (in.size() > out.size())
    return false;
  for (size_t k = 0; k < in.size(); ++k) {
    int64_t a = in[in.size() - 1 - k], b = out[out.size() - 1 - k];
    if (a != b && a != 1)
      return false;
  }
  return true;
}

namespace {

enum class BinaryKind {
  Add,
  Sub,
  Mul,
  Div,
  Max,
  Min,
  Pow,
  Mod,
  FloorMod,
  Equal,
  Less,
  Greater,
  ShiftLeft,
  ShiftRight
};

bool isComparison(BinaryKind k) {
  return k == BinaryKind::Equal || k == BinaryKind::Less ||
         k == BinaryKind::Greater;
}

/// Wrapping arithmetic for signed types (through the unsigned type).
template <typename T> T wrap(std::make_unsigned_t<T> v) {
  return static_cast<T>(v);
}

template <typename T> T intPow(T base, T exp) {
  if constexpr (std::is_signed_v<T>) {
    if (exp < 0)
      return base == 1 ? T(1) : base == -1 ? (exp % 2 ? T(-1) : T(1)) : T(0);
  }
  using U = std::make_unsigned_t<T>;
  U result = 1, b = static_cast<U>(base);
  for (auto e = static_cast<U>(exp); e; e >>= 1) {
    if (e & 1)
      result = static_cast<U>(result * b);
    b = static_cast<U>(b * b);
  }
  return static_cast<T>(result);
}

template <typename T> T apply(BinaryKind k, T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    switch (k) {
    case BinaryKind::Add:
      return a + b;
    case BinaryKind::Sub:
      return a - b;
    case BinaryKind::Mul:
      return a * b;
    case BinaryKind::Div:
      return a / b;
    case BinaryKind::Max:
      return std::isnan(a) || std::isnan(b) ? NAN : a > b ? a : b;
    case BinaryKind::Min:
      return std::isnan(a) || std::isnan(b) ? NAN : a < b ? a : b;
    case BinaryKind::Pow:
      return std::pow(a, b);
    case BinaryKind::Mod:
      return std::fmod(a, b);
    case BinaryKind::FloorMod: {
      T r = std::fmod(a, b);
      if (r != 0 && ((r < 0) != (b < 0)))
        r += b;
      return r;
    }
    default:
      return 0;
    }
  } else {
    using U = std::make_unsigned_t<T>;
    switch (k) {
    case BinaryKind::Add:
      return wrap<T>(static_cast<U>(U(a) + U(b)));
    case BinaryKind::Sub:
      return wrap<T>(static_cast<U>(U(a) - U(b)));
    case BinaryKind::Mul:
      return wrap<T>(static_cast<U>(U(a) * U(b)));
    case BinaryKind::Div:
      if (b == 0)
        return 0;
      if constexpr (std::is_signed_v<T>)
        if (b == -1)
          return wrap<T>(static_cast<U>(U(0) - U(a)));
      return a / b;
    case BinaryKind::Max:
      return a > b ? a : b;
    case BinaryKind::Min:
      return a < b ? a : b;
    case BinaryKind::Pow:
      return intPow(a, b);
    case BinaryKind::ShiftLeft:
    case BinaryKind::ShiftRight: {
      // Unsigned only (the check): a shift by the width or more gives 0.
      if (static_cast<U>(b) >= sizeof(T) * 8)
        return 0;
      return k == BinaryKind::ShiftLeft ? static_cast<T>(U(a) << U(b))
                                        : static_cast<T>(U(a) >> U(b));
    }
    case BinaryKind::Mod:
    case BinaryKind::FloorMod: {
      if (b == 0)
        return 0;
      T r = 0;
      if constexpr (std::is_signed_v<T>) {
        if (b != -1)
          r = a % b;
        if (k == BinaryKind::FloorMod && r != 0 && ((r < 0) != (b < 0)))
          r = static_cast<T>(r + b);
      } else {
        r = a % b;
      }
      return r;
    }
    default:
      return 0;
    }
  }
}

template <typename T> bool compare(BinaryKind k, T a, T b) {
  return k == BinaryKind::Equal  ? a == b
         : k == BinaryKind::Less ? a < b
                                 : a > b;
}

rt::Status check(const char *name, BinaryKind kind,
                 const std::vector<TensorDesc> &inputs,
                 const std::vector<TensorDesc> &outputs) {
  std::string op = name;
  if (inputs.size() != 2 || outputs.size() != 1)
    return hostError(op + " takes two inputs and gives one output");
  const TensorDesc &a = inputs[0], &b = inputs[1], &y = outputs[0];
  if (a.dtype != b.dtype)
    return hostError(op + "'s inputs differ in dtype (" +
                     std::string(rt::dtypeName(a.dtype)) + ", " +
                     std::string(rt::dtypeName(b.dtype)) + ")");
  rt::DType want = isComparison(kind) ? rt::DType::Bool : a.dtype;
  if (y.dtype != want)
    return hostError(op + "'s output must be " +
                     std::string(rt::dtypeName(want)));
  if (!hasNativeType(a.dtype) || a.dtype == rt::DType::Bool)
    return hostUnsupported(op + " on the host does not compute " +
                           std::string(rt::dtypeName(a.dtype)));
  bool isShift =
      kind == BinaryKind::ShiftLeft || kind == BinaryKind::ShiftRight;
  bool isUnsigned = a.dtype == rt::DType::U8 || a.dtype == rt::DType::U16 ||
                    a.dtype == rt::DType::U32 || a.dtype == rt::DType::U64;
  if (isShift && !isUnsigned)
    return hostUnsupported(op + " takes unsigned integers, not " +
                           std::string(rt::dtypeName(a.dtype)));
  if (!plainLayout(a) || !plainLayout(b) || !plainLayout(y))
    return hostUnsupported(op + " on the host needs plain layouts");
  if (!broadcastsTo(a.shape, y.shape) || !broadcastsTo(b.shape, y.shape))
    return hostError(op + "'s inputs do not broadcast to its output shape");
  return rt::Status::OK();
}

rt::Status run(BinaryKind kind, const rt::HostCallArgs &args) {
  const TensorDesc &a = (*args.inputDescs)[0], &b = (*args.inputDescs)[1],
                   &y = (*args.outputDescs)[0];
  size_t rank = y.shape.size();
  std::vector<int64_t> sa = broadcastStrides(a.shape, rank),
                       sb = broadcastStrides(b.shape, rank);
  int64_t n = rt::numElements(y.shape);
  visitNative(a.dtype, [&](auto zero) {
    using T = decltype(zero);
    const T *pa = static_cast<const T *>(args.inputs[0]);
    const T *pb = static_cast<const T *>(args.inputs[1]);
    std::vector<int64_t> index(rank, 0);
    int64_t ia = 0, ib = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (isComparison(kind))
        static_cast<uint8_t *>(args.outputs[0])[i] =
            compare(kind, pa[ia], pb[ib]);
      else
        static_cast<T *>(args.outputs[0])[i] = apply(kind, pa[ia], pb[ib]);
      // Odometer over the output index, moving both input offsets.
      for (size_t d = rank; d-- > 0;) {
        ia += sa[d];
        ib += sb[d];
        if (++index[d] < y.shape[d])
          break;
        ia -= sa[d] * y.shape[d];
        ib -= sb[d] * y.shape[d];
        index[d] = 0;
      }
    }
  });
  return rt::Status::OK();
}

} // namespace

#define GEFLOW_HOST_BINARY(type, kind)                                         \
  rt::Status hostCheck##type(const std::vector<TensorDesc> &inputs,            \
                             const std::vector<TensorDesc> &outputs,           \
                             const AttrMap &) {                                \
    return check(#type, BinaryKind::kind, inputs, outputs);                    \
  }                                                                            \
  rt::Status hostRun##type(const rt::HostCallArgs &args) {                     \
    return run(BinaryKind::kind, args);                                        \
  }

GEFLOW_HOST_BINARY(Add, Add)
GEFLOW_HOST_BINARY(Sub, Sub)
GEFLOW_HOST_BINARY(Mul, Mul)
GEFLOW_HOST_BINARY(RealDiv, Div)
GEFLOW_HOST_BINARY(Maximum, Max)
GEFLOW_HOST_BINARY(Minimum, Min)
GEFLOW_HOST_BINARY(Pow, Pow)
GEFLOW_HOST_BINARY(Mod, Mod)
GEFLOW_HOST_BINARY(FloorMod, FloorMod)
GEFLOW_HOST_BINARY(Equal, Equal)
GEFLOW_HOST_BINARY(Less, Less)
GEFLOW_HOST_BINARY(Greater, Greater)
#undef GEFLOW_HOST_BINARY

rt::Status hostCheckBitShift(const std::vector<TensorDesc> &inputs,
                             const std::vector<TensorDesc> &outputs,
                             const AttrMap &attrs) {
  std::string direction = attrs.getString("direction", "");
  if (direction != "LEFT" && direction != "RIGHT")
    return hostError("BitShift direction '" + direction +
                     "' is neither LEFT nor RIGHT");
  return check("BitShift",
               direction == "LEFT" ? BinaryKind::ShiftLeft
                                   : BinaryKind::ShiftRight,
               inputs, outputs);
}

rt::Status hostRunBitShift(const rt::HostCallArgs &args) {
  return run(args.attrs->getString("direction", "") == "LEFT"
                 ? BinaryKind::ShiftLeft
                 : BinaryKind::ShiftRight,
             args);
}

} // namespace geflow::kernels::host
