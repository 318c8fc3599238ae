//===- LegacyOps.cpp - ai.onnx op versions older than opset 7 -------------===//
//
// What each adapter relies on is the ONNX operator changelog (the 1.12
// schemas of every version) and ONNX's own version converter, which treats
// the same pairs as compatible or refuses the same attribute values.
//
//===----------------------------------------------------------------------===//
#include "LegacyOps.h"
#include "NodeContext.h"
#include "OpTranslators.h"

#include "dialects/ge/IR/GEShapes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

enum class Change {
  /// Only `consumed_inputs` (an in-place hint, no effect on values).
  ConsumedInputs,
  /// Nothing visible: count_include_pad's default (0) is the old behaviour.
  None,
  /// `broadcast`/`axis` legacy broadcasting of B into A.
  LegacyBroadcast,
  /// Gemm's `broadcast` of C: unidirectional broadcasting covers it.
  GemmBroadcast,
  /// `is_test` (training mode by default) and `spatial`.
  BatchNormIsTest,
  DropoutIsTest,
  /// `axis` optional, 1 by default.
  ConcatAxisDefault,
  /// `to` is a type name ("FLOAT").
  CastTypeName,
  /// `shape` is an attribute.
  ReshapeShapeAttr,
  /// `paddings` is named `pads` from version 2 on.
  PadPaddings,
  /// The split sizes may come as a second input.
  SplitInput,
  /// `height_scale`/`width_scale` and mode `bilinear`.
  UpsampleScales,
  /// `output_sequence` (whether Y is produced; Y is optional anyway).
  RecurrentOutputSequence,
  /// A scalar `tiles` count along a scalar `axis` input.
  TileAxis,
};

struct Adapter {
  llvm::StringLiteral opType;
  int64_t version;
  Change change;
};

constexpr Adapter kAdapters[] = {
    {"Abs", 1, Change::ConsumedInputs},
    {"Ceil", 1, Change::ConsumedInputs},
    {"Clip", 1, Change::ConsumedInputs},
    {"Elu", 1, Change::ConsumedInputs},
    {"Exp", 1, Change::ConsumedInputs},
    {"Floor", 1, Change::ConsumedInputs},
    {"HardSigmoid", 1, Change::ConsumedInputs},
    {"InstanceNormalization", 1, Change::ConsumedInputs},
    {"LeakyRelu", 1, Change::ConsumedInputs},
    {"Log", 1, Change::ConsumedInputs},
    {"Max", 1, Change::ConsumedInputs},
    {"Mean", 1, Change::ConsumedInputs},
    {"Min", 1, Change::ConsumedInputs},
    {"Neg", 1, Change::ConsumedInputs},
    {"PRelu", 1, Change::ConsumedInputs},
    {"PRelu", 6, Change::None},
    {"Reciprocal", 1, Change::ConsumedInputs},
    {"Relu", 1, Change::ConsumedInputs},
    {"Selu", 1, Change::ConsumedInputs},
    {"Sigmoid", 1, Change::ConsumedInputs},
    {"Sqrt", 1, Change::ConsumedInputs},
    {"Sum", 1, Change::ConsumedInputs},
    {"Tanh", 1, Change::ConsumedInputs},
    {"AveragePool", 1, Change::None},
    {"Add", 1, Change::LegacyBroadcast},
    {"Add", 6, Change::LegacyBroadcast},
    {"Sub", 1, Change::LegacyBroadcast},
    {"Sub", 6, Change::LegacyBroadcast},
    {"Mul", 1, Change::LegacyBroadcast},
    {"Mul", 6, Change::LegacyBroadcast},
    {"Div", 1, Change::LegacyBroadcast},
    {"Div", 6, Change::LegacyBroadcast},
    {"Pow", 1, Change::LegacyBroadcast},
    {"And", 1, Change::LegacyBroadcast},
    {"Or", 1, Change::LegacyBroadcast},
    {"Xor", 1, Change::LegacyBroadcast},
    {"Equal", 1, Change::LegacyBroadcast},
    {"Greater", 1, Change::LegacyBroadcast},
    {"Less", 1, Change::LegacyBroadcast},
    {"Gemm", 1, Change::GemmBroadcast},
    {"Gemm", 6, Change::GemmBroadcast},
    {"BatchNormalization", 1, Change::BatchNormIsTest},
    {"BatchNormalization", 6, Change::BatchNormIsTest},
    {"Dropout", 1, Change::DropoutIsTest},
    {"Dropout", 6, Change::DropoutIsTest},
    {"Concat", 1, Change::ConcatAxisDefault},
    {"Cast", 1, Change::CastTypeName},
    {"Reshape", 1, Change::ReshapeShapeAttr},
    {"Pad", 1, Change::PadPaddings},
    {"Split", 1, Change::SplitInput},
    {"Upsample", 1, Change::UpsampleScales},
    {"RNN", 1, Change::RecurrentOutputSequence},
    {"GRU", 1, Change::RecurrentOutputSequence},
    {"GRU", 3, Change::RecurrentOutputSequence},
    {"LSTM", 1, Change::RecurrentOutputSequence},
    {"Tile", 1, Change::TileAxis},
};

