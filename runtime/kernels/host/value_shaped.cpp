//===- value_shaped.cpp - Helpers of host kernels with value-given shapes -===//
#include "kernels/host/value_shaped.h"

#include "geflow/runtime/Half.h"

#include <cmath>

namespace geflow::kernels::host {

rt::Status invalid(const std::string &message) {
  return rt::Status(rt::ErrorCode::kInvalidArgument, message);
}

rt::Status unsupported(const std::string &message) {
  return rt::Status(rt::ErrorCode::kUnsupported, message);
}

int64_t numElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

bool isPlainFormat(rt::Format f) {
  return f == rt::Format::ND || f == rt::Format::NCHW || f == rt::Format::NHWC;
}

bool isIndexType(rt::DType t) {
  return t == rt::DType::I32 || t == rt::DType::I64;
}

rt::Status requirePlain(const char *op, const std::vector<TensorDesc> &descs) {
  for (const TensorDesc &d : descs)
    if (!isPlainFormat(d.format))
      return unsupported(std::string(op) + " on the host needs plain layouts");
  return rt::Status::OK();
}

rt::Status requireIndexVector(const char *op, const TensorDesc &desc,
                              const char *what) {
  if (!isIndexType(desc.dtype) || desc.shape.size() > 1)
    return invalid(std::string(op) + "'s " + what +
                   " must be an int32 or int64 scalar or 1-D tensor, not " +
                   std::string(rt::dtypeName(desc.dtype)) + " " +
                   shapeText(desc.shape));
  return rt::Status::OK();
}

std::vector<int64_t> readIndices(const void *data, const TensorDesc &desc) {
  std::vector<int64_t> values(numElements(desc.shape));
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = desc.dtype == rt::DType::I32
                    ? static_cast<const int32_t *>(data)[i]
                    : static_cast<const int64_t *>(data)[i];
  return values;
}

rt::Status checkOutputShape(const char *op, size_t index,
                            const TensorDesc &planned,
                            const std::vector<int64_t> &shape) {
  if (shape == planned.shape)
    return rt::Status::OK();
  return invalid(std::string(op) + ": the input values give output " +
                 std::to_string(index) + " the shape " + shapeText(shape) +
                 ", but the program was compiled for " +
                 shapeText(planned.shape) +
                 " (the shape the model declares; compiled programs have "
                 "static shapes)");
}

std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    strides[d - 1] = strides[d] * shape[d];
  return strides;
}

double loadAsDouble(rt::DType t, const void *data, int64_t i) {
  return rt::elementAsDouble(t, data, static_cast<size_t>(i));
}

int compareElements(rt::DType t, const void *data, int64_t a, int64_t b) {
  auto threeWay = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (t == rt::DType::I64)
    return threeWay(static_cast<const int64_t *>(data)[a],
                    static_cast<const int64_t *>(data)[b]);
  if (t == rt::DType::U64)
    return threeWay(static_cast<const uint64_t *>(data)[a],
                    static_cast<const uint64_t *>(data)[b]);
  double x = loadAsDouble(t, data, a), y = loadAsDouble(t, data, b);
  if (std::isnan(x) || std::isnan(y))
    return threeWay(std::isnan(x), std::isnan(y));
  return threeWay(x, y);
}

void storeFromDouble(rt::DType t, void *data, int64_t i, double v) {
  if (t == rt::DType::F32)
    static_cast<float *>(data)[i] = static_cast<float>(v);
  else if (t == rt::DType::F64)
    static_cast<double *>(data)[i] = v;
  else if (t == rt::DType::F16)
    static_cast<uint16_t *>(data)[i] = rt::floatToHalf(static_cast<float>(v));
  else if (t == rt::DType::BF16)
    static_cast<uint16_t *>(data)[i] = rt::floatToBf16(static_cast<float>(v));
  else if (t == rt::DType::I8)
    static_cast<int8_t *>(data)[i] = static_cast<int8_t>(v);
  else if (t == rt::DType::U8 || t == rt::DType::Bool)
    static_cast<uint8_t *>(data)[i] = static_cast<uint8_t>(v);
  else if (t == rt::DType::I32)
    static_cast<int32_t *>(data)[i] = static_cast<int32_t>(v);
  else if (t == rt::DType::I64)
    static_cast<int64_t *>(data)[i] = static_cast<int64_t>(v);
  else if (t == rt::DType::I16)
    static_cast<int16_t *>(data)[i] = static_cast<int16_t>(v);
  else if (t == rt::DType::U16)
    static_cast<uint16_t *>(data)[i] = static_cast<uint16_t>(v);
  else if (t == rt::DType::U32)
    static_cast<uint32_t *>(data)[i] = static_cast<uint32_t>(v);
  else if (t == rt::DType::U64)
    static_cast<uint64_t *>(data)[i] = static_cast<uint64_t>(v);
}

} // namespace geflow::kernels::host
