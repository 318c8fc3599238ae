//===- BuilderImpl.h - Op creation shared by the builder's files -*- C++
//-*-===//
#ifndef GEFLOW_LIB_BUILDER_BUILDERIMPL_H
#define GEFLOW_LIB_BUILDER_BUILDERIMPL_H

#include "geflow/Builder/GraphBuilder.h"

#include "dialects/ge/IR/GEOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include <map>

namespace geflow {

struct GraphBuilder::Impl {
  explicit Impl(const Graph &graph);

  mlir::OpBuilder builder;
  mlir::func::FuncOp func;
  std::vector<std::string> inputs, outputs;
  /// Ops created per op type, for default names ("Conv2D_3").
  std::map<std::string, unsigned> counts;
  /// setScopeAttrs: string attributes added to every op created.
  std::vector<std::pair<std::string, std::string>> scopeAttrs;

  mlir::func::ReturnOp terminator();
  mlir::Location location(llvm::StringRef opType, const OpLoc &loc);

  /// Rejects null (when `required`) and foreign values, naming the operand.
  Status checkOperand(Value v, llvm::StringRef what, llvm::StringRef opType,
                      bool required = true) const;

  /// Creates an OpTy from its builder arguments (result types are inferred
  /// and verified). The typed builders abort when inference fails, so the op
  /// is created with placeholder types, inferred here and destroyed on
  /// error, which carries every diagnostic with its location.
  template <typename OpTy, typename... Args>
  rt::StatusOr<std::vector<Value>> create(const OpLoc &loc, unsigned numResults,
                                          Args &&...args) {
    llvm::StringRef type = OpTy::getOperationName().drop_front(3); // "ge."
    mlir::OperationState state(location(type, loc), OpTy::getOperationName());
    llvm::SmallVector<mlir::Type> placeholders(
        numResults, mlir::UnrankedTensorType::get(builder.getF32Type()));
    OpTy::build(builder, state, mlir::TypeRange(placeholders),
                std::forward<Args>(args)...);
    return finish(state);
  }

  template <typename OpTy, typename... Args>
  rt::StatusOr<Value> create1(const OpLoc &loc, Args &&...args) {
    auto results = create<OpTy>(loc, 1, std::forward<Args>(args)...);
    if (!results.ok())
      return results.status();
    return results->front();
  }

  rt::StatusOr<std::vector<Value>> finish(mlir::OperationState &state);
  /// A 1-D i64 constant (shape operands).
  Value constantI64(llvm::ArrayRef<int64_t> values, const OpLoc &loc);
};

} // namespace geflow

#endif // GEFLOW_LIB_BUILDER_BUILDERIMPL_H
