//===- GEIndexOps.cpp - Gathers, scatters, arg reductions, resampling
//------===//
#include "dialects/ge/IR/GEConstEval.h"
#include "dialects/ge/IR/GEOpUtils.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

using namespace mlir;
using namespace geflow::ge;
using namespace geflow::ge::detail;
using shapes::isDynamic;
namespace ce = geflow::ge::consteval;

//===----------------------------------------------------------------------===//
// GatherV2
//===----------------------------------------------------------------------===//

LogicalResult GatherV2Op::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  auto x = shapeOf(adaptor.getX()), idx = shapeOf(adaptor.getIndices());
  if (!x || !idx) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  auto axis =
      shapes::normalizeAxis(static_cast<int64_t>(adaptor.getAxis()), x->size());
  if (!axis)
    return diag("axis ", static_cast<int64_t>(adaptor.getAxis()),
                " is out of range for rank ", x->size());
  if (auto values = getConstantInts(adaptor.getIndices())) {
    int64_t dim = (*x)[*axis];
    for (int64_t v : *values)
      if (!isDynamic(dim) && (v < -dim || v >= dim))
        return diag("index ", v, " is out of range for axis ", *axis,
                    " of size ", dim);
  }
  SmallVector<int64_t> out(x->begin(), x->begin() + *axis);
  out.append(idx->begin(), idx->end());
  out.append(x->begin() + *axis + 1, x->end());
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

OpFoldResult GatherV2Op::fold(FoldAdaptor a) {
  auto xType = dyn_cast<RankedTensorType>(getX().getType());
  auto indices = ce::read(a.getIndices());
  if (!xType || !xType.hasStaticShape() || !indices)
    return {};
  int64_t axis =
      *shapes::normalizeAxis(static_cast<int64_t>(getAxis()), xType.getRank());
  int64_t dim = xType.getDimSize(axis);
  SmallVector<int64_t> inStrides = ce::strides(xType.getShape());
  SmallVector<int64_t> idxStrides = ce::strides(indices->shape);
  int64_t idxRank = indices->shape.size();
  return foldByGather(a.getX(), getType(), [&](ArrayRef<int64_t> c) {
    int64_t flat = 0;
    for (int64_t k = 0; k < idxRank; ++k)
      flat += c[axis + k] * idxStrides[k];
    int64_t i = indices->i[flat];
    if (i < 0)
      i += dim;
    int64_t idx = i * inStrides[axis];
    for (int64_t d = 0; d < axis; ++d)
      idx += c[d] * inStrides[d];
    for (int64_t d = axis + 1; d < xType.getRank(); ++d)
      idx += c[d + idxRank - 1] * inStrides[d];
    return idx;
  });
}

//===----------------------------------------------------------------------===//
// GatherElements
//===----------------------------------------------------------------------===//

LogicalResult
GatherElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  auto x = shapeOf(adaptor.getX()), idx = shapeOf(adaptor.getIndex());
  if (!idx) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  if (x) {
    if (x->size() != idx->size())
      return diag("index has rank ", idx->size(), ", expected x's rank ",
                  x->size());
    auto dim = shapes::normalizeAxis(adaptor.getDim(), x->size());
    if (!dim)
      return diag("dim ", static_cast<int64_t>(adaptor.getDim()),
                  " is out of range for rank ", x->size());
    for (size_t d = 0; d < x->size(); ++d)
      if (static_cast<int64_t>(d) != *dim && !isDynamic((*x)[d]) &&
          !isDynamic((*idx)[d]) && (*idx)[d] > (*x)[d])
        return diag("index dim ", d, " has size ", (*idx)[d],
                    ", larger than x's size ", (*x)[d]);
    int64_t n = (*x)[*dim];
    if (auto values = getConstantInts(adaptor.getIndex());
        values && !isDynamic(n))
      for (int64_t v : *values)
        if (v < -n || v >= n)
          return diag("index ", v, " is out of range for dim ", *dim,
                      " of size ", n);
  }
  inferred.push_back(RankedTensorType::get(*idx, et));
  return success();
}

