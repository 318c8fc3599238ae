//===- GraphImporter.cpp - Build a ge graph function from an ONNX graph ---===//
#include "GraphImporter.h"
#include "ExternalData.h"
#include "LegacyOps.h"
#include "ModelLoader.h"
#include "NodeContext.h"
#include "OpTranslators.h"
#include "OpVersions.h"
#include "SequenceValues.h"
#include "TensorImport.h"
#include "TypeMapping.h"

#include "dialects/ge/IR/GEOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace geflow::frontend::onnximp {

GraphImporter::GraphImporter(MLIRContext *context,
                             const onnx::GraphProto &graph, int64_t opset,
                             StringRef modelDir, const ImportOptions &options,
                             ImportErrors &errors)
    : context(context), graph(graph), opset(opset), modelDir(modelDir.str()),
      options(options), errors(errors), builder(context) {
  for (const onnx::TensorProto &init : graph.initializer())
    initializers[init.name()] = &init;
  // Later entries are at least as precise: graph outputs carry the declared
  // types, value_info what shape inference found.
  for (const onnx::ValueInfoProto &info : graph.input())
    valueTypes[info.name()] = &info.type();
  for (const onnx::ValueInfoProto &info : graph.value_info())
    valueTypes[info.name()] = &info.type();
  for (const onnx::ValueInfoProto &info : graph.output())
    if (info.has_type())
      valueTypes[info.name()] = &info.type();
}

GraphImporter::GraphImporter(GraphImporter &parent,
                             const onnx::GraphProto &body, StringRef owner)
    : GraphImporter(parent.context, body, parent.opset, parent.modelDir,
                    parent.options, parent.errors) {
  this->parent = &parent;
  trainingOpset = parent.trainingOpset;
  scope = (" in subgraph '" + body.name() + "' of " + owner).str();
  function = parent.function;
  // Where the parent's translator imports the subgraph: inline in the
  // parent's block, or into a region of ge.If / ge.While.
  block = parent.builder.getInsertionBlock()
              ? parent.builder.getInsertionBlock()
              : parent.block;
  // The body's initializers may be materialized before its first node.
  builder.setInsertionPointToEnd(block);
}

std::optional<SmallVector<Value>>
GraphImporter::importSubgraph(const onnx::GraphProto &body,
                              ArrayRef<Value> args, StringRef owner) {
  // Nested loops multiply: the whole model's inlined subgraph nodes are
  // bounded, so a small model cannot ask for billions of ops.
  constexpr int64_t kMaxInlinedNodes = int64_t(1) << 19;
  GraphImporter *root = this;
  while (root->parent)
    root = root->parent;
  root->inlinedNodes += body.node_size();
  if (root->inlinedNodes > kMaxInlinedNodes) {
    errors.unsupported(owner, "its control flow unrolls to more than " +
                                  Twine(kMaxInlinedNodes) +
                                  " subgraph nodes in the model");
    return std::nullopt;
  }
  GraphImporter sub(*this, body, owner);
  assert(static_cast<size_t>(body.input_size()) == args.size() &&
         "the translator checks the body's input count");
  for (auto [input, arg] : llvm::zip(body.input(), args))
    sub.values[input.name()] = arg;
  if (body.sparse_initializer_size() > 0)
    errors.unsupported("subgraph '" + body.name() + "'",
                       "sparse initializers are not supported");
  size_t problemsBefore = errors.count();
  for (const onnx::NodeProto &node : body.node())
    sub.importNode(node);
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : body.output()) {
    Value value;
    switch (sub.lookupValue(output.name(), value)) {
    case Lookup::Poisoned:
      return std::nullopt;
    case Lookup::Undefined:
      errors.failed("output '" + output.name() + "'" + sub.scope,
                    "no node produces it");
      return std::nullopt;
    case Lookup::Found:
      break;
    }
    results.push_back(value);
  }
  // A problem inside the body poisons the node that owns it.
  if (errors.count() != problemsBefore)
    return std::nullopt;
  return results;
}

std::string GraphImporter::describe(const onnx::NodeProto &node) const {
  return describeNode(node) + scope;
}

static std::string functionName(const onnx::GraphProto &graph) {
  return graph.name().empty() ? std::string("main") : graph.name();
}

LogicalResult GraphImporter::importGraph(ModuleOp module) {
  if (failed(createFunction(module)))
    return failure();
  if (graph.sparse_initializer_size() > 0)
    errors.unsupported("the graph", "sparse initializers are not supported");
  for (const onnx::NodeProto &node : graph.node())
    importNode(node);
  if (failed(importOutputs()))
    return failure();
  return success(errors.empty());
}

