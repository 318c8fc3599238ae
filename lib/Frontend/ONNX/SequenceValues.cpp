//===- SequenceValues.cpp - ONNX sequence and optional values -------------===//
#include "SequenceValues.h"
#include "NodeContext.h"
#include "TypeMapping.h"

#include "dialects/ge/IR/GEOps.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {

bool isComposite(Type type) { return isa<SequenceType, OptionalType>(type); }

std::optional<SmallVector<Value>> getSequenceElements(Value value) {
  if (!isa<SequenceType>(value.getType()))
    return std::nullopt;
  auto construct = value.getDefiningOp<SequenceConstructOp>();
  assert(construct && "every sequence value is a ge.SequenceConstruct");
  return SmallVector<Value>(construct.getElements());
}

SmallVector<Value> getTensors(Value value) {
  if (auto elements = getSequenceElements(value))
    return *elements;
  if (isa<OptionalType>(value.getType())) {
    auto construct = value.getDefiningOp<OptionalConstructOp>();
    assert(construct && "every optional value is a ge.OptionalConstruct");
    return construct.getValue() ? getTensors(construct.getValue())
                                : SmallVector<Value>();
  }
  return {value};
}

Value buildSequence(OpBuilder &builder, Location loc, Type elementType,
                    ValueRange elements) {
  auto type = SequenceType::get(builder.getContext(), elementType,
                                llvm::to_vector(elements.getTypes()));
  return SequenceConstructOp::create(builder, loc, type, elements);
}

SmallVector<Type> getTensorTypes(Type type) {
  if (auto sequence = dyn_cast<SequenceType>(type))
    return SmallVector<Type>(sequence.getElements());
  if (auto optional = dyn_cast<OptionalType>(type))
    return optional.getPresent() ? getTensorTypes(optional.getValueType())
                                 : SmallVector<Type>();
  return {type};
}

Value buildComposite(OpBuilder &builder, Location loc, Type type,
                     ValueRange tensors) {
  if (auto sequence = dyn_cast<SequenceType>(type))
    return buildSequence(builder, loc, sequence.getElementType(), tensors);
  if (auto optional = dyn_cast<OptionalType>(type)) {
    if (!optional.getPresent())
      return OptionalConstructOp::create(builder, loc, type, Value());
    Value value =
        buildComposite(builder, loc, optional.getValueType(), tensors);
    return OptionalConstructOp::create(builder, loc, type, value);
  }
  assert(tensors.size() == 1 && "a tensor is passed as itself");
  return tensors.front();
}

SmallVector<std::string> getTensorNames(Type type, StringRef name) {
  SmallVector<std::string> names;
  Type held = type;
  if (auto optional = dyn_cast<OptionalType>(type))
    held = optional.getValueType();
  size_t count = getTensorTypes(type).size();
  if (!isa<SequenceType>(held)) {
    if (count)
      names.push_back(name.str());
    return names;
  }
  for (size_t i = 0; i < count; ++i)
    names.push_back((name + "[" + Twine(i) + "]").str());
  return names;
}

static Type getElementDType(Type type) {
  if (auto optional = dyn_cast<OptionalType>(type))
    type = optional.getValueType();
  if (auto sequence = dyn_cast<SequenceType>(type))
    return sequence.getElementType();
  return cast<TensorType>(type).getElementType();
}

DictionaryAttr describeComposite(Builder &builder, StringRef name, Type type) {
  auto optional = dyn_cast<OptionalType>(type);
  SmallVector<Attribute> tensors;
  for (const std::string &t : getTensorNames(type, name))
    tensors.push_back(builder.getStringAttr(t));
  NamedAttribute entries[] = {
      builder.getNamedAttr("name", builder.getStringAttr(name)),
      builder.getNamedAttr(
          "kind", builder.getStringAttr(optional ? "optional" : "sequence")),
      builder.getNamedAttr(
          "present", builder.getBoolAttr(!optional || optional.getPresent())),
      builder.getNamedAttr(
          "holds_sequence",
          builder.getBoolAttr(optional &&
                              isa<SequenceType>(optional.getValueType()))),
      builder.getNamedAttr("dtype", TypeAttr::get(getElementDType(type))),
      builder.getNamedAttr("tensors", builder.getArrayAttr(tensors))};
  return builder.getDictionaryAttr(entries);
}

//===----------------------------------------------------------------------===//
// Graph inputs
//===----------------------------------------------------------------------===//

static std::string shapeText(ArrayRef<int64_t> dims) {
  std::string text = "[";
  for (auto [i, d] : llvm::enumerate(dims))
    text += (i ? "," : "") + std::to_string(d);
  return text + "]";
}

