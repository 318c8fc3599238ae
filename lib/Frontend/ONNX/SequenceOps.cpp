//===- SequenceOps.cpp - ONNX sequence and optional ops -------------------===//
//
// Sequences and optionals are static (SequenceValues.h): each op below
// works on the element lists at import. Positions must be constants (a
// position computed at run time would make the element shapes depend on
// values); out-of-range positions, mixed element types and a sequence where
// a tensor belongs are errors naming the node. SequenceMap imports its body
// once per element.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "SequenceValues.h"
#include "TranslatorUtils.h"
#include "TypeMapping.h"

#include "dialects/ge/IR/GEOps.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

/// Input `i` as a sequence's elements; records a failure when it is absent
/// or not a sequence.
std::optional<SmallVector<Value>> requireSequence(NodeContext &n, unsigned i) {
  Value v = n.getRequiredInput(i);
  if (!v)
    return std::nullopt;
  auto elements = getSequenceElements(v);
  if (!elements)
    (void)n.fail("input " + Twine(i) + " must be a sequence, not " +
                 typeString(v.getType()));
  return elements;
}

/// Input `i` as a tensor; records a failure for a sequence or optional.
Value requireTensor(NodeContext &n, unsigned i) {
  Value v = n.getRequiredInput(i);
  if (v && !isa<RankedTensorType>(v.getType())) {
    (void)n.fail("input " + Twine(i) + " must be a tensor, not " +
                 typeString(v.getType()));
    return {};
  }
  return v;
}

Type sequenceDType(Value sequence) {
  return cast<SequenceType>(sequence.getType()).getElementType();
}

Value makeSequence(NodeContext &n, Type dtype, ValueRange elements) {
  return buildSequence(n.getBuilder(), n.getLoc(), dtype, elements);
}

/// A constant position input normalized into [0, size] (`allowEnd`: the
/// position after the last element, where SequenceInsert appends).
std::optional<int64_t> requirePosition(NodeContext &n, unsigned i, int64_t size,
                                       bool allowEnd) {
  Value v = n.getInput(i);
  if (!v)
    return std::nullopt;
  if (!isa<RankedTensorType>(v.getType()) ||
      !getElementType(v).isSignlessInteger() ||
      getElementType(v).isInteger(1)) {
    (void)n.fail("the position must be an int32 or int64 tensor, not " +
                 typeString(v.getType()));
    return std::nullopt;
  }
  std::optional<SmallVector<int64_t>> values = n.getConstantInts(i);
  if (!values) {
    (void)n.unsupported(
        "the position is computed at run time; geflow's sequences are "
        "static (their element shapes are compiled in), so positions must "
        "be constants");
    return std::nullopt;
  }
  if (values->size() != 1) {
    (void)n.fail("the position must have one element, not " +
                 Twine(values->size()));
    return std::nullopt;
  }
  int64_t pos = values->front();
  int64_t last = allowEnd ? size : size - 1;
  if (pos < -size || pos > last) {
    (void)n.fail("position " + Twine(pos) +
                 " is out of range for a sequence "
                 "of " +
                 Twine(size) + " element(s) (valid: " + Twine(-size) + " to " +
                 Twine(last) + ")");
    return std::nullopt;
  }
  return pos < 0 ? pos + size : pos;
}

LogicalResult translateSequenceConstruct(NodeContext &n) {
  if (n.getNumInputs() == 0)
    return n.fail("needs at least one input (SequenceEmpty makes an empty "
                  "sequence)");
  SmallVector<Value> elements;
  for (unsigned i = 0; i < n.getNumInputs(); ++i) {
    Value v = requireTensor(n, i);
    if (!v)
      return failure();
    if (getElementType(v) != getElementType(elements.empty() ? v : elements[0]))
      return n.fail("input " + Twine(i) + " is " + typeString(v.getType()) +
                    " but input 0 is " + typeString(elements[0].getType()) +
                    ": a sequence holds one element type");
    if (!cast<RankedTensorType>(v.getType()).hasStaticShape())
      return n.unsupported("input " + Twine(i) + " has the dynamic shape " +
                           typeString(v.getType()) +
                           "; sequence elements need static shapes");
    elements.push_back(v);
  }
  n.setOutput(0, makeSequence(n, getElementType(elements[0]), elements));
  return success();
}

LogicalResult translateSequenceEmpty(NodeContext &n) {
  std::optional<Type> dtype =
      n.getDataTypeAttr("dtype", onnx::TensorProto::FLOAT);
  if (!dtype)
    return failure();
  n.setOutput(0, makeSequence(n, *dtype, {}));
  return success();
}