//===----------------------------------------------------------------------===//
// Inputs, initializers and outputs
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::createFunction(ModuleOp module) {
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  // Sequence and optional inputs: passed as one argument per tensor.
  struct CompositeInput {
    std::string name;
    Type type;
    size_t firstArg;
  };
  SmallVector<CompositeInput> composites;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    // ONNX IR < 4 lists initializers as inputs too; they are weights.
    if (initializers.contains(input.name()))
      continue;
    if (llvm::is_contained(argNames, input.name()) ||
        llvm::any_of(composites, [&](const CompositeInput &c) {
          return c.name == input.name();
        })) {
      errors.failed("graph input '" + input.name() + "'", "is listed twice");
      continue;
    }
    std::string error;
    if (input.type().has_sequence_type() || input.type().has_optional_type()) {
      FailureOr<Type> type = getCompositeInputType(input.type(), input.name(),
                                                   options, context, error);
      if (failed(type)) {
        errors.unsupported("graph input '" + input.name() + "'", error);
        poisoned.insert(input.name());
        continue;
      }
      composites.push_back({input.name(), *type, argTypes.size()});
      for (auto [t, name] : llvm::zip(getTensorTypes(*type),
                                      getTensorNames(*type, input.name()))) {
        argTypes.push_back(t);
        argNames.push_back(name);
      }
      continue;
    }
    FailureOr<TensorType> type =
        convertTensorType(input.type(), context, error);
    if (failed(type)) {
      errors.unsupported("graph input '" + input.name() + "'", error);
      poisoned.insert(input.name());
      continue;
    }
    argTypes.push_back(*type);
    argNames.push_back(input.name());
  }
  builder.setInsertionPointToEnd(module.getBody());
  Location loc = NameLoc::get(builder.getStringAttr(functionName(graph)));
  function = func::FuncOp::create(builder, loc, functionName(graph),
                                  builder.getFunctionType(argTypes, {}));
  Block *entry = function.addEntryBlock();
  block = entry;
  for (auto [i, name] : llvm::enumerate(argNames)) {
    values[name] = entry->getArgument(i);
    function.setArgAttr(i, "ge.name", builder.getStringAttr(name));
  }
  builder.setInsertionPointToEnd(entry);
  for (const CompositeInput &c : composites) {
    size_t count = getTensorTypes(c.type).size();
    ValueRange tensors(ArrayRef<BlockArgument>(entry->getArguments())
                           .slice(c.firstArg, count));
    values[c.name] = buildComposite(
        builder, NameLoc::get(builder.getStringAttr(c.name)), c.type, tensors);
    compositeInputs.push_back(describeComposite(builder, c.name, c.type));
  }
  // A flattened tensor's name ("x[0]") must not be another input's.
  for (auto [i, name] : llvm::enumerate(argNames))
    for (size_t j = 0; j < i; ++j)
      if (argNames[j] == name)
        errors.failed("graph input '" + name + "'",
                      "clashes with the name of a sequence or optional "
                      "input's tensor");
  return success();
}

Value GraphImporter::materializeTensor(const onnx::TensorProto &tensor,
                                       Location loc, std::string &error) {
  FailureOr<RankedTensorType> type = getTensorType(tensor, context, error);
  if (failed(type))
    return {};
  if (hasExternalData(tensor)) {
    int64_t bytes = type->getNumElements() * dataTypeBytes(tensor.data_type());
    FailureOr<ExternalTensor> external =
        resolveExternalData(tensor, modelDir, bytes, error);
    if (failed(external))
      return {};
    return ge::FileConstantOp::create(builder, loc, external->location,
                                      external->offset, external->length,
                                      type->getShape(), type->getElementType());
  }
  FailureOr<ElementsAttr> value =
      convertTensorData(tensor, *type, options.largeConstantBytes, error);
  if (failed(value))
    return {};
  return ge::ConstOp::create(builder, loc, *value);
}

