//===- KServeCodec.cpp - Open Inference Protocol (KServe v2) REST ---------===//
#include "KServeCodec.h"

#include "JsonTensor.h"

#include <cstring>

namespace geflow::serve {

namespace json = llvm::json;

namespace {

/// A parameter that must be a boolean when present.
Result<std::optional<bool>> boolParameter(const json::Object *parameters,
                                          llvm::StringRef key,
                                          const std::string &where) {
  if (!parameters)
    return std::optional<bool>();
  const json::Value *v = parameters->get(key);
  if (!v)
    return std::optional<bool>();
  std::optional<bool> b = v->getAsBoolean();
  if (!b)
    return invalidArgument(where + " parameter '" + key.str() +
                           "' must be true or false");
  return std::optional<bool>(*b);
}

const json::Object *parametersOf(const json::Object &object,
                                 const std::string &where, Status *error) {
  const json::Value *v = object.get("parameters");
  if (!v)
    return nullptr;
  const json::Object *p = v->getAsObject();
  if (!p)
    *error = invalidArgument(where + " 'parameters' must be an object");
  return p;
}

/// One entry of "inputs": its tensor, reading binary data from `binary`
/// (advanced past it) when the entry has binary_data_size.
Result<Tensor> decodeInput(const json::Value &entry, size_t position,
                           std::string_view *binary, bool haveBinary,
                           const Signature &signature) {
  std::string where = "inputs[" + std::to_string(position) + "]";
  const json::Object *object = entry.getAsObject();
  if (!object)
    return invalidArgument(where + " must be an object");
  Tensor t;
  std::optional<llvm::StringRef> name = object->getString("name");
  if (!name)
    return invalidArgument(where + " has no 'name' string");
  t.name = name->str();
  where = "input '" + t.name + "'";
  std::optional<llvm::StringRef> datatype = object->getString("datatype");
  if (!datatype)
    return invalidArgument(where + " has no 'datatype' string");
  std::optional<rt::DType> dtype = parseKServeDType(*datatype);
  if (!dtype)
    return invalidArgument(where + " has datatype '" + datatype->str() +
                           "', which geflow models do not take (FP32, FP16, "
                           "BF16, INT8, UINT8, INT32, INT64, BOOL, FP64, "
                           "INT16, UINT16, UINT32, UINT64)");
  t.dtype = *dtype;
  // A dtype mismatch is named before the data is read as the wrong type.
  for (const TensorSpec &spec : signature.inputs)
    if (spec.name == t.name && spec.dtype != t.dtype)
      return invalidArgument(where + " has dtype " + datatype->str() +
                             " but the model's input '" + spec.name + "' is " +
                             std::string(kserveDTypeName(spec.dtype)));
  const json::Array *shape = object->getArray("shape");
  if (!shape)
    return invalidArgument(where + " has no 'shape' list");
  for (const json::Value &d : *shape) {
    std::optional<int64_t> dim = d.getAsInteger();
    if (!dim || *dim < 0)
      return invalidArgument(where + " has a 'shape' entry that is not a "
                                     "non-negative integer");
    t.shape.push_back(*dim);
  }
  int64_t count = elementCount(t.shape);
  if (count < 0)
    return invalidArgument(where +
                           " has a shape too large: " + shapeString(t.shape));
  uint64_t bytes = uint64_t(count) * rt::dtypeSize(t.dtype);
  Status error;
  const json::Object *parameters = parametersOf(*object, where, &error);
  if (!error.ok())
    return error;
  const json::Value *binarySize =
      parameters ? parameters->get("binary_data_size") : nullptr;
  const json::Value *data = object->get("data");
  if (binarySize) {
    std::optional<int64_t> size = binarySize->getAsInteger();
    if (!size || *size < 0)
      return invalidArgument(where + " binary_data_size must be a "
                                     "non-negative integer");
    if (!haveBinary)
      return invalidArgument(where +
                             " has binary_data_size but the request has no "
                             "Inference-Header-Content-Length header");
    if (data)
      return invalidArgument(where + " has both 'data' and binary_data_size");
    if (uint64_t(*size) != bytes)
      return invalidArgument(
          where + " binary_data_size is " + std::to_string(*size) +
          " bytes but shape " + shapeString(t.shape) + " of " +
          std::string(*datatype) + " takes " + std::to_string(bytes));
    if (binary->size() < bytes)
      return invalidArgument("truncated binary data: " + where + " needs " +
                             std::to_string(bytes) + " bytes, " +
                             std::to_string(binary->size()) + " remain");
    t.data.assign(binary->begin(), binary->begin() + bytes);
    binary->remove_prefix(bytes);
    Status bools = checkRawBools(t, where);
    if (!bools.ok())
      return bools;
    return t;
  }
  if (!data)
    return invalidArgument(where + " has neither 'data' nor binary_data_size");
  if (!data->getAsArray())
    return invalidArgument(where + " 'data' must be a list");
  int64_t given = countLeaves(*data);
  if (given != count)
    return invalidArgument(where + " data has " + std::to_string(given) +
                           " elements but shape " + shapeString(t.shape) +
                           " takes " + std::to_string(count));
  t.data.assign(bytes, 0);
  int64_t index = 0;
  Status st = storeLeaves(*data, t.dtype, t.data.data(), count, &index,
                          where + " data");
  if (!st.ok())
    return st;
  if (index != count)
    return invalidArgument(where + " data has " + std::to_string(index) +
                           " elements but shape " + shapeString(t.shape) +
                           " takes " + std::to_string(count));
  return t;
}

} // namespace

Result<InferRequest> decodeKServeInfer(std::string_view body,
                                       std::optional<uint64_t> jsonLength,
                                       const Signature &signature) {
  std::string_view header = body, binary;
  if (jsonLength) {
    if (*jsonLength > body.size())
      return invalidArgument(
          "Inference-Header-Content-Length is " + std::to_string(*jsonLength) +
          " but the body has only " + std::to_string(body.size()) + " bytes");
    header = body.substr(0, *jsonLength);
    binary = body.substr(*jsonLength);
  }
  Result<json::Value> parsed = parseJsonBody(header);
  if (!parsed.ok()) {
    if (!jsonLength && header.find("binary_data_size") != header.npos)
      return invalidArgument(parsed.status().message() +
                             " (binary tensor data needs the "
                             "Inference-Header-Content-Length header)");
    return parsed.status();
  }
  const json::Object *request = parsed->getAsObject();
  if (!request)
    return invalidArgument("the inference request must be a JSON object");
  InferRequest out;
  if (const json::Value *id = request->get("id")) {
    std::optional<llvm::StringRef> s = id->getAsString();
    if (!s)
      return invalidArgument("'id' must be a string");
    out.id = s->str();
  }
  Status error;
  const json::Object *parameters =
      parametersOf(*request, "the request", &error);
  if (!error.ok())
    return error;
  Result<std::optional<bool>> binaryOutput =
      boolParameter(parameters, "binary_data_output", "the request");
  if (!binaryOutput.ok())
    return binaryOutput.status();
  const json::Array *inputs = request->getArray("inputs");
  if (!inputs)
    return invalidArgument("the request has no 'inputs' list");
  std::vector<Tensor> given;
  for (size_t i = 0; i < inputs->size(); ++i) {
    Result<Tensor> t = decodeInput((*inputs)[i], i, &binary,
                                   jsonLength.has_value(), signature);
    if (!t.ok())
      return t.status();
    given.push_back(std::move(*t));
  }
  if (!binary.empty())
    return invalidArgument(std::to_string(binary.size()) +
                           " bytes of binary data follow the inputs' "
                           "binary_data_size total");
  Result<std::vector<Tensor>> ordered =
      orderInputs(std::move(given), signature);
  if (!ordered.ok())
    return ordered.status();
  out.inputs = std::move(*ordered);
  std::vector<std::pair<std::string, bool>> requested;
  if (const json::Value *outputs = request->get("outputs")) {
    const json::Array *list = outputs->getAsArray();
    if (!list)
      return invalidArgument("'outputs' must be a list");
    for (size_t i = 0; i < list->size(); ++i) {
      std::string where = "outputs[" + std::to_string(i) + "]";
      const json::Object *o = (*list)[i].getAsObject();
      std::optional<llvm::StringRef> name =
          o ? o->getString("name") : std::nullopt;
      if (!name)
        return invalidArgument(where + " must be an object with a 'name'");
      const json::Object *p = parametersOf(*o, where, &error);
      if (!error.ok())
        return error;
      Result<std::optional<bool>> binary =
          boolParameter(p, "binary_data", where);
      if (!binary.ok())
        return binary.status();
      requested.emplace_back(name->str(),
                             binary->value_or(binaryOutput->value_or(false)));
    }
  }
  Result<std::vector<RequestedOutput>> resolved =
      resolveOutputs(requested, binaryOutput->value_or(false), signature);
  if (!resolved.ok())
    return resolved.status();
  out.outputs = std::move(*resolved);
  return out;
}

static void appendShape(std::string &out, const std::vector<int64_t> &shape) {
  out += '[';
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? "," : "") + std::to_string(shape[i]);
  out += ']';
}

