//===- GEElementwiseOps.cpp - Elementwise ge ops: inference and folding ---===//
#include "dialects/ge/IR/GEConstEval.h"
#include "dialects/ge/IR/GEOpUtils.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace geflow::ge;
using namespace geflow::ge::detail;
namespace ce = geflow::ge::consteval;

//===----------------------------------------------------------------------===//
// Shared inference
//===----------------------------------------------------------------------===//

LogicalResult
geflow::ge::detail::inferBroadcast(const InferDiag &diag, ValueRange operands,
                                   Type elementType,
                                   SmallVectorImpl<Type> &inferred) {
  SmallVector<int64_t> shape;
  for (auto [idx, v] : llvm::enumerate(operands)) {
    auto s = shapeOf(v);
    if (!s) {
      inferred.push_back(UnrankedTensorType::get(elementType));
      return success();
    }
    if (idx == 0) {
      shape.assign(s->begin(), s->end());
      continue;
    }
    auto b = shapes::broadcast(shape, *s);
    if (!b)
      return diag("operands with shapes ", formatList(shape), " and ",
                  formatList(*s), " are not broadcast-compatible");
    shape = *b;
  }
  inferred.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

LogicalResult
geflow::ge::detail::inferStaticTensor(const InferDiag &diag,
                                      ArrayRef<int64_t> shape, Type dtype,
                                      SmallVectorImpl<Type> &inferred) {
  for (int64_t d : shape)
    if (d < 0)
      return diag("shape must be static and non-negative, got ",
                  formatList(shape));
  inferred.push_back(RankedTensorType::get(shape, dtype));
  return success();
}

LogicalResult
geflow::ge::detail::inferSameAsOperand(Value x,
                                       SmallVectorImpl<Type> &inferred) {
  inferred.push_back(x.getType());
  return success();
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  if (getElementType(adaptor.getX1()) != getElementType(adaptor.getX2()))
    return diag("x1 and x2 must have the same element type");
  return inferBroadcast(diag, adaptor.getOperands(),
                        getElementType(adaptor.getX1()), inferred);
}

LogicalResult CastOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  inferred.push_back(makeTensor(shapeOf(adaptor.getX()), adaptor.getDstType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << getApproximate() << "\"";
  return success();
}

LogicalResult ClipOp::verify() {
  auto lo = getClipValueMin(), hi = getClipValueMax();
  if (lo && hi && lo->convertToFloat() > hi->convertToFloat())
    return emitOpError("clip_value_min ")
           << lo->convertToFloat() << " exceeds clip_value_max "
           << hi->convertToFloat();
  return success();
}

//===----------------------------------------------------------------------===//
// Folding
//===----------------------------------------------------------------------===//

static OpFoldResult foldUnary(Attribute operand, Type resultType,
                              llvm::function_ref<double(double)> fn) {
  auto x = ce::read(operand);
  if (!x)
    return {};
  auto r = ce::mapFloat(*x, fn);
  if (!r)
    return {};
  return ce::write(*r, cast<ShapedType>(resultType));
}

// Integer-preserving unary (Neg, Abs, Relu also run on integers).
static OpFoldResult foldUnaryAnyKind(Attribute operand, Type resultType,
                                     llvm::function_ref<double(double)> ffn,
                                     llvm::function_ref<int64_t(int64_t)> ifn) {
  auto x = ce::read(operand);
  if (!x)
    return {};
  if (x->isFloat)
    return foldUnary(operand, resultType, ffn);
  for (int64_t &v : x->i)
    v = ifn(v);
  return ce::write(*x, cast<ShapedType>(resultType));
}

static double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

OpFoldResult SqrtOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::sqrt(x); });
}
OpFoldResult RsqrtOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(),
                   [](double x) { return 1.0 / std::sqrt(x); });
}
OpFoldResult ReciprocalOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return 1.0 / x; });
}
OpFoldResult ExpOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::exp(x); });
}
OpFoldResult LogOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::log(x); });
}
OpFoldResult ErfOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::erf(x); });
}
OpFoldResult FloorOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::floor(x); });
}
OpFoldResult CeilOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::ceil(x); });
}
OpFoldResult RoundOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(),
                   [](double x) { return std::nearbyint(x); });
}
OpFoldResult SinOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::sin(x); });
}
OpFoldResult CosOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::cos(x); });
}
OpFoldResult TanOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::tan(x); });
}
OpFoldResult AsinOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::asin(x); });
}
OpFoldResult AcosOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::acos(x); });
}
OpFoldResult AtanOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::atan(x); });
}
OpFoldResult SinhOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::sinh(x); });
}
OpFoldResult CoshOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::cosh(x); });
}
OpFoldResult AsinhOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::asinh(x); });
}
OpFoldResult AcoshOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::acosh(x); });
}
OpFoldResult AtanhOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::atanh(x); });
}
OpFoldResult SigmoidOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), sigmoid);
}
OpFoldResult TanhOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) { return std::tanh(x); });
}
OpFoldResult Relu6Op::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(),
                   [](double x) { return std::min(std::max(x, 0.0), 6.0); });
}
OpFoldResult HardSwishOp::fold(FoldAdaptor a) {
  return foldUnary(a.getX(), getType(), [](double x) {
    return x * std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0;
  });
}
OpFoldResult LeakyReluOp::fold(FoldAdaptor a) {
  double slope = getNegativeSlope().convertToFloat();
  return foldUnary(a.getX(), getType(),
                   [slope](double x) { return x >= 0 ? x : slope * x; });
}
OpFoldResult GeluOp::fold(FoldAdaptor a) {
  bool tanhForm = getApproximate() == "tanh";
  return foldUnary(a.getX(), getType(), [tanhForm](double x) {
    if (tanhForm)
      return 0.5 * x *
             (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
    return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
  });
}
OpFoldResult HardSigmoidOp::fold(FoldAdaptor a) {
  double alpha = getAlpha().convertToFloat(), beta = getBeta().convertToFloat();
  return foldUnary(a.getX(), getType(), [=](double x) {
    return std::max(0.0, std::min(1.0, alpha * x + beta));
  });
}
OpFoldResult NegOp::fold(FoldAdaptor a) {
  return foldUnaryAnyKind(
      a.getX(), getType(), [](double x) { return -x; },
      [](int64_t x) { return -x; });
}
OpFoldResult AbsOp::fold(FoldAdaptor a) {
  return foldUnaryAnyKind(
      a.getX(), getType(), [](double x) { return std::fabs(x); },
      [](int64_t x) { return x < 0 ? -x : x; });
}
OpFoldResult ReluOp::fold(FoldAdaptor a) {
  return foldUnaryAnyKind(
      a.getX(), getType(), [](double x) { return x > 0 ? x : 0.0; },
      [](int64_t x) { return x > 0 ? x : int64_t(0); });
}
OpFoldResult ClipOp::fold(FoldAdaptor a) {
  double lo =
      getClipValueMin() ? getClipValueMin()->convertToFloat() : -INFINITY;
  double hi =
      getClipValueMax() ? getClipValueMax()->convertToFloat() : INFINITY;
  return foldUnaryAnyKind(
      a.getX(), getType(),
      [=](double x) { return std::min(std::max(x, lo), hi); },
      [=](int64_t x) {
        return static_cast<int64_t>(std::min(std::max<double>(x, lo), hi));
      });
}

static OpFoldResult
foldBinary(Attribute lhs, Attribute rhs, Type resultType,
           llvm::function_ref<double(double, double)> ffn,
           llvm::function_ref<std::optional<int64_t>(int64_t, int64_t)> ifn) {
  auto type = dyn_cast<RankedTensorType>(resultType);
  if (!type || !type.hasStaticShape())
    return {};
  auto a = ce::read(lhs), b = ce::read(rhs);
  if (!a || !b)
    return {};
  bool resultIsFloat = isa<FloatType>(type.getElementType());
  auto r = ce::broadcastBinary(*a, *b, resultIsFloat, ffn, ifn);
  if (!r || r->shape != SmallVector<int64_t>(type.getShape()))
    return {};
  return ce::write(*r, type);
}

OpFoldResult AddOp::fold(FoldAdaptor a) {
  return foldBinary(
      a.getX1(), a.getX2(), getType(), [](double x, double y) { return x + y; },
      [](int64_t x, int64_t y) -> std::optional<int64_t> { return x + y; });
}
OpFoldResult SubOp::fold(FoldAdaptor a) {
  return foldBinary(
      a.getX1(), a.getX2(), getType(), [](double x, double y) { return x - y; },
      [](int64_t x, int64_t y) -> std::optional<int64_t> { return x - y; });
}
OpFoldResult MulOp::fold(FoldAdaptor a) {
  return foldBinary(
      a.getX1(), a.getX2(), getType(), [](double x, double y) { return x * y; },
      [](int64_t x, int64_t y) -> std::optional<int64_t> { return x * y; });
}
OpFoldResult RealDivOp::fold(FoldAdaptor a) {
  return foldBinary(
      a.getX1(), a.getX2(), getType(), [](double x, double y) { return x / y; },
      [](int64_t x, int64_t y) -> std::optional<int64_t> {
        if (y == 0)
          return std::nullopt;
        return x / y;
      });
}
OpFoldResult MaximumOp::fold(FoldAdaptor a) {
  return foldBinary(
      a.getX1(), a.getX2(), getType(),
      [](double x, double y) {
        return std::isnan(x) || std::isnan(y) ? NAN : std::max(x, y);
      },
      [](int64_t x, int64_t y) -> std::optional<int64_t> {
        return std::max(x, y);
      });
}
OpFoldResult MinimumOp::fold(FoldAdaptor a) {
  return foldBinary(
      a.getX1(), a.getX2(), getType(),
      [](double x, double y) {
        return std::isnan(x) || std::isnan(y) ? NAN : std::min(x, y);
      },
      [](int64_t x, int64_t y) -> std::optional<int64_t> {
        return std::min(x, y);
      });
}
OpFoldResult PowOp::fold(FoldAdaptor a) {
  return foldBinary(
      a.getX1(), a.getX2(), getType(),
      [](double x, double y) { return std::pow(x, y); },
      [](int64_t x, int64_t y) -> std::optional<int64_t> {
        if (y < 0)
          return std::nullopt;
        int64_t r = 1;
        for (int64_t k = 0; k < y; ++k)
          r *= x;
        return r;
      });
}
/// Remainder of truncated (floor = false) or floored division; nullopt for
/// a zero divisor, which must fail at run time, not at compile time.
static std::optional<int64_t> intRemainder(int64_t x, int64_t y, bool floor) {
  if (y == 0)
    return std::nullopt;
  int64_t r = y == -1 ? 0 : x % y;
  if (floor && r != 0 && ((r < 0) != (y < 0)))
    r += y;
  return r;
}
static double floatRemainder(double x, double y, bool floor) {
  double r = std::fmod(x, y);
  if (floor && r != 0 && ((r < 0) != (y < 0)))
    r += y;
  return r;
}
OpFoldResult ModOp::fold(FoldAdaptor a) {
  return foldBinary(
      a.getX1(), a.getX2(), getType(),
      [](double x, double y) { return floatRemainder(x, y, false); },
      [](int64_t x, int64_t y) { return intRemainder(x, y, false); });
}
OpFoldResult FloorModOp::fold(FoldAdaptor a) {
  return foldBinary(
      a.getX1(), a.getX2(), getType(),
      [](double x, double y) { return floatRemainder(x, y, true); },
      [](int64_t x, int64_t y) { return intRemainder(x, y, true); });
}
OpFoldResult EqualOp::fold(FoldAdaptor a) {
  return foldBinary(
      a.getX1(), a.getX2(), getType(),
      [](double x, double y) { return double(x == y); },
      [](int64_t x, int64_t y) -> std::optional<int64_t> { return x == y; });
}
OpFoldResult LessOp::fold(FoldAdaptor a) {
  return foldBinary(
      a.getX1(), a.getX2(), getType(),
      [](double x, double y) { return double(x < y); },
      [](int64_t x, int64_t y) -> std::optional<int64_t> { return x < y; });
}
OpFoldResult GreaterOp::fold(FoldAdaptor a) {
  return foldBinary(
      a.getX1(), a.getX2(), getType(),
      [](double x, double y) { return double(x > y); },
      [](int64_t x, int64_t y) -> std::optional<int64_t> { return x > y; });
}

OpFoldResult SelectOp::fold(FoldAdaptor a) {
  // select(c, x, x) = x when no broadcasting changes the shape.
  if (getX1() == getX2() && getX1().getType() == getType())
    return getX1();
  auto cond = ce::read(a.getCondition());
  if (!cond || cond->i.empty())
    return {};
  bool allTrue = llvm::all_of(cond->i, [](int64_t v) { return v != 0; });
  bool allFalse = llvm::all_of(cond->i, [](int64_t v) { return v == 0; });
  if (allTrue && getX1().getType() == getType())
    return getX1();
  if (allFalse && getX2().getType() == getType())
    return getX2();
  // Every operand constant (shape subgraphs such as torch's expand(-1)):
  // evaluate.
  auto x1 = ce::read(a.getX1()), x2 = ce::read(a.getX2());
  auto type = dyn_cast<RankedTensorType>(getType());
  if (!x1 || !x2 || !type || !type.hasStaticShape())
    return {};
  auto y = ce::select(*cond, *x1, *x2);
  if (!y || y->shape != SmallVector<int64_t>(type.getShape()))
    return {};
  return ce::write(*y, type);
}

OpFoldResult CastOp::fold(FoldAdaptor a) {
  if (getX().getType() == getType())
    return getX();
  auto type = dyn_cast<RankedTensorType>(getType());
  // Casts to and from strings format and parse text: the host kernel's job.
  if (!type || isa<StringType>(type.getElementType()))
    return {};
  auto x = ce::read(a.getX());
  if (!x)
    return {};
  return ce::write(*x, type);
}

namespace {
/// cast(cast(x : A -> B) -> A) is x when B holds every value of A exactly
/// (a widening followed by the matching narrowing).
struct FoldWideningCastPair : OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getX().getDefiningOp<CastOp>();
    if (!inner || inner.getX().getType() != op.getType())
      return failure();
    Type from = getElementTypeOrSelf(inner.getX().getType());
    Type mid = getElementTypeOrSelf(inner.getType());
    if (!isExactWidening(from, mid))
      return failure();
    rewriter.replaceOp(op, inner.getX());
    return success();
  }

  static bool isExactWidening(Type from, Type to) {
    if (from == to)
      return true;
    auto ff = dyn_cast<FloatType>(from), tf = dyn_cast<FloatType>(to);
    if (ff && tf)
      return tf.getWidth() > ff.getWidth() && (ff.isF16() || ff.isBF16()) &&
             tf.isF32();
    auto fi = dyn_cast<IntegerType>(from), ti = dyn_cast<IntegerType>(to);
    if (fi && ti) {
      if (ti.getWidth() <= fi.getWidth())
        return false;
      // Unsigned (and i1) values fit any wider type; signed ones need a
      // signed destination.
      return fi.getWidth() == 1 || fi.isUnsigned() || !ti.isUnsigned();
    }
    if (fi && tf) // small integers are exact in f32
      return tf.isF32() && fi.getWidth() <= 16;
    return false;
  }
};
} // namespace

void CastOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                         MLIRContext *context) {
  results.add<FoldWideningCastPair>(context);
}
