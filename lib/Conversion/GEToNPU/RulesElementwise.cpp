//===- RulesElementwise.cpp - Vector kernels for elementwise ge ops -------===//
#include "KernelRules.h"

#include "dialects/ge/IR/ElementwiseSpec.h"
#include "dialects/ge/IR/GEOps.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace geflow::conversion {
namespace {

/// A one-input elementwise kernel that may run in place.
KernelRule unary(std::string kernel) {
  return [kernel](Operation *op, KernelLowering &out) -> LogicalResult {
    out.kernel = kernel;
    out.inputs = {op->getOperand(0)};
    out.inplaceInputs = {0};
    return success();
  };
}

/// Binary kernels broadcast; either operand with the result's shape may be
/// overwritten (the planner checks shapes).
KernelRule binary(std::string kernel, bool inPlace = true) {
  return [kernel, inPlace](Operation *op, KernelLowering &out) -> LogicalResult {
    out.kernel = kernel;
    out.inputs = {op->getOperand(0), op->getOperand(1)};
    if (inPlace)
      out.inplaceInputs = {0, 1};
    return success();
  };
}

/// Turns a fused region into a vec_fused program: block arguments are the
/// kernel's inputs, one-element constants and op parameters its constants,
/// intermediates registers (freed after their last use), the yielded value
/// the output.
LogicalResult lowerFused(Operation *op, KernelLowering &out) {
  using namespace kernels::ewoperand;
  auto fused = cast<ge::FusedElementwiseOp>(op);
  Block &body = fused.getBody().front();
  Value result = cast<ge::YieldOp>(body.getTerminator()).getValues()[0];
  std::vector<int64_t> program;
  std::vector<double> constants;
  DenseMap<Value, int32_t> operandOf;
  for (auto [i, arg] : llvm::enumerate(body.getArguments()))
    operandOf[arg] = input(i);
  SmallVector<bool> freeRegs(kernels::kEwMaxRegs, true);
  auto addConstant = [&](double v) {
    constants.push_back(v);
    return constant(constants.size() - 1);
  };
  // Last reader of each value, to free its register.
  DenseMap<Value, Operation *> lastUse;
  for (Operation &inner : body)
    for (Value v : inner.getOperands())
      lastUse[v] = &inner;
  for (Operation &inner : body.without_terminator()) {
    if (auto cst = dyn_cast<ge::ConstOp>(inner)) {
      FloatAttr f = *cast<DenseElementsAttr>(cst.getValue()).getValues<FloatAttr>().begin();
      operandOf[cst.getResult()] = addConstant(f.getValueAsDouble());
      continue;
    }
    auto spec = ge::getElementwiseSpec(&inner);
    if (!spec)
      return inner.emitError("cannot be part of a vec_fused program");
    std::array<int64_t, 3> src = {kNone, kNone, kNone};
    size_t s = 0;
    for (Value v : spec->operands)
      src[s++] = operandOf.lookup(v);
    for (double c : spec->constants)
      src[s++] = addConstant(c);
    // Registers of operands read for the last time are free for the result.
    for (Value v : spec->operands)
      if (lastUse.lookup(v) == &inner && operandOf.lookup(v) < kInputBase)
        freeRegs[operandOf.lookup(v)] = true;
    int32_t dst;
    Value res = inner.getResult(0);
    if (res == result) {
      dst = output(0);
    } else {
      auto reg = llvm::find(freeRegs, true);
      if (reg == freeRegs.end())
        return op->emitError("fused region needs more than ")
               << kernels::kEwMaxRegs << " registers";
      dst = static_cast<int32_t>(reg - freeRegs.begin());
      *reg = false;
    }
    operandOf[res] = dst;
    program.insert(program.end(), {static_cast<int64_t>(spec->opcode), dst, src[0], src[1], src[2]});
  }
  out.kernel = "vec_fused";
  out.attrs.set("program", program);
  out.attrs.set("constants", constants);
  out.inputs.assign(fused.getInputs().begin(), fused.getInputs().end());
  for (auto [i, in] : llvm::enumerate(out.inputs))
    out.inplaceInputs.push_back(i);
  return success();
}

} // namespace

