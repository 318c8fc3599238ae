//===- Tensor.cpp - Request and answer tensors of geflow-serve ------------===//
#include "Tensor.h"

#include "geflow/runtime/Half.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace geflow::serve {

using rt::DType;

std::string_view kserveDTypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "FP32";
  case DType::F16:
    return "FP16";
  case DType::BF16:
    return "BF16";
  case DType::I8:
    return "INT8";
  case DType::U8:
    return "UINT8";
  case DType::I32:
    return "INT32";
  case DType::I64:
    return "INT64";
  case DType::Bool:
    return "BOOL";
  case DType::F64:
    return "FP64";
  case DType::I16:
    return "INT16";
  case DType::U16:
    return "UINT16";
  case DType::U32:
    return "UINT32";
  case DType::U64:
    return "UINT64";
  case DType::String:
    return "BYTES";
  }
  return "INVALID";
}

std::optional<DType> parseKServeDType(std::string_view name) {
  for (int i = 0; i < rt::kNumDTypes; ++i)
    if (DType(i) != DType::String && kserveDTypeName(DType(i)) == name)
      return DType(i);
  return std::nullopt;
}

std::string_view tfDTypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "DT_FLOAT";
  case DType::F16:
    return "DT_HALF";
  case DType::BF16:
    return "DT_BFLOAT16";
  case DType::I8:
    return "DT_INT8";
  case DType::U8:
    return "DT_UINT8";
  case DType::I32:
    return "DT_INT32";
  case DType::I64:
    return "DT_INT64";
  case DType::Bool:
    return "DT_BOOL";
  case DType::F64:
    return "DT_DOUBLE";
  case DType::I16:
    return "DT_INT16";
  case DType::U16:
    return "DT_UINT16";
  case DType::U32:
    return "DT_UINT32";
  case DType::U64:
    return "DT_UINT64";
  case DType::String:
    return "DT_STRING";
  }
  return "DT_INVALID";
}

int64_t elementCount(const std::vector<int64_t> &shape, int64_t limit) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return -1;
    if (d != 0 && n > limit / d)
      return -1;
    n *= d;
  }
  return n;
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

namespace {

template <typename T>
bool storeInteger(double value, bool isInteger, int64_t integer, uint8_t *data,
                  int64_t index, std::string *why) {
  if (!isInteger) {
    if (std::floor(value) != value || std::fabs(value) > 9.0e15) {
      *why = "is not an integer";
      return false;
    }
    integer = int64_t(value);
  }
  if (integer < int64_t(std::numeric_limits<T>::min()) ||
      integer > int64_t(std::numeric_limits<T>::max())) {
    *why = "is out of the range of the dtype";
    return false;
  }
  T v = T(integer);
  std::memcpy(data + index * sizeof(T), &v, sizeof(T));
  return true;
}

} // namespace

bool storeElement(double value, bool isInteger, int64_t integer, DType dtype,
                  uint8_t *data, int64_t index, std::string *why) {
  if (isInteger)
    value = double(integer);
  switch (dtype) {
  case DType::F32: {
    float f = float(value);
    std::memcpy(data + index * 4, &f, 4);
    return true;
  }
  case DType::F16: {
    uint16_t h = rt::floatToHalf(float(value));
    std::memcpy(data + index * 2, &h, 2);
    return true;
  }
  case DType::BF16: {
    uint16_t h = rt::floatToBf16(float(value));
    std::memcpy(data + index * 2, &h, 2);
    return true;
  }
  case DType::I8:
    return storeInteger<int8_t>(value, isInteger, integer, data, index, why);
  case DType::U8:
    return storeInteger<uint8_t>(value, isInteger, integer, data, index, why);
  case DType::I32:
    return storeInteger<int32_t>(value, isInteger, integer, data, index, why);
  case DType::I64:
    return storeInteger<int64_t>(value, isInteger, integer, data, index, why);
  case DType::Bool:
    if (value != 0 && value != 1) {
      *why = "is not a boolean (true, false, 0 or 1)";
      return false;
    }
    data[index] = value != 0;
    return true;
  case DType::F64:
    std::memcpy(data + index * 8, &value, 8);
    return true;
  case DType::I16:
    return storeInteger<int16_t>(value, isInteger, integer, data, index, why);
  case DType::U16:
    return storeInteger<uint16_t>(value, isInteger, integer, data, index, why);
  case DType::U32:
    return storeInteger<uint32_t>(value, isInteger, integer, data, index, why);
  case DType::U64: {
    // JSON integers arrive as int64: uint64 values up to INT64_MAX.
    if (!storeInteger<int64_t>(value, isInteger, integer, data, index, why))
      return false;
    int64_t v;
    std::memcpy(&v, data + index * 8, 8);
    if (v < 0) {
      *why = "is out of the range of the dtype";
      return false;
    }
    return true;
  }
  case DType::String: // models with string tensors are not served
    *why = "is a string, which geflow-serve does not serve";
    return false;
  }
  *why = "has an unknown dtype";
  return false;
}

static void appendFloat(std::string &out, double v, int digits) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "Infinity" : "-Infinity";
    return;
  }
  char buf[40];
  int n = std::snprintf(buf, sizeof(buf), "%.*g", digits, v);
  out.append(buf, size_t(n));
}

