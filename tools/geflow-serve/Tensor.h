//===- Tensor.h - Request and answer tensors of geflow-serve ----*- C++ -*-===//
//
// What the protocol decoders produce and the encoders consume: a named,
// typed, shaped tensor in row-major little-endian bytes, and a model's
// signature as the protocols describe it (dtype names of TF Serving and of
// the Open Inference Protocol, -1 for a dim that varies).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_TENSOR_H
#define GEFLOW_SERVE_TENSOR_H

#include "ServeStatus.h"

#include "geflow/runtime/Types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace geflow::serve {

struct Tensor {
  std::string name;
  rt::DType dtype = rt::DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
};

/// A signature entry; -1 marks a dim that varies (geared or ranged).
struct TensorSpec {
  std::string name;
  rt::DType dtype = rt::DType::F32;
  std::vector<int64_t> shape;
};

struct Signature {
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
};

/// KServe v2 datatype names: "FP32", "FP16", "BF16", "INT8", "UINT8",
/// "INT32", "INT64", "BOOL".
std::string_view kserveDTypeName(rt::DType dtype);
std::optional<rt::DType> parseKServeDType(std::string_view name);
/// TensorFlow's names for the metadata answer: "DT_FLOAT", ...
std::string_view tfDTypeName(rt::DType dtype);

/// Elements of `shape` or -1 when a dim is negative or the count overflows
/// `limit`.
int64_t elementCount(const std::vector<int64_t> &shape,
                     int64_t limit = int64_t(1) << 40);

/// "[1,3,32,32]".
std::string shapeString(const std::vector<int64_t> &shape);

/// Stores the JSON number (or boolean) `value` as element `index` of a
/// tensor of `dtype` in `data`. An integer dtype takes only integral values
/// in its range, BOOL only 0/1 (or true/false); the error says why not.
bool storeElement(double value, bool isInteger, int64_t integer,
                  rt::DType dtype, uint8_t *data, int64_t index,
                  std::string *why);

/// Appends element `index` of `data` as JSON text: floats with the digits
/// that read back to the same value (9 significant for float32), integers
/// exactly, BOOL as true/false, NaN/Infinity as TF Serving writes them.
void appendElementJson(std::string &out, rt::DType dtype, const uint8_t *data,
                       int64_t index);

/// A BOOL tensor given as raw bytes (binary extension, raw_input_contents)
/// must hold only 0 and 1, as the runtime's bool elements do; other dtypes
/// pass. `where` names the tensor in the message.
Status checkRawBools(const Tensor &tensor, std::string_view where);

/// Checks `tensor` against the signature entry: dtype, rank and every dim
/// the signature fixes. `where` names the tensor in the message.
Status checkAgainstSpec(const Tensor &tensor, const TensorSpec &spec,
                        std::string_view where);

} // namespace geflow::serve

namespace geflow::serve {

/// The request's named tensors in the model's input order: every name
/// known, none twice, none missing, each matching its signature entry.
Result<std::vector<Tensor>> orderInputs(std::vector<Tensor> given,
                                        const Signature &signature);

/// An output a KServe client asked for (none asked: every output).
struct RequestedOutput {
  size_t index = 0; // in the model's output order
  bool binary = false;
};

/// Resolves requested output names against the signature.
Result<std::vector<RequestedOutput>>
resolveOutputs(const std::vector<std::pair<std::string, bool>> &requested,
               bool binaryByDefault, const Signature &signature);

} // namespace geflow::serve

#endif // GEFLOW_SERVE_TENSOR_H
