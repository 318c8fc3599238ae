//===- NodeContext.cpp - What a translator sees of one ONNX node ----------===//
#include "NodeContext.h"
#include "GraphImporter.h"
#include "TypeMapping.h"

#include "dialects/ge/IR/GEShapes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace geflow::frontend::onnximp {

static Location nodeLocation(OpBuilder &b, const onnx::NodeProto &node) {
  std::string name = node.name();
  if (name.empty() && node.output_size() > 0)
    name = node.output(0);
  return NameLoc::get(b.getStringAttr(name.empty() ? node.op_type() : name));
}

NodeContext::NodeContext(GraphImporter &graph, const onnx::NodeProto &node,
                         int64_t opset, ArrayRef<Value> inputs)
    : graph(graph), node(node), opset(opset),
      loc(nodeLocation(graph.getBuilder(), node)), builder(graph.getBuilder()),
      inputs(inputs.begin(), inputs.end()),
      outputs(node.output_size(), Value()),
      diagnostics(graph.getBuilder().getContext(), [this](Diagnostic &diag) {
        if (diag.getSeverity() != DiagnosticSeverity::Error)
          return failure(); // let outer handlers print warnings
        (void)fail(diag.str());
        return success();
      }) {}

NodeContext::~NodeContext() = default;

StringRef NodeContext::getOpType() const { return node.op_type(); }

std::string describeNode(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return "node '" + node.name() + "' (" + node.op_type() + ")";
  // The first output it has (an optional one may be left empty).
  for (const std::string &output : node.output())
    if (!output.empty())
      return "the " + node.op_type() + " node producing '" + output + "'";
  return "a " + node.op_type() + " node";
}

std::string NodeContext::describe() const { return graph.describe(node); }

//===----------------------------------------------------------------------===//
// Inputs and outputs
//===----------------------------------------------------------------------===//

Value NodeContext::getRequiredInput(unsigned i) {
  Value v = getInput(i);
  if (!v)
    (void)fail("input " + Twine(i) + " is required but missing");
  return v;
}

bool NodeContext::isOutputUsed(unsigned i) const {
  return static_cast<int>(i) < node.output_size() && !node.output(i).empty();
}

std::optional<SmallVector<int64_t>>
NodeContext::getKnownOutputShape(unsigned i) const {
  if (!isOutputUsed(i))
    return std::nullopt;
  return graph.getKnownShape(node.output(i));
}

std::optional<SmallVector<int64_t>>
NodeContext::getOutputShapeFromUsers(unsigned i) const {
  if (!isOutputUsed(i))
    return std::nullopt;
  return graph.getShapeThroughElementwiseUsers(node.output(i));
}

void NodeContext::setOutput(unsigned i, Value value) {
  if (i < outputs.size())
    outputs[i] = value;
}

LogicalResult NodeContext::rejectOutputsFrom(unsigned first, StringRef what) {
  for (unsigned i = first; i < outputs.size(); ++i)
    if (isOutputUsed(i))
      return unsupported(what + " is not supported");
  return success();
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *NodeContext::findAttr(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

bool NodeContext::hasAttr(StringRef name) const {
  return findAttr(name) != nullptr;
}

// Old exporters leave AttributeProto.type unset and only fill the field.
static bool isKind(const onnx::AttributeProto &attr,
                   onnx::AttributeProto::AttributeType kind, bool hasField) {
  return attr.type() == kind ||
         (attr.type() == onnx::AttributeProto::UNDEFINED && hasField);
}

int64_t NodeContext::getInt(StringRef name, int64_t defaultValue) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return defaultValue;
  if (!isKind(*attr, onnx::AttributeProto::INT, attr->has_i())) {
    (void)fail("attribute '" + name + "' must be an int");
    return defaultValue;
  }
  return attr->i();
}

float NodeContext::getFloat(StringRef name, float defaultValue) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return defaultValue;
  if (isKind(*attr, onnx::AttributeProto::FLOAT, attr->has_f()))
    return attr->f();
  if (attr->type() == onnx::AttributeProto::INT)
    return static_cast<float>(attr->i());
  (void)fail("attribute '" + name + "' must be a float");
  return defaultValue;
}

std::string NodeContext::getString(StringRef name, StringRef defaultValue) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return defaultValue.str();
  if (!isKind(*attr, onnx::AttributeProto::STRING, attr->has_s())) {
    (void)fail("attribute '" + name + "' must be a string");
    return defaultValue.str();
  }
  return attr->s();
}