OpFoldResult GatherElementsOp::fold(FoldAdaptor a) {
  auto xType = dyn_cast<RankedTensorType>(getX().getType());
  auto type = dyn_cast<RankedTensorType>(getType());
  auto x = ce::read(a.getX());
  auto index = ce::read(a.getIndex());
  if (!xType || !type || !x || !index || !type.hasStaticShape() ||
      !ce::isFoldableShape(type.getShape()))
    return {};
  int64_t dim = *shapes::normalizeAxis(getDim(), xType.getRank());
  int64_t n = xType.getDimSize(dim);
  SmallVector<int64_t> inStrides = ce::strides(xType.getShape());
  SmallVector<int64_t> idxStrides = ce::strides(type.getShape());
  return ce::write(ce::gatherElements(
                       *x, type.getShape(),
                       [&](ArrayRef<int64_t> c) {
                         int64_t flat = 0, src = 0;
                         for (size_t d = 0; d < c.size(); ++d)
                           flat += c[d] * idxStrides[d];
                         int64_t i = index->i[flat];
                         if (i < 0)
                           i += n;
                         for (size_t d = 0; d < c.size(); ++d)
                           src += (static_cast<int64_t>(d) == dim ? i : c[d]) *
                                  inStrides[d];
                         return src;
                       }),
                   type);
}

/// Constant x and indices (index arithmetic in shape subgraphs): gathers.
/// Out-of-range indices are left to the kernel's error.
OpFoldResult GatherNdOp::fold(FoldAdaptor a) {
  auto xType = dyn_cast<RankedTensorType>(getX().getType());
  auto idxType = dyn_cast<RankedTensorType>(getIndices().getType());
  auto type = dyn_cast<RankedTensorType>(getType());
  auto x = ce::read(a.getX());
  auto index = ce::read(a.getIndices());
  if (!xType || !idxType || !type || !x || !index || x->size() == 0 ||
      !type.hasStaticShape() || !idxType.hasStaticShape() ||
      idxType.getRank() < 1 || type.getNumElements() > ce::kMaxFoldElements)
    return {};
  int64_t batch = getBatchDims();
  int64_t k = idxType.getShape().back();
  int64_t tuples = idxType.getRank() - 1; // B + I
  ArrayRef<int64_t> xShape = xType.getShape();
  SmallVector<int64_t> inStrides = ce::strides(xShape);
  SmallVector<int64_t> tupleStrides =
      ce::strides(idxType.getShape().drop_back());
  bool inRange = true;
  ce::ConstTensor y =
      ce::gatherElements(*x, type.getShape(), [&](ArrayRef<int64_t> c) {
        int64_t tuple = 0, src = 0;
        for (int64_t d = 0; d < tuples; ++d)
          tuple += c[d] * tupleStrides[d];
        for (int64_t d = 0; d < batch; ++d)
          src += c[d] * inStrides[d];
        for (int64_t j = 0; j < k; ++j) {
          int64_t dim = xShape[batch + j], i = index->i[tuple * k + j];
          if (i < 0)
            i += dim;
          if (i < 0 || i >= dim) {
            inRange = false;
            return int64_t(0);
          }
          src += i * inStrides[batch + j];
        }
        for (int64_t d = batch + k; d < static_cast<int64_t>(xShape.size());
             ++d)
          src += c[tuples + d - batch - k] * inStrides[d];
        return src;
      });
  if (!inRange)
    return {};
  return ce::write(y, type);
}

//===----------------------------------------------------------------------===//
// ArgMaxD, ArgMinD
//===----------------------------------------------------------------------===//

LogicalResult
geflow::ge::detail::inferArgReduce(const InferDiag &diag, Value x,
                                   int64_t dimension, Type dtype,
                                   SmallVectorImpl<Type> &inferred) {
  auto shape = shapeOf(x);
  if (!shape) {
    inferred.push_back(UnrankedTensorType::get(dtype));
    return success();
  }
  auto dim = shapes::normalizeAxis(dimension, shape->size());
  if (!dim)
    return diag("dimension ", dimension, " is out of range for rank ",
                shape->size());
  if ((*shape)[*dim] == 0)
    return diag("dimension ", *dim, " is empty: no extreme element to index");
  SmallVector<int64_t> out(shape->begin(), shape->end());
  out.erase(out.begin() + *dim);
  inferred.push_back(RankedTensorType::get(out, dtype));
  return success();
}

