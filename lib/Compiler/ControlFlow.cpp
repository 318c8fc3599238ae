//===- ControlFlow.cpp - Compiling If and While subgraphs -----------------===//
//
// GE compiles each subgraph of a control-flow node as a graph of its own;
// so does geflow: a region becomes a module with one function (the region's
// block arguments, then the enclosing values it reads, as arguments; its
// yielded values as results), compiled by compileModule like any model. The
// executables travel in the .gfm (Model.subgraphs) and the executor runs
// them (docs/executor.md, "Control flow").
//
//===----------------------------------------------------------------------===//
#include "ControlFlow.h"

#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/IR/GEUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

namespace geflow {
namespace {

/// Nesting of control flow (a loop in a branch in a loop ...).
constexpr int kMaxControlFlowDepth = 16;

bool isConstant(Value v) {
  Operation *def = v.getDefiningOp();
  return def && def->hasTrait<OpTrait::ConstantLike>() &&
         def->getNumOperands() == 0;
}

/// The enclosing values the op's regions read (constants excluded: each
/// subgraph gets its own copy), in a stable order.
SmallVector<Value> capturedValues(Operation *op) {
  SetVector<Value> above;
  getUsedValuesDefinedAbove(op->getRegions(), above);
  SmallVector<Value> captured;
  for (Value v : above)
    if (!isConstant(v))
      captured.push_back(v);
  return captured;
}

/// The region as a module: func @main(leading..., captured...) -> yields.
OwningOpRef<ModuleOp> outlineRegion(Region &region, TypeRange leading,
                                    ArrayRef<Value> captured) {
  Location loc = region.getParentOp()->getLoc();
  MLIRContext *ctx = loc.getContext();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  Block &block = region.front();
  auto yield = cast<ge::YieldOp>(block.getTerminator());
  SmallVector<Type> args(leading.begin(), leading.end());
  for (Value v : captured)
    args.push_back(v.getType());
  OpBuilder b = OpBuilder::atBlockEnd(module->getBody());
  auto func = func::FuncOp::create(
      b, loc, "main",
      FunctionType::get(ctx, args, yield.getValues().getTypes()));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  IRMapping map;
  for (auto [i, arg] : llvm::enumerate(block.getArguments()))
    map.map(arg, entry->getArgument(i));
  for (auto [i, v] : llvm::enumerate(captured))
    map.map(v, entry->getArgument(leading.size() + i));
  SetVector<Value> above;
  getUsedValuesDefinedAbove(region, region, above);
  for (Value v : above)
    if (isConstant(v))
      map.map(v, b.clone(*v.getDefiningOp())->getResult(0));
  for (Operation &op : block.without_terminator())
    b.clone(op, map);
  SmallVector<Value> results;
  for (Value v : yield.getValues())
    results.push_back(map.lookup(v));
  func::ReturnOp::create(b, loc, results);
  return module;
}

/// What a subgraph compiles under: the model's target and precision, none
/// of the options that name the model's own inputs or files.
CompileConfig subgraphConfig(const CompileConfig &config) {
  CompileConfig sub;
  sub.pipeline = config.pipeline;
  sub.pipeline.gears = GearConfig();
  sub.pipeline.mixed.inOutPair.clear();
  sub.pipeline.stopAfterGraph = false;
  sub.graphMemoryMaxSize = config.graphMemoryMaxSize;
  sub.constantMaxSize = config.constantMaxSize;
  sub.optionValues = config.optionValues;
  return sub;
}

class Outliner {
public:
  Outliner(ModuleOp module, const CompileConfig &config,
           const std::string &modelName)
      : module_(module), config_(subgraphConfig(config)),
        modelName_(modelName) {}