InferAnswer encodeKServeInfer(const std::string &modelName,
                              const std::string &version, const std::string &id,
                              const std::vector<Tensor> &outputs,
                              const std::vector<RequestedOutput> &requested) {
  InferAnswer answer;
  std::string &out = answer.body;
  out = "{\"model_name\":" + jsonQuote(modelName) +
        ",\"model_version\":" + jsonQuote(version);
  if (!id.empty())
    out += ",\"id\":" + jsonQuote(id);
  out += ",\"outputs\":[";
  bool anyBinary = false;
  for (size_t i = 0; i < requested.size(); ++i) {
    const Tensor &t = outputs[requested[i].index];
    out += (i ? ",{" : "{");
    out += "\"name\":" + jsonQuote(t.name) + ",\"datatype\":\"" +
           std::string(kserveDTypeName(t.dtype)) + "\",\"shape\":";
    appendShape(out, t.shape);
    if (requested[i].binary) {
      anyBinary = true;
      out += ",\"parameters\":{\"binary_data_size\":" +
             std::to_string(t.data.size()) + "}}";
    } else {
      out += ",\"data\":";
      appendFlatJson(out, t.dtype, elementCount(t.shape), t.data.data());
      out += '}';
    }
  }
  out += "]}";
  if (anyBinary) {
    answer.jsonLength = out.size();
    for (const RequestedOutput &r : requested)
      if (r.binary)
        out.append(reinterpret_cast<const char *>(outputs[r.index].data.data()),
                   outputs[r.index].data.size());
  }
  return answer;
}

static void appendSpecs(std::string &out,
                        const std::vector<TensorSpec> &specs) {
  out += '[';
  for (size_t i = 0; i < specs.size(); ++i) {
    out += (i ? ",{" : "{");
    out += "\"name\":" + jsonQuote(specs[i].name) + ",\"datatype\":\"" +
           std::string(kserveDTypeName(specs[i].dtype)) + "\",\"shape\":";
    appendShape(out, specs[i].shape);
    out += '}';
  }
  out += ']';
}

std::string kserveModelMetadata(const std::string &name,
                                const std::vector<std::string> &versions,
                                const Signature &signature) {
  std::string out = "{\"name\":" + jsonQuote(name) + ",\"versions\":[";
  for (size_t i = 0; i < versions.size(); ++i)
    out += (i ? "," : "") + jsonQuote(versions[i]);
  out += "],\"platform\":\"geflow_gfm\",\"inputs\":";
  appendSpecs(out, signature.inputs);
  out += ",\"outputs\":";
  appendSpecs(out, signature.outputs);
  return out + "}";
}

} // namespace geflow::serve