const Adapter *findAdapter(StringRef opType, int64_t version) {
  for (const Adapter &adapter : kAdapters)
    if (adapter.opType == opType && adapter.version == version)
      return &adapter;
  return nullptr;
}

onnx::AttributeProto *findAttr(onnx::NodeProto &node, StringRef name) {
  for (onnx::AttributeProto &attr : *node.mutable_attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

void removeAttrs(onnx::NodeProto &node, ArrayRef<StringRef> names) {
  auto *attrs = node.mutable_attribute();
  for (int i = attrs->size() - 1; i >= 0; --i)
    if (llvm::is_contained(names, StringRef(attrs->Get(i).name())))
      attrs->DeleteSubrange(i, 1);
}

onnx::AttributeProto &replaceAttr(onnx::NodeProto &node, StringRef name,
                                  onnx::AttributeProto::AttributeType type) {
  removeAttrs(node, {name});
  onnx::AttributeProto *attr = node.add_attribute();
  attr->set_name(name.str());
  attr->set_type(type);
  return *attr;
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, dim] : llvm::enumerate(shape))
    text +=
        (i ? ", " : "") +
        (ShapedType::isDynamic(dim) ? std::string("?") : std::to_string(dim));
  return text + "]";
}

bool isOneElement(ArrayRef<int64_t> shape) {
  return llvm::all_of(shape, [](int64_t dim) { return dim == 1; });
}

/// Legacy broadcasting (Add-1/6, ...): with broadcast = 1, B's shape is a
/// contiguous run of A's starting at `axis` (by default the trailing dims),
/// or B has one element. Trailing alignment is what numpy-style broadcasting
/// does; another axis becomes B unsqueezed with trailing 1s.
LogicalResult adaptLegacyBroadcast(NodeContext &n, onnx::NodeProto &node,
                                   const std::string &name) {
  int64_t broadcast = n.getInt("broadcast", 0);
  bool hasAxis = n.hasAttr("axis");
  int64_t axis = n.getInt("axis", 0);
  removeAttrs(node, {"broadcast", "axis", "consumed_inputs"});
  Value a = n.getRequiredInput(0), b = n.getRequiredInput(1);
  if (!a || !b)
    return failure();
  std::optional<ArrayRef<int64_t>> shapeA = getShape(a), shapeB = getShape(b);
  if (broadcast == 0) {
    // Equal shapes, which numpy-style broadcasting reads the same.
    if (!shapeA || !shapeB)
      return success();
    bool equal =
        shapeA->size() == shapeB->size() &&
        llvm::all_of(llvm::zip(*shapeA, *shapeB), [](auto dims) {
          auto [x, y] = dims;
          return ShapedType::isDynamic(x) || ShapedType::isDynamic(y) || x == y;
        });
    if (!equal)
      return n.unsupported(name + " with broadcast = 0 needs equal shapes; A " +
                           formatShape(*shapeA) + " and B " +
                           formatShape(*shapeB) + " differ");
    return success();
  }
  if (broadcast != 1)
    return n.unsupported(name + ": broadcast = " + std::to_string(broadcast) +
                         " (0 or 1)");
  if (!shapeA || !shapeB)
    return n.unsupported(name + " with broadcast = 1 needs inputs of known "
                                "rank");
  int64_t rankA = shapeA->size(), rankB = shapeB->size();
  if (isOneElement(*shapeB) && rankB <= rankA)
    return success(); // a scalar B, whatever the axis
  if (rankB > rankA)
    return n.unsupported(name + " with broadcast = 1 broadcasts B " +
                         formatShape(*shapeB) + " into A " +
                         formatShape(*shapeA) + ", whose rank is smaller");
  int64_t start = hasAxis ? axis : rankA - rankB;
  if (start < 0 || start + rankB > rankA)
    return n.unsupported(
        name + " with broadcast = 1 and axis = " + std::to_string(axis) +
        " places B " + formatShape(*shapeB) + " outside A " +
        formatShape(*shapeA));
  for (int64_t i = 0; i < rankB; ++i) {
    int64_t dimA = (*shapeA)[start + i], dimB = (*shapeB)[i];
    if (!ShapedType::isDynamic(dimA) && !ShapedType::isDynamic(dimB) &&
        dimB != dimA && dimB != 1)
      return n.unsupported(
          name + " with broadcast = 1 and axis = " + std::to_string(start) +
          ": B " + formatShape(*shapeB) + " does not match A " +
          formatShape(*shapeA) + " at dim " + std::to_string(start + i));
  }
  if (start + rankB == rankA)
    return success();
  SmallVector<int64_t> trailing;
  for (int64_t d = rankB; d < rankA - start; ++d)
    trailing.push_back(d);
  Value expanded = n.create<ExpandDimsOp>(b, ArrayRef<int64_t>(trailing));
  if (!expanded)
    return failure();
  n.setInput(1, expanded);
  return success();
}

