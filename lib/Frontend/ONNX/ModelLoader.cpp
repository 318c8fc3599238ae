//===- ModelLoader.cpp - Parse, check and shape-infer an ONNX model -------===//
#include "ModelLoader.h"
#include "geflow/Frontend/ProtoParse.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace geflow::frontend::onnximp {

LogicalResult parseModel(StringRef bytes, onnx::ModelProto &model,
                         std::string &error) {
  std::string detail;
  switch (parseProtoMessage(bytes, model, detail)) {
  case ProtoParseResult::TooLarge:
    error = "is larger than 2 GiB; protobuf cannot parse it (store the "
            "weights as ONNX external data)";
    return failure();
  case ProtoParseResult::Malformed:
    error = detail.empty() ? "is not a valid ONNX model (protobuf parsing "
                             "failed; the file may be truncated or corrupt)"
                           : "is not a valid ONNX model: " + detail;
    return failure();
  case ProtoParseResult::Ok:
    break;
  }
  if (!model.has_graph()) {
    error = "is not an ONNX model (it has no graph; the file may be "
            "truncated or not a model)";
    return failure();
  }
  return success();
}

FailureOr<int64_t> getDefaultOpset(const onnx::ModelProto &model,
                                   std::string &error) {
  std::optional<int64_t> version;
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx") {
      // Which one counts differs between readers (ONNX's inference takes
      // the last, its checks may take the first): refused, not guessed.
      if (version) {
        error = "imports the default ONNX opset twice (versions " +
                std::to_string(*version) + " and " +
                std::to_string(opset.version()) + ")";
        return failure();
      }
      version = opset.version();
    }
  if (!version)
    return 0;
  if (*version > kMaxOpset || *version < 1) {
    error = "uses opset " + std::to_string(*version) +
            "; geflow imports opsets 1 to " + std::to_string(kMaxOpset);
    return failure();
  }
  return *version;
}

int64_t getDomainOpset(const onnx::ModelProto &model, StringRef domain) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (opset.domain() == domain)
      return opset.version();
  return 0;
}

static std::string listInputs(const onnx::GraphProto &graph) {
  std::string names;
  for (const onnx::ValueInfoProto &input : graph.input())
    names += (names.empty() ? "'" : ", '") + input.name() + "'";
  return names.empty() ? "none" : names;
}

static LogicalResult applyOne(onnx::GraphProto &graph, const NamedShape &shape,
                              const llvm::StringSet<> &initializers,
                              std::string &error) {
  for (onnx::ValueInfoProto &input : *graph.mutable_input()) {
    if (input.name() != shape.name)
      continue;
    if (initializers.contains(shape.name)) {
      error = "--input_shape names '" + shape.name +
              "', which is an initializer, not a graph input";
      return failure();
    }
    if (!input.type().has_tensor_type()) {
      error = "--input_shape names '" + shape.name + "', which is not a tensor";
      return failure();
    }
    onnx::TypeProto::Tensor *tensor =
        input.mutable_type()->mutable_tensor_type();
    if (tensor->has_shape() &&
        tensor->shape().dim_size() != static_cast<int>(shape.dims.size())) {
      error = "--input_shape gives input '" + shape.name + "' rank " +
              std::to_string(shape.dims.size()) +
              " but the model declares rank " +
              std::to_string(tensor->shape().dim_size());
      return failure();
    }
    onnx::TensorShapeProto *dims = tensor->mutable_shape();
    dims->clear_dim();
    for (int64_t d : shape.dims) {
      onnx::TensorShapeProto::Dimension *dim = dims->add_dim();
      if (d >= 0)
        dim->set_dim_value(d);
    }
    return success();
  }
  error = "--input_shape names '" + shape.name +
          "', which is not a graph input; the inputs are " + listInputs(graph);
  return failure();
}

LogicalResult applyInputShapes(onnx::ModelProto &model,
                               ArrayRef<NamedShape> shapes,
                               std::string &error) {
  if (shapes.empty())
    return success();
  onnx::GraphProto &graph = *model.mutable_graph();
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &init : graph.initializer())
    initializers.insert(init.name());
  for (const NamedShape &shape : shapes)
    if (failed(applyOne(graph, shape, initializers, error)))
      return failure();
  // Shapes recorded for the old input shapes would contradict the new ones.
  graph.clear_value_info();
  for (onnx::ValueInfoProto &output : *graph.mutable_output())
    if (output.type().has_tensor_type())
      output.mutable_type()->mutable_tensor_type()->clear_shape();
  return success();
}

} // namespace geflow::frontend::onnximp
