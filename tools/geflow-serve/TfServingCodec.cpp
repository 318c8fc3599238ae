//===- TfServingCodec.cpp - TensorFlow Serving's REST predict format ------===//
#include "TfServingCodec.h"

#include "JsonTensor.h"

#include <cstring>

namespace geflow::serve {

namespace json = llvm::json;

static std::string inputNames(const Signature &signature) {
  std::string names;
  for (const TensorSpec &spec : signature.inputs)
    names += (names.empty() ? "'" : ", '") + spec.name + "'";
  return names;
}

/// The object's keys must all be input names; returns the first that is not.
static Status checkKeys(const json::Object &object, const Signature &signature,
                        const std::string &where) {
  for (const auto &entry : object) {
    bool known = false;
    for (const TensorSpec &spec : signature.inputs)
      known |= spec.name == entry.first.str();
    if (!known)
      return invalidArgument(where + " names input '" + entry.first.str() +
                             "', which the model does not have (inputs: " +
                             inputNames(signature) + ")");
  }
  return Status();
}

/// "instances": one element per row; rows are stacked along a new dim 0.
static Result<std::vector<Tensor>> decodeRows(const json::Array &instances,
                                              const Signature &signature) {
  if (instances.empty())
    return invalidArgument("'instances' is empty: give at least one row");
  size_t numInputs = signature.inputs.size();
  // Single-input models take bare rows; any model takes {"name": row}.
  bool named = instances.front().getAsObject() != nullptr;
  if (!named && numInputs != 1)
    return invalidArgument(
        "the model has " + std::to_string(numInputs) +
        " inputs: each element of 'instances' must be an object naming "
        "them (" +
        inputNames(signature) + ")");
  std::vector<Tensor> tensors(numInputs);
  std::vector<std::vector<int64_t>> rowShapes(numInputs);
  for (size_t i = 0; i < numInputs; ++i) {
    tensors[i].name = signature.inputs[i].name;
    tensors[i].dtype = signature.inputs[i].dtype;
  }
  int64_t rows = int64_t(instances.size());
  for (size_t r = 0; r < instances.size(); ++r) {
    std::string where = "instances[" + std::to_string(r) + "]";
    const json::Object *object = instances[r].getAsObject();
    if (named != (object != nullptr))
      return invalidArgument(where + (named ? " is not an object like "
                                              "instances[0]"
                                            : " is an object, unlike "
                                              "instances[0]"));
    if (object) {
      Status keys = checkKeys(*object, signature, where);
      if (!keys.ok())
        return keys;
    }
    for (size_t i = 0; i < numInputs; ++i) {
      const TensorSpec &spec = signature.inputs[i];
      const json::Value *row = &instances[r];
      std::string at = where;
      if (object) {
        row = object->get(spec.name);
        at += "['" + spec.name + "']";
        if (!row)
          return invalidArgument(where + " lacks input '" + spec.name + "'");
      }
      std::vector<int64_t> shape = nestedShape(*row);
      Tensor &t = tensors[i];
      if (r == 0) {
        rowShapes[i] = shape;
        t.shape = {rows};
        t.shape.insert(t.shape.end(), shape.begin(), shape.end());
        int64_t count = elementCount(t.shape);
        if (count < 0)
          return invalidArgument(at + " is too large");
        // The shape comes from the first elements of each level: check it
        // against the values actually given before memory is sized by it.
        int64_t leaves = countLeaves(*row);
        if (leaves != elementCount(shape))
          return invalidArgument(
              at + " has " + std::to_string(leaves) + " values, not the " +
              std::to_string(elementCount(shape)) + " of shape " +
              shapeString(shape) + " (its first elements' lengths)");
      } else if (shape != rowShapes[i]) {
        return invalidArgument(at + " has shape " + shapeString(shape) +
                               " but instances[0] has " +
                               shapeString(rowShapes[i]));
      }
      int64_t perRow = elementCount(rowShapes[i]);
      int64_t index = int64_t(r) * perRow;
      // Grown row by row: only rows that were given take memory.
      t.data.resize(size_t(index + perRow) * rt::dtypeSize(t.dtype));
      Status st = storeLeaves(*row, t.dtype, t.data.data(), index + perRow,
                              &index, at, &rowShapes[i]);
      if (!st.ok())
        return st;
    }
  }
  return tensors;
}

/// "inputs": whole tensors, bare for a single-input model or by name.
static Result<std::vector<Tensor>> decodeColumns(const json::Value &inputs,
                                                 const Signature &signature) {
  size_t numInputs = signature.inputs.size();
  const json::Object *object = inputs.getAsObject();
  if (!object && numInputs != 1)
    return invalidArgument("the model has " + std::to_string(numInputs) +
                           " inputs: 'inputs' must be an object naming them (" +
                           inputNames(signature) + ")");
  if (object) {
    Status keys = checkKeys(*object, signature, "'inputs'");
    if (!keys.ok())
      return keys;
  }
  std::vector<Tensor> tensors;
  for (const TensorSpec &spec : signature.inputs) {
    const json::Value *value = &inputs;
    std::string where = "'inputs'";
    if (object) {
      value = object->get(spec.name);
      where = "inputs['" + spec.name + "']";
      if (!value)
        return invalidArgument("'inputs' lacks input '" + spec.name + "'");
    }
    Result<Tensor> t = tensorFromNested(*value, spec.dtype, where);
    if (!t.ok())
      return t.status();
    t->name = spec.name;
    tensors.push_back(std::move(*t));
  }
  return tensors;
}

Result<PredictRequest> decodeTfPredict(std::string_view body,
                                       const Signature &signature) {
  Result<json::Value> parsed = parseJsonBody(body);
  if (!parsed.ok())
    return parsed.status();
  const json::Object *request = parsed->getAsObject();
  if (!request)
    return invalidArgument("the request body must be a JSON object with "
                           "'instances' or 'inputs'");
  for (const auto &entry : *request) {
    std::string key = entry.first.str();
    if (key != "instances" && key != "inputs" && key != "signature_name")
      return invalidArgument("unknown key '" + key +
                             "' in the request (expected 'instances' or "
                             "'inputs', and optionally 'signature_name')");
  }
  if (const json::Value *sig = request->get("signature_name")) {
    std::optional<llvm::StringRef> name = sig->getAsString();
    if (!name || (!name->empty() && *name != "serving_default"))
      return invalidArgument("unknown signature_name: geflow models have one "
                             "signature, 'serving_default'");
  }
  const json::Value *instances = request->get("instances");
  const json::Value *inputs = request->get("inputs");
  if ((instances != nullptr) == (inputs != nullptr))
    return invalidArgument(instances ? "give either 'instances' or 'inputs', "
                                       "not both"
                                     : "the request has neither 'instances' "
                                       "nor 'inputs'");
  PredictRequest out;
  out.rowFormat = instances != nullptr;
  Result<std::vector<Tensor>> tensors = Status();
  if (instances) {
    const json::Array *rows = instances->getAsArray();
    if (!rows)
      return invalidArgument("'instances' must be a list of rows");
    tensors = decodeRows(*rows, signature);
  } else {
    tensors = decodeColumns(*inputs, signature);
  }
  if (!tensors.ok())
    return tensors.status();
  for (size_t i = 0; i < tensors->size(); ++i) {
    const Tensor &t = (*tensors)[i];
    Status st =
        checkAgainstSpec(t, signature.inputs[i], "input '" + t.name + "'");
    if (!st.ok())
      return st;
  }
  out.inputs = std::move(*tensors);
  return out;
}

std::string encodeTfPredict(const std::vector<Tensor> &outputs,
                            bool rowFormat) {
  std::string out;
  if (!rowFormat) {
    out = "{\"outputs\":";
    if (outputs.size() == 1) {
      appendNestedJson(out, outputs[0].dtype, outputs[0].shape,
                       outputs[0].data.data());
    } else {
      out += '{';
      for (size_t i = 0; i < outputs.size(); ++i) {
        out += (i ? "," : "") + jsonQuote(outputs[i].name) + ":";
        appendNestedJson(out, outputs[i].dtype, outputs[i].shape,
                         outputs[i].data.data());
      }
      out += '}';
    }
    return out + "}";
  }
  // Rows: every output's dim 0 is the batch (the decoder made it so).
  int64_t rows =
      outputs.empty() || outputs[0].shape.empty() ? 1 : outputs[0].shape[0];
  out = "{\"predictions\":[";
  for (int64_t r = 0; r < rows; ++r) {
    if (r)
      out += ',';
    if (outputs.size() != 1)
      out += '{';
    for (size_t i = 0; i < outputs.size(); ++i) {
      const Tensor &t = outputs[i];
      if (outputs.size() != 1)
        out += (i ? "," : "") + jsonQuote(t.name) + ":";
      if (t.shape.empty()) {
        appendElementJson(out, t.dtype, t.data.data(), 0);
        continue;
      }
      std::vector<int64_t> rowShape(t.shape.begin() + 1, t.shape.end());
      size_t rowBytes = size_t(elementCount(rowShape)) * rt::dtypeSize(t.dtype);
      appendNestedJson(out, t.dtype, rowShape,
                       t.data.data() + size_t(r) * rowBytes);
    }
    if (outputs.size() != 1)
      out += '}';
  }
  return out + "]}";
}

} // namespace geflow::serve