void addElementwiseRules(RuleTable &rules) {
  rules["ge.FusedElementwise"] = lowerFused;
  const std::pair<const char *, const char *> unaries[] = {
      {"ge.Relu", "relu"},         {"ge.Relu6", "relu6"},     {"ge.Sigmoid", "sigmoid"},
      {"ge.Tanh", "tanh"},         {"ge.HardSwish", "hardswish"}, {"ge.Exp", "exp"},
      {"ge.Log", "log"},           {"ge.Sqrt", "sqrt"},       {"ge.Rsqrt", "rsqrt"},
      {"ge.Reciprocal", "reciprocal"}, {"ge.Erf", "erf"},     {"ge.Abs", "abs"},
      {"ge.Neg", "neg"},           {"ge.Floor", "floor"},     {"ge.Ceil", "ceil"},
      {"ge.Round", "round"},       {"ge.Sin", "sin"},         {"ge.Cos", "cos"},
      {"ge.Tan", "tan"},           {"ge.Asin", "asin"},       {"ge.Acos", "acos"},
      {"ge.Atan", "atan"},         {"ge.Sinh", "sinh"},       {"ge.Cosh", "cosh"},
      {"ge.Asinh", "asinh"},       {"ge.Acosh", "acosh"},     {"ge.Atanh", "atanh"}};
  for (auto [op, kernel] : unaries)
    rules[op] = unary(kernel);

  const std::pair<const char *, const char *> binaries[] = {
      {"ge.Add", "add"}, {"ge.Sub", "sub"},     {"ge.Mul", "mul"},     {"ge.RealDiv", "div"},
      {"ge.Maximum", "max"}, {"ge.Minimum", "min"}, {"ge.Pow", "pow"},
      {"ge.Mod", "mod"}, {"ge.FloorMod", "floor_mod"}};
  for (auto [op, kernel] : binaries)
    rules[op] = binary(kernel);
  // Comparisons change the element type: never in place.
  rules["ge.Equal"] = binary("equal", false);
  rules["ge.Less"] = binary("less", false);
  rules["ge.Greater"] = binary("greater", false);

  rules["ge.Gelu"] = [](Operation *op, KernelLowering &out) -> LogicalResult {
    auto gelu = cast<ge::GeluOp>(op);
    out.kernel = gelu.getApproximate() == "tanh" ? "gelu_tanh" : "gelu";
    out.inputs = {gelu.getX()};
    out.inplaceInputs = {0};
    return success();
  };
  rules["ge.LeakyRelu"] = [](Operation *op, KernelLowering &out) -> LogicalResult {
    auto lrelu = cast<ge::LeakyReluOp>(op);
    out.kernel = "leaky_relu";
    out.attrs.set("alpha", static_cast<double>(lrelu.getNegativeSlope().convertToFloat()));
    out.inputs = {lrelu.getX()};
    out.inplaceInputs = {0};
    return success();
  };
  rules["ge.HardSigmoid"] = [](Operation *op, KernelLowering &out) -> LogicalResult {
    auto hs = cast<ge::HardSigmoidOp>(op);
    out.kernel = "hardsigmoid";
    out.attrs.set("alpha", static_cast<double>(hs.getAlpha().convertToFloat()));
    out.attrs.set("beta", static_cast<double>(hs.getBeta().convertToFloat()));
    out.inputs = {hs.getX()};
    out.inplaceInputs = {0};
    return success();
  };
  rules["ge.Clip"] = [](Operation *op, KernelLowering &out) -> LogicalResult {
    auto clip = cast<ge::ClipOp>(op);
    out.kernel = "clip";
    if (auto lo = clip.getClipValueMin())
      out.attrs.set("min", static_cast<double>(lo->convertToFloat()));
    if (auto hi = clip.getClipValueMax())
      out.attrs.set("max", static_cast<double>(hi->convertToFloat()));
    out.inputs = {clip.getX()};
    out.inplaceInputs = {0};
    return success();
  };
  rules["ge.Select"] = [](Operation *op, KernelLowering &out) -> LogicalResult {
    auto select = cast<ge::SelectOp>(op);
    out.kernel = "select";
    out.inputs = {select.getCondition(), select.getX1(), select.getX2()};
    out.inplaceInputs = {1, 2};
    return success();
  };
  rules["ge.Cast"] = [](Operation *op, KernelLowering &out) -> LogicalResult {
    out.kernel = "cast";
    out.inputs = {op->getOperand(0)};
    return success();
  };
}

} // namespace geflow::conversion
