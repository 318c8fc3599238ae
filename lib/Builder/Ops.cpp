//===- Ops.cpp - The graph builder's op catalogue -------------------------===//
//
// One function per ge op (or family): operand checks, then the op's own
// builder; result types always come from the op's type inference.
//
//===----------------------------------------------------------------------===//
#include "BuilderImpl.h"

#include "dialects/ge/IR/GEUtils.h"

using namespace mlir;

namespace geflow {

namespace {

using ValueOr = rt::StatusOr<Value>;

/// Checks every (name, value) operand; null values are absent optional ones
/// when `optional` lists their names.
Status checkAll(GraphBuilder::Impl &impl, StringRef opType,
                std::initializer_list<std::pair<StringRef, Value>> operands,
                std::initializer_list<StringRef> optional = {}) {
  for (const auto &[name, value] : operands) {
    bool required = !llvm::is_contained(optional, name);
    GEFLOW_RETURN_IF_ERROR(impl.checkOperand(value, name, opType, required));
  }
  return Status::OK();
}

APFloat f32(float v) { return APFloat(v); }

} // namespace

#define CHECK_OPERANDS(...)                                                    \
  GEFLOW_RETURN_IF_ERROR(checkAll(*impl_, __VA_ARGS__))

ValueOr GraphBuilder::unary(UnaryKind kind, Value x, const OpLoc &loc) {
  CHECK_OPERANDS("unary op", {{"x", x}});
  Impl &b = *impl_;
  switch (kind) {
  case UnaryKind::Relu:
    return b.create1<ge::ReluOp>(loc, x);
  case UnaryKind::Relu6:
    return b.create1<ge::Relu6Op>(loc, x);
  case UnaryKind::Sigmoid:
    return b.create1<ge::SigmoidOp>(loc, x);
  case UnaryKind::Tanh:
    return b.create1<ge::TanhOp>(loc, x);
  case UnaryKind::Exp:
    return b.create1<ge::ExpOp>(loc, x);
  case UnaryKind::Log:
    return b.create1<ge::LogOp>(loc, x);
  case UnaryKind::Sqrt:
    return b.create1<ge::SqrtOp>(loc, x);
  case UnaryKind::Rsqrt:
    return b.create1<ge::RsqrtOp>(loc, x);
  case UnaryKind::Reciprocal:
    return b.create1<ge::ReciprocalOp>(loc, x);
  case UnaryKind::Neg:
    return b.create1<ge::NegOp>(loc, x);
  case UnaryKind::Abs:
    return b.create1<ge::AbsOp>(loc, x);
  case UnaryKind::Erf:
    return b.create1<ge::ErfOp>(loc, x);
  case UnaryKind::HardSwish:
    return b.create1<ge::HardSwishOp>(loc, x);
  case UnaryKind::Identity:
    return b.create1<ge::IdentityOp>(loc, x);
  }
  return rt::internalError("unknown unary op kind");
}

ValueOr GraphBuilder::binary(BinaryKind kind, Value x1, Value x2,
                             const OpLoc &loc) {
  CHECK_OPERANDS("binary op", {{"x1", x1}, {"x2", x2}});
  Impl &b = *impl_;
  switch (kind) {
  case BinaryKind::Add:
    return b.create1<ge::AddOp>(loc, x1, x2);
  case BinaryKind::Sub:
    return b.create1<ge::SubOp>(loc, x1, x2);
  case BinaryKind::Mul:
    return b.create1<ge::MulOp>(loc, x1, x2);
  case BinaryKind::Div:
    return b.create1<ge::RealDivOp>(loc, x1, x2);
  case BinaryKind::Maximum:
    return b.create1<ge::MaximumOp>(loc, x1, x2);
  case BinaryKind::Minimum:
    return b.create1<ge::MinimumOp>(loc, x1, x2);
  case BinaryKind::Pow:
    return b.create1<ge::PowOp>(loc, x1, x2);
  case BinaryKind::Equal:
    return b.create1<ge::EqualOp>(loc, x1, x2);
  case BinaryKind::Less:
    return b.create1<ge::LessOp>(loc, x1, x2);
  case BinaryKind::Greater:
    return b.create1<ge::GreaterOp>(loc, x1, x2);
  }
  return rt::internalError("unknown binary op kind");
}

ValueOr GraphBuilder::gelu(Value x, const std::string &approximate,
                           const OpLoc &loc) {
  CHECK_OPERANDS("Gelu", {{"x", x}});
  return impl_->create1<ge::GeluOp>(loc, x, StringRef(approximate));
}

ValueOr GraphBuilder::leakyRelu(Value x, float negativeSlope,
                                const OpLoc &loc) {
  CHECK_OPERANDS("LeakyRelu", {{"x", x}});
  return impl_->create1<ge::LeakyReluOp>(loc, x, f32(negativeSlope));
}

ValueOr GraphBuilder::clip(Value x, std::optional<float> min,
                           std::optional<float> max, const OpLoc &loc) {
  CHECK_OPERANDS("Clip", {{"x", x}});
  OpBuilder &ob = impl_->builder;
  FloatAttr lo = min ? ob.getF32FloatAttr(*min) : FloatAttr();
  FloatAttr hi = max ? ob.getF32FloatAttr(*max) : FloatAttr();
  return impl_->create1<ge::ClipOp>(loc, x, lo, hi);
}

ValueOr GraphBuilder::cast(Value x, DType dtype, const OpLoc &loc) {
  CHECK_OPERANDS("Cast", {{"x", x}});
  return impl_->create1<ge::CastOp>(
      loc, x, ge::getElementType(&graph_.context(), dtype));
}

ValueOr GraphBuilder::select(Value condition, Value x1, Value x2,
                             const OpLoc &loc) {
  CHECK_OPERANDS("Select", {{"condition", condition}, {"x1", x1}, {"x2", x2}});
  return impl_->create1<ge::SelectOp>(loc, condition, x1, x2);
}

//===----------------------------------------------------------------------===//
// Cube ops, normalization, pooling
//===----------------------------------------------------------------------===//

ValueOr GraphBuilder::conv2d(Value x, Value filter, Value bias,
                             const Conv2DAttrs &a, const OpLoc &loc) {
  CHECK_OPERANDS("Conv2D", {{"x", x}, {"filter", filter}, {"bias", bias}},
                 {"bias"});
  OpBuilder &ob = impl_->builder;
  return impl_->create1<ge::Conv2DOp>(
      loc, x, filter, bias, /*residual=*/Value(),
      ob.getDenseI64ArrayAttr(a.strides), ob.getDenseI64ArrayAttr(a.pads),
      ob.getDenseI64ArrayAttr(a.dilations), ob.getI64IntegerAttr(a.groups),
      ob.getStringAttr(a.dataFormat));
}

ValueOr GraphBuilder::matmul(Value x1, Value x2, Value bias, bool transposeX1,
                             bool transposeX2, const OpLoc &loc) {
  CHECK_OPERANDS("MatMulV2", {{"x1", x1}, {"x2", x2}, {"bias", bias}},
                 {"bias"});
  return impl_->create1<ge::MatMulV2Op>(loc, x1, x2, bias, transposeX1,
                                        transposeX2);
}

ValueOr GraphBuilder::batchMatmul(Value x1, Value x2, Value bias, bool adjX1,
                                  bool adjX2, const OpLoc &loc) {
  CHECK_OPERANDS("BatchMatMulV2", {{"x1", x1}, {"x2", x2}, {"bias", bias}},
                 {"bias"});
  return impl_->create1<ge::BatchMatMulV2Op>(loc, x1, x2, bias, adjX1, adjX2);
}

ValueOr GraphBuilder::biasAdd(Value x, Value bias,
                              const std::string &dataFormat, const OpLoc &loc) {
  CHECK_OPERANDS("BiasAdd", {{"x", x}, {"bias", bias}});
  return impl_->create1<ge::BiasAddOp>(loc, x, bias, StringRef(dataFormat));
}

ValueOr GraphBuilder::softmax(Value x, const std::vector<int64_t> &axes,
                              bool log, const OpLoc &loc) {
  CHECK_OPERANDS(log ? "LogSoftmax" : "Softmax", {{"x", x}});
  if (log)
    return impl_->create1<ge::LogSoftmaxOp>(loc, x, ArrayRef<int64_t>(axes));
  return impl_->create1<ge::SoftmaxOp>(loc, x, ArrayRef<int64_t>(axes));
}

ValueOr GraphBuilder::layerNorm(Value x, Value gamma, Value beta,
                                int64_t beginNormAxis, int64_t beginParamsAxis,
                                float epsilon, const OpLoc &loc) {
  CHECK_OPERANDS("LayerNorm", {{"x", x}, {"gamma", gamma}, {"beta", beta}});
  OpBuilder &ob = impl_->builder;
  return impl_->create1<ge::LayerNormOp>(
      loc, x, gamma, beta, ob.getI64IntegerAttr(beginNormAxis),
      ob.getI64IntegerAttr(beginParamsAxis), ob.getF32FloatAttr(epsilon));
}

ValueOr GraphBuilder::batchNorm(Value x, Value scale, Value offset, Value mean,
                                Value variance, float epsilon,
                                const std::string &dataFormat,
                                const OpLoc &loc) {
  CHECK_OPERANDS("BatchNorm", {{"x", x},
                               {"scale", scale},
                               {"offset", offset},
                               {"mean", mean},
                               {"variance", variance}});
  return impl_->create1<ge::BatchNormOp>(loc, x, scale, offset, mean, variance,
                                         f32(epsilon), StringRef(dataFormat),
                                         /*is_training=*/false);
}

ValueOr GraphBuilder::maxPool(Value x, const PoolAttrs &a, const OpLoc &loc) {
  CHECK_OPERANDS("MaxPool", {{"x", x}});
  return impl_->create1<ge::MaxPoolOp>(
      loc, x, ArrayRef<int64_t>(a.ksize), ArrayRef<int64_t>(a.strides),
      ArrayRef<int64_t>(a.pads), ArrayRef<int64_t>(a.dilations), a.ceilMode,
      StringRef(a.dataFormat));
}

ValueOr GraphBuilder::avgPool(Value x, const PoolAttrs &a, const OpLoc &loc) {
  CHECK_OPERANDS("AvgPool", {{"x", x}});
  return impl_->create1<ge::AvgPoolOp>(loc, x, ArrayRef<int64_t>(a.ksize),
                                       ArrayRef<int64_t>(a.strides),
                                       ArrayRef<int64_t>(a.pads), a.ceilMode,
                                       a.exclusive, StringRef(a.dataFormat));
}

ValueOr GraphBuilder::globalAvgPool(Value x, const std::string &dataFormat,
                                    const OpLoc &loc) {
  CHECK_OPERANDS("GlobalAvgPool", {{"x", x}});
  return impl_->create1<ge::GlobalAvgPoolOp>(loc, x, StringRef(dataFormat));
}

ValueOr GraphBuilder::hcomAllReduce(Value x, const std::string &reduction,
                                    const std::string &group, int64_t fusion,
                                    const std::vector<int64_t> &rankList,
                                    const OpLoc &loc) {
  CHECK_OPERANDS("HcomAllReduce", {{"x", x}});
  ValueOr y = impl_->create1<ge::HcomAllReduceOp>(loc, x, StringRef(reduction),
                                                  StringRef(group), fusion,
                                                  /*fusion_id=*/-1);
  if (y.ok() && !rankList.empty())
    y->getDefiningOp()->setAttr("ranklist",
                                impl_->builder.getDenseI64ArrayAttr(rankList));
  return y;
}

void GraphBuilder::setScopeAttrs(
    const std::vector<std::pair<std::string, std::string>> &attrs) {
  impl_->scopeAttrs = attrs;
}

//===----------------------------------------------------------------------===//
// Shape ops and reductions
//===----------------------------------------------------------------------===//

ValueOr GraphBuilder::reshape(Value x, const std::vector<int64_t> &shape,
                              const OpLoc &loc) {
  CHECK_OPERANDS("Reshape", {{"x", x}});
  Value target = impl_->constantI64(shape, loc);
  ValueOr y = impl_->create1<ge::ReshapeOp>(loc, x, target);
  if (!y.ok())
    target.getDefiningOp()->erase(); // leave the graph as it was
  return y;
}

ValueOr GraphBuilder::transpose(Value x, const std::vector<int64_t> &perm,
                                const OpLoc &loc) {
  CHECK_OPERANDS("Transpose", {{"x", x}});
  return impl_->create1<ge::TransposeOp>(loc, x, ArrayRef<int64_t>(perm));
}

ValueOr GraphBuilder::concat(const std::vector<Value> &xs, int64_t axis,
                             const OpLoc &loc) {
  if (xs.empty())
    return rt::invalidArgument("ConcatV2 needs at least one operand");
  for (auto [i, v] : llvm::enumerate(xs))
    GEFLOW_RETURN_IF_ERROR(
        impl_->checkOperand(v, "x" + std::to_string(i), "ConcatV2"));
  return impl_->create1<ge::ConcatV2Op>(loc, ValueRange(xs),
                                        impl_->builder.getI64IntegerAttr(axis));
}

rt::StatusOr<std::vector<Value>>
GraphBuilder::split(Value x, int64_t axis, const std::vector<int64_t> &sizes,
                    const OpLoc &loc) {
  CHECK_OPERANDS("Split", {{"x", x}});
  if (sizes.empty())
    return rt::invalidArgument("Split needs at least one size");
  OpBuilder &ob = impl_->builder;
  return impl_->create<ge::SplitOp>(loc, sizes.size(), x,
                                    ob.getI64IntegerAttr(axis),
                                    ob.getDenseI64ArrayAttr(sizes));
}

ValueOr GraphBuilder::slice(Value x, const std::vector<int64_t> &offsets,
                            const std::vector<int64_t> &size,
                            const OpLoc &loc) {
  CHECK_OPERANDS("Slice", {{"x", x}});
  return impl_->create1<ge::SliceOp>(loc, x, ArrayRef<int64_t>(offsets),
                                     ArrayRef<int64_t>(size));
}

ValueOr GraphBuilder::stridedSlice(Value x, const std::vector<int64_t> &begin,
                                   const std::vector<int64_t> &end,
                                   const std::vector<int64_t> &strides,
                                   const OpLoc &loc) {
  CHECK_OPERANDS("StridedSlice", {{"x", x}});
  return impl_->create1<ge::StridedSliceOp>(loc, x, ArrayRef<int64_t>(begin),
                                            ArrayRef<int64_t>(end),
                                            ArrayRef<int64_t>(strides));
}

ValueOr GraphBuilder::gather(Value x, Value indices, int64_t axis,
                             const OpLoc &loc) {
  CHECK_OPERANDS("GatherV2", {{"x", x}, {"indices", indices}});
  return impl_->create1<ge::GatherV2Op>(loc, x, indices,
                                        impl_->builder.getI64IntegerAttr(axis));
}

ValueOr GraphBuilder::pad(Value x, const std::vector<int64_t> &paddings,
                          const std::string &mode, float value,
                          const OpLoc &loc) {
  CHECK_OPERANDS("Pad", {{"x", x}});
  return impl_->create1<ge::PadOp>(loc, x, ArrayRef<int64_t>(paddings),
                                   StringRef(mode), f32(value));
}

ValueOr GraphBuilder::reduce(ReduceKind kind, Value x,
                             const std::vector<int64_t> &axes, bool keepDims,
                             const OpLoc &loc) {
  CHECK_OPERANDS("reduction", {{"x", x}});
  ArrayRef<int64_t> a(axes);
  switch (kind) {
  case ReduceKind::Sum:
    return impl_->create1<ge::ReduceSumOp>(loc, x, a, keepDims);
  case ReduceKind::Mean:
    return impl_->create1<ge::ReduceMeanOp>(loc, x, a, keepDims);
  case ReduceKind::Max:
    return impl_->create1<ge::ReduceMaxOp>(loc, x, a, keepDims);
  }
  return rt::internalError("unknown reduction kind");
}

ValueOr GraphBuilder::expandDims(Value x, const std::vector<int64_t> &axes,
                                 const OpLoc &loc) {
  CHECK_OPERANDS("ExpandDims", {{"x", x}});
  return impl_->create1<ge::ExpandDimsOp>(loc, x, ArrayRef<int64_t>(axes));
}

ValueOr GraphBuilder::squeeze(Value x, const std::vector<int64_t> &axes,
                              const OpLoc &loc) {
  CHECK_OPERANDS("Squeeze", {{"x", x}});
  return impl_->create1<ge::SqueezeOp>(loc, x, ArrayRef<int64_t>(axes));
}

ValueOr GraphBuilder::tile(Value x, const std::vector<int64_t> &multiples,
                           const OpLoc &loc) {
  CHECK_OPERANDS("Tile", {{"x", x}});
  return impl_->create1<ge::TileOp>(loc, x, ArrayRef<int64_t>(multiples));
}

ValueOr GraphBuilder::broadcastTo(Value x, const std::vector<int64_t> &shape,
                                  const OpLoc &loc) {
  CHECK_OPERANDS("BroadcastTo", {{"x", x}});
  return impl_->create1<ge::BroadcastToOp>(loc, x, ArrayRef<int64_t>(shape));
}

} // namespace geflow
