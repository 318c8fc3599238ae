//===- InferShapes.cpp - Refine ge result types from operands -------------===//
#include "dialects/ge/Transforms/Passes.h"

#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

namespace geflow::ge {
#define GEN_PASS_DEF_GEINFERSHAPES
#include "dialects/ge/Transforms/Passes.h.inc"
} // namespace geflow::ge

using namespace mlir;

namespace geflow::ge {
namespace {

// The inferred type, keeping the declared type's format encoding.
Type refine(Type declared, Type inferred) {
  auto d = dyn_cast<RankedTensorType>(declared);
  auto i = dyn_cast<RankedTensorType>(inferred);
  if (!i)
    return declared;
  if (d && d.getEncoding())
    return RankedTensorType::get(i.getShape(), i.getElementType(), d.getEncoding());
  return i;
}

struct GEInferShapesPass : impl::GEInferShapesBase<GEInferShapesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    WalkResult result = func.walk([&](Operation *op) {
      if (!isa<GEDialect>(op->getDialect()))
        return WalkResult::advance();
      auto infer = dyn_cast<InferTypeOpInterface>(op);
      if (!infer)
        return WalkResult::advance();
      SmallVector<Type> inferred;
      if (failed(infer.inferReturnTypes(
              op->getContext(), op->getLoc(), op->getOperands(),
              op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
              op->getRegions(), inferred)))
        return WalkResult::interrupt();
      for (auto [res, type] : llvm::zip(op->getResults(), inferred))
        res.setType(refine(res.getType(), type));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();

    // The signature follows the refined return values.
    for (Block &block : func.getBody())
      if (auto ret = dyn_cast<func::ReturnOp>(block.getTerminator()))
        func.setFunctionType(FunctionType::get(
            func.getContext(), func.getArgumentTypes(), ret.getOperandTypes()));
  }
};

} // namespace
} // namespace geflow::ge
