//===- TrainingOps.cpp - ai.onnx.preview.training optimizers --------------===//
//
// Adagrad, Adam and Momentum (domain ai.onnx.preview.training, version 1):
// one optimizer step of n tensors, deterministic elementwise formulas the
// device computes with ge ops. Inputs are R (the learning rate, a float
// scalar), T (the step count, an int64 scalar), then the n tensors X, their
// gradients G and the optimizer state (V, H); outputs the new X and state.
// The order of each product and quotient follows the operator spec, so
// float32 results round as the spec's formulas do.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

/// The inputs of an optimizer node: R, T, then `groups` runs of n tensors.
struct OptimizerInputs {
  Value rate; // R, as the tensors' float type
  Value step; // T, as the tensors' float type
  Type elementType;
  int64_t count = 0; // n
  /// groups[g][i]: tensor i of group g (X, G, V or H).
  SmallVector<SmallVector<Value>> groups;
};

std::optional<OptimizerInputs> readInputs(NodeContext &n,
                                          ArrayRef<StringRef> names) {
  int64_t groups = static_cast<int64_t>(names.size());
  int64_t tensors = static_cast<int64_t>(n.getNumInputs()) - 2;
  if (tensors < groups || tensors % groups != 0) {
    (void)n.fail("takes R, T and " + Twine(groups) +
                 " equally long runs of tensors; got " +
                 Twine(n.getNumInputs()) + " inputs");
    return std::nullopt;
  }
  OptimizerInputs in;
  in.count = tensors / groups;
  if (n.getNumOutputs() != static_cast<unsigned>(tensors - in.count)) {
    (void)n.fail("gives " + Twine(tensors - in.count) + " outputs for " +
                 Twine(in.count) + " tensors; got " + Twine(n.getNumOutputs()));
    return std::nullopt;
  }
  Value rate = n.getRequiredInput(0), step = n.getRequiredInput(1);
  if (!rate || !step)
    return std::nullopt;
  if (!isFloatTensor(rate)) {
    (void)n.fail("R must be a float scalar");
    return std::nullopt;
  }
  if (!getElementType(step).isInteger(64)) {
    (void)n.fail("T must be an int64 scalar");
    return std::nullopt;
  }
  for (Value scalar : {rate, step}) {
    auto shape = getShape(scalar);
    if (shape && !shape->empty() &&
        !(shape->size() == 1 && shape->front() == 1)) {
      (void)n.fail("R and T must be scalars");
      return std::nullopt;
    }
  }
  in.elementType = getElementType(rate);
  for (int64_t g = 0; g < groups; ++g) {
    SmallVector<Value> group;
    for (int64_t i = 0; i < in.count; ++i) {
      Value v = n.getRequiredInput(2 + g * in.count + i);
      if (!v)
        return std::nullopt;
      if (getElementType(v) != in.elementType) {
        (void)n.fail(names[g] + Twine(i + 1) + " must have R's element type");
        return std::nullopt;
      }
      group.push_back(v);
    }
    in.groups.push_back(std::move(group));
  }
  // X, G and the state of one tensor share its shape.
  for (int64_t i = 0; i < in.count; ++i) {
    auto x = getShape(in.groups[0][i]);
    for (int64_t g = 1; g < groups; ++g) {
      auto other = getShape(in.groups[g][i]);
      if (x && other && *x != *other) {
        (void)n.fail(names[g] + Twine(i + 1) + " must have the shape of X" +
                     Twine(i + 1));
        return std::nullopt;
      }
    }
  }
  in.rate = rate;
  in.step = castTo(n, step, in.elementType);
  if (!in.step)
    return std::nullopt;
  return in;
}

/// A binary ge op; null when an operand is (an earlier step failed).
template <typename OpTy> Value binary(NodeContext &n, Value a, Value b) {
  return a && b ? n.create<OpTy>(a, b) : Value();
}

/// norm_coefficient * X + G: the gradient of 0.5 * norm * ||X||^2 added.
Value regularized(NodeContext &n, Type et, float norm, Value x, Value g) {
  return binary<AddOp>(n, binary<MulOp>(n, n.constantScalar(et, norm), x), g);
}

/// T > 0 ? positive : otherwise.
Value ifStepPositive(NodeContext &n, const OptimizerInputs &in, Value positive,
                     Value otherwise) {
  Value started =
      binary<GreaterOp>(n, in.step, n.constantScalar(in.elementType, 0.0));
  return started && positive && otherwise
             ? n.create<SelectOp>(started, positive, otherwise)
             : Value();
}

LogicalResult translateAdagrad(NodeContext &n) {
  auto in = readInputs(n, {"X", "G", "H"});
  if (!in)
    return failure();
  Type et = in->elementType;
  auto scalar = [&](double v) { return n.constantScalar(et, v); };
  float decay = n.getFloat("decay_factor", 0.0f);
  float epsilon = n.getFloat("epsilon", 0.0f);
  float norm = n.getFloat("norm_coefficient", 0.0f);
  // r = R / (1 + T * decay_factor)
  Value rate = binary<RealDivOp>(
      n, in->rate,
      binary<AddOp>(n, scalar(1.0), binary<MulOp>(n, in->step, scalar(decay))));
  for (int64_t i = 0; i < in->count; ++i) {
    Value x = in->groups[0][i], h = in->groups[2][i];
    Value g = regularized(n, et, norm, x, in->groups[1][i]);
    // H_new = H + G_reg^2; X_new = X - r * G_reg / (sqrt(H_new) + epsilon)
    Value hNew = binary<AddOp>(n, h, binary<MulOp>(n, g, g));
    Value root = hNew ? n.create<SqrtOp>(hNew) : Value();
    Value scale = binary<AddOp>(n, root, scalar(epsilon));
    Value step = binary<RealDivOp>(n, binary<MulOp>(n, rate, g), scale);
    Value xNew = binary<SubOp>(n, x, step);
    if (!xNew)
      return failure();
    n.setOutput(i, xNew);
    n.setOutput(in->count + i, hNew);
  }
  return success();
}

