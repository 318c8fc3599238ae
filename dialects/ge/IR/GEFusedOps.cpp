//===- GEFusedOps.cpp - Fused regions made by ge fusion passes ------------===//
#include "dialects/ge/IR/GEOpUtils.h"

using namespace mlir;
using namespace geflow::ge;

void FusedElementwiseOp::build(OpBuilder &builder, OperationState &state,
                               TypeRange resultTypes, ValueRange inputs) {
  state.addOperands(inputs);
  state.addTypes(resultTypes);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value in : inputs)
    block->addArgument(in.getType(), in.getLoc());
}

LogicalResult FusedElementwiseOp::verifyRegions() {
  Block &block = getBody().front();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError() << "body has " << block.getNumArguments()
                         << " arguments for " << getInputs().size()
                         << " inputs";
  for (auto [i, arg, in] : llvm::enumerate(block.getArguments(), getInputs()))
    if (arg.getType() != in.getType())
      return emitOpError() << "body argument " << i << " has type "
                           << arg.getType() << " but input " << i << " is "
                           << in.getType();
  auto yield = cast<YieldOp>(block.getTerminator());
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError("yielded types differ from the result types");
  for (Operation &op : block.without_terminator()) {
    if (!isa<GEDialect>(op.getDialect()) || op.getNumRegions() != 0)
      return op.emitOpError("is not an elementwise ge op and cannot be fused");
    if (op.hasTrait<OpTrait::ConstantLike>()) {
      auto type = cast<ShapedType>(op.getResult(0).getType());
      if (!type.hasStaticShape() || type.getNumElements() != 1)
        return op.emitOpError("a fused constant must have one element");
      continue;
    }
    for (Type t : op.getResultTypes())
      for (Type r : getResultTypes())
        if (cast<ShapedType>(t).getShape() != cast<ShapedType>(r).getShape())
          return op.emitOpError()
                 << "produces " << t
                 << ", but fused values must have the result shape of " << r;
  }
  return success();
}