LogicalResult adaptIsTest(NodeContext &n, onnx::NodeProto &node,
                          const std::string &name, StringRef training) {
  int64_t isTest = n.getInt("is_test", 0);
  if (isTest == 0)
    return n.unsupported(
        name + " with is_test = 0 (training mode, the default before opset " +
        "7) " + training + "; geflow imports it in inference mode only " +
        "(is_test = 1)");
  removeAttrs(node, {"is_test", "consumed_inputs"});
  return success();
}

LogicalResult adaptBatchNorm(NodeContext &n, onnx::NodeProto &node,
                             const std::string &name) {
  if (failed(adaptIsTest(n, node, name,
                         "normalizes with the batch statistics and updates "
                         "the running ones in place")))
    return failure();
  int64_t spatial = n.getInt("spatial", 1);
  if (spatial != 1)
    return n.unsupported(name + " with spatial = " + std::to_string(spatial) +
                         " (statistics per element, not per channel) is not "
                         "supported");
  if (failed(n.rejectOutputsFrom(
          1, name + "'s mean/var/saved outputs (training mode only)")))
    return failure();
  return success();
}

LogicalResult adaptCast(NodeContext &n, onnx::NodeProto &node,
                        const std::string &name) {
  onnx::AttributeProto *to = findAttr(node, "to");
  if (!to)
    return n.unsupported(name + " has no 'to' attribute");
  if (to->type() == onnx::AttributeProto::INT ||
      (to->type() == onnx::AttributeProto::UNDEFINED && to->has_i()))
    return success();
  onnx::TensorProto_DataType type;
  if (!onnx::TensorProto_DataType_Parse(to->s(), &type) ||
      type == onnx::TensorProto::UNDEFINED)
    return n.unsupported(name + ": 'to' = \"" + to->s() +
                         "\" is not an ONNX type name");
  replaceAttr(node, "to", onnx::AttributeProto::INT).set_i(type);
  return success();
}

LogicalResult adaptReshape(NodeContext &n, onnx::NodeProto &node,
                           const std::string &name) {
  if (!n.hasAttr("shape"))
    return n.unsupported(name + " has no 'shape' attribute");
  SmallVector<int64_t> shape = n.getInts("shape");
  removeAttrs(node, {"shape", "consumed_inputs"});
  Value constant = n.constantI64(shape);
  if (!constant)
    return failure();
  n.setInput(1, constant);
  return success();
}

LogicalResult adaptSplit(NodeContext &n, onnx::NodeProto &node,
                         const std::string &name) {
  if (!n.getInput(1))
    return success();
  if (n.hasAttr("split"))
    return n.unsupported(name + " gives the split sizes both as the 'split' "
                                "attribute and as input 1");
  std::optional<SmallVector<int64_t>> sizes = n.getConstantInts(1);
  if (!sizes)
    return n.unsupported(name + "'s split input must be a constant (ge takes "
                                "the sizes as an attribute)");
  onnx::AttributeProto &split =
      replaceAttr(node, "split", onnx::AttributeProto::INTS);
  for (int64_t size : *sizes)
    split.add_ints(size);
  n.setInput(1, Value());
  return success();
}