SmallVector<int64_t> NodeContext::getInts(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return {};
  if (!isKind(*attr, onnx::AttributeProto::INTS, attr->ints_size() > 0)) {
    (void)fail("attribute '" + name + "' must be a list of ints");
    return {};
  }
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

SmallVector<float> NodeContext::getFloats(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return {};
  if (!isKind(*attr, onnx::AttributeProto::FLOATS, attr->floats_size() > 0)) {
    (void)fail("attribute '" + name + "' must be a list of floats");
    return {};
  }
  return SmallVector<float>(attr->floats().begin(), attr->floats().end());
}

SmallVector<std::string> NodeContext::getStrings(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return {};
  if (!isKind(*attr, onnx::AttributeProto::STRINGS, attr->strings_size() > 0)) {
    (void)fail("attribute '" + name + "' must be a list of strings");
    return {};
  }
  return SmallVector<std::string>(attr->strings().begin(),
                                  attr->strings().end());
}

Value NodeContext::getTensorAttrAsConstant(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr || !isKind(*attr, onnx::AttributeProto::TENSOR, attr->has_t())) {
    (void)fail("attribute '" + name + "' must be a tensor");
    return {};
  }
  std::string error;
  Value v = graph.materializeTensor(attr->t(), loc, error);
  if (!v)
    (void)unsupported("attribute '" + name + "': " + error);
  return v;
}

std::optional<Type> NodeContext::getDataTypeAttr(StringRef name,
                                                 int64_t defaultValue) {
  int64_t code = getInt(name, defaultValue);
  std::optional<Type> type = convertDataType(code, getContext());
  if (!type)
    (void)unsupported("element type " + dataTypeName(code) + " (attribute '" +
                      name + "') is not supported");
  return type;
}

//===----------------------------------------------------------------------===//
// Constant inputs
//===----------------------------------------------------------------------===//

std::optional<SmallVector<int64_t>> NodeContext::getConstantInts(unsigned i) {
  Value v = getInput(i);
  DenseIntElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> values;
  for (const APInt &x : attr.getValues<APInt>())
    values.push_back(x.getBitWidth() == 1 ? x.getZExtValue()
                                          : x.getSExtValue());
  return values;
}

std::optional<SmallVector<double>> NodeContext::getConstantFloats(unsigned i) {
  Value v = getInput(i);
  DenseElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<double> values;
  if (isa<FloatType>(attr.getElementType())) {
    for (const APFloat &x : attr.getValues<APFloat>())
      values.push_back(x.convertToDouble());
  } else {
    bool isUnsigned = attr.getElementType().isUnsignedInteger() ||
                      attr.getElementType().isInteger(1);
    for (const APInt &x : attr.getValues<APInt>())
      values.push_back(isUnsigned ? static_cast<double>(x.getZExtValue())
                                  : static_cast<double>(x.getSExtValue()));
  }
  return values;
}

std::optional<SmallVector<int64_t>>
NodeContext::requireConstantInts(unsigned i, StringRef what) {
  auto values = getConstantInts(i);
  if (!values)
    (void)unsupported(what +
                      " must be a constant (ge takes it as an attribute)");
  return values;
}

//===----------------------------------------------------------------------===//
// Building
//===----------------------------------------------------------------------===//

Type NodeContext::placeholderType() {
  return UnrankedTensorType::get(builder.getF32Type());
}

SmallVector<Value> NodeContext::finishOp(OperationState &state,
                                         unsigned numResults) {
  // The typed builders infer result types and abort on failure; building
  // with placeholder types and inferring here turns a bad model into an
  // error instead. An operand that could not be built (a null value after an
  // earlier error) ends the op here too.
  if (llvm::is_contained(state.operands, Value())) {
    if (!failed)
      (void)fail("an operand of " + state.name.getStringRef() +
                 " could not be built");
    return {};
  }
  Operation *op = Operation::create(state);
  auto infer = dyn_cast<InferTypeOpInterface>(op);
  SmallVector<Type> types;
  if (!infer ||
      infer
          .inferReturnTypes(getContext(), op->getLoc(), op->getOperands(),
                            op->getRawDictionaryAttrs(),
                            op->getPropertiesStorage(), op->getRegions(), types)
          .failed() ||
      types.size() != numResults) {
    if (!failed)
      (void)fail("cannot infer the result type of " +
                 op->getName().getStringRef());
    op->destroy();
    return {};
  }
  for (auto [result, type] : llvm::zip(op->getResults(), types))
    result.setType(type);
  if (mlir::verify(op, /*verifyRecursively=*/false).failed()) {
    op->destroy();
    return {};
  }
  builder.insert(op);
  SmallVector<Value> folded;
  if (builder.tryFold(op, folded).succeeded() && !folded.empty()) {
    op->erase();
    return folded;
  }
  return SmallVector<Value>(op->getResults());
}