  LogicalResult run() {
    // Only the outermost ops: a region's own control flow is outlined when
    // the region compiles.
    SmallVector<Operation *> ops;
    module_.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<ge::IfOp, ge::WhileOp>(op)) {
        ops.push_back(op);
        return WalkResult::skip();
      }
      return WalkResult::advance();
    });
    if (ops.empty())
      return success();
    int depth = 0;
    if (auto d = module_->getAttrOfType<IntegerAttr>("ge.control_depth"))
      depth = d.getInt();
    if (depth >= kMaxControlFlowDepth)
      return ops.front()->emitError() << "control flow nested more than "
                                      << kMaxControlFlowDepth << " levels deep";
    for (Operation *op : ops)
      if (failed(outline(op, depth + 1)))
        return failure();
    module_->setAttr("ge.subgraphs",
                     ArrayAttr::get(module_.getContext(), subgraphs_));
    return success();
  }

private:
  FailureOr<int64_t> compile(Region &region, TypeRange leading,
                             ArrayRef<Value> captured, StringRef what,
                             int depth) {
    Operation *op = region.getParentOp();
    std::string name =
        modelName_ + "." + what.str() + std::to_string(subgraphs_.size());
    OwningOpRef<ModuleOp> sub = outlineRegion(region, leading, captured);
    (*sub)->setAttr(
        "ge.control_depth",
        IntegerAttr::get(IntegerType::get(op->getContext(), 64), depth));
    auto bytes = compileModule(*sub, config_, name);
    if (failed(bytes))
      return op->emitError() << ge::opLabel(op) << ": its region '" << what
                             << "' does not compile (see above)",
             failure();
    subgraphs_.push_back(
        StringAttr::get(op->getContext(),
                        StringRef(reinterpret_cast<const char *>(bytes->data()),
                                  bytes->size())));
    return static_cast<int64_t>(subgraphs_.size()) - 1;
  }

  LogicalResult outline(Operation *op, int depth) {
    SmallVector<Value> captured = capturedValues(op);
    SmallVector<int64_t> indices;
    SmallVector<Value> operands;
    StringRef kind;
    int64_t numCarried = 0;
    if (auto ifOp = dyn_cast<ge::IfOp>(op)) {
      kind = "If";
      for (auto [region, what] :
           {std::pair<Region *, StringRef>(&ifOp.getThenBranch(), "then"),
            {&ifOp.getElseBranch(), "else"}}) {
        auto index = compile(*region, {}, captured, what, depth);
        if (failed(index))
          return failure();
        indices.push_back(*index);
      }
      operands.push_back(ifOp.getCond());
    } else {
      auto whileOp = cast<ge::WhileOp>(op);
      kind = "While";
      TypeRange carried = whileOp.getInputs().getTypes();
      for (auto [region, what] :
           {std::pair<Region *, StringRef>(&whileOp.getCond(), "cond"),
            {&whileOp.getBody(), "body"}}) {
        auto index = compile(*region, carried, captured, what, depth);
        if (failed(index))
          return failure();
        indices.push_back(*index);
      }
      numCarried = carried.size();
      operands.append(whileOp.getInputs().begin(), whileOp.getInputs().end());
    }
    for (Type t : op->getResultTypes())
      if (!cast<ShapedType>(t).hasStaticShape())
        return op->emitError()
               << ge::opLabel(op) << " has a result of unknown shape " << t
               << "; geflow's control flow needs static result shapes";
    operands.append(captured);
    OpBuilder b(op);
    auto call = ge::ControlCallOp::create(
        b, op->getLoc(), op->getResultTypes(), b.getStringAttr(kind),
        b.getDenseI64ArrayAttr(indices), b.getI64IntegerAttr(numCarried),
        operands);
    for (NamedAttribute a : op->getDiscardableAttrs())
      call->setAttr(a.getName(), a.getValue());
    op->replaceAllUsesWith(call->getResults());
    op->erase();
    return success();
  }

  ModuleOp module_;
  CompileConfig config_;
  std::string modelName_;
  SmallVector<Attribute> subgraphs_;
};

} // namespace

LogicalResult outlineControlFlow(ModuleOp module, const CompileConfig &config,
                                 const std::string &modelName) {
  return Outliner(module, config, modelName).run();
}

} // namespace geflow
