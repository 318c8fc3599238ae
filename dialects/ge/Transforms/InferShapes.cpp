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

// The inferred shape, keeping the declared type's format encoding and
// element type (a Cube op may declare an f32 result for f16 operands). A dim
// inference cannot know (a Resize to run-time scales) keeps a static
// declared size, which the model stated (ONNX shape inference or a declared
// output).
Type refine(Type declared, Type inferred) {
  auto d = dyn_cast<RankedTensorType>(declared);
  auto i = dyn_cast<RankedTensorType>(inferred);
  if (!i)
    return declared;
  SmallVector<int64_t> shape(i.getShape());
  if (d && d.getRank() == i.getRank())
    for (auto [dim, known] : llvm::zip(shape, d.getShape()))
      if (ShapedType::isDynamic(dim))
        dim = known;
  return RankedTensorType::get(shape, getElementTypeOrSelf(declared),
                               d ? d.getEncoding() : Attribute());
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