GraphImporter::Lookup GraphImporter::lookupValue(StringRef name, Value &value) {
  if (poisoned.contains(name))
    return Lookup::Poisoned;
  if ((value = values.lookup(name)))
    return Lookup::Found;
  // Initializers become constants where they are first used.
  auto init = initializers.find(name);
  if (init == initializers.end()) {
    // A subgraph sees the names of its enclosing graphs (ONNX outer-scope
    // values); it is imported inline, so they dominate its nodes.
    if (parent)
      return parent->lookupValue(name, value);
    return Lookup::Undefined;
  }
  std::string error;
  Location loc = NameLoc::get(builder.getStringAttr(name));
  // At the start of this graph's block, so that it dominates every later
  // use, also when a subgraph region is being imported when it is first
  // read.
  OpBuilder::InsertionGuard guard(builder);
  if (block)
    builder.setInsertionPointToStart(block);
  value = materializeTensor(*init->second, loc, error);
  if (!value) {
    errors.unsupported("initializer '" + name.str() + "'", error);
    poisoned.insert(name);
    return Lookup::Poisoned;
  }
  if (options.markInitializers)
    value.getDefiningOp()->setAttr("onnx.initializer",
                                   builder.getStringAttr(name));
  values[name] = value;
  return Lookup::Found;
}

