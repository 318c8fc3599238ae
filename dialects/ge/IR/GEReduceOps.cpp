//===- GEReduceOps.cpp - Reductions over axes -----------------------------===//
#include "dialects/ge/IR/GEConstEval.h"
#include "dialects/ge/IR/GEOpUtils.h"

#include "geflow/runtime/Einsum.h"

#include <cmath>

using namespace mlir;
using namespace geflow::ge;
using namespace geflow::ge::detail;
namespace ce = geflow::ge::consteval;

// Normalized, sorted, unique axes (all dims when `axes` is empty).
static std::optional<SmallVector<int64_t>>
reduceAxes(const InferDiag &diag, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> out;
  if (axes.empty()) {
    for (int64_t d = 0; d < rank; ++d)
      out.push_back(d);
    return out;
  }
  for (int64_t a : axes) {
    auto n = shapes::normalizeAxis(a, rank);
    if (!n) {
      (void)diag("axis ", a, " is out of range for rank ", rank);
      return std::nullopt;
    }
    if (llvm::is_contained(out, *n)) {
      (void)diag("axes ", formatList(axes), " list dim ", *n, " twice");
      return std::nullopt;
    }
    out.push_back(*n);
  }
  llvm::sort(out);
  return out;
}

LogicalResult geflow::ge::detail::inferReduce(const InferDiag &diag, Value x,
                                              ArrayRef<int64_t> axes,
                                              bool keepDims,
                                              SmallVectorImpl<Type> &inferred) {
  Type et = getElementType(x);
  auto shape = shapeOf(x);
  if (!shape) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  auto reduced = reduceAxes(diag, axes, shape->size());
  if (!reduced)
    return failure();
  SmallVector<int64_t> out;
  for (size_t d = 0; d < shape->size(); ++d) {
    if (!llvm::is_contained(*reduced, static_cast<int64_t>(d)))
      out.push_back((*shape)[d]);
    else if (keepDims)
      out.push_back(1);
  }
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

enum class ReduceKind { Sum, Mean, Max, Prod };

static OpFoldResult foldReduce(Operation *op, Attribute operand,
                               ArrayRef<int64_t> axesAttr, ReduceKind kind) {
  Value x = op->getOperand(0);
  auto xType = dyn_cast<RankedTensorType>(x.getType());
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!xType || !type || !xType.hasStaticShape() || !type.hasStaticShape())
    return {};
  // Reducing only size-1 dims is a reshape.
  bool trivial = llvm::all_of(axesAttr,
                              [&](int64_t a) {
                                auto n =
                                    shapes::normalizeAxis(a, xType.getRank());
                                return n && xType.getDimSize(*n) == 1;
                              }) &&
                 !axesAttr.empty();
  if (trivial && xType == type)
    return x;
  auto t = ce::read(operand);
  if (!t)
    return {};
  InferDiag diag(std::nullopt, "");
  auto axes = reduceAxes(diag, axesAttr, xType.getRank());
  if (!axes)
    return {};
  ArrayRef<int64_t> in = xType.getShape();
  SmallVector<int64_t> inStrides = ce::strides(in);
  // Output coordinate (over kept dims) -> accumulate input elements.
  SmallVector<int64_t> keptDims, outShape;
  for (int64_t d = 0; d < xType.getRank(); ++d)
    if (!llvm::is_contained(*axes, d)) {
      keptDims.push_back(d);
      outShape.push_back(in[d]);
    }
  int64_t outCount = shapes::numElements(outShape), count = 1;
  for (int64_t a : *axes)
    count *= in[a];
  ce::ConstTensor out;
  out.shape.assign(type.getShape().begin(), type.getShape().end());
  out.isFloat = t->isFloat;
  SmallVector<int64_t> outStrides = ce::strides(outShape);
  SmallVector<int64_t> reducedShape;
  for (int64_t a : *axes)
    reducedShape.push_back(in[a]);
  SmallVector<int64_t> axisStrides = ce::strides(reducedShape);
  for (int64_t o = 0; o < outCount; ++o) {
    int64_t base = 0, rem = o;
    for (size_t k = 0; k < keptDims.size(); ++k) {
      base += (rem / outStrides[k]) * inStrides[keptDims[k]];
      rem %= outStrides[k];
    }
    double fAcc = kind == ReduceKind::Max    ? -INFINITY
                  : kind == ReduceKind::Prod ? 1
                                             : 0;
    int64_t iAcc = kind == ReduceKind::Max    ? INT64_MIN
                   : kind == ReduceKind::Prod ? 1
                                              : 0;
    for (int64_t r = 0; r < count; ++r) {
      int64_t idx = base, rr = r;
      for (size_t k = 0; k < axes->size(); ++k) {
        idx += (rr / axisStrides[k]) * inStrides[(*axes)[k]];
        rr %= axisStrides[k];
      }
      if (t->isFloat)
        fAcc = kind == ReduceKind::Max    ? std::max(fAcc, t->f[idx])
               : kind == ReduceKind::Prod ? fAcc * t->f[idx]
                                          : fAcc + t->f[idx];
      else // wrapping, in the unsigned type
        iAcc = kind == ReduceKind::Max ? std::max(iAcc, t->i[idx])
               : kind == ReduceKind::Prod
                   ? static_cast<int64_t>(static_cast<uint64_t>(iAcc) *
                                          static_cast<uint64_t>(t->i[idx]))
                   : iAcc + t->i[idx];
    }
    if (kind == ReduceKind::Mean) {
      fAcc /= count;
      iAcc /= count;
    }
    if (t->isFloat)
      out.f.push_back(fAcc);
    else
      out.i.push_back(iAcc);
  }
  return ce::write(out, type);
}