/// The tensor type of a sequence element or optional tensor given `dims`,
/// checked against the model's declared element type.
static FailureOr<Type> elementTensorType(const onnx::TypeProto &declared,
                                         ArrayRef<int64_t> dims,
                                         MLIRContext *context,
                                         std::string &error) {
  FailureOr<TensorType> type = convertTensorType(declared, context, error);
  if (failed(type))
    return failure();
  if (auto ranked = dyn_cast<RankedTensorType>(*type)) {
    bool fits = ranked.getRank() == static_cast<int64_t>(dims.size());
    for (size_t d = 0; fits && d < dims.size(); ++d)
      fits = ShapedType::isDynamic(ranked.getDimSize(d)) ||
             ranked.getDimSize(d) == dims[d];
    if (!fits) {
      std::string text;
      llvm::raw_string_ostream os(text);
      os << ranked;
      error = "shape " + shapeText(dims) + " does not fit the declared " + text;
      return failure();
    }
  }
  return Type(RankedTensorType::get(dims, type->getElementType()));
}

static FailureOr<Type> sequenceType(const onnx::TypeProto::Sequence &declared,
                                    const NamedSequenceShape &spec,
                                    MLIRContext *context, std::string &error) {
  if (!declared.elem_type().has_tensor_type()) {
    error = "a sequence of non-tensor values is not supported";
    return failure();
  }
  std::optional<Type> dtype =
      convertDataType(declared.elem_type().tensor_type().elem_type(), context);
  if (!dtype) {
    error = "element type " +
            dataTypeName(declared.elem_type().tensor_type().elem_type()) +
            " is not supported";
    return failure();
  }
  SmallVector<Type> elements;
  for (auto [i, dims] : llvm::enumerate(spec.elements)) {
    FailureOr<Type> t =
        elementTensorType(declared.elem_type(), dims, context, error);
    if (failed(t)) {
      error = "element " + std::to_string(i) + ": " + error;
      return failure();
    }
    elements.push_back(*t);
  }
  return Type(SequenceType::get(context, *dtype, elements));
}

FailureOr<Type> getCompositeInputType(const onnx::TypeProto &type,
                                      StringRef name,
                                      const ImportOptions &options,
                                      MLIRContext *context,
                                      std::string &error) {
  const NamedSequenceShape *spec = nullptr;
  for (const NamedSequenceShape &s : options.sequenceShapes)
    if (s.name == name)
      spec = &s;
  bool isSequence = type.has_sequence_type();
  if (!spec) {
    error = std::string(isSequence ? "a sequence" : "an optional") +
            " input needs its contents at compile time: give them with "
            "input_sequence_shape (e.g. --input_sequence_shape=\"" +
            name.str() + (isSequence ? ":[2,3],[4]" : ":none") + "\")";
    return failure();
  }
  if (isSequence) {
    if (spec->none) {
      error = "input_sequence_shape gives 'none' for a sequence (an empty "
              "sequence is \"" +
              name.str() + ":\")";
      return failure();
    }
    return sequenceType(type.sequence_type(), *spec, context, error);
  }
  const onnx::TypeProto &held = type.optional_type().elem_type();
  if (!held.has_tensor_type() && !held.has_sequence_type()) {
    error = "an optional of a non-tensor, non-sequence value is not supported";
    return failure();
  }
  if (spec->none) {
    Type declared;
    if (held.has_sequence_type()) {
      FailureOr<Type> empty =
          sequenceType(held.sequence_type(), {}, context, error);
      if (failed(empty))
        return failure();
      declared = *empty;
    } else {
      FailureOr<TensorType> t = convertTensorType(held, context, error);
      if (failed(t))
        return failure();
      declared = *t;
    }
    return Type(OptionalType::get(context, declared, false));
  }
  FailureOr<Type> value = failure();
  if (held.has_sequence_type()) {
    value = sequenceType(held.sequence_type(), *spec, context, error);
  } else {
    if (spec->elements.size() != 1) {
      error = "an optional tensor takes one shape in input_sequence_shape "
              "(or none), not " +
              std::to_string(spec->elements.size());
      return failure();
    }
    value = elementTensorType(held, spec->elements.front(), context, error);
  }
  if (failed(value))
    return failure();
  return Type(OptionalType::get(context, *value, true));
}

//===----------------------------------------------------------------------===//
// Select
//===----------------------------------------------------------------------===//

Value selectComposite(NodeContext &n, Value cond, Value a, Value b) {
  assert(a.getType() == b.getType() && "the caller checks the types");
  SmallVector<Value> selected;
  for (auto [x, y] : llvm::zip(getTensors(a), getTensors(b))) {
    Value s = x == y ? x : n.create<SelectOp>(cond, x, y);
    if (!s)
      return {};
    selected.push_back(s);
  }
  return buildComposite(n.getBuilder(), n.getLoc(), a.getType(), selected);
}

} // namespace geflow::frontend::onnximp
