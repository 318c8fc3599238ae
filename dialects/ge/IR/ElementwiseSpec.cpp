//===- ElementwiseSpec.cpp - ge elementwise ops as vec_fused instructions -===//
#include "dialects/ge/IR/ElementwiseSpec.h"

#include "dialects/ge/IR/GEOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using geflow::kernels::EwOp;

namespace geflow::ge {

static bool isFloatTensor(Value v) {
  return isa<FloatType>(cast<ShapedType>(v.getType()).getElementType());
}

std::optional<ElementwiseSpec> getElementwiseSpec(Operation *op) {
  auto simple = [&](EwOp code) -> std::optional<ElementwiseSpec> {
    ElementwiseSpec spec{code, SmallVector<Value, 3>(op->getOperands()), {}};
    return spec;
  };
  std::optional<ElementwiseSpec> spec =
      llvm::TypeSwitch<Operation *, std::optional<ElementwiseSpec>>(op)
          .Case([&](NegOp) { return simple(EwOp::Neg); })
          .Case([&](AbsOp) { return simple(EwOp::Abs); })
          .Case([&](ReluOp) { return simple(EwOp::Relu); })
          .Case([&](Relu6Op) { return simple(EwOp::Relu6); })
          .Case([&](SigmoidOp) { return simple(EwOp::Sigmoid); })
          .Case([&](TanhOp) { return simple(EwOp::Tanh); })
          .Case([&](GeluOp g) {
            return simple(g.getApproximate() == "tanh" ? EwOp::GeluTanh
                                                       : EwOp::Gelu);
          })
          .Case([&](HardSwishOp) { return simple(EwOp::HardSwish); })
          .Case([&](ExpOp) { return simple(EwOp::Exp); })
          .Case([&](LogOp) { return simple(EwOp::Log); })
          .Case([&](SqrtOp) { return simple(EwOp::Sqrt); })
          .Case([&](RsqrtOp) { return simple(EwOp::Rsqrt); })
          .Case([&](ReciprocalOp) { return simple(EwOp::Reciprocal); })
          .Case([&](ErfOp) { return simple(EwOp::Erf); })
          .Case([&](FloorOp) { return simple(EwOp::Floor); })
          .Case([&](CeilOp) { return simple(EwOp::Ceil); })
          .Case([&](RoundOp) { return simple(EwOp::Round); })
          .Case([&](SinOp) { return simple(EwOp::Sin); })
          .Case([&](CosOp) { return simple(EwOp::Cos); })
          .Case([&](TanOp) { return simple(EwOp::Tan); })
          .Case([&](AsinOp) { return simple(EwOp::Asin); })
          .Case([&](AcosOp) { return simple(EwOp::Acos); })
          .Case([&](AtanOp) { return simple(EwOp::Atan); })
          .Case([&](SinhOp) { return simple(EwOp::Sinh); })
          .Case([&](CoshOp) { return simple(EwOp::Cosh); })
          .Case([&](AsinhOp) { return simple(EwOp::Asinh); })
          .Case([&](AcoshOp) { return simple(EwOp::Acosh); })
          .Case([&](AtanhOp) { return simple(EwOp::Atanh); })
          .Case([&](LeakyReluOp l) {
            auto s = simple(EwOp::LeakyRelu);
            s->constants = {l.getNegativeSlope().convertToDouble()};
            return s;
          })
          .Case([&](HardSigmoidOp h) {
            auto s = simple(EwOp::HardSigmoid);
            s->constants = {h.getAlpha().convertToDouble(),
                            h.getBeta().convertToDouble()};
            return s;
          })
          .Case([&](ClipOp c) {
            auto s = simple(EwOp::Clip);
            double inf = std::numeric_limits<double>::infinity();
            s->constants = {
                c.getClipValueMin() ? c.getClipValueMin()->convertToDouble()
                                    : -inf,
                c.getClipValueMax() ? c.getClipValueMax()->convertToDouble()
                                    : inf};
            return s;
          })
          .Case([&](AddOp) { return simple(EwOp::Add); })
          .Case([&](SubOp) { return simple(EwOp::Sub); })
          .Case([&](MulOp) { return simple(EwOp::Mul); })
          .Case([&](RealDivOp) { return simple(EwOp::Div); })
          .Case([&](MaximumOp) { return simple(EwOp::Max); })
          .Case([&](MinimumOp) { return simple(EwOp::Min); })
          .Case([&](PowOp) { return simple(EwOp::Pow); })
          .Case([&](ModOp) { return simple(EwOp::Mod); })
          .Case([&](FloorModOp) { return simple(EwOp::FloorMod); })
          .Case([&](EqualOp) { return simple(EwOp::Equal); })
          .Case([&](LessOp) { return simple(EwOp::Less); })
          .Case([&](GreaterOp) { return simple(EwOp::Greater); })
          .Case([&](SelectOp) { return simple(EwOp::Select); })
          .Default([](Operation *) { return std::nullopt; });
  if (!spec)
    return std::nullopt;
  // The engine computes in f32: float data, plus i1 conditions of Select.
  for (auto [i, v] : llvm::enumerate(spec->operands))
    if (!isFloatTensor(v) && !(isa<SelectOp>(op) && i == 0))
      return std::nullopt;
  return spec;
}

} // namespace geflow::ge
