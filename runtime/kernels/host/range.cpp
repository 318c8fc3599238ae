//===- range.cpp - Range on the host CPU engine ---------------------------===//
//
// GE Range (ONNX Range whose bounds are computed at run time): the
// max(0, ceil((limit - start) / delta)) values start + i * delta, in the
// scalars' type: integers exactly, floats computed in double and rounded
// once. The count must be the compiled output length.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/typed.h"
#include "kernels/host/value_shaped.h"

#include <climits>
#include <cmath>
#include <type_traits>

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "Range";

template <typename T>
rt::Status fill(const rt::HostCallArgs &args, const TensorDesc &y) {
  T start = *static_cast<const T *>(args.inputs[0]);
  T limit = *static_cast<const T *>(args.inputs[1]);
  T delta = *static_cast<const T *>(args.inputs[2]);
  if (delta == T(0))
    return invalid("Range's delta is 0");
  double steps = std::ceil((double(limit) - double(start)) / double(delta));
  if constexpr (std::is_integral_v<T>) {
    // Exact for integers: the ceiling of (limit - start) / delta.
    int64_t span = 0;
    if (!__builtin_sub_overflow(int64_t(limit), int64_t(start), &span) &&
        !(span == INT64_MIN && delta == T(-1))) {
      int64_t q = span / int64_t(delta);
      if (q * int64_t(delta) != span && ((span > 0) == (delta > 0)))
        ++q;
      steps = static_cast<double>(q);
    }
  }
  // NaN bounds give no values; a huge count saturates (and mismatches).
  int64_t count =
      steps > 0 ? (steps < 9.0e18 ? static_cast<int64_t>(steps) : INT64_MAX)
                : 0;
  if (rt::Status st = checkOutputShape(kOp, 0, y, {count}); !st.ok())
    return st;
  T *out = static_cast<T *>(args.outputs[0]);
  for (int64_t i = 0; i < count; ++i) {
    if constexpr (std::is_integral_v<T>)
      out[i] = static_cast<T>(start + static_cast<T>(i) * delta);
    else
      out[i] = static_cast<T>(double(start) + double(i) * double(delta));
  }
  return rt::Status::OK();
}
} // namespace

rt::Status hostCheckRange(const std::vector<TensorDesc> &inputs,
                          const std::vector<TensorDesc> &outputs,
                          const AttrMap &) {
  if (inputs.size() != 3 || outputs.size() != 1)
    return invalid("Range takes start, limit and delta and gives one output");
  const TensorDesc &y = outputs[0];
  for (const TensorDesc &s : inputs)
    if (s.dtype != y.dtype || numElements(s.shape) != 1 || s.shape.size() > 1)
      return invalid("Range's start, limit and delta must be scalars of the "
                     "output's type");
  switch (y.dtype) {
  case rt::DType::F32:
  case rt::DType::F64:
  case rt::DType::I16:
  case rt::DType::I32:
  case rt::DType::I64:
    break;
  default:
    return unsupported("Range on the host supports f32, f64, i16, i32 and "
                       "i64, not " +
                       std::string(rt::dtypeName(y.dtype)));
  }
  if (y.shape.size() != 1)
    return invalid("Range's output must be 1-D");
  return requirePlain(kOp, {y});
}

rt::Status hostRunRange(const rt::HostCallArgs &args) {
  const TensorDesc &y = (*args.outputDescs)[0];
  switch (y.dtype) {
  case rt::DType::F32:
    return fill<float>(args, y);
  case rt::DType::F64:
    return fill<double>(args, y);
  case rt::DType::I16:
    return fill<int16_t>(args, y);
  case rt::DType::I32:
    return fill<int32_t>(args, y);
  default:
    return fill<int64_t>(args, y);
  }
}

} // namespace geflow::kernels::host
