//===- FuseGelu.cpp - Decomposed GELU subgraphs into one Gelu op ----------===//
//
// Exporters write GELU as elementwise arithmetic: torch.onnx writes F.gelu
// as Mul(Mul(x, Add(Erf(Div(x, sqrt2)), 1)), 0.5), Hugging Face's gelu_new
// as 0.5 * x * (1 + Tanh(sqrt(2/pi) * (x + 0.044715 * Pow(x, 3)))). One
// Gelu op runs as one vector kernel, or as a Cube epilogue after a MatMul.
//
// Matching is algebraic rather than by op order: a product (Mul, division
// by a constant) is flattened into its constant factor and other factors,
// and a tanh argument is read as alpha * x + beta * x^3 through Mul, Add,
// Pow(x, 3) and division by a constant, so every association and operand
// order of the same formula matches.
//
//===----------------------------------------------------------------------===//
#include "dialects/ge/IR/GEUtils.h"
#include "dialects/ge/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <cstring>

namespace geflow::ge {
#define GEN_PASS_DEF_GEFUSEGELU
#include "dialects/ge/Transforms/Passes.h.inc"
} // namespace geflow::ge

using namespace mlir;

namespace geflow::ge {
namespace {

/// The value of an f32 constant whose elements are all equal.
std::optional<double> scalarConst(Value v) {
  auto cst = v.getDefiningOp<ConstOp>();
  if (!cst)
    return std::nullopt;
  auto type = cast<ShapedType>(cst.getType());
  if (!type.getElementType().isF32() || !type.hasStaticShape() ||
      type.getNumElements() < 1)
    return std::nullopt;
  auto bytes = getRawBytes(cst.getValue());
  if (failed(bytes) || bytes->size() % sizeof(float) != 0 || bytes->empty())
    return std::nullopt;
  float first;
  std::memcpy(&first, bytes->data(), sizeof(float));
  for (size_t i = sizeof(float); i < bytes->size(); i += sizeof(float))
    if (std::memcmp(bytes->data() + i, &first, sizeof(float)) != 0)
      return std::nullopt;
  return first;
}

/// Within float rounding of the constant an exporter writes.
bool near(double v, double want) {
  return std::abs(v - want) <= 1e-5 * std::abs(want);
}

/// A product flattened: value = scale * factors[0] * factors[1] * ...
struct Product {
  double scale = 1.0;
  SmallVector<Value, 4> factors;
};

/// Flattens Mul trees and divisions by constants below `v` (at most a few
/// levels: exporters write two or three).
void flatten(Value v, Product &p, int depth = 0) {
  Operation *op = v.getDefiningOp();
  if (depth < 6 && op && isa<MulOp>(op)) {
    for (Value operand : op->getOperands())
      flatten(operand, p, depth + 1);
    return;
  }
  if (depth < 6 && op && isa<RealDivOp>(op)) {
    if (auto d = scalarConst(op->getOperand(1)); d && *d != 0.0) {
      p.scale /= *d;
      flatten(op->getOperand(0), p, depth + 1);
      return;
    }
  }
  if (auto c = scalarConst(v)) {
    p.scale *= *c;
    return;
  }
  p.factors.push_back(v);
}

/// alpha * x + beta * x^3, read from `v` in terms of `x`.
struct Cubic {
  double alpha = 0, beta = 0;
};

std::optional<Cubic> asCubic(Value v, Value x, int depth = 0) {
  if (v == x)
    return Cubic{1, 0};
  Operation *op = v.getDefiningOp();
  if (!op || depth > 6)
    return std::nullopt;
  if (isa<AddOp>(op)) {
    auto a = asCubic(op->getOperand(0), x, depth + 1);
    auto b = asCubic(op->getOperand(1), x, depth + 1);
    if (!a || !b)
      return std::nullopt;
    return Cubic{a->alpha + b->alpha, a->beta + b->beta};
  }
  if (isa<PowOp>(op)) {
    auto e = scalarConst(op->getOperand(1));
    if (op->getOperand(0) == x && e && *e == 3.0)
      return Cubic{0, 1};
    return std::nullopt;
  }
  if (!isa<MulOp, RealDivOp>(op))
    return std::nullopt;
  Product p;
  flatten(v, p);
  int xs = 0;
  Value other;
  for (Value f : p.factors) {
    if (f == x)
      ++xs;
    else if (!other)
      other = f;
    else
      return std::nullopt;
  }
  if (other && xs == 0) {
    auto inner = asCubic(other, x, depth + 1);
    if (!inner)
      return std::nullopt;
    return Cubic{p.scale * inner->alpha, p.scale * inner->beta};
  }
  if (!other && xs == 1)
    return Cubic{p.scale, 0};
  if (!other && xs == 3)
    return Cubic{0, p.scale};
  if (other && xs == 1) {
    // x * (x * x) where the square is shared: other must be x^2.
    Product sq;
    flatten(other, sq);
    if (sq.factors.size() == 2 && sq.factors[0] == x && sq.factors[1] == x)
      return Cubic{0, p.scale * sq.scale};
  }
  return std::nullopt;
}

/// "none" or "tanh" when `v` is 1 + erf(x / sqrt2) or 1 + tanh(sqrt(2/pi)
/// (x + 0.044715 x^3)).
std::optional<StringRef> onePlusGeluCore(Value v, Value x) {
  auto add = v.getDefiningOp<AddOp>();
  if (!add)
    return std::nullopt;
  for (int side = 0; side < 2; ++side) {
    auto one = scalarConst(add->getOperand(1 - side));
    if (!one || *one != 1.0)
      continue;
    Operation *core = add->getOperand(side).getDefiningOp();
    if (!core)
      continue;
    auto arg = isa<ErfOp, TanhOp>(core) ? asCubic(core->getOperand(0), x)
                                        : std::nullopt;
    if (!arg)
      continue;
    if (isa<ErfOp>(core) && near(arg->alpha, M_SQRT1_2) && arg->beta == 0.0)
      return StringRef("none");
    if (isa<TanhOp>(core) && near(arg->alpha, std::sqrt(2.0 / M_PI)) &&
        near(arg->beta / arg->alpha, 0.044715))
      return StringRef("tanh");
  }
  return std::nullopt;
}

/// Replaces the outermost product 0.5 * x * (1 + core(x)) with Gelu(x).
struct FuseGelu : RewritePattern {
  explicit FuseGelu(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<MulOp, RealDivOp>(op))
      return failure();
    Product p;
    flatten(op->getResult(0), p);
    if (p.factors.size() != 2 || !near(p.scale, 0.5))
      return failure();
    for (int xi = 0; xi < 2; ++xi) {
      Value x = p.factors[xi];
      auto type = dyn_cast<RankedTensorType>(x.getType());
      if (!type || !type.getElementType().isF32() ||
          type != op->getResult(0).getType())
        continue;
      auto approximate = onePlusGeluCore(p.factors[1 - xi], x);
      if (!approximate)
        continue;
      auto gelu = GeluOp::create(rewriter, op->getLoc(), type, x,
                                 rewriter.getStringAttr(*approximate));
      rewriter.replaceOp(op, gelu->getResults());
      return success();
    }
    return failure();
  }
};

struct GEFuseGeluPass : impl::GEFuseGeluBase<GEFuseGeluPass> {
  using GEFuseGeluBase::GEFuseGeluBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseGelu>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace geflow::ge
