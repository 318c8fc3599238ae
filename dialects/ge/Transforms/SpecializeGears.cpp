//===- SpecializeGears.cpp - One static graph per dynamic-shape gear ------===//
#include "dialects/ge/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseSet.h"

namespace geflow::ge {
#define GEN_PASS_DEF_GESPECIALIZEGEARS
#include "dialects/ge/Transforms/Passes.h.inc"
} // namespace geflow::ge

using namespace mlir;

namespace geflow::ge {
namespace {

constexpr int64_t kMinGears = 2, kMaxGears = 100;

std::string formatGear(ArrayRef<int64_t> values) {
  std::string s;
  for (auto [i, v] : llvm::enumerate(values))
    s += (i ? "," : "") + std::to_string(v);
  return s;
}

LogicalResult checkGears(func::FuncOp func, ArrayAttr gears,
                         int64_t unknownDims) {
  int64_t count = gears.size();
  if (count < kMinGears || count > kMaxGears)
    return func.emitError()
           << "'" << GEDialect::kGearsAttr << "' has " << count
           << " gears; GE allows " << kMinGears << " to " << kMaxGears;
  if (unknownDims == 0)
    return func.emitError() << "'" << GEDialect::kGearsAttr
                            << "' is set but no input has an unknown (-1) dim";
  std::set<std::vector<int64_t>> seen;
  for (auto [i, attr] : llvm::enumerate(gears)) {
    ArrayRef<int64_t> values = cast<DenseI64ArrayAttr>(attr).asArrayRef();
    if (static_cast<int64_t>(values.size()) != unknownDims)
      return func.emitError()
             << "gear " << i << " (" << formatGear(values) << ") has "
             << values.size() << " values but the inputs have " << unknownDims
             << " unknown dims";
    for (int64_t v : values)
      if (v < 1)
        return func.emitError() << "gear " << i << " (" << formatGear(values)
                                << ") has a dim < 1";
    if (!seen.insert(std::vector<int64_t>(values.begin(), values.end())).second)
      return func.emitError() << "gear " << i << " (" << formatGear(values)
                              << ") is listed twice";
  }
  return success();
}

struct GESpecializeGearsPass
    : impl::GESpecializeGearsBase<GESpecializeGearsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> funcs;
    for (func::FuncOp f : module.getOps<func::FuncOp>())
      if (f->hasAttr(GEDialect::kGearsAttr))
        funcs.push_back(f);
    for (func::FuncOp f : funcs)
      if (failed(specialize(f)))
        return signalPassFailure();
  }

  LogicalResult specialize(func::FuncOp func) {
    auto gears = func->getAttrOfType<ArrayAttr>(GEDialect::kGearsAttr);
    int64_t unknownDims = 0;
    for (Type t : func.getArgumentTypes())
      if (auto ranked = dyn_cast<RankedTensorType>(t))
        unknownDims += ranked.getNumDynamicDims();
    if (failed(checkGears(func, gears, unknownDims)))
      return failure();
    OpBuilder b(func);
    for (auto [index, attr] : llvm::enumerate(gears)) {
      ArrayRef<int64_t> values = cast<DenseI64ArrayAttr>(attr).asArrayRef();
      func::FuncOp gear = func.clone();
      gear.setSymName((func.getSymName() + "_gear" + Twine(index)).str());
      gear->removeAttr(GEDialect::kGearsAttr);
      gear->setAttr(GEDialect::kGearIndexAttr, b.getI64IntegerAttr(index));
      gear->setAttr(GEDialect::kGearAttr, attr);
      size_t next = 0;
      SmallVector<Type> inputs;
      for (BlockArgument arg : gear.getArguments()) {
        auto type = cast<RankedTensorType>(arg.getType());
        SmallVector<int64_t> shape(type.getShape());
        for (int64_t &d : shape)
          if (ShapedType::isDynamic(d))
            d = values[next++];
        auto fixed = RankedTensorType::get(shape, type.getElementType(),
                                           type.getEncoding());
        arg.setType(fixed);
        inputs.push_back(fixed);
      }
      gear.setFunctionType(
          FunctionType::get(&getContext(), inputs, gear.getResultTypes()));
      b.insert(gear);
    }
    func.erase();
    return success();
  }
};

} // namespace
} // namespace geflow::ge
