//===- GrpcCodec.cpp - KServe v2 gRPC messages <-> tensors ----------------===//
#include "GrpcCodec.h"

#include <cstring>

namespace geflow::serve {

namespace {

template <typename Field>
Status storeTyped(const Field &values, Tensor &t, int64_t count,
                  const std::string &where, const char *field) {
  if (int64_t(values.size()) != count)
    return invalidArgument(where + " has " + std::to_string(values.size()) +
                           " values in " + field + " but shape " +
                           shapeString(t.shape) + " takes " +
                           std::to_string(count));
  // Allocated only now that the request has paid for it with values.
  t.data.assign(size_t(count) * rt::dtypeSize(t.dtype), 0);
  std::string why;
  for (int64_t i = 0; i < count; ++i) {
    auto v = values.Get(int(i));
    bool integral = !std::is_floating_point<decltype(v)>::value;
    if (!storeElement(double(v), integral, integral ? int64_t(v) : 0, t.dtype,
                      t.data.data(), i, &why))
      return invalidArgument(where + " " + field + "[" + std::to_string(i) +
                             "] " + why);
  }
  return Status();
}

} // namespace

Result<InferRequest>
decodeGrpcInfer(const inference::ModelInferRequest &request,
                const Signature &signature) {
  InferRequest out;
  out.id = request.id();
  bool raw = request.raw_input_contents_size() > 0;
  if (raw && request.raw_input_contents_size() != request.inputs_size())
    return invalidArgument("raw_input_contents has " +
                           std::to_string(request.raw_input_contents_size()) +
                           " entries for " +
                           std::to_string(request.inputs_size()) + " inputs");
  std::vector<Tensor> given;
  for (int i = 0; i < request.inputs_size(); ++i) {
    const auto &in = request.inputs(i);
    Tensor t;
    t.name = in.name();
    std::string where = "input '" + t.name + "'";
    std::optional<rt::DType> dtype = parseKServeDType(in.datatype());
    if (!dtype)
      return invalidArgument(where + " has datatype '" + in.datatype() +
                             "', which geflow models do not take (FP32, FP16, "
                             "BF16, INT8, UINT8, INT32, INT64, BOOL, FP64, "
                             "INT16, UINT16, UINT32, UINT64)");
    t.dtype = *dtype;
    for (int64_t d : in.shape()) {
      if (d < 0)
        return invalidArgument(where + " has a negative dim in its shape");
      t.shape.push_back(d);
    }
    int64_t count = elementCount(t.shape);
    if (count < 0)
      return invalidArgument(where +
                             " has a shape too large: " + shapeString(t.shape));
    uint64_t bytes = uint64_t(count) * rt::dtypeSize(t.dtype);
    if (raw) {
      const std::string &data = request.raw_input_contents(i);
      if (data.size() != bytes)
        return invalidArgument(where + " has " + std::to_string(data.size()) +
                               " bytes of raw_input_contents but shape " +
                               shapeString(t.shape) + " of " + in.datatype() +
                               " takes " + std::to_string(bytes));
      t.data.assign(data.begin(), data.end());
      Status bools = checkRawBools(t, where);
      if (!bools.ok())
        return bools;
      given.push_back(std::move(t));
      continue;
    }
    const inference::InferTensorContents &c = in.contents();
    Status st;
    switch (t.dtype) {
    case rt::DType::F32:
      st = storeTyped(c.fp32_contents(), t, count, where, "fp32_contents");
      break;
    case rt::DType::I8:
    case rt::DType::I16:
    case rt::DType::I32:
      st = storeTyped(c.int_contents(), t, count, where, "int_contents");
      break;
    case rt::DType::U8:
    case rt::DType::U16:
    case rt::DType::U32:
      st = storeTyped(c.uint_contents(), t, count, where, "uint_contents");
      break;
    case rt::DType::F64:
      st = storeTyped(c.fp64_contents(), t, count, where, "fp64_contents");
      break;
    case rt::DType::U64:
      st = storeTyped(c.uint64_contents(), t, count, where, "uint64_contents");
      break;
    case rt::DType::I64:
      st = storeTyped(c.int64_contents(), t, count, where, "int64_contents");
      break;
    case rt::DType::Bool:
      st = storeTyped(c.bool_contents(), t, count, where, "bool_contents");
      break;
    case rt::DType::String: // no served model has string inputs
    case rt::DType::F16:
    case rt::DType::BF16:
      st = invalidArgument(where + " is " + in.datatype() +
                           ", which has no typed contents field: send it in "
                           "raw_input_contents");
      break;
    }
    if (!st.ok())
      return st;
    given.push_back(std::move(t));
  }
  Result<std::vector<Tensor>> ordered =
      orderInputs(std::move(given), signature);
  if (!ordered.ok())
    return ordered.status();
  out.inputs = std::move(*ordered);
  std::vector<std::pair<std::string, bool>> requested;
  for (const auto &o : request.outputs())
    requested.emplace_back(o.name(), true);
  Result<std::vector<RequestedOutput>> resolved =
      resolveOutputs(requested, true, signature);
  if (!resolved.ok())
    return resolved.status();
  out.outputs = std::move(*resolved);
  return out;
}

void encodeGrpcInfer(const std::string &modelName, int64_t version,
                     const std::string &id, const std::vector<Tensor> &outputs,
                     const std::vector<RequestedOutput> &requested,
                     inference::ModelInferResponse *response) {
  response->set_model_name(modelName);
  response->set_model_version(std::to_string(version));
  response->set_id(id);
  for (const RequestedOutput &r : requested) {
    const Tensor &t = outputs[r.index];
    auto *o = response->add_outputs();
    o->set_name(t.name);
    o->set_datatype(std::string(kserveDTypeName(t.dtype)));
    for (int64_t d : t.shape)
      o->add_shape(d);
    response->add_raw_output_contents(std::string(
        reinterpret_cast<const char *>(t.data.data()), t.data.size()));
  }
}

} // namespace geflow::serve