LogicalResult adaptUpsample(NodeContext &n, onnx::NodeProto &node,
                            const std::string &name) {
  std::string mode = n.getString("mode", "nearest");
  if (mode == "bilinear")
    mode = "linear";
  else if (mode != "nearest")
    return n.unsupported(name + ": mode = \"" + mode +
                         "\" (nearest or bilinear)");
  if (!n.hasAttr("height_scale") || !n.hasAttr("width_scale"))
    return n.unsupported(name + " needs 'height_scale' and 'width_scale'");
  float height = n.getFloat("height_scale", 1),
        width = n.getFloat("width_scale", 1);
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  std::optional<int64_t> rank = getRank(x);
  if (rank != 4)
    return n.unsupported(name + " scales an NCHW input; its rank is " +
                         (rank ? std::to_string(*rank) : "unknown"));
  removeAttrs(node, {"height_scale", "width_scale"});
  replaceAttr(node, "mode", onnx::AttributeProto::STRING).set_s(mode);
  onnx::AttributeProto &scales =
      replaceAttr(node, "scales", onnx::AttributeProto::FLOATS);
  for (float scale : {1.0f, 1.0f, height, width})
    scales.add_floats(scale);
  return success();
}

/// Tile-1 repeats the input `tiles` times along `axis`: Tile-6 repeats with
/// 1 everywhere else.
LogicalResult adaptTile(NodeContext &n, const std::string &name) {
  Value x = n.getRequiredInput(0);
  if (!x || !n.getRequiredInput(1) || !n.getRequiredInput(2))
    return failure();
  std::optional<SmallVector<int64_t>> tiles = n.getConstantInts(1);
  std::optional<SmallVector<int64_t>> axis = n.getConstantInts(2);
  if (!tiles || !axis || tiles->size() != 1 || axis->size() != 1)
    return n.unsupported(name + "'s tiles and axis inputs must be constant "
                                "scalars (ge takes the repeats as an "
                                "attribute)");
  std::optional<int64_t> rank = n.requireRank(x, name + "'s input");
  if (!rank)
    return failure();
  std::optional<int64_t> dim = n.normalizeAxis(axis->front(), *rank, "axis");
  if (!dim)
    return failure();
  SmallVector<int64_t> repeats(*rank, 1);
  repeats[*dim] = tiles->front();
  Value constant = n.constantI64(repeats);
  if (!constant)
    return failure();
  n.setInput(1, constant);
  n.setInput(2, Value());
  return success();
}

} // namespace

bool hasLegacyAdapter(StringRef opType, int64_t version) {
  return findAdapter(opType, version) != nullptr;
}

LogicalResult adaptLegacyNode(NodeContext &n, onnx::NodeProto &node,
                              int64_t version) {
  const Adapter *adapter = findAdapter(node.op_type(), version);
  std::string name = node.op_type() + "-" + std::to_string(version);
  if (!adapter)
    return n.unsupported(name + " has no adapter to its opset-7 form");
  LogicalResult result = success();
  switch (adapter->change) {
  case Change::None:
    break;
  case Change::ConsumedInputs:
    removeAttrs(node, {"consumed_inputs"});
    break;
  case Change::LegacyBroadcast:
    result = adaptLegacyBroadcast(n, node, name);
    break;
  case Change::GemmBroadcast:
    removeAttrs(node, {"broadcast"});
    break;
  case Change::BatchNormIsTest:
    result = adaptBatchNorm(n, node, name);
    break;
  case Change::DropoutIsTest:
    result = adaptIsTest(n, node, name, "drops elements at random");
    break;
  case Change::ConcatAxisDefault:
    if (!n.hasAttr("axis"))
      replaceAttr(node, "axis", onnx::AttributeProto::INT).set_i(1);
    break;
  case Change::CastTypeName:
    result = adaptCast(n, node, name);
    break;
  case Change::ReshapeShapeAttr:
    result = adaptReshape(n, node, name);
    break;
  case Change::PadPaddings: {
    SmallVector<int64_t> paddings = n.getInts("paddings");
    removeAttrs(node, {"paddings"});
    onnx::AttributeProto &pads =
        replaceAttr(node, "pads", onnx::AttributeProto::INTS);
    for (int64_t pad : paddings)
      pads.add_ints(pad);
    break;
  }
  case Change::SplitInput:
    result = adaptSplit(n, node, name);
    break;
  case Change::UpsampleScales:
    result = adaptUpsample(n, node, name);
    break;
  case Change::RecurrentOutputSequence:
    removeAttrs(node, {"output_sequence"});
    break;
  case Change::TileAxis:
    result = adaptTile(n, name);
    break;
  }
  if (failed(result) || n.hasFailed())
    return failure();
  return success();
}

} // namespace geflow::frontend::onnximp
