//===- GESequenceOps.cpp - Sequence and optional types and ops ------------===//
#include "dialects/ge/IR/GEOps.h"

#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace geflow::ge;

//===----------------------------------------------------------------------===//
// !ge.sequence<f32, [tensor<2xf32>, tensor<3xf32>]>
//===----------------------------------------------------------------------===//

Type SequenceType::parse(AsmParser &parser) {
  Type elementType;
  SmallVector<Type> elements;
  if (parser.parseLess() || parser.parseType(elementType))
    return {};
  if (succeeded(parser.parseOptionalComma())) {
    if (parser.parseCommaSeparatedList(
            AsmParser::Delimiter::Square, [&]() -> ParseResult {
              return parser.parseType(elements.emplace_back());
            }))
      return {};
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<SequenceType>(parser.getContext(), elementType,
                                         ArrayRef<Type>(elements));
}

void SequenceType::print(AsmPrinter &printer) const {
  printer << "<" << getElementType();
  if (!getElements().empty()) {
    printer << ", [";
    llvm::interleaveComma(getElements(), printer);
    printer << "]";
  }
  printer << ">";
}

LogicalResult SequenceType::verify(function_ref<InFlightDiagnostic()> emitError,
                                   Type elementType, ArrayRef<Type> elements) {
  if (isa<ShapedType, SequenceType, OptionalType>(elementType))
    return emitError() << "a sequence's element type must be a scalar type, "
                          "not "
                       << elementType;
  for (auto [i, element] : llvm::enumerate(elements)) {
    auto tensor = dyn_cast<RankedTensorType>(element);
    if (!tensor || tensor.getElementType() != elementType)
      return emitError() << "sequence element " << i << " is " << element
                         << ", not a ranked tensor of " << elementType;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// !ge.optional<tensor<4xf32>>, !ge.optional<none: !ge.sequence<f32>>
//===----------------------------------------------------------------------===//

Type OptionalType::parse(AsmParser &parser) {
  bool present = true;
  Type valueType;
  if (parser.parseLess())
    return {};
  if (succeeded(parser.parseOptionalKeyword("none"))) {
    present = false;
    if (parser.parseColon())
      return {};
  }
  if (parser.parseType(valueType) || parser.parseGreater())
    return {};
  return parser.getChecked<OptionalType>(parser.getContext(), valueType,
                                         present);
}

void OptionalType::print(AsmPrinter &printer) const {
  printer << "<";
  if (!getPresent())
    printer << "none: ";
  printer << getValueType() << ">";
}

LogicalResult OptionalType::verify(function_ref<InFlightDiagnostic()> emitError,
                                   Type valueType, bool present) {
  if (!isa<TensorType, SequenceType>(valueType))
    return emitError() << "an optional holds a tensor or a sequence, not "
                       << valueType;
  if (present && !isa<RankedTensorType, SequenceType>(valueType))
    return emitError() << "an optional holding a value has a static type, not "
                       << valueType;
  return success();
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

LogicalResult SequenceConstructOp::verify() {
  auto type = cast<SequenceType>(getSequence().getType());
  if (!llvm::equal(type.getElements(), getElements().getTypes()))
    return emitOpError() << "result type " << type
                         << " does not list the operand types";
  return success();
}

LogicalResult OptionalConstructOp::verify() {
  auto type = cast<OptionalType>(getOptional().getType());
  if (!getValue()) {
    if (type.getPresent())
      return emitOpError() << "without an operand builds an optional holding "
                              "none, not "
                           << type;
    return success();
  }
  if (!type.getPresent() || type.getValueType() != getValue().getType())
    return emitOpError() << "result type " << type << " does not hold "
                         << getValue().getType();
  return success();
}