LogicalResult translateSequenceLength(NodeContext &n) {
  auto elements = requireSequence(n, 0);
  if (!elements)
    return failure();
  n.setOutput(0, n.constantScalar(n.getBuilder().getI64Type(),
                                  static_cast<double>(elements->size())));
  return success();
}

LogicalResult translateSequenceAt(NodeContext &n) {
  auto elements = requireSequence(n, 0);
  if (!elements || !n.getRequiredInput(1))
    return failure();
  std::optional<int64_t> pos =
      requirePosition(n, 1, elements->size(), /*allowEnd=*/false);
  if (!pos)
    return failure();
  n.setOutput(0, (*elements)[*pos]);
  return success();
}

LogicalResult translateSequenceInsert(NodeContext &n) {
  auto elements = requireSequence(n, 0);
  Value tensor = elements ? requireTensor(n, 1) : Value();
  if (!tensor)
    return failure();
  Type dtype = sequenceDType(n.getInput(0));
  if (getElementType(tensor) != dtype)
    return n.fail("the tensor is " + typeString(tensor.getType()) +
                  " but the sequence holds " + typeString(dtype) +
                  ": a sequence holds one element type");
  if (!cast<RankedTensorType>(tensor.getType()).hasStaticShape())
    return n.unsupported("the tensor has the dynamic shape " +
                         typeString(tensor.getType()) +
                         "; sequence elements need static shapes");
  int64_t pos = elements->size();
  if (n.getInput(2)) {
    std::optional<int64_t> given =
        requirePosition(n, 2, elements->size(), /*allowEnd=*/true);
    if (!given)
      return failure();
    pos = *given;
  }
  elements->insert(elements->begin() + pos, tensor);
  n.setOutput(0, makeSequence(n, dtype, *elements));
  return success();
}

LogicalResult translateSequenceErase(NodeContext &n) {
  auto elements = requireSequence(n, 0);
  if (!elements)
    return failure();
  if (elements->empty())
    return n.fail("cannot erase from an empty sequence");
  int64_t pos = elements->size() - 1;
  if (n.getInput(1)) {
    std::optional<int64_t> given =
        requirePosition(n, 1, elements->size(), /*allowEnd=*/false);
    if (!given)
      return failure();
    pos = *given;
  }
  elements->erase(elements->begin() + pos);
  n.setOutput(0, makeSequence(n, sequenceDType(n.getInput(0)), *elements));
  return success();
}

/// SplitToSequence: ge.Split into the parts (default: size-1 parts, squeezed
/// unless keepdims), each an element.
LogicalResult translateSplitToSequence(NodeContext &n) {
  Value x = requireTensor(n, 0);
  if (!x)
    return failure();
  auto type = cast<RankedTensorType>(x.getType());
  if (!type.hasStaticShape())
    return n.unsupported("the input has the dynamic shape " + typeString(type) +
                         "; sequences are static");
  std::optional<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", 0), type.getRank(), "axis");
  if (!axis)
    return failure();
  int64_t extent = type.getDimSize(*axis);
  SmallVector<int64_t> sizes;
  bool squeeze = false;
  if (n.getInput(1)) {
    auto split = n.requireConstantInts(1, "the split input");
    if (!split)
      return failure();
    auto splitType = cast<ShapedType>(n.getInput(1).getType());
    if (splitType.getRank() == 0) {
      int64_t chunk = split->front();
      if (chunk <= 0)
        return n.fail("the split size must be positive, not " + Twine(chunk));
      for (int64_t at = 0; at < extent; at += chunk)
        sizes.push_back(std::min(chunk, extent - at));
    } else {
      int64_t total = 0;
      for (int64_t s : *split) {
        if (s < 0)
          return n.fail("split sizes must not be negative");
        total += s;
      }
      if (total != extent)
        return n.fail("the split sizes add up to " + Twine(total) +
                      ", not the axis' extent " + Twine(extent));
      sizes = *split;
    }
  } else {
    sizes.assign(extent, 1);
    squeeze = n.getInt("keepdims", 1) == 0;
  }
  SmallVector<Value> parts;
  if (sizes.size() == 1) {
    parts.push_back(x);
  } else if (!sizes.empty()) {
    parts =
        n.createMulti<SplitOp>(sizes.size(), x, static_cast<uint64_t>(*axis),
                               ArrayRef<int64_t>(sizes));
    if (parts.size() != sizes.size())
      return failure();
  }
  for (Value &part : parts) {
    if (squeeze)
      part = n.create<SqueezeOp>(part, ArrayRef<int64_t>{*axis});
    if (!part)
      return failure();
  }
  n.setOutput(0, makeSequence(n, type.getElementType(), parts));
  return success();
}

