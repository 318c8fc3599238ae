//===- ActivationOps.cpp - Relu, Sigmoid, Elu and other activations -------===//
//
// Activations with a ge op map directly (Gelu too); the rest (Elu, Selu,
// Celu, Softplus, Softsign, Mish, ThresholdedRelu, PRelu, Shrink) are small
// compositions of elementwise ge ops that fusion later merges again.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

/// x plus scalar constants of x's element type, for the compositions.
struct Scalars {
  NodeContext &n;
  Value x;
  Value operator()(double v) { return n.constantScalar(getElementType(x), v); }
};

Value floatInput(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return {};
  return x;
}

template <typename OpTy> LogicalResult translateSimple(NodeContext &n) {
  Value x = floatInput(n);
  return x ? finish(n, n.create<OpTy>(x)) : failure();
}

LogicalResult translateRelu(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  return x ? finish(n, n.create<ReluOp>(x)) : failure();
}

LogicalResult translateLeakyRelu(NodeContext &n) {
  Value x = floatInput(n);
  float alpha = n.getFloat("alpha", 0.01f);
  return x ? finish(n, n.create<LeakyReluOp>(x, APFloat(alpha))) : failure();
}

LogicalResult translateHardSigmoid(NodeContext &n) {
  Value x = floatInput(n);
  float alpha = n.getFloat("alpha", 0.2f), beta = n.getFloat("beta", 0.5f);
  return x ? finish(n,
                    n.create<HardSigmoidOp>(x, APFloat(alpha), APFloat(beta)))
           : failure();
}

// alpha * (exp(x) - 1) where x <= 0, x elsewhere.
Value buildElu(NodeContext &n, Value x, double alpha) {
  Scalars c{n, x};
  Value positive = n.create<GreaterOp>(x, c(0));
  Value exp = n.create<ExpOp>(x);
  Value expm1 = exp ? n.create<SubOp>(exp, c(1)) : Value();
  Value negative =
      alpha == 1.0 || !expm1 ? expm1 : n.create<MulOp>(expm1, c(alpha));
  if (!positive || !negative)
    return {};
  return n.create<SelectOp>(positive, x, negative);
}

LogicalResult translateElu(NodeContext &n) {
  Value x = floatInput(n);
  return x ? finish(n, buildElu(n, x, n.getFloat("alpha", 1.0f))) : failure();
}

LogicalResult translateSelu(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  float alpha = n.getFloat("alpha", 1.67326319217681884765625f);
  float gamma = n.getFloat("gamma", 1.05070102214813232421875f);
  Value elu = buildElu(n, x, alpha);
  return finish(n, elu ? n.create<MulOp>(elu, Scalars{n, x}(gamma)) : Value());
}

// max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
LogicalResult translateCelu(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  double alpha = n.getFloat("alpha", 1.0f);
  Scalars c{n, x};
  Value scaled = n.create<RealDivOp>(x, c(alpha));
  Value elu = scaled ? buildElu(n, scaled, 1.0) : Value();
  Value negative = elu ? n.create<MulOp>(elu, c(alpha)) : Value();
  Value clamped = negative ? n.create<MinimumOp>(negative, c(0)) : Value();
  Value relu = n.create<ReluOp>(x);
  return finish(n, clamped && relu ? n.create<AddOp>(relu, clamped) : Value());
}

// log(exp(x) + 1)
LogicalResult translateSoftplus(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  Value exp = n.create<ExpOp>(x);
  Value sum = exp ? n.create<AddOp>(exp, Scalars{n, x}(1)) : Value();
  return finish(n, sum ? n.create<LogOp>(sum) : Value());
}

// Opset 20: ge.Gelu, exact (erf) or with the tanh approximation.
LogicalResult translateGelu(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  std::string approximate = n.getString("approximate", "none");
  if (approximate != "none" && approximate != "tanh")
    return n.fail("approximate must be none or tanh, got '" + approximate +
                  "'");
  return finish(n, n.create<GeluOp>(x, StringRef(approximate)));
}

// Opset 18: x * tanh(softplus(x)), softplus = log(exp(x) + 1) (for large x
// exp overflows to inf and the result is x, as it should be).
LogicalResult translateMish(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  Value exp = n.create<ExpOp>(x);
  Value sum = exp ? n.create<AddOp>(exp, Scalars{n, x}(1)) : Value();
  Value softplus = sum ? n.create<LogOp>(sum) : Value();
  Value tanh = softplus ? n.create<TanhOp>(softplus) : Value();
  return finish(n, tanh ? n.create<MulOp>(x, tanh) : Value());
}

// x / (1 + |x|)
LogicalResult translateSoftsign(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  Value abs = n.create<AbsOp>(x);
  Value denom = abs ? n.create<AddOp>(abs, Scalars{n, x}(1)) : Value();
  return finish(n, denom ? n.create<RealDivOp>(x, denom) : Value());
}

// x where x > alpha, 0 elsewhere.
LogicalResult translateThresholdedRelu(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  Scalars c{n, x};
  Value keep = n.create<GreaterOp>(x, c(n.getFloat("alpha", 1.0f)));
  return finish(n, keep ? n.create<SelectOp>(keep, x, c(0)) : Value());
}

// slope * x where x < 0, x elsewhere; slope broadcasts to x.
LogicalResult translatePRelu(NodeContext &n) {
  Value x = floatInput(n), slope = n.getRequiredInput(1);
  if (!x || !slope)
    return failure();
  Value negative = n.create<LessOp>(x, Scalars{n, x}(0));
  Value scaled = n.create<MulOp>(x, slope);
  return finish(n, negative && scaled ? n.create<SelectOp>(negative, scaled, x)
                                      : Value());
}

// x + bias where x < -lambd, x - bias where x > lambd, 0 elsewhere.
LogicalResult translateShrink(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  double bias = n.getFloat("bias", 0.0f), lambd = n.getFloat("lambd", 0.5f);
  Scalars c{n, x};
  Value below = n.create<LessOp>(x, c(-lambd));
  Value above = n.create<GreaterOp>(x, c(lambd));
  Value plus = n.create<AddOp>(x, c(bias));
  Value minus = n.create<SubOp>(x, c(bias));
  if (!below || !above || !plus || !minus)
    return failure();
  Value upper = n.create<SelectOp>(above, minus, c(0));
  return finish(n, upper ? n.create<SelectOp>(below, plus, upper) : Value());
}

} // namespace

ArrayRef<OpTranslator> getActivationTranslators() {
  static const OpTranslator table[] = {
      {"Relu", translateRelu},
      {"LeakyRelu", translateLeakyRelu},
      {"Sigmoid", translateSimple<SigmoidOp>},
      {"Tanh", translateSimple<TanhOp>},
      {"HardSigmoid", translateHardSigmoid},
      {"HardSwish", translateSimple<HardSwishOp>},
      {"Elu", translateElu},
      {"Selu", translateSelu},
      {"Celu", translateCelu},
      {"Softplus", translateSoftplus},
      {"Softsign", translateSoftsign},
      {"Gelu", translateGelu},
      {"Mish", translateMish},
      {"ThresholdedRelu", translateThresholdedRelu},
      {"PRelu", translatePRelu},
      {"Shrink", translateShrink},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
