//===- ReductionOps.cpp - ReduceSum/Mean/Max/Prod and relatives -----------===//
//
// Axes are an attribute except for ReduceSum from opset 13 on and every
// other reduction from opset 18 on, where they are an optional input (it
// must be constant: ge takes them as an attribute). ReduceMax/ReduceMin on
// bool (opset 20) reduce the values as f32 (exact for 0 and 1). Empty axes
// reduce every dim unless noop_with_empty_axes says the op is the identity.
// ReduceMin/L1/L2/SumSquare/LogSum/LogSumExp are compositions of the three ge
// reductions with elementwise ops.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"
#include "ValueShapedOps.h"

#include "geflow/runtime/Einsum.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

struct ReduceParams {
  SmallVector<int64_t> axes; // empty: every dim
  bool keepDims;
  bool identity; // empty axes with noop_with_empty_axes
};

std::optional<ReduceParams> readReduceParams(NodeContext &n) {
  ReduceParams p;
  bool axesAreInput = n.getOpset() >= (n.getOpType() == "ReduceSum" ? 13 : 18);
  if (axesAreInput) {
    if (n.getInput(1)) {
      auto axes = n.requireConstantInts(1, "the axes input");
      if (!axes)
        return std::nullopt;
      p.axes = *axes;
    }
  } else {
    p.axes = n.getInts("axes");
  }
  p.keepDims = n.getInt("keepdims", 1) != 0;
  p.identity = p.axes.empty() && n.getInt("noop_with_empty_axes", 0) != 0;
  return p;
}

template <typename OpTy>
Value reduce(NodeContext &n, Value x, const ReduceParams &p) {
  return n.create<OpTy>(x, ArrayRef<int64_t>(p.axes), p.keepDims);
}

/// Reads the input and the axes, then builds `build(x, params)` (or passes
/// x through for the no-op form).
LogicalResult translateReduction(
    NodeContext &n, bool floatOnly,
    llvm::function_ref<Value(Value, const ReduceParams &)> build) {
  Value x = n.getRequiredInput(0);
  if (!x || (floatOnly && failed(requireFloat(n, x))))
    return failure();
  std::optional<ReduceParams> p = readReduceParams(n);
  if (!p)
    return failure();
  Type boolType = n.getBuilder().getI1Type();
  bool isBool = getElementType(x) == boolType;
  if (isBool)
    x = castTo(n, x, n.getBuilder().getF32Type());
  Value y = !x || p->identity ? x : build(x, *p);
  if (y && isBool)
    y = castTo(n, y, boolType);
  n.setOutput(0, y);
  return success(y != nullptr);
}

template <typename OpTy> LogicalResult translateDirect(NodeContext &n) {
  return translateReduction(n, false, [&](Value x, const ReduceParams &p) {
    return reduce<OpTy>(n, x, p);
  });
}

/// ReduceSum-13 takes its axes as an input: computed at run time, they
/// leave the output shape to the values (a host op).
LogicalResult translateReduceSum(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (x && n.getOpset() >= 13 && hasRuntimeInput(n, {1}))
    return translateRuntimeReduceSum(n, x);
  return translateDirect<ReduceSumOp>(n);
}

// min(x) = -max(-x); unsigned values have no negation.
LogicalResult translateReduceMin(NodeContext &n) {
  Value x = n.getInput(0);
  if (x && getElementType(x).isUnsignedInteger())
    return n.unsupported("ReduceMin of unsigned integers is not supported");
  return translateReduction(n, false, [&](Value x, const ReduceParams &p) {
    Value negated = n.create<NegOp>(x);
    Value max = negated ? reduce<ReduceMaxOp>(n, negated, p) : Value();
    return max ? n.create<NegOp>(max) : Value();
  });
}

LogicalResult translateReduceL1(NodeContext &n) {
  return translateReduction(n, false, [&](Value x, const ReduceParams &p) {
    Value abs = n.create<AbsOp>(x);
    return abs ? reduce<ReduceSumOp>(n, abs, p) : Value();
  });
}

Value sumOfSquares(NodeContext &n, Value x, const ReduceParams &p) {
  Value squared = n.create<MulOp>(x, x);
  return squared ? reduce<ReduceSumOp>(n, squared, p) : Value();
}

LogicalResult translateReduceSumSquare(NodeContext &n) {
  return translateReduction(n, false, [&](Value x, const ReduceParams &p) {
    return sumOfSquares(n, x, p);
  });
}

LogicalResult translateReduceL2(NodeContext &n) {
  return translateReduction(n, true, [&](Value x, const ReduceParams &p) {
    Value sum = sumOfSquares(n, x, p);
    return sum ? n.create<SqrtOp>(sum) : Value();
  });
}