/// ConcatFromSequence: ge.ConcatV2 of the elements (each ExpandDims'd first
/// with new_axis).
LogicalResult translateConcatFromSequence(NodeContext &n) {
  auto elements = requireSequence(n, 0);
  if (!elements)
    return failure();
  if (!n.hasAttr("axis"))
    return n.fail("attribute 'axis' is required");
  if (elements->empty())
    return n.fail("cannot concatenate an empty sequence");
  bool newAxis = n.getInt("new_axis", 0) != 0;
  int64_t rank = cast<RankedTensorType>((*elements)[0].getType()).getRank();
  std::optional<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", 0), newAxis ? rank + 1 : rank, "axis");
  if (!axis)
    return failure();
  SmallVector<Value> parts;
  for (Value e : *elements) {
    Value part =
        newAxis ? n.create<ExpandDimsOp>(e, ArrayRef<int64_t>{*axis}) : e;
    if (!part)
      return failure();
    parts.push_back(part);
  }
  if (parts.size() == 1)
    return finish(n, parts.front());
  return finish(
      n, n.create<ConcatV2Op>(ValueRange(parts), static_cast<uint64_t>(*axis)));
}

/// SequenceMap: the body once per element, with the i-th element of each
/// sequence input and every tensor input as is.
LogicalResult translateSequenceMap(NodeContext &n) {
  std::optional<NodeContext::Subgraph> body = n.getGraphAttr("body");
  auto first = requireSequence(n, 0);
  if (!body || !first)
    return failure();
  if (body->numInputs != n.getNumInputs())
    return n.fail("body '" + body->name + "' takes " + Twine(body->numInputs) +
                  " inputs, but the node passes " + Twine(n.getNumInputs()));
  if (body->numOutputs != n.getNumOutputs())
    return n.fail("body '" + body->name + "' gives " + Twine(body->numOutputs) +
                  " outputs, but the node has " + Twine(n.getNumOutputs()));
  size_t length = first->size();
  for (unsigned i = 1; i < n.getNumInputs(); ++i) {
    Value v = n.getRequiredInput(i);
    if (!v)
      return failure();
    if (auto elements = getSequenceElements(v)) {
      if (elements->size() != length)
        return n.fail("input " + Twine(i) + " is a sequence of " +
                      Twine(elements->size()) + " element(s) but input 0 has " +
                      Twine(length));
    } else if (!isa<RankedTensorType>(v.getType())) {
      return n.fail("input " + Twine(i) +
                    " must be a sequence or a tensor, "
                    "not " +
                    typeString(v.getType()));
    }
  }
  SmallVector<SmallVector<Value>> outputs(n.getNumOutputs());
  for (size_t k = 0; k < length; ++k) {
    SmallVector<Value> args;
    for (unsigned i = 0; i < n.getNumInputs(); ++i) {
      Value v = n.getInput(i);
      auto elements = getSequenceElements(v);
      args.push_back(elements ? (*elements)[k] : v);
    }
    auto outs = n.inlineGraph(*body, args);
    if (!outs)
      return failure();
    for (auto [j, out] : llvm::enumerate(*outs)) {
      if (!isa<RankedTensorType>(out.getType()) ||
          !cast<RankedTensorType>(out.getType()).hasStaticShape())
        return n.unsupported("body output " + Twine(j) + " is " +
                             typeString(out.getType()) +
                             "; each must be a tensor of static shape");
      if (!outputs[j].empty() &&
          getElementType(out) != getElementType(outputs[j][0]))
        return n.fail("body output " + Twine(j) + " has element type " +
                      typeString(getElementType(out)) + " for element " +
                      Twine(k) + " but " +
                      typeString(getElementType(outputs[j][0])) +
                      " before: a sequence holds one element type");
      outputs[j].push_back(out);
    }
  }
  for (unsigned j = 0; j < n.getNumOutputs(); ++j) {
    Type dtype;
    if (!outputs[j].empty()) {
      dtype = getElementType(outputs[j][0]);
    } else {
      // An empty input: the element type the body declares.
      const onnx::ValueInfoProto &info = body->graph->output(j);
      std::optional<Type> declared =
          info.type().has_tensor_type()
              ? convertDataType(info.type().tensor_type().elem_type(),
                                n.getContext())
              : std::nullopt;
      if (!declared)
        return n.unsupported("the input sequence is empty and body output " +
                             Twine(j) + " declares no tensor element type");
      dtype = *declared;
    }
    n.setOutput(j, makeSequence(n, dtype, outputs[j]));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Optionals
//===----------------------------------------------------------------------===//

/// The declared type of an empty Optional (its `type` attribute).
FailureOr<Type> emptyOptionalValueType(NodeContext &n,
                                       const onnx::TypeProto &type) {
  std::string error;
  if (type.has_tensor_type()) {
    FailureOr<TensorType> t = convertTensorType(type, n.getContext(), error);
    if (failed(t))
      return n.unsupported("attribute 'type': " + error);
    return Type(*t);
  }
  if (type.has_sequence_type() &&
      type.sequence_type().elem_type().has_tensor_type()) {
    std::optional<Type> dtype = convertDataType(
        type.sequence_type().elem_type().tensor_type().elem_type(),
        n.getContext());
    if (!dtype)
      return n.unsupported("attribute 'type': the element type is not "
                           "supported");
    return Type(SequenceType::get(n.getContext(), *dtype, {}));
  }
  return n.unsupported("attribute 'type' must be a tensor or sequence of "
                       "tensors type");
}

LogicalResult translateOptional(NodeContext &n) {
  Value value = n.getInput(0);
  OpBuilder &b = n.getBuilder();
  if (value) {
    if (isa<OptionalType>(value.getType()))
      return n.fail("input 0 is already an optional");
    if (!isa<RankedTensorType, SequenceType>(value.getType()))
      return n.unsupported("input 0 has the type " +
                           typeString(value.getType()) +
                           "; an optional holds a ranked tensor or a sequence");
    auto type = OptionalType::get(n.getContext(), value.getType(), true);
    n.setOutput(0, OptionalConstructOp::create(b, n.getLoc(), type, value));
    return success();
  }
  const onnx::NodeProto &node = n.getNode();
  const onnx::AttributeProto *attr = nullptr;
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == "type" && a.has_tp())
      attr = &a;
  if (!attr)
    return n.fail("an Optional without input needs the attribute 'type'");
  FailureOr<Type> declared = emptyOptionalValueType(n, attr->tp());
  if (failed(declared))
    return failure();
  auto type = OptionalType::get(n.getContext(), *declared, false);
  n.setOutput(0, OptionalConstructOp::create(b, n.getLoc(), type, Value()));
  return success();
}

LogicalResult translateOptionalHasElement(NodeContext &n) {
  // Opset 18 also takes a tensor or sequence (present) or no input (none).
  Value v = n.getInput(0);
  bool present = false;
  if (v) {
    auto optional = dyn_cast<OptionalType>(v.getType());
    present = !optional || optional.getPresent();
    if (!optional && n.getOpset() < 18)
      return n.fail("input 0 must be an optional, not " +
                    typeString(v.getType()));
  }
  auto type = RankedTensorType::get({}, n.getBuilder().getI1Type());
  n.setOutput(0, n.constant(DenseElementsAttr::get(type, present)));
  return success();
}

LogicalResult translateOptionalGetElement(NodeContext &n) {
  Value v = n.getRequiredInput(0);
  if (!v)
    return failure();
  auto optional = dyn_cast<OptionalType>(v.getType());
  if (!optional) {
    if (n.getOpset() < 18)
      return n.fail("input 0 must be an optional, not " +
                    typeString(v.getType()));
    n.setOutput(0, v); // opset 18: a tensor or sequence is returned as is
    return success();
  }
  if (!optional.getPresent())
    return n.fail("the optional holds no value (its contents are static: "
                  "the model or input_sequence_shape gives none)");
  n.setOutput(0, v.getDefiningOp<OptionalConstructOp>().getValue());
  return success();
}

} // namespace