LogicalResult translateMomentum(NodeContext &n) {
  for (StringRef required : {"alpha", "beta", "mode", "norm_coefficient"})
    if (!n.hasAttr(required))
      return n.fail("the " + required + " attribute is missing");
  std::string mode = n.getString("mode", "");
  if (mode != "standard" && mode != "nesterov")
    return n.fail("mode '" + mode + "' is not standard or nesterov");
  auto in = readInputs(n, {"X", "G", "V"});
  if (!in)
    return failure();
  Type et = in->elementType;
  auto scalar = [&](double v) { return n.constantScalar(et, v); };
  float alpha = n.getFloat("alpha", 0.0f);
  float norm = n.getFloat("norm_coefficient", 0.0f);
  // The gradient's coefficient is 1 in the first step (T = 0).
  Value beta =
      ifStepPositive(n, *in, scalar(n.getFloat("beta", 0.0f)), scalar(1.0));
  for (int64_t i = 0; i < in->count; ++i) {
    Value x = in->groups[0][i], v = in->groups[2][i];
    Value g = regularized(n, et, norm, x, in->groups[1][i]);
    // V_new = alpha * V + beta_adjusted * G_reg
    Value vNew = binary<AddOp>(n, binary<MulOp>(n, scalar(alpha), v),
                               binary<MulOp>(n, beta, g));
    // standard: X - R * V_new; nesterov: X - R * (G_reg + alpha * V_new)
    Value direction = vNew;
    if (mode == "nesterov")
      direction = binary<AddOp>(n, g, binary<MulOp>(n, scalar(alpha), vNew));
    Value xNew = binary<SubOp>(n, x, binary<MulOp>(n, in->rate, direction));
    if (!xNew)
      return failure();
    n.setOutput(i, xNew);
    n.setOutput(in->count + i, vNew);
  }
  return success();
}

LogicalResult translateAdam(NodeContext &n) {
  auto in = readInputs(n, {"X", "G", "V", "H"});
  if (!in)
    return failure();
  Type et = in->elementType;
  auto scalar = [&](double v) { return n.constantScalar(et, v); };
  float alpha = n.getFloat("alpha", 0.9f);
  float beta = n.getFloat("beta", 0.999f);
  float epsilon = n.getFloat("epsilon", 1e-6f);
  float norm = n.getFloat("norm_coefficient", 0.0f);
  float normPost = n.getFloat("norm_coefficient_post", 0.0f);
  // Bias correction from the second step on:
  // r = R * sqrt(1 - beta^T) / (1 - alpha^T), else R.
  Value betaGap =
      binary<SubOp>(n, scalar(1.0), binary<PowOp>(n, scalar(beta), in->step));
  Value root = betaGap ? n.create<SqrtOp>(betaGap) : Value();
  Value alphaGap =
      binary<SubOp>(n, scalar(1.0), binary<PowOp>(n, scalar(alpha), in->step));
  Value corrected =
      binary<RealDivOp>(n, binary<MulOp>(n, in->rate, root), alphaGap);
  Value rate = ifStepPositive(n, *in, corrected, in->rate);
  for (int64_t i = 0; i < in->count; ++i) {
    Value x = in->groups[0][i], v = in->groups[2][i], h = in->groups[3][i];
    Value g = regularized(n, et, norm, x, in->groups[1][i]);
    // V_new = alpha * V + (1 - alpha) * G_reg
    Value vNew = binary<AddOp>(n, binary<MulOp>(n, scalar(alpha), v),
                               binary<MulOp>(n, scalar(1.0f - alpha), g));
    // H_new = beta * H + (1 - beta) * G_reg^2
    Value hNew = binary<AddOp>(
        n, binary<MulOp>(n, scalar(beta), h),
        binary<MulOp>(n, scalar(1.0f - beta), binary<MulOp>(n, g, g)));
    Value hRoot = hNew ? n.create<SqrtOp>(hNew) : Value();
    Value scale = binary<AddOp>(n, hRoot, scalar(epsilon));
    // X_new = (1 - norm_post) * (X - r * (V_new / (sqrt(H_new) + epsilon)))
    Value step = binary<MulOp>(n, rate, binary<RealDivOp>(n, vNew, scale));
    Value xNew =
        binary<MulOp>(n, scalar(1.0f - normPost), binary<SubOp>(n, x, step));
    if (!xNew)
      return failure();
    n.setOutput(i, xNew);
    n.setOutput(in->count + i, vNew);
    n.setOutput(2 * in->count + i, hNew);
  }
  return success();
}

} // namespace

ArrayRef<OpTranslator> getPreviewTrainingTranslators() {
  static const OpTranslator table[] = {
      {"Adagrad", translateAdagrad},
      {"Adam", translateAdam},
      {"Momentum", translateMomentum},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