/// Index of the extreme element of each [outer, n, inner] column: a value
/// replaces the best when strictly better or when it is the first NaN.
static OpFoldResult foldArgReduce(Operation *op, Attribute operand,
                                  int64_t dimension, bool isMax) {
  auto xType = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  auto x = ce::read(operand);
  if (!xType || !type || !x || !type.hasStaticShape())
    return {};
  int64_t dim = *shapes::normalizeAxis(dimension, xType.getRank());
  int64_t outer = 1, inner = 1, n = xType.getDimSize(dim);
  for (int64_t d = 0; d < xType.getRank(); ++d)
    if (d != dim)
      (d < dim ? outer : inner) *= xType.getDimSize(d);
  ce::ConstTensor out;
  out.shape.assign(type.getShape().begin(), type.getShape().end());
  auto value = [&](int64_t i) {
    return x->isFloat ? x->f[i] : double(x->i[i]);
  };
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      int64_t best = 0;
      for (int64_t k = 1; k < n; ++k) {
        double v = value((o * n + k) * inner + in),
               b = value((o * n + best) * inner + in);
        if (std::isnan(b))
          break;
        if (std::isnan(v) || (isMax ? v > b : v < b))
          best = k;
      }
      out.i.push_back(best);
    }
  return ce::write(out, type);
}

