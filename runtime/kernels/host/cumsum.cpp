//===- cumsum.cpp - Cumsum on the host CPU engine -------------------------===//
//
// ONNX CumSum / GE Cumsum: running sums along `axis`, `exclusive` leaving
// the current element out, `reverse` summing from the end. The device
// kernel library has no scan kernel, so mixed compute runs it here. Sums
// run in element order, in the dtype itself for f32/f64/i32/i64/u32/u64
// (as NumPy's cumsum does; unsigned sums wrap) and in f32 for f16/bf16,
// rounded once per output. The axis is the `axis` attribute or, when the
// op has a second input, that int32/int64 scalar read at run time (in
// [-rank, rank), as ONNX allows).
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include "geflow/runtime/Half.h"

#include <cstdint>

namespace geflow::kernels::host {

namespace {

struct Scan {
  int64_t outer = 1, length = 1, inner = 1;
  bool exclusive = false, reverse = false;
};

template <typename T, typename Acc, typename Load, typename Store>
void scan(const Scan &s, const T *x, T *y, Load load, Store store) {
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t i = 0; i < s.inner; ++i) {
      Acc sum = Acc(0);
      for (int64_t k = 0; k < s.length; ++k) {
        int64_t pos = s.reverse ? s.length - 1 - k : k;
        int64_t at = (o * s.length + pos) * s.inner + i;
        Acc v = load(x[at]);
        if (s.exclusive) {
          y[at] = store(sum);
          sum += v;
        } else {
          sum += v;
          y[at] = store(sum);
        }
      }
    }
}

template <typename T> void scanSame(const Scan &s, const void *x, void *y) {
  scan<T, T>(
      s, static_cast<const T *>(x), static_cast<T *>(y), [](T v) { return v; },
      [](T v) { return v; });
}

} // namespace

rt::Status hostCheckCumsum(const std::vector<TensorDesc> &inputs,
                           const std::vector<TensorDesc> &outputs,
                           const AttrMap &attrs) {
  if (inputs.empty() || inputs.size() > 2 || outputs.size() != 1)
    return invalid("Cumsum takes x (and optionally its axis) and gives one "
                   "output");
  const TensorDesc &x = inputs[0], &y = outputs[0];
  if (x.dtype != y.dtype || x.shape != y.shape)
    return rt::Status(rt::ErrorCode::kInvalidArgument,
                      "Cumsum's output must have its input's dtype and shape");
  switch (x.dtype) {
  case rt::DType::F32:
  case rt::DType::F16:
  case rt::DType::BF16:
  case rt::DType::I32:
  case rt::DType::I64:
  case rt::DType::F64:
  case rt::DType::U32:
  case rt::DType::U64:
    break;
  default:
    return rt::Status(rt::ErrorCode::kUnsupported,
                      "Cumsum on the host supports f32, f64, f16, bf16, i32, "
                      "i64, u32 and u64, not " +
                          std::string(rt::dtypeName(x.dtype)));
  }
  if (x.format != rt::Format::ND && x.format != rt::Format::NCHW &&
      x.format != rt::Format::NHWC)
    return rt::Status(rt::ErrorCode::kUnsupported,
                      "Cumsum on the host needs a plain layout");
  if (inputs.size() == 2) {
    const TensorDesc &axis = inputs[1];
    if (!isIndexType(axis.dtype) || numElements(axis.shape) != 1)
      return invalid("Cumsum's axis input must be an int32 or int64 scalar, "
                     "not " +
                     std::string(rt::dtypeName(axis.dtype)) + " " +
                     shapeText(axis.shape));
    return rt::Status::OK();
  }
  int64_t axis = attrs.getInt("axis", -1);
  if (axis < 0 || axis >= static_cast<int64_t>(x.shape.size()))
    return rt::Status(rt::ErrorCode::kInvalidArgument,
                      "Cumsum axis " + std::to_string(axis) +
                          " is outside a tensor of rank " +
                          std::to_string(x.shape.size()));
  return rt::Status::OK();
}

rt::Status hostRunCumsum(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  Scan s;
  int64_t rank = static_cast<int64_t>(x.shape.size());
  int64_t axisValue = args.attrs->getInt("axis", 0);
  if (args.numInputs == 2) {
    int64_t given = readIndices(args.inputs[1], (*args.inputDescs)[1]).front();
    axisValue = given < 0 ? given + rank : given;
    if (axisValue < 0 || axisValue >= rank)
      return invalid("Cumsum: axis " + std::to_string(given) +
                     " is outside [-" + std::to_string(rank) + ", " +
                     std::to_string(rank) + "), the dims of a tensor of rank " +
                     std::to_string(rank));
  }
  auto axis = static_cast<size_t>(axisValue);
  for (size_t d = 0; d < x.shape.size(); ++d)
    (d < axis ? s.outer : d == axis ? s.length : s.inner) *= x.shape[d];
  s.exclusive = args.attrs->getInt("exclusive", 0) != 0;
  s.reverse = args.attrs->getInt("reverse", 0) != 0;
  const void *in = args.inputs[0];
  void *out = args.outputs[0];
  switch (x.dtype) {
  case rt::DType::F32:
    scanSame<float>(s, in, out);
    break;
  case rt::DType::I32:
    scanSame<int32_t>(s, in, out);
    break;
  case rt::DType::I64:
    // Wrapping like NumPy, without signed overflow.
    scan<int64_t, uint64_t>(
        s, static_cast<const int64_t *>(in), static_cast<int64_t *>(out),
        [](int64_t v) { return static_cast<uint64_t>(v); },
        [](uint64_t v) { return static_cast<int64_t>(v); });
    break;
  case rt::DType::F64:
    scanSame<double>(s, in, out);
    break;
  case rt::DType::U32:
    scanSame<uint32_t>(s, in, out);
    break;
  case rt::DType::U64:
    scanSame<uint64_t>(s, in, out);
    break;
  case rt::DType::F16:
    scan<uint16_t, float>(
        s, static_cast<const uint16_t *>(in), static_cast<uint16_t *>(out),
        [](uint16_t v) { return rt::halfToFloat(v); },
        [](float v) { return rt::floatToHalf(v); });
    break;
  case rt::DType::BF16:
    scan<uint16_t, float>(
        s, static_cast<const uint16_t *>(in), static_cast<uint16_t *>(out),
        [](uint16_t v) { return rt::bf16ToFloat(v); },
        [](float v) { return rt::floatToBf16(v); });
    break;
  default:
    return rt::Status(rt::ErrorCode::kUnsupported, "Cumsum: unchecked dtype");
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