LogicalResult translateReduceLogSum(NodeContext &n) {
  return translateReduction(n, true, [&](Value x, const ReduceParams &p) {
    Value sum = reduce<ReduceSumOp>(n, x, p);
    return sum ? n.create<LogOp>(sum) : Value();
  });
}

// log(sum(exp(x - m))) + m with m = max(x): exp cannot overflow.
LogicalResult translateReduceLogSumExp(NodeContext &n) {
  return translateReduction(n, true, [&](Value x, const ReduceParams &p) {
    ReduceParams kept = p;
    kept.keepDims = true;
    Value maxKept = reduce<ReduceMaxOp>(n, x, kept);
    Value max = reduce<ReduceMaxOp>(n, x, p);
    Value shifted = maxKept ? n.create<SubOp>(x, maxKept) : Value();
    Value exp = shifted ? n.create<ExpOp>(shifted) : Value();
    Value sum = exp ? reduce<ReduceSumOp>(n, exp, p) : Value();
    Value log = sum ? n.create<LogOp>(sum) : Value();
    return log && max ? n.create<AddOp>(log, max) : Value();
  });
}

// CumSum has no device kernel: it becomes ge.Cumsum, which only the host
// CPU engine runs (mix_compile_mode). A constant axis becomes its attribute;
// any other is its axis_input operand, which the host kernel reads (and
// range-checks) when it runs.
// Det has no device kernel: ge.MatrixDeterminant runs on the host.
LogicalResult translateDet(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  return finish(n, n.create<MatrixDeterminantOp>(x));
}

// Einsum has no device kernel: ge.Einsum runs on the host. The equation is
// checked against the inputs' ranks here so a bad one names the node.
LogicalResult translateEinsum(NodeContext &n) {
  if (!n.hasAttr("equation"))
    return n.fail("the equation attribute is missing");
  std::string equation = n.getString("equation", "");
  SmallVector<Value> inputs;
  std::vector<int64_t> ranks;
  for (unsigned i = 0; i < n.getNumInputs(); ++i) {
    Value x = n.getRequiredInput(i);
    if (!x)
      return failure();
    auto rank = n.requireRank(x, "Einsum");
    if (!rank)
      return failure();
    inputs.push_back(x);
    ranks.push_back(*rank);
  }
  if (inputs.empty())
    return n.fail("Einsum takes at least one input");
  geflow::rt::EinsumSpec spec;
  std::string err = geflow::rt::parseEinsum(equation, ranks, spec);
  if (!err.empty())
    return n.fail("equation '" + equation + "': " + err);
  return finish(
      n, n.create<EinsumOp>(inputs, n.getBuilder().getStringAttr(equation)));
}

LogicalResult translateCumSum(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  Value axisInput = n.getRequiredInput(1);
  if (!x || !axisInput)
    return failure();
  Builder &b = n.getBuilder();
  BoolAttr exclusive = b.getBoolAttr(n.getInt("exclusive", 0) != 0);
  BoolAttr reverse = b.getBoolAttr(n.getInt("reverse", 0) != 0);
  auto axis = n.getConstantInts(1);
  if (!axis) {
    Value y =
        n.create<CumsumOp>(x, axisInput, IntegerAttr(), exclusive, reverse);
    n.setOutput(0, y);
    return success(y != nullptr);
  }
  if (axis->size() != 1)
    return n.fail("the axis input holds " + Twine(axis->size()) +
                  " values, CumSum takes one");
  auto rank = n.requireRank(x, "CumSum");
  if (!rank)
    return failure();
  auto normalized = n.normalizeAxis(axis->front(), *rank, "axis");
  if (!normalized)
    return failure();
  Value y = n.create<CumsumOp>(x, Value(), b.getI64IntegerAttr(*normalized),
                               exclusive, reverse);
  n.setOutput(0, y);
  return success(y != nullptr);
}

} // namespace

ArrayRef<OpTranslator> getReductionTranslators() {
  static const OpTranslator table[] = {
      {"ReduceSum", translateReduceSum},
      {"Det", translateDet},
      {"ReduceMean", translateDirect<ReduceMeanOp>},
      {"ReduceMax", translateDirect<ReduceMaxOp>},
      {"ReduceProd", translateDirect<ReduceProdOp>},
      {"ReduceMin", translateReduceMin},
      {"ReduceL1", translateReduceL1},
      {"ReduceL2", translateReduceL2},
      {"ReduceSumSquare", translateReduceSumSquare},
      {"ReduceLogSum", translateReduceLogSum},
      {"ReduceLogSumExp", translateReduceLogSumExp},
      {"CumSum", translateCumSum},
      {"Einsum", translateEinsum},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