std::optional<SmallVector<Value>>
NodeContext::createRegionOp(OperationState &state) {
  // Inserted first: its regions read values of the enclosing graph, whose
  // dominance only holds once the op is in place.
  Operation *op = builder.insert(Operation::create(state));
  if (mlir::verify(op, /*verifyRecursively=*/true).failed()) {
    op->erase();
    failed = true;
    return std::nullopt;
  }
  return SmallVector<Value>(op->getResults());
}

SmallVector<Value> NodeContext::finishTypedOp(OperationState &state) {
  Operation *op = Operation::create(state);
  if (mlir::verify(op, /*verifyRecursively=*/false).failed()) {
    op->destroy();
    return {};
  }
  builder.insert(op);
  return SmallVector<Value>(op->getResults());
}

Value NodeContext::constant(ElementsAttr value) {
  return ge::ConstOp::create(builder, loc, value);
}

Value NodeContext::constantI64(ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    builder.getI64Type());
  return constant(DenseIntElementsAttr::get(type, values));
}

Value NodeContext::constantScalar(Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    APFloat v(value);
    bool lostInfo;
    v.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &lostInfo);
    return constant(DenseElementsAttr::get(type, v));
  }
  auto intType = cast<IntegerType>(elementType);
  APInt v(intType.getWidth(),
          static_cast<uint64_t>(static_cast<int64_t>(value)),
          /*isSigned=*/!intType.isUnsigned(), /*implicitTrunc=*/true);
  return constant(DenseElementsAttr::get(type, v));
}

//===----------------------------------------------------------------------===//
// Subgraphs
//===----------------------------------------------------------------------===//

std::optional<NodeContext::Subgraph> NodeContext::getGraphAttr(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    (void)fail("attribute '" + name + "' (a graph) is required but missing");
    return std::nullopt;
  }
  if (!isKind(*attr, onnx::AttributeProto::GRAPH, attr->has_g())) {
    (void)fail("attribute '" + name + "' must be a graph");
    return std::nullopt;
  }
  Subgraph body;
  body.graph = &attr->g();
  body.name = attr->g().name().empty() ? name.str() : attr->g().name();
  body.numInputs = attr->g().input_size();
  body.numOutputs = attr->g().output_size();
  body.numNodes = attr->g().node_size();
  return body;
}

std::optional<SmallVector<Value>>
NodeContext::inlineGraph(const Subgraph &body, ArrayRef<Value> args) {
  if (args.size() != body.numInputs) {
    (void)fail("subgraph '" + body.name + "' takes " + Twine(body.numInputs) +
               " inputs but the node passes it " + Twine(args.size()));
    return std::nullopt;
  }
  std::optional<SmallVector<Value>> results =
      graph.importSubgraph(*body.graph, args, describe());
  // The body's own problems are recorded against its nodes; this node only
  // stops (another error here would repeat them).
  if (!results)
    failed = true;
  return results;
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

size_t NodeContext::problemMark() const { return graph.getErrors().count(); }

void NodeContext::dropProblemsSince(size_t mark) {
  graph.getErrors().truncate(mark);
  failed = false;
}

LogicalResult NodeContext::unsupported(const Twine &reason) {
  failed = true;
  graph.getErrors().unsupported(describe(), reason);
  return failure();
}

LogicalResult NodeContext::fail(const Twine &reason) {
  failed = true;
  graph.getErrors().failed(describe(), reason);
  return failure();
}

std::optional<int64_t> NodeContext::normalizeAxis(int64_t axis, int64_t rank,
                                                  StringRef what) {
  auto normalized = ge::shapes::normalizeAxis(axis, rank);
  if (!normalized)
    (void)fail(what + " " + Twine(axis) + " is out of range for rank " +
               Twine(rank));
  return normalized;
}

std::optional<int64_t> NodeContext::requireRank(Value value, StringRef what) {
  std::optional<int64_t> rank = getRank(value);
  if (!rank)
    (void)unsupported(what + " needs an input of known rank");
  return rank;
}

//===----------------------------------------------------------------------===//
// Helpers on values
//===----------------------------------------------------------------------===//

Type getElementType(Value value) {
  return cast<ShapedType>(value.getType()).getElementType();
}

std::optional<ArrayRef<int64_t>> getShape(Value value) {
  if (auto ranked = dyn_cast<RankedTensorType>(value.getType()))
    return ranked.getShape();
  return std::nullopt;
}

std::optional<int64_t> getRank(Value value) {
  if (auto ranked = dyn_cast<RankedTensorType>(value.getType()))
    return ranked.getRank();
  return std::nullopt;
}

bool isFloatTensor(Value value) {
  return isa<FloatType>(getElementType(value));
}

} // namespace geflow::frontend::onnximp
