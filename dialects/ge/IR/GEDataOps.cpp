//===- GEDataOps.cpp - Constants and variables ----------------------------===//
#include "dialects/ge/IR/GEOpUtils.h"

using namespace mlir;
using namespace geflow::ge;
using namespace geflow::ge::detail;

LogicalResult ConstOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getValue().getType());
  return success();
}

OpFoldResult ConstOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult
FileConstantOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                 Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  return inferStaticTensor(InferDiag(loc, getOperationName()),
                           adaptor.getShape(), adaptor.getDtype(), inferred);
}

LogicalResult FileConstantOp::verify() {
  StringRef path = getFilePath();
  if (path.empty())
    return emitOpError("file_path must not be empty");
  // Weights resolve inside the model's directory: no absolute paths and no
  // ".." components.
  if (path.starts_with("/"))
    return emitOpError("file_path '")
           << path << "' must be relative to the model directory";
  SmallVector<StringRef> parts;
  path.split(parts, '/');
  if (llvm::is_contained(parts, ".."))
    return emitOpError("file_path '")
           << path << "' must not leave the model directory";
  if (getOffset() < 0)
    return emitOpError("offset must be >= 0, got ") << getOffset();
  int64_t length = getLength();
  auto type = cast<RankedTensorType>(getType());
  unsigned bits = type.getElementTypeBitWidth();
  int64_t bytes = type.getNumElements() * ((bits + 7) / 8);
  if (length != -1 && length != bytes)
    return emitOpError("length ") << length << " does not match " << type
                                  << " (" << bytes << " bytes)";
  return success();
}

LogicalResult VariableOp::verify() {
  if (getVarName().empty())
    return emitOpError("var_name must not be empty");
  auto type = dyn_cast<RankedTensorType>(getType());
  if (!type || !type.hasStaticShape())
    return emitOpError("variable '")
           << getVarName() << "' needs a static shape, got " << getType();
  if (auto value = getValueAttr()) {
    auto valueType = cast<ShapedType>(value.getType());
    if (valueType.getShape() != type.getShape() ||
        valueType.getElementType() != type.getElementType())
      return emitOpError("variable '")
             << getVarName() << "': initial value " << valueType
             << " does not match its type " << type;
  }
  return success();
}

/// Assign, AssignAdd and AssignSub: the variable is named, and where the
/// enclosing graph declares it, the value must have its type.
static LogicalResult verifyAssign(Operation *op, StringRef name, Type value) {
  if (name.empty())
    return op->emitOpError("var_name must not be empty");
  auto type = dyn_cast<RankedTensorType>(value);
  if (!type || !type.hasStaticShape())
    return op->emitOpError("the value assigned to '")
           << name << "' needs a static shape, got " << value;
  Operation *graph = op->getParentOp();
  if (!graph)
    return success();
  LogicalResult result = success();
  graph->walk([&](VariableOp var) {
    if (var.getVarName() != name || var.getType() == value)
      return WalkResult::advance();
    result = op->emitOpError("assigns ") << value << " to variable '" << name
                                         << "' of type " << var.getType();
    return WalkResult::interrupt();
  });
  return result;
}

LogicalResult AssignOp::verify() {
  return verifyAssign(*this, getVarName(), getValue().getType());
}
LogicalResult AssignAddOp::verify() {
  return verifyAssign(*this, getVarName(), getValue().getType());
}
LogicalResult AssignSubOp::verify() {
  return verifyAssign(*this, getVarName(), getValue().getType());
}
