//===- unary.cpp - Elementwise unary ops on the host CPU engine -----------===//
//
// GE Exp, Log, Sqrt, Reciprocal, Floor, Ceil, Sin, Cos, Tanh, Erf (floats)
// and Neg, Abs (floats and integers, integers wrapping) in the dtype
// itself: f64 and the other host-engine dtypes the device lacks.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/typed.h"

#include <cmath>

namespace geflow::kernels::host {

namespace {

enum class UnaryKind {
  Exp,
  Log,
  Sqrt,
  Reciprocal,
  Floor,
  Ceil,
  Sin,
  Cos,
  Tanh,
  Erf,
  Neg,
  Abs
};

bool acceptsIntegers(UnaryKind k) {
  return k == UnaryKind::Neg || k == UnaryKind::Abs;
}

template <typename T> T apply(UnaryKind k, T x) {
  if constexpr (std::is_floating_point_v<T>) {
    switch (k) {
    case UnaryKind::Exp:
      return std::exp(x);
    case UnaryKind::Log:
      return std::log(x);
    case UnaryKind::Sqrt:
      return std::sqrt(x);
    case UnaryKind::Reciprocal:
      return T(1) / x;
    case UnaryKind::Floor:
      return std::floor(x);
    case UnaryKind::Ceil:
      return std::ceil(x);
    case UnaryKind::Sin:
      return std::sin(x);
    case UnaryKind::Cos:
      return std::cos(x);
    case UnaryKind::Tanh:
      return std::tanh(x);
    case UnaryKind::Erf:
      return std::erf(x);
    case UnaryKind::Neg:
      return -x;
    case UnaryKind::Abs:
      return std::fabs(x);
    }
    return x;
  } else {
    using U = std::make_unsigned_t<T>;
    U negated = static_cast<U>(U(0) - U(x));
    if (k == UnaryKind::Neg)
      return static_cast<T>(negated);
    if constexpr (std::is_signed_v<T>)
      return x < 0 ? static_cast<T>(negated) : x;
    return x;
  }
}

rt::Status check(const char *name, UnaryKind kind,
                 const std::vector<TensorDesc> &inputs,
                 const std::vector<TensorDesc> &outputs) {
  std::string op = name;
  if (inputs.size() != 1 || outputs.size() != 1)
    return hostError(op + " takes one input and gives one output");
  const TensorDesc &x = inputs[0], &y = outputs[0];
  if (x.dtype != y.dtype || x.shape != y.shape)
    return hostError(op + "'s output must have its input's dtype and shape");
  bool isFloat = x.dtype == rt::DType::F32 || x.dtype == rt::DType::F64;
  if (!hasNativeType(x.dtype) || x.dtype == rt::DType::Bool ||
      (!isFloat && !acceptsIntegers(kind)))
    return hostUnsupported(op + " on the host does not compute " +
                           std::string(rt::dtypeName(x.dtype)));
  if (!plainLayout(x))
    return hostUnsupported(op + " on the host needs a plain layout");
  return rt::Status::OK();
}

rt::Status run(UnaryKind kind, const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  int64_t n = rt::numElements(x.shape);
  visitNative(x.dtype, [&](auto zero) {
    using T = decltype(zero);
    const T *in = static_cast<const T *>(args.inputs[0]);
    T *out = static_cast<T *>(args.outputs[0]);
    for (int64_t i = 0; i < n; ++i)
      out[i] = apply(kind, in[i]);
  });
  return rt::Status::OK();
}

} // namespace

#define GEFLOW_HOST_UNARY(type)                                                \
  rt::Status hostCheck##type(const std::vector<TensorDesc> &inputs,            \
                             const std::vector<TensorDesc> &outputs,           \
                             const AttrMap &) {                                \
    return check(#type, UnaryKind::type, inputs, outputs);                     \
  }                                                                            \
  rt::Status hostRun##type(const rt::HostCallArgs &args) {                     \
    return run(UnaryKind::type, args);                                         \
  }

GEFLOW_HOST_UNARY(Exp)
GEFLOW_HOST_UNARY(Log)
GEFLOW_HOST_UNARY(Sqrt)
GEFLOW_HOST_UNARY(Reciprocal)
GEFLOW_HOST_UNARY(Floor)
GEFLOW_HOST_UNARY(Ceil)
GEFLOW_HOST_UNARY(Sin)
GEFLOW_HOST_UNARY(Cos)
GEFLOW_HOST_UNARY(Tanh)
GEFLOW_HOST_UNARY(Erf)
GEFLOW_HOST_UNARY(Neg)
GEFLOW_HOST_UNARY(Abs)
#undef GEFLOW_HOST_UNARY

} // namespace geflow::kernels::host
