//===- QuantizeOps.cpp - QuantizeLinear, DequantizeLinear, DynamicQuantize
//--===//
//
// Linear (de)quantization as float arithmetic around exact casts:
//   quantize:   y = Cast(Clip(Round(x / scale) + zero_point, qmin, qmax))
//   dequantize: y = (Cast(x) - Cast(zero_point)) * scale
// Round is half to even as ONNX specifies, and the clip to the output
// type's range happens before the cast (a float -> uint8 cast wraps).
// Per-axis scales and zero points (1-D) are reshaped to broadcast along
// `axis`; blocked ones (opset 21) are repeated block_size times along it.
// DynamicQuantizeLinear follows the ONNX function body: the range [min(x, 0),
// max(x, 0)] mapped onto [0, 255].
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

/// A per-tensor (rank 0) or per-axis (1-D) parameter, shaped to broadcast
/// against `x` along the node's `axis` (only read for per-axis ones).
Value alongAxis(NodeContext &n, Value param, Value x) {
  auto pRank = getRank(param);
  if (!pRank || *pRank > 1) {
    (void)n.unsupported("scale and zero point must be scalars or 1-D");
    return {};
  }
  if (*pRank == 0)
    return param;
  auto rank = n.requireRank(x, "per-axis (de)quantization");
  std::optional<int64_t> axis =
      rank ? n.normalizeAxis(n.getInt("axis", 1), *rank, "axis") : std::nullopt;
  if (!axis)
    return {};
  if (*axis == *rank - 1)
    return param;
  return n.create<ExpandDimsOp>(param, iota(1, *rank - *axis));
}

/// Opset 21's blocked quantization: `param` has x's rank, and along `axis`
/// one entry per `block_size` elements of x. Repeats each entry block_size
/// times along the axis (cropping the last block to x's extent), so that
/// it broadcasts elementwise against x.
Value repeatBlocks(NodeContext &n, Value param, Value x, int64_t blockSize) {
  auto xShape = getShape(x), pShape = getShape(param);
  if (!xShape || !pShape || llvm::any_of(*xShape, ShapedType::isDynamic) ||
      llvm::any_of(*pShape, ShapedType::isDynamic)) {
    (void)n.unsupported("blocked (de)quantization needs static shapes");
    return {};
  }
  int64_t rank = xShape->size();
  std::optional<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", 1), rank, "axis");
  if (!axis)
    return {};
  int64_t blocks =
      (*xShape)[*axis] / blockSize + ((*xShape)[*axis] % blockSize != 0);
  SmallVector<int64_t> expected(*xShape);
  expected[*axis] = blocks;
  if (SmallVector<int64_t>(*pShape) != expected) {
    (void)n.fail("scale and zero point of a blocked (de)quantization must "
                 "have x's shape with " +
                 Twine(blocks) + " blocks along axis " + Twine(*axis));
    return {};
  }
  SmallVector<int64_t> broadcast(expected);
  broadcast.insert(broadcast.begin() + *axis + 1, blockSize);
  SmallVector<int64_t> merged(expected);
  merged[*axis] = blocks * blockSize;
  Value v = n.create<ExpandDimsOp>(param, ArrayRef<int64_t>{*axis + 1});
  v = v ? n.create<BroadcastToOp>(v, ArrayRef<int64_t>(broadcast)) : Value();
  v = v ? n.create<ReshapeOp>(v, n.constantI64(merged)) : Value();
  if (v && merged[*axis] != (*xShape)[*axis])
    v = n.create<SliceOp>(v, ArrayRef<int64_t>(SmallVector<int64_t>(rank, 0)),
                          ArrayRef<int64_t>(*xShape));
  return v;
}

/// A scale or zero point shaped to broadcast against x: per tensor, per
/// axis, or (opset 21, block_size > 0) per block.
Value shapeParam(NodeContext &n, Value param, Value x) {
  int64_t blockSize = n.getOpset() >= 21 ? n.getInt("block_size", 0) : 0;
  if (blockSize < 0) {
    (void)n.fail("block_size must be >= 0, got " + Twine(blockSize));
    return {};
  }
  return blockSize > 0 ? repeatBlocks(n, param, x, blockSize)
                       : alongAxis(n, param, x);
}

/// The [qmin, qmax] of a quantized element type.
std::optional<std::pair<double, double>> quantRange(NodeContext &n, Type t) {
  if (t.isUnsignedInteger(8))
    return std::pair{0.0, 255.0};
  if (t.isSignedInteger(8) || t.isSignlessInteger(8))
    return std::pair{-128.0, 127.0};
  (void)n.unsupported("quantized type must be int8 or uint8");
  return std::nullopt;
}