LogicalResult translateCompositeIdentity(NodeContext &n) {
  Value v = n.getRequiredInput(0);
  if (!v)
    return failure();
  n.setOutput(0, v);
  return success();
}

bool takesComposites(StringRef opType) {
  static const StringLiteral kOps[] = {"SequenceConstruct",
                                       "SequenceEmpty",
                                       "SequenceLength",
                                       "SequenceAt",
                                       "SequenceInsert",
                                       "SequenceErase",
                                       "SplitToSequence",
                                       "ConcatFromSequence",
                                       "SequenceMap",
                                       "Optional",
                                       "OptionalHasElement",
                                       "OptionalGetElement",
                                       "If",
                                       "Loop",
                                       "Identity"};
  return llvm::is_contained(kOps, opType);
}

ArrayRef<OpTranslator> getSequenceTranslators() {
  static const OpTranslator table[] = {
      {"SequenceConstruct", translateSequenceConstruct},
      {"SequenceEmpty", translateSequenceEmpty},
      {"SequenceLength", translateSequenceLength},
      {"SequenceAt", translateSequenceAt},
      {"SequenceInsert", translateSequenceInsert},
      {"SequenceErase", translateSequenceErase},
      {"SplitToSequence", translateSplitToSequence},
      {"ConcatFromSequence", translateConcatFromSequence},
      {"SequenceMap", translateSequenceMap},
      {"Optional", translateOptional},
      {"OptionalHasElement", translateOptionalHasElement},
      {"OptionalGetElement", translateOptionalGetElement},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