OpFoldResult ArgMaxDOp::fold(FoldAdaptor a) {
  return foldArgReduce(*this, a.getX(), getDimension(), /*isMax=*/true);
}
OpFoldResult ArgMinDOp::fold(FoldAdaptor a) {
  return foldArgReduce(*this, a.getX(), getDimension(), /*isMax=*/false);
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

LogicalResult ResizeOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  auto x = shapeOf(adaptor.getX());
  if (!x) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  int64_t rank = x->size();
  if (auto sizes = adaptor.getSizes()) {
    if (static_cast<int64_t>(sizes->size()) != rank)
      return diag("sizes has ", sizes->size(), " entries, expected the rank ",
                  rank);
    for (int64_t s : *sizes)
      if (s < 0)
        return diag("sizes must be >= 0, got ", formatList(*sizes));
    inferred.push_back(RankedTensorType::get(*sizes, et));
    return success();
  }
  SmallVector<int64_t> out(rank, shapes::kDynamic);
  if (Value scales = adaptor.getScales()) {
    DenseFPElementsAttr attr;
    if (matchPattern(scales, m_Constant(&attr))) {
      if (attr.getNumElements() != rank)
        return diag("scales has ", attr.getNumElements(),
                    " entries, expected the rank ", rank);
      for (auto [d, v] : llvm::enumerate(attr.getValues<APFloat>())) {
        double scale = v.convertToDouble();
        if (!(scale > 0))
          return diag("scales must be > 0, got ", scale, " for dim ", d);
        if (!isDynamic((*x)[d]))
          out[d] = static_cast<int64_t>(std::floor(scale * (*x)[d]));
      }
    }
  }
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

LogicalResult ResizeOp::verify() {
  auto oneOf = [&](StringRef what, StringRef value,
                   std::initializer_list<StringRef> allowed) -> LogicalResult {
    if (llvm::is_contained(allowed, value))
      return success();
    return emitOpError() << what << " must be one of "
                         << llvm::join(allowed, ", ") << "; got \"" << value
                         << "\"";
  };
  if (failed(oneOf("mode", getMode(), {"nearest", "linear", "cubic"})) ||
      failed(oneOf(
          "coordinate_transformation_mode", getCoordinateTransformationMode(),
          {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
           "tf_half_pixel_for_nn", "tf_crop_and_resize"})) ||
      failed(
          oneOf("nearest_mode", getNearestMode(),
                {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"})))
    return failure();
  bool crop = getCoordinateTransformationMode() == "tf_crop_and_resize";
  if (crop && !getRoi())
    return emitOpError("tf_crop_and_resize needs the roi operand");
  auto x = shapeOf(getX());
  for (auto [name, v, count] :
       {std::tuple<StringRef, Value, int64_t>{"roi", getRoi(), 2},
        {"scales", getScales(), 1}}) {
    auto s = v ? shapeOf(v) : std::nullopt;
    if (!s || !x)
      continue;
    int64_t want = count * static_cast<int64_t>(x->size());
    if (s->size() != 1 || (!isDynamic((*s)[0]) && (*s)[0] != want))
      return emitOpError() << name << " must be 1-D with " << want
                           << " elements, got " << v.getType();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// GatherNd, ScatterElements, ScatterNdUpdate
//===----------------------------------------------------------------------===//

LogicalResult GatherNdOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  auto x = shapeOf(adaptor.getX()), idx = shapeOf(adaptor.getIndices());
  if (!x || !idx || idx->empty() || isDynamic(idx->back())) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  int64_t b = static_cast<int64_t>(adaptor.getBatchDims());
  int64_t k = idx->back(), xr = x->size(), ir = idx->size();
  if (b < 0 || b >= ir || b > xr)
    return diag("batch_dims ", b, " must be less than the indices' rank ", ir,
                " and at most x's rank ", xr);
  if (k < 1 || b + k > xr)
    return diag("index tuples of ", k, " entries do not fit x's rank ", xr,
                " after ", b, " batch dims");
  for (int64_t d = 0; d < b; ++d)
    if (!isDynamic((*x)[d]) && !isDynamic((*idx)[d]) && (*x)[d] != (*idx)[d])
      return diag("batch dim ", d, " differs: x has ", (*x)[d], ", indices ",
                  (*idx)[d]);
  SmallVector<int64_t> out(idx->begin(), idx->end() - 1);
  out.append(x->begin() + b + k, x->end());
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

LogicalResult
ScatterElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getX().getType());
  return success();
}

LogicalResult
ScatterNdUpdateOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getX().getType());
  return success();
}

/// The reduction is known and the updates have x's element type.
static LogicalResult verifyScatter(Operation *op, StringRef reduction, Value x,
                                   Value updates) {
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction))
    return op->emitOpError()
           << "reduction must be none, add, mul, max or min; got \""
           << reduction << "\"";
  if (getElementType(x) != getElementType(updates))
    return op->emitOpError()
           << "updates have element type " << getElementType(updates)
           << ", expected x's " << getElementType(x);
  return success();
}

LogicalResult ScatterElementsOp::verify() {
  if (failed(verifyScatter(*this, getReduction(), getX(), getUpdates())))
    return failure();
  auto x = shapeOf(getX()), idx = shapeOf(getIndices()),
       upd = shapeOf(getUpdates());
  if (!x || !idx || !upd)
    return success();
  if (idx->size() != x->size())
    return emitOpError() << "indices have rank " << idx->size()
                         << ", expected x's rank " << x->size();
  if (failed(verifyCompatibleShape(*idx, *upd)))
    return emitOpError() << "updates have shape " << formatList(*upd)
                         << ", expected the indices' " << formatList(*idx);
  if (!shapes::normalizeAxis(getDim(), x->size()))
    return emitOpError() << "dim " << static_cast<int64_t>(getDim())
                         << " is out of range for rank " << x->size();
  return success();
}

LogicalResult ScatterNdUpdateOp::verify() {
  if (failed(verifyScatter(*this, getReduction(), getX(), getUpdates())))
    return failure();
  auto x = shapeOf(getX()), idx = shapeOf(getIndices()),
       upd = shapeOf(getUpdates());
  if (!x || !idx || !upd || idx->empty() || isDynamic(idx->back()))
    return success();
  int64_t k = idx->back();
  if (k < 1 || k > static_cast<int64_t>(x->size()))
    return emitOpError() << "index tuples of " << k
                         << " entries do not fit x's rank " << x->size();
  SmallVector<int64_t> expected(idx->begin(), idx->end() - 1);
  expected.append(x->begin() + k, x->end());
  if (failed(verifyCompatibleShape(*upd, expected)))
    return emitOpError() << "updates have shape " << formatList(*upd)
                         << ", expected " << formatList(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// GridSampler2D
//===----------------------------------------------------------------------===//

LogicalResult
GridSampler2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  auto x = shapeOf(adaptor.getX()), grid = shapeOf(adaptor.getGrid());
  if (x && x->size() != 4)
    return diag("x must be [N, C, H, W], got rank ", x->size());
  if (grid &&
      (grid->size() != 4 || (!isDynamic(grid->back()) && grid->back() != 2)))
    return diag("grid must be [N, H_out, W_out, 2], got ", formatList(*grid));
  SmallVector<int64_t> out(4, shapes::kDynamic);
  if (x) {
    out[0] = (*x)[0];
    out[1] = (*x)[1];
  }
  if (grid) {
    if (x && !isDynamic((*x)[0]) && !isDynamic((*grid)[0]) &&
        (*x)[0] != (*grid)[0])
      return diag("x has batch ", (*x)[0], " but grid ", (*grid)[0]);
    out[2] = (*grid)[1];
    out[3] = (*grid)[2];
  }
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

LogicalResult GridSampler2DOp::verify() {
  StringRef mode = getInterpolationMode(), padding = getPaddingMode();
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic")
    return emitOpError()
           << "interpolation_mode must be bilinear, nearest or bicubic; got \""
           << mode << "\"";
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return emitOpError()
           << "padding_mode must be zeros, border or reflection; got \""
           << padding << "\"";
  return success();
}