/// Cast(Clip(Round(x / scale) + zeroPoint, range)) to `qType`; `zeroPoint`
/// is a float value or null.
Value quantize(NodeContext &n, Value x, Value scale, Value zeroPoint,
               Type qType) {
  auto range = quantRange(n, qType);
  if (!range)
    return {};
  Value q = n.create<RoundOp>(n.create<RealDivOp>(x, scale));
  if (q && zeroPoint)
    q = n.create<AddOp>(q, zeroPoint);
  Builder &b = n.getBuilder();
  if (q)
    q = n.create<ClipOp>(q, b.getF32FloatAttr(range->first),
                         b.getF32FloatAttr(range->second));
  return q ? castTo(n, q, qType) : Value();
}

LogicalResult translateQuantizeLinear(NodeContext &n) {
  Value x = n.getRequiredInput(0), scale = n.getRequiredInput(1);
  Value zeroPoint = n.getInput(2);
  if (!x || !scale || failed(requireFloat(n, x)))
    return failure();
  Type qType = zeroPoint
                   ? getElementType(zeroPoint)
                   : IntegerType::get(n.getContext(), 8, IntegerType::Unsigned);
  // Opset 21: output_dtype names the quantized type (that of the zero point
  // when there is one).
  if (n.getOpset() >= 21 && n.getInt("output_dtype", 0) != 0) {
    std::optional<Type> given = n.getDataTypeAttr("output_dtype", 0);
    if (!given)
      return failure();
    if (zeroPoint && *given != qType)
      return n.fail("output_dtype differs from the zero point's type");
    qType = *given;
  }
  Type ft = getElementType(x);
  Value s = shapeParam(n, castTo(n, scale, ft), x);
  Value zp = zeroPoint ? shapeParam(n, castTo(n, zeroPoint, ft), x) : Value();
  if (!s || (zeroPoint && !zp))
    return failure();
  Value y = quantize(n, x, s, zp, qType);
  n.setOutput(0, y);
  return success(y != nullptr);
}

LogicalResult translateDequantizeLinear(NodeContext &n) {
  Value x = n.getRequiredInput(0), scale = n.getRequiredInput(1);
  Value zeroPoint = n.getInput(2);
  if (!x || !scale)
    return failure();
  Type ft = getElementType(scale);
  Value y = castTo(n, x, ft);
  if (y && zeroPoint) {
    Value zp = shapeParam(n, castTo(n, zeroPoint, ft), x);
    y = zp ? n.create<SubOp>(y, zp) : Value();
  }
  Value s = y ? shapeParam(n, scale, x) : Value();
  y = s ? n.create<MulOp>(y, s) : Value();
  n.setOutput(0, y);
  return success(y != nullptr);
}

LogicalResult translateDynamicQuantizeLinear(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  Type ft = getElementType(x);
  Type u8 = IntegerType::get(n.getContext(), 8, IntegerType::Unsigned);
  Value zero = n.constantScalar(ft, 0);
  SmallVector<int64_t> all; // every axis
  // min(x) = -max(-x)
  Value negated = n.create<NegOp>(x);
  Value negMax = negated ? n.create<ReduceMaxOp>(negated, all, false) : Value();
  Value lo =
      negMax ? n.create<MinimumOp>(n.create<NegOp>(negMax), zero) : Value();
  Value hi = n.create<MaximumOp>(n.create<ReduceMaxOp>(x, all, false), zero);
  if (!lo || !hi)
    return failure();
  Value scale =
      n.create<RealDivOp>(n.create<SubOp>(hi, lo), n.constantScalar(ft, 255));
  Value initial =
      scale ? n.create<SubOp>(zero, n.create<RealDivOp>(lo, scale)) : Value();
  Builder &b = n.getBuilder();
  Value clipped = initial ? n.create<ClipOp>(initial, b.getF32FloatAttr(0),
                                             b.getF32FloatAttr(255))
                          : Value();
  Value zeroPointFP = clipped ? n.create<RoundOp>(clipped) : Value();
  Value y = zeroPointFP ? quantize(n, x, scale, zeroPointFP, u8) : Value();
  n.setOutput(0, y);
  n.setOutput(1, scale);
  n.setOutput(2, zeroPointFP ? castTo(n, zeroPointFP, u8) : Value());
  return success(y != nullptr);
}

} // namespace

ArrayRef<OpTranslator> getQuantizeTranslators() {
  static const OpTranslator table[] = {
      {"QuantizeLinear", translateQuantizeLinear},
      {"DequantizeLinear", translateDequantizeLinear},
      {"DynamicQuantizeLinear", translateDynamicQuantizeLinear},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