void appendElementJson(std::string &out, DType dtype, const uint8_t *data,
                       int64_t index) {
  char buf[32];
  switch (dtype) {
  case DType::F32: {
    float f;
    std::memcpy(&f, data + index * 4, 4);
    appendFloat(out, f, 9);
    return;
  }
  case DType::F16:
  case DType::BF16: {
    uint16_t h;
    std::memcpy(&h, data + index * 2, 2);
    float f = dtype == DType::F16 ? rt::halfToFloat(h) : rt::bf16ToFloat(h);
    appendFloat(out, f, 9);
    return;
  }
  case DType::I8:
    out += std::to_string(int8_t(data[index]));
    return;
  case DType::U8:
    out += std::to_string(data[index]);
    return;
  case DType::I32: {
    int32_t v;
    std::memcpy(&v, data + index * 4, 4);
    out += std::to_string(v);
    return;
  }
  case DType::I64: {
    int64_t v;
    std::memcpy(&v, data + index * 8, 8);
    int n = std::snprintf(buf, sizeof(buf), "%" PRId64, v);
    out.append(buf, size_t(n));
    return;
  }
  case DType::Bool:
    out += data[index] ? "true" : "false";
    return;
  case DType::F64: {
    double d;
    std::memcpy(&d, data + index * 8, 8);
    appendFloat(out, d, 17);
    return;
  }
  case DType::I16: {
    int16_t v;
    std::memcpy(&v, data + index * 2, 2);
    out += std::to_string(v);
    return;
  }
  case DType::U16: {
    uint16_t v;
    std::memcpy(&v, data + index * 2, 2);
    out += std::to_string(v);
    return;
  }
  case DType::U32: {
    uint32_t v;
    std::memcpy(&v, data + index * 4, 4);
    out += std::to_string(v);
    return;
  }
  case DType::U64: {
    uint64_t v;
    std::memcpy(&v, data + index * 8, 8);
    out += std::to_string(v);
    return;
  }
  case DType::String: // models with string tensors are not served
    out += "null";
    return;
  }
}

Status checkRawBools(const Tensor &tensor, std::string_view where) {
  if (tensor.dtype != rt::DType::Bool)
    return Status();
  for (size_t i = 0; i < tensor.data.size(); ++i)
    if (tensor.data[i] > 1)
      return invalidArgument(std::string(where) + " is BOOL but its byte " +
                             std::to_string(i) + " is " +
                             std::to_string(tensor.data[i]) +
                             " (BOOL elements are 0 or 1)");
  return Status();
}

Status checkAgainstSpec(const Tensor &tensor, const TensorSpec &spec,
                        std::string_view where) {
  std::string what(where);
  if (tensor.dtype != spec.dtype)
    return invalidArgument(what + " has dtype " +
                           std::string(kserveDTypeName(tensor.dtype)) +
                           " but the model's input '" + spec.name + "' is " +
                           std::string(kserveDTypeName(spec.dtype)));
  bool fits = tensor.shape.size() == spec.shape.size();
  for (size_t i = 0; fits && i < spec.shape.size(); ++i)
    fits = spec.shape[i] < 0 || spec.shape[i] == tensor.shape[i];
  if (!fits)
    return invalidArgument(what + " has shape " + shapeString(tensor.shape) +
                           " but the model's input '" + spec.name + "' takes " +
                           shapeString(spec.shape) + " (-1: any size)");
  return Status();
}

} // namespace geflow::serve

namespace geflow::serve {

static std::string namesOf(const std::vector<TensorSpec> &specs) {
  std::string names;
  for (const TensorSpec &spec : specs)
    names += (names.empty() ? "'" : ", '") + spec.name + "'";
  return names;
}

Result<std::vector<Tensor>> orderInputs(std::vector<Tensor> given,
                                        const Signature &signature) {
  std::vector<Tensor> ordered(signature.inputs.size());
  std::vector<bool> seen(signature.inputs.size(), false);
  for (Tensor &t : given) {
    size_t i = 0;
    while (i < signature.inputs.size() && signature.inputs[i].name != t.name)
      ++i;
    if (i == signature.inputs.size())
      return invalidArgument("unknown input '" + t.name +
                             "': the model's inputs are " +
                             namesOf(signature.inputs));
    if (seen[i])
      return invalidArgument("input '" + t.name + "' is given twice");
    Status st =
        checkAgainstSpec(t, signature.inputs[i], "input '" + t.name + "'");
    if (!st.ok())
      return st;
    seen[i] = true;
    ordered[i] = std::move(t);
  }
  for (size_t i = 0; i < seen.size(); ++i)
    if (!seen[i])
      return invalidArgument("input '" + signature.inputs[i].name +
                             "' is missing");
  return ordered;
}

Result<std::vector<RequestedOutput>>
resolveOutputs(const std::vector<std::pair<std::string, bool>> &requested,
               bool binaryByDefault, const Signature &signature) {
  std::vector<RequestedOutput> out;
  if (requested.empty()) {
    for (size_t i = 0; i < signature.outputs.size(); ++i)
      out.push_back({i, binaryByDefault});
    return out;
  }
  for (const auto &[name, binary] : requested) {
    size_t i = 0;
    while (i < signature.outputs.size() && signature.outputs[i].name != name)
      ++i;
    if (i == signature.outputs.size())
      return invalidArgument("unknown output '" + name +
                             "': the model's outputs are " +
                             namesOf(signature.outputs));
    out.push_back({i, binary});
  }
  return out;
}

} // namespace geflow::serve