LogicalResult GraphImporter::importOutputs() {
  SmallVector<Value> results;
  SmallVector<std::string> resultNames;
  SmallVector<Attribute> compositeOutputs;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    Value value;
    switch (lookupValue(output.name(), value)) {
    case Lookup::Poisoned:
      continue;
    case Lookup::Undefined:
      errors.failed("graph output '" + output.name() + "'",
                    "no node produces it");
      continue;
    case Lookup::Found:
      break;
    }
    if (isComposite(value.getType())) {
      // One result per tensor, named as getTensorNames says.
      compositeOutputs.push_back(
          describeComposite(builder, output.name(), value.getType()));
      for (auto [t, name] :
           llvm::zip(getTensors(value),
                     getTensorNames(value.getType(), output.name()))) {
        results.push_back(t);
        resultNames.push_back(name);
      }
      continue;
    }
    refineType(value, output.name(), "graph output '" + output.name() + "'");
    results.push_back(value);
    resultNames.push_back(output.name());
  }
  if (!errors.empty())
    return failure();
  func::ReturnOp::create(builder, function.getLoc(), results);
  // Sequences and optionals exist only while importing: no op reads them
  // now (graph outputs take their tensors), so none reaches the lowering.
  SmallVector<Operation *> composites;
  function.walk([&](Operation *op) {
    if (isa<ge::SequenceConstructOp, ge::OptionalConstructOp>(op))
      composites.push_back(op);
  });
  for (Operation *op : llvm::reverse(composites))
    if (op->use_empty())
      op->erase();
  function.setType(builder.getFunctionType(function.getArgumentTypes(),
                                           ValueRange(results).getTypes()));
  for (auto [i, name] : llvm::enumerate(resultNames))
    function.setResultAttr(i, "ge.name", builder.getStringAttr(name));
  if (!compositeInputs.empty() || !compositeOutputs.empty()) {
    NamedAttribute io[] = {
        builder.getNamedAttr("inputs", builder.getArrayAttr(compositeInputs)),
        builder.getNamedAttr("outputs",
                             builder.getArrayAttr(compositeOutputs))};
    function->getParentOfType<ModuleOp>()->setAttr(
        ge::GEDialect::kCompositeIOAttr, builder.getDictionaryAttr(io));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Nodes
//===----------------------------------------------------------------------===//

static bool isDefaultDomain(const onnx::NodeProto &node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

/// ONNX ops whose outputs are random draws.
static bool isRandomOp(StringRef opType) {
  return llvm::is_contained({"Bernoulli", "Multinomial", "RandomNormal",
                             "RandomNormalLike", "RandomUniform",
                             "RandomUniformLike"},
                            opType);
}

void GraphImporter::poisonOutputs(const onnx::NodeProto &node) {
  for (const std::string &output : node.output())
    if (!output.empty())
      poisoned.insert(output);
}

std::optional<int64_t>
GraphImporter::resolveOpset(const onnx::NodeProto &node, StringRef what,
                            std::optional<int64_t> &legacyVersion) {
  if (opset == 0) {
    errors.failed(what, "the model does not import the ai.onnx opset");
    return std::nullopt;
  }
  const std::string &op = node.op_type();
  std::optional<int64_t> version = getOpVersion(op, opset);
  if (!version) {
    errors.failed(what, op + " does not exist in opset " +
                            std::to_string(opset) + " (geflow imports " + op +
                            " versions " + describeVersions(op) + ")");
    return std::nullopt;
  }
  if (opset >= kMinOpset)
    return opset;
  // Below opset 7, accept an op whose definition is still the one in force
  // at opset 7 (GlobalAveragePool-1, HardSigmoid-6, ...) and read it as such.
  std::optional<int64_t> at7 = getOpVersion(op, kMinOpset);
  if (at7 && *at7 != *version && hasLegacyAdapter(op, *version)) {
    // An older definition that LegacyOps.cpp rewrites into the opset-7 one.
    legacyVersion = *version;
    return kMinOpset;
  }
  if (!at7 || *at7 != *version) {
    errors.unsupported(what, "the opset-" + std::to_string(opset) +
                                 " definition of " + op + " (version " +
                                 std::to_string(*version) +
                                 ") predates opset 7, the oldest geflow "
                                 "imports; geflow imports " +
                                 op + " versions " + describeVersions(op));
    return std::nullopt;
  }
  return kMinOpset;
}

void GraphImporter::importNode(const onnx::NodeProto &node) {
  std::string what = describe(node);
  bool training = node.domain() == kPreviewTrainingDomain;
  TranslateFn translate =
      isDefaultDomain(node) ? lookupTranslator(node.op_type())
      : training            ? lookupPreviewTrainingTranslator(node.op_type())
                            : nullptr;
  if (!translate && isDefaultDomain(node) && isRandomOp(node.op_type())) {
    errors.unsupported(what, node.op_type() +
                                 " draws random values, which geflow does "
                                 "not generate: no reference could check "
                                 "them and no two runs would agree");
    poisonOutputs(node);
    return;
  }
  if (!translate) {
    std::string opType = isDefaultDomain(node)
                             ? node.op_type()
                             : node.domain() + "." + node.op_type();
    std::string name = node.name().empty() && node.output_size()
                           ? node.output(0)
                           : node.name();
    errors.unsupportedOp(opType, name);
    poisonOutputs(node);
    return;
  }
  std::optional<int64_t> legacyVersion;
  std::optional<int64_t> nodeOpset;
  if (!training) {
    nodeOpset = resolveOpset(node, what, legacyVersion);
  } else if (trainingOpset == kPreviewTrainingVersion) {
    nodeOpset = trainingOpset;
  } else {
    errors.unsupported(what, "the model imports " +
                                 kPreviewTrainingDomain.str() + " version " +
                                 std::to_string(trainingOpset) +
                                 "; geflow imports its version " +
                                 std::to_string(kPreviewTrainingVersion));
  }
  if (!nodeOpset) {
    poisonOutputs(node);
    return;
  }

  SmallVector<Value> inputs;
  for (const std::string &name : node.input()) {
    Value value;
    if (!name.empty()) {
      switch (lookupValue(name, value)) {
      case Lookup::Poisoned:
        poisonOutputs(node);
        return;
      case Lookup::Undefined:
        errors.failed(what, "input '" + name +
                                "' is not defined before the node uses it");
        poisonOutputs(node);
        return;
      case Lookup::Found:
        break;
      }
    }
    inputs.push_back(value);
  }

  // Sequences and optionals reach only the ops that take them.
  for (auto [i, value] : llvm::enumerate(inputs)) {
    if (!value || !isComposite(value.getType()))
      continue;
    if (!takesComposites(node.op_type())) {
      errors.failed(what,
                    "input " + std::to_string(i) + " ('" + node.input(i) +
                        "') is a " +
                        (isa<ge::SequenceType>(value.getType()) ? "sequence"
                                                                : "optional") +
                        ", but " + node.op_type() + " takes tensors");
      poisonOutputs(node);
      return;
    }
    if (node.op_type() == "Identity")
      translate = translateCompositeIdentity;
  }

  builder.setInsertionPointToEnd(block);
  // A node of an old op version is translated from its opset-7 rewrite.
  onnx::NodeProto adapted;
  if (legacyVersion)
    adapted = node;
  NodeContext ctx(*this, legacyVersion ? adapted : node, *nodeOpset, inputs);
  if (legacyVersion && failed(adaptLegacyNode(ctx, adapted, *legacyVersion))) {
    poisonOutputs(node);
    return;
  }
  if (failed(translate(ctx)) || ctx.hasFailed()) {
    if (!ctx.hasFailed())
      errors.failed(what, "translation failed");
    poisonOutputs(node);
    return;
  }
  for (auto [i, name] : llvm::enumerate(node.output())) {
    if (name.empty())
      continue;
    Value value = ctx.getOutput(i);
    if (!value) {
      errors.unsupported(what, "output " + std::to_string(i) + " ('" + name +
                                   "') is not supported");
      poisonOutputs(node);
      return;
    }
    if (values.count(name) || initializers.count(name)) {
      errors.failed(what, "output '" + name + "' is already defined");
      poisonOutputs(node);
      return;
    }
    refineType(value, name, what);
    values[name] = value;
  }
}

static std::string typeToString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

std::optional<SmallVector<int64_t>>
GraphImporter::getKnownShape(StringRef name) const {
  auto it = valueTypes.find(name);
  if (it == valueTypes.end() || !it->second->has_tensor_type() ||
      !it->second->tensor_type().has_shape())
    return std::nullopt;
  SmallVector<int64_t> dims;
  for (const auto &dim : it->second->tensor_type().shape().dim()) {
    if (!dim.has_dim_value() || dim.dim_value() < 0)
      return std::nullopt;
    dims.push_back(dim.dim_value());
  }
  return dims;
}

std::optional<SmallVector<int64_t>>
GraphImporter::getShapeThroughElementwiseUsers(StringRef name) const {
  static const llvm::StringSet<> unary = {
      "Abs",      "Cast", "Ceil", "Cos",  "Exp",   "Floor",
      "Identity", "Log",  "Neg",  "Relu", "Round", "Sin",
      "Sigmoid",  "Sqrt", "Tanh", "Erf",  "Sign",  "Reciprocal"};
  static const llvm::StringSet<> binary = {"Add", "Sub", "Mul", "Div", "Pow"};
  auto isScalar = [&](const std::string &operand) {
    if (auto init = initializers.find(operand); init != initializers.end())
      return init->second->dims_size() == 0;
    auto shape = getKnownShape(operand);
    return shape && shape->empty();
  };
  // Nodes are in topological order: one pass collects every value that
  // has `name`'s shape (a shape-keeping node whose operands have it or are
  // scalars) until one of them has a shape ONNX knows.
  llvm::StringSet<> sameShape;
  sameShape.insert(name);
  for (const onnx::NodeProto &node : graph.node()) {
    if (!(node.domain().empty() || node.domain() == "ai.onnx") ||
        node.output_size() != 1 ||
        !(unary.contains(node.op_type())    ? node.input_size() == 1
          : binary.contains(node.op_type()) ? node.input_size() == 2
                                            : false))
      continue;
    bool reached = false, keeps = true;
    for (const std::string &operand : node.input()) {
      bool same = sameShape.contains(operand);
      reached |= same;
      keeps &= same || isScalar(operand);
    }
    if (!reached || !keeps)
      continue;
    if (auto shape = getKnownShape(node.output(0)))
      return shape;
    sameShape.insert(node.output(0));
  }
  return std::nullopt;
}

void GraphImporter::refineType(Value value, StringRef name, StringRef what) {
  auto it = valueTypes.find(name);
  if (it == valueTypes.end() || !it->second->has_tensor_type() ||
      it->second->tensor_type().elem_type() == 0)
    return;
  if (!isa<TensorType>(value.getType()))
    return; // sequences and optionals: their tensors are checked as made
  std::string error;
  FailureOr<TensorType> onnxType =
      convertTensorType(*it->second, context, error);
  if (failed(onnxType))
    return; // An unsupported type is reported where the value is used.
  auto current = cast<TensorType>(value.getType());
  auto mismatch = [&] {
    errors.failed(
        what, "'" + name.str() + "' is imported as " + typeToString(current) +
                  " but ONNX shape inference gives " + typeToString(*onnxType));
  };
  if (current.getElementType() != onnxType->getElementType())
    return mismatch();
  auto declared = dyn_cast<RankedTensorType>(*onnxType);
  if (!declared)
    return;
  SmallVector<int64_t> dims(declared.getShape());
  if (auto ranked = dyn_cast<RankedTensorType>(current)) {
    if (ranked.getRank() != declared.getRank())
      return mismatch();
    for (auto [dim, have] : llvm::zip(dims, ranked.getShape())) {
      if (ShapedType::isDynamic(dim))
        dim = have;
      else if (!ShapedType::isDynamic(have) && have != dim)
        return mismatch();
    }
  }
  auto refined = RankedTensorType::get(dims, current.getElementType());
  // Only results of ge ops with inferred types may become more static:
  // block arguments and constants have their types fixed.
  Operation *def = value.getDefiningOp();
  if (refined != current && def && !matchPattern(value, m_Constant()))
    value.setType(refined);
}

} // namespace geflow::frontend::onnximp
