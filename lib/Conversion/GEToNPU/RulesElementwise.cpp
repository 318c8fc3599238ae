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
  return
      [kernel, inPlace](Operation *op, KernelLowering &out) -> LogicalResult {
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
      FloatAttr f = *cast<DenseElementsAttr>(cst.getValue())
                         .getValues<FloatAttr>()
                         .begin();
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
    program.insert(program.end(), {static_cast<int64_t>(spec->opcode), dst,
                                   src[0], src[1], src[2]});
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
  rules.add<ge::FusedElementwiseOp>(lowerFused);
  rules.add<ge::ReluOp>(unary("relu"));
  rules.add<ge::Relu6Op>(unary("relu6"));
  rules.add<ge::SigmoidOp>(unary("sigmoid"));
  rules.add<ge::TanhOp>(unary("tanh"));
  rules.add<ge::HardSwishOp>(unary("hardswish"));
  rules.add<ge::ExpOp>(unary("exp"));
  rules.add<ge::LogOp>(unary("log"));
  rules.add<ge::SqrtOp>(unary("sqrt"));
  rules.add<ge::RsqrtOp>(unary("rsqrt"));
  rules.add<ge::ReciprocalOp>(unary("reciprocal"));
  rules.add<ge::ErfOp>(unary("erf"));
  rules.add<ge::AbsOp>(unary("abs"));
  rules.add<ge::NegOp>(unary("neg"));
  rules.add<ge::FloorOp>(unary("floor"));
  rules.add<ge::CeilOp>(unary("ceil"));
  rules.add<ge::RoundOp>(unary("round"));
  rules.add<ge::SinOp>(unary("sin"));
  rules.add<ge::CosOp>(unary("cos"));
  rules.add<ge::TanOp>(unary("tan"));
  rules.add<ge::AsinOp>(unary("asin"));
  rules.add<ge::AcosOp>(unary("acos"));
  rules.add<ge::AtanOp>(unary("atan"));
  rules.add<ge::SinhOp>(unary("sinh"));
  rules.add<ge::CoshOp>(unary("cosh"));
  rules.add<ge::AsinhOp>(unary("asinh"));
  rules.add<ge::AcoshOp>(unary("acosh"));
  rules.add<ge::AtanhOp>(unary("atanh"));

  rules.add<ge::AddOp>(binary("add"));
  rules.add<ge::SubOp>(binary("sub"));
  rules.add<ge::MulOp>(binary("mul"));
  rules.add<ge::RealDivOp>(binary("div"));
  rules.add<ge::MaximumOp>(binary("max"));
  rules.add<ge::MinimumOp>(binary("min"));
  rules.add<ge::PowOp>(binary("pow"));
  rules.add<ge::ModOp>(binary("mod"));
  rules.add<ge::FloorModOp>(binary("floor_mod"));
  // Comparisons change the element type: never in place.
  rules.add<ge::EqualOp>(binary("equal", false));
  rules.add<ge::LessOp>(binary("less", false));
  rules.add<ge::GreaterOp>(binary("greater", false));

  rules.add<ge::GeluOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto gelu = cast<ge::GeluOp>(op);
        out.kernel = gelu.getApproximate() == "tanh" ? "gelu_tanh" : "gelu";
        out.inputs = {gelu.getX()};
        out.inplaceInputs = {0};
        return success();
      });
  rules.add<ge::LeakyReluOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto lrelu = cast<ge::LeakyReluOp>(op);
        out.kernel = "leaky_relu";
        out.attrs.set("alpha", static_cast<double>(
                                   lrelu.getNegativeSlope().convertToFloat()));
        out.inputs = {lrelu.getX()};
        out.inplaceInputs = {0};
        return success();
      });
  rules.add<ge::HardSigmoidOp>([](Operation *op,
                                  KernelLowering &out) -> LogicalResult {
    auto hs = cast<ge::HardSigmoidOp>(op);
    out.kernel = "hardsigmoid";
    out.attrs.set("alpha", static_cast<double>(hs.getAlpha().convertToFloat()));
    out.attrs.set("beta", static_cast<double>(hs.getBeta().convertToFloat()));
    out.inputs = {hs.getX()};
    out.inplaceInputs = {0};
    return success();
  });
  rules.add<ge::ClipOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto clip = cast<ge::ClipOp>(op);
        out.kernel = "clip";
        if (auto lo = clip.getClipValueMin())
          out.attrs.set("min", static_cast<double>(lo->convertToFloat()));
        if (auto hi = clip.getClipValueMax())
          out.attrs.set("max", static_cast<double>(hi->convertToFloat()));
        out.inputs = {clip.getX()};
        out.inplaceInputs = {0};
        return success();
      });
  rules.add<ge::SelectOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto select = cast<ge::SelectOp>(op);
        out.kernel = "select";
        out.inputs = {select.getCondition(), select.getX1(), select.getX2()};
        out.inplaceInputs = {1, 2};
        return success();
      });
  rules.add<ge::CastOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        out.kernel = "cast";
        out.inputs = {op->getOperand(0)};
        return success();
      });
}

} // namespace geflow::conversion