OpFoldResult ReduceSumOp::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getX(), getAxes(), ReduceKind::Sum);
}
OpFoldResult ReduceMeanOp::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getX(), getAxes(), ReduceKind::Mean);
}
OpFoldResult ReduceMaxOp::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getX(), getAxes(), ReduceKind::Max);
}
OpFoldResult ReduceProdOp::fold(FoldAdaptor a) {
  return foldReduce(*this, a.getX(), getAxes(), ReduceKind::Prod);
}

LogicalResult MatrixDeterminantOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  auto shape = shapeOf(adaptor.getX());
  if (!shape) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  size_t rank = shape->size();
  if (rank < 2)
    return diag("x must be [..., M, M], got rank ", rank);
  int64_t m = (*shape)[rank - 1], n = (*shape)[rank - 2];
  if (!ShapedType::isDynamic(m) && !ShapedType::isDynamic(n) && m != n)
    return diag("matrices must be square, got ", n, "x", m);
  inferred.push_back(RankedTensorType::get(shape->drop_back(2), et));
  return success();
}

LogicalResult EinsumOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  if (adaptor.getInputs().empty())
    return diag("takes at least one input");
  Type et = getElementType(adaptor.getInputs().front());
  std::vector<int64_t> ranks;
  std::vector<std::vector<int64_t>> shapes;
  for (Value input : adaptor.getInputs()) {
    auto shape = shapeOf(input);
    if (!shape) {
      inferred.push_back(UnrankedTensorType::get(et));
      return success();
    }
    ranks.push_back(static_cast<int64_t>(shape->size()));
    std::vector<int64_t> dims;
    for (int64_t d : *shape)
      dims.push_back(ShapedType::isDynamic(d) ? -1 : d);
    shapes.push_back(std::move(dims));
  }
  std::string equation = adaptor.getEquation().str();
  geflow::rt::EinsumSpec spec;
  std::string err = geflow::rt::parseEinsum(equation, ranks, spec);
  std::vector<int64_t> labelSizes, outputShape;
  if (err.empty())
    err = geflow::rt::einsumShapes(spec, shapes, labelSizes, outputShape);
  if (!err.empty())
    return diag("equation '", equation, "': ", err);
  for (int64_t &d : outputShape)
    d = d < 0 ? ShapedType::kDynamic : d;
  inferred.push_back(RankedTensorType::get(outputShape, et));
  return success();
}

LogicalResult CumsumOp::verify() {
  std::optional<int64_t> axis = getAxis();
  if (axis.has_value() == (getAxisInput() != nullptr))
    return emitOpError("takes its axis either as the `axis` attribute or as "
                       "the `axis_input` operand, exactly one of them");
  if (Value input = getAxisInput()) {
    auto axisType = cast<ShapedType>(input.getType());
    if (!axisType.getElementType().isInteger(32) &&
        !axisType.getElementType().isInteger(64))
      return emitOpError("axis_input must hold int32 or int64, not ")
             << axisType.getElementType();
    if (axisType.hasStaticShape() && axisType.getNumElements() != 1)
      return emitOpError("axis_input must be a scalar, not ") << axisType;
    return success();
  }
  auto type = dyn_cast<RankedTensorType>(getX().getType());
  if (type && (*axis < 0 || *axis >= type.getRank()))
    return emitOpError() << "axis " << *axis << " is outside [0, "
                         << type.getRank() << "), the dims of the input";
  return success();
}
