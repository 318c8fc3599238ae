//===- GraphBuilder.cpp - The graph, its inputs, constants and outputs ----===//
#include "BuilderImpl.h"

#include "dialects/ge/IR/GEUtils.h"
#include "geflow/Compiler/DiagnosticCollector.h"

#include "geflow/runtime/Model.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

using namespace mlir;

namespace geflow {

namespace {

RankedTensorType tensorType(MLIRContext *ctx, const std::vector<int64_t> &shape,
                            DType dtype) {
  SmallVector<int64_t> dims;
  for (int64_t d : shape)
    dims.push_back(d < 0 ? ShapedType::kDynamic : d);
  return RankedTensorType::get(dims, ge::getElementType(ctx, dtype));
}

Status checkShape(const std::vector<int64_t> &shape, const std::string &what) {
  for (int64_t d : shape)
    if (d < -1)
      return rt::invalidArgument(what + " has dim " + std::to_string(d) +
                                 "; dims are >= 0, or -1 for an unknown dim");
  return Status::OK();
}

} // namespace

GraphBuilder::Impl::Impl(const Graph &graph) : builder(&graph.context()) {
  ModuleOp module = graph.module();
  builder.setInsertionPointToEnd(module.getBody());
  Location loc = NameLoc::get(builder.getStringAttr(graph.name()));
  func = func::FuncOp::create(builder, loc, graph.name(),
                              builder.getFunctionType({}, {}));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToEnd(entry);
  func::ReturnOp::create(builder, loc);
  // New ops go before the return, which output() extends.
  builder.setInsertionPoint(entry->getTerminator());
}

func::ReturnOp GraphBuilder::Impl::terminator() {
  return llvm::cast<func::ReturnOp>(func.getBody().front().getTerminator());
}

Location GraphBuilder::Impl::location(StringRef opType, const OpLoc &loc) {
  std::string name = loc.name;
  if (name.empty())
    name = opType.str() + "_" + std::to_string(counts[opType.str()]++);
  MLIRContext *ctx = builder.getContext();
  if (loc.file.empty())
    return NameLoc::get(StringAttr::get(ctx, name));
  return NameLoc::get(StringAttr::get(ctx, name),
                      FileLineColLoc::get(ctx, loc.file, loc.line, 1));
}

Status GraphBuilder::Impl::checkOperand(Value v, StringRef what,
                                        StringRef opType, bool required) const {
  if (!v) {
    if (!required)
      return Status::OK();
    return rt::invalidArgument(opType.str() + ": operand '" + what.str() +
                               "' is missing");
  }
  func::FuncOp f = func;
  Block *entry = &f.getBody().front();
  Block *owner = isa<BlockArgument>(v) ? llvm::cast<BlockArgument>(v).getOwner()
                                       : v.getDefiningOp()->getBlock();
  if (owner != entry)
    return rt::invalidArgument(opType.str() + ": operand '" + what.str() +
                               "' is a value of another graph");
  return Status::OK();
}

rt::StatusOr<std::vector<Value>>
GraphBuilder::Impl::finish(OperationState &state) {
  DiagnosticCollector diags(*builder.getContext());
  for (const auto &[name, value] : scopeAttrs)
    if (!state.attributes.get(name))
      state.addAttribute(name, builder.getStringAttr(value));
  Operation *op = Operation::create(state);
  auto error = [&](const std::string &why) {
    std::string name = op->getName().getStringRef().str();
    op->destroy();
    return diags.status(rt::ErrorCode::kInvalidArgument,
                        "cannot add " + name + why);
  };
  auto infer = dyn_cast<InferTypeOpInterface>(op);
  SmallVector<Type> types;
  if (!infer || failed(infer.inferReturnTypes(
                    builder.getContext(), op->getLoc(), op->getOperands(),
                    op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
                    op->getRegions(), types)))
    return error("");
  if (types.size() != op->getNumResults())
    return error(": inferred " + std::to_string(types.size()) +
                 " result types for " + std::to_string(op->getNumResults()) +
                 " results");
  for (auto [result, type] : llvm::zip(op->getResults(), types))
    result.setType(type);
  if (failed(mlir::verify(op, /*verifyRecursively=*/false)))
    return error("");
  builder.insert(op);
  return std::vector<Value>(op->getResults().begin(), op->getResults().end());
}

Value GraphBuilder::Impl::constantI64(ArrayRef<int64_t> values,
                                      const OpLoc &loc) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    builder.getI64Type());
  OpLoc named = loc;
  named.name = (loc.name.empty() ? "Const" : loc.name) + "/shape";
  return ge::ConstOp::create(builder, location("Const", named),
                             DenseIntElementsAttr::get(type, values));
}

//===----------------------------------------------------------------------===//
// GraphBuilder
//===----------------------------------------------------------------------===//

GraphBuilder::GraphBuilder(const std::string &name)
    : graph_(Graph::create(name)), impl_(std::make_unique<Impl>(graph_)) {}

GraphBuilder::~GraphBuilder() = default;

std::vector<std::string> GraphBuilder::inputNames() const {
  return impl_->inputs;
}
std::vector<std::string> GraphBuilder::outputNames() const {
  return impl_->outputs;
}

rt::StatusOr<Value> GraphBuilder::data(const std::string &name,
                                       const std::vector<int64_t> &shape,
                                       DType dtype, const OpLoc &loc) {
  if (name.empty())
    return rt::invalidArgument("a graph input needs a name");
  if (llvm::is_contained(impl_->inputs, name))
    return rt::invalidArgument("the graph already has an input named '" + name +
                               "'");
  GEFLOW_RETURN_IF_ERROR(checkShape(shape, "input '" + name + "'"));
  func::FuncOp func = impl_->func;
  unsigned index = func.getNumArguments();
  OpLoc named = loc;
  if (named.name.empty())
    named.name = name;
  RankedTensorType type = tensorType(&graph_.context(), shape, dtype);
  if (failed(
          func.insertArgument(index, type, {}, impl_->location("Data", named))))
    return rt::internalError("cannot add input '" + name + "'");
  func.setArgAttr(index, "ge.name", impl_->builder.getStringAttr(name));
  impl_->inputs.push_back(name);
  return Value(func.getArgument(index));
}

rt::StatusOr<Value> GraphBuilder::constant(DType dtype,
                                           const std::vector<int64_t> &shape,
                                           const void *data, const OpLoc &loc) {
  GEFLOW_RETURN_IF_ERROR(checkShape(shape, "a constant"));
  for (int64_t d : shape)
    if (d < 0)
      return rt::invalidArgument("a constant needs a static shape, got " +
                                 rt::shapeToString(shape));
  RankedTensorType type = tensorType(&graph_.context(), shape, dtype);
  size_t bytes =
      static_cast<size_t>(type.getNumElements()) * rt::dtypeSize(dtype);
  Location where = impl_->location("Const", loc);
  std::string name = llvm::cast<NameLoc>(where).getName().str();
  ElementsAttr value = ge::makeElementsAttr(
      type, ArrayRef<char>(static_cast<const char *>(data), bytes), name);
  return Value(ge::ConstOp::create(impl_->builder, where, value));
}

rt::StatusOr<Value> GraphBuilder::variable(const std::string &name, DType dtype,
                                           const std::vector<int64_t> &shape,
                                           const void *data, const OpLoc &loc) {
  if (name.empty())
    return rt::invalidArgument("a variable needs a name");
  GEFLOW_RETURN_IF_ERROR(checkShape(shape, "variable '" + name + "'"));
  for (int64_t d : shape)
    if (d < 0)
      return rt::invalidArgument("variable '" + name +
                                 "' needs a static shape, got " +
                                 rt::shapeToString(shape));
  RankedTensorType type = tensorType(&graph_.context(), shape, dtype);
  OpLoc named = loc;
  if (named.name.empty())
    named.name = name;
  Location where = impl_->location("Variable", named);
  ElementsAttr value;
  if (data) {
    size_t bytes =
        static_cast<size_t>(type.getNumElements()) * rt::dtypeSize(dtype);
    value = ge::makeElementsAttr(
        type, ArrayRef<char>(static_cast<const char *>(data), bytes), name);
  }
  DiagnosticCollector diags(graph_.context());
  auto op = ge::VariableOp::create(impl_->builder, where, type,
                                   impl_->builder.getStringAttr(name), value);
  if (failed(mlir::verify(op, /*verifyRecursively=*/false))) {
    op->erase();
    return diags.status(rt::ErrorCode::kInvalidArgument,
                        "cannot add variable '" + name + "'");
  }
  return Value(op.getResult());
}

rt::StatusOr<Value> GraphBuilder::assign(AssignKind kind,
                                         const std::string &name, Value value,
                                         const OpLoc &loc) {
  const char *type = kind == AssignKind::Assign      ? "Assign"
                     : kind == AssignKind::AssignAdd ? "AssignAdd"
                                                     : "AssignSub";
  GEFLOW_RETURN_IF_ERROR(impl_->checkOperand(value, "value", type));
  if (name.empty())
    return rt::invalidArgument(std::string(type) + " needs a variable name");
  StringAttr var = impl_->builder.getStringAttr(name);
  switch (kind) {
  case AssignKind::Assign:
    return impl_->create1<ge::AssignOp>(loc, var, value);
  case AssignKind::AssignAdd:
    return impl_->create1<ge::AssignAddOp>(loc, var, value);
  case AssignKind::AssignSub:
    return impl_->create1<ge::AssignSubOp>(loc, var, value);
  }
  return rt::internalError("unknown assignment kind");
}

Status GraphBuilder::output(Value value, const std::string &name) {
  GEFLOW_RETURN_IF_ERROR(impl_->checkOperand(value, "value", "output"));
  if (name.empty())
    return rt::invalidArgument("a graph output needs a name");
  if (llvm::is_contained(impl_->outputs, name))
    return rt::invalidArgument("the graph already has an output named '" +
                               name + "'");
  // A new return with one more operand; new ops keep going in front of it.
  OpBuilder &b = impl_->builder;
  func::ReturnOp ret = impl_->terminator();
  SmallVector<Value> operands(ret.getOperands());
  operands.push_back(value);
  b.setInsertionPoint(ret);
  auto newRet = func::ReturnOp::create(b, ret.getLoc(), operands);
  ret.erase();
  b.setInsertionPoint(newRet);
  // insertResult keeps the per-result attributes in step with the type.
  func::FuncOp func = impl_->func;
  NamedAttribute attr(b.getStringAttr("ge.name"), b.getStringAttr(name));
  if (failed(func.insertResult(func.getNumResults(), value.getType(),
                               b.getDictionaryAttr(attr))))
    return rt::internalError("cannot add output '" + name + "'");
  impl_->outputs.push_back(name);
  return Status::OK();
}

bool GraphBuilder::owns(Value v) const {
  return impl_->checkOperand(v, "", "").ok();
}

std::vector<int64_t> GraphBuilder::shapeOf(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type)
    return {};
  std::vector<int64_t> shape;
  for (int64_t d : type.getShape())
    shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  return shape;
}

DType GraphBuilder::dtypeOf(Value v) {
  auto et = llvm::cast<ShapedType>(v.getType()).getElementType();
  return ge::getRuntimeDType(et).value_or(DType::F32);
}

} // namespace geflow
