//===- GEShapeOps.cpp - Shape manipulation ops ----------------------------===//
#include "dialects/ge/IR/GEConstEval.h"
#include "dialects/ge/IR/GEOpUtils.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace geflow::ge;
using namespace geflow::ge::detail;
using shapes::isDynamic;
using shapes::kDynamic;
namespace ce = geflow::ge::consteval;

// Same data, new shape (reshape-like ops on constants).
static OpFoldResult foldReshapeLike(Attribute operand, Type type) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(operand);
  auto rt = dyn_cast<RankedTensorType>(type);
  if (!dense || !rt || !rt.hasStaticShape() ||
      rt.getElementType() != dense.getElementType())
    return {};
  return dense.reshape(rt);
}

//===----------------------------------------------------------------------===//
// Identity, TransData
//===----------------------------------------------------------------------===//

LogicalResult IdentityOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location>,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getX().getType());
  return success();
}

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getX(); }

LogicalResult TransDataOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Format src = adaptor.getSrcFormat(), dst = adaptor.getDstFormat();
  Format actual = getFormat(adaptor.getX().getType());
  // An un-encoded operand may be declared NCHW/NHWC/ND by src_format.
  if (actual != src && actual != Format::ND)
    return diag("src_format ", stringifyFormat(src),
                " does not match the operand's format ",
                stringifyFormat(actual));
  auto x = dyn_cast<RankedTensorType>(adaptor.getX().getType());
  if (!x)
    return diag("operand must be ranked");
  bool fourD = dst == Format::NC1HWC0 || dst == Format::FRACTAL_Z ||
               src == Format::NC1HWC0 || src == Format::FRACTAL_Z;
  if (fourD && x.getRank() != 4)
    return diag("NC1HWC0 and FRACTAL_Z need a 4-D tensor, got rank ",
                x.getRank());
  if ((dst == Format::FRACTAL_NZ || src == Format::FRACTAL_NZ) &&
      x.getRank() < 2)
    return diag("FRACTAL_NZ needs rank >= 2, got rank ", x.getRank());
  inferred.push_back(withFormat(x, dst));
  return success();
}

OpFoldResult TransDataOp::fold(FoldAdaptor) {
  if (getSrcFormat() == getDstFormat() && getX().getType() == getType())
    return getX();
  // TransData(TransData(x, A -> B), B -> A) = x.
  if (auto inner = getX().getDefiningOp<TransDataOp>())
    if (inner.getSrcFormat() == getDstFormat() &&
        inner.getX().getType() == getType())
      return inner.getX();
  return {};
}

//===----------------------------------------------------------------------===//
// Reshape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  auto shapeType = dyn_cast<RankedTensorType>(adaptor.getShape().getType());
  if (shapeType && shapeType.getRank() != 1)
    return diag("shape must be 1-D, got rank ", shapeType.getRank());
  auto target = getConstantInts(adaptor.getShape());
  if (!target) {
    if (shapeType && !shapeType.isDynamicDim(0)) {
      SmallVector<int64_t> dims(shapeType.getDimSize(0), kDynamic);
      inferred.push_back(RankedTensorType::get(dims, et));
    } else {
      inferred.push_back(UnrankedTensorType::get(et));
    }
    return success();
  }
  auto x = shapeOf(adaptor.getX());
  if (!x) {
    SmallVector<int64_t> dims;
    for (int64_t d : *target)
      dims.push_back(d > 0 ? d : kDynamic);
    inferred.push_back(RankedTensorType::get(dims, et));
    return success();
  }
  std::string error;
  auto out = shapes::reshape(*x, *target, &error);
  if (!out)
    return diag("cannot reshape ", formatList(*x), " to ", formatList(*target),
                ": ", error);
  inferred.push_back(RankedTensorType::get(*out, et));
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor a) {
  if (getX().getType() == getType() &&
      cast<ShapedType>(getType()).hasStaticShape())
    return getX();
  return foldReshapeLike(a.getX(), getType());
}

namespace {
/// Reshape(Reshape(x)) -> Reshape(x): only the final shape matters.
struct ComposeReshapes : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getX().getDefiningOp<ReshapeOp>();
    if (!inner)
      return failure();
    rewriter.modifyOpInPlace(op,
                             [&] { op.getXMutable().assign(inner.getX()); });
    return success();
  }
};

/// A reshape whose shape operand is dynamic but whose result type is static
/// gets a constant shape, so later passes see a static reshape.
struct MaterializeStaticReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<ShapedType>(op.getType());
    if (!type.hasStaticShape() || getConstantInts(op.getShape()))
      return failure();
    auto shapeType =
        RankedTensorType::get({type.getRank()}, rewriter.getI64Type());
    Value shape =
        ConstOp::create(rewriter, op.getLoc(), shapeType,
                        DenseIntElementsAttr::get(shapeType, type.getShape()));
    rewriter.modifyOpInPlace(op, [&] { op.getShapeMutable().assign(shape); });
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<ComposeReshapes, MaterializeStaticReshape>(context);
}

//===----------------------------------------------------------------------===//
// Transpose
//===----------------------------------------------------------------------===//

static bool isPermutation(ArrayRef<int64_t> perm) {
  SmallVector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(perm.size()) || seen[p])
      return false;
    seen[p] = true;
  }
  return true;
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (!isPermutation(perm))
    return diag("perm ", formatList(perm), " is not a permutation of [0, ",
                perm.size(), ")");
  Type et = getElementType(adaptor.getX());
  auto x = shapeOf(adaptor.getX());
  if (!x) {
    inferred.push_back(
        RankedTensorType::get(SmallVector<int64_t>(perm.size(), kDynamic), et));
    return success();
  }
  if (x->size() != perm.size())
    return diag("perm has ", perm.size(), " entries but x has rank ",
                x->size());
  SmallVector<int64_t> out;
  for (int64_t p : perm)
    out.push_back((*x)[p]);
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor a) {
  ArrayRef<int64_t> perm = getPerm();
  bool identity = llvm::all_of(llvm::enumerate(perm), [](auto it) {
    return static_cast<int64_t>(it.index()) == it.value();
  });
  if (identity && getX().getType() == getType())
    return getX();
  auto xType = dyn_cast<RankedTensorType>(getX().getType());
  if (!xType || !xType.hasStaticShape())
    return {};
  SmallVector<int64_t> inStrides = ce::strides(xType.getShape());
  return foldByGather(a.getX(), getType(), [&](ArrayRef<int64_t> c) {
    int64_t idx = 0;
    for (size_t d = 0; d < perm.size(); ++d)
      idx += c[d] * inStrides[perm[d]];
    return idx;
  });
}

namespace {
/// Transpose(Transpose(x, p1), p2) -> Transpose(x, p1 o p2).
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getX().getDefiningOp<TransposeOp>();
    if (!inner)
      return failure();
    SmallVector<int64_t> composed;
    for (int64_t p : op.getPerm())
      composed.push_back(inner.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(
        op, op.getType(), inner.getX(),
        rewriter.getDenseI64ArrayAttr(composed));
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<ComposeTransposes>(context);
}

//===----------------------------------------------------------------------===//
// ConcatV2, Split
//===----------------------------------------------------------------------===//

LogicalResult ConcatV2Op::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  ValueRange xs = adaptor.getX();
  if (xs.empty())
    return diag("needs at least one input");
  Type et = getElementType(xs[0]);
  std::optional<SmallVector<int64_t>> out;
  int64_t axis = 0;
  for (auto [i, v] : llvm::enumerate(xs)) {
    if (getElementType(v) != et)
      return diag("input ", i, " has a different element type");
    auto s = shapeOf(v);
    if (!s)
      continue;
    if (!out) {
      auto a = shapes::normalizeAxis(
          static_cast<int64_t>(adaptor.getConcatDim()), s->size());
      if (!a)
        return diag("concat_dim ", static_cast<int64_t>(adaptor.getConcatDim()),
                    " is out of range for rank ", s->size());
      axis = *a;
      out = SmallVector<int64_t>(*s);
      continue;
    }
    if (s->size() != out->size())
      return diag("input ", i, " has rank ", s->size(), ", expected ",
                  out->size());
    for (size_t d = 0; d < s->size(); ++d) {
      int64_t &o = (*out)[d];
      int64_t v2 = (*s)[d];
      if (static_cast<int64_t>(d) == axis) {
        o = isDynamic(o) || isDynamic(v2) ? kDynamic : o + v2;
      } else if (isDynamic(o)) {
        o = v2;
      } else if (!isDynamic(v2) && o != v2) {
        return diag("input ", i, " has dim ", d, " = ", v2, ", expected ", o);
      }
    }
  }
  if (!out) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  // Unranked inputs make the concatenated extent unknown.
  if (llvm::any_of(xs, [](Value v) { return !shapeOf(v); }))
    (*out)[axis] = kDynamic;
  inferred.push_back(RankedTensorType::get(*out, et));
  return success();
}

OpFoldResult ConcatV2Op::fold(FoldAdaptor a) {
  if (getX().size() == 1 && getX()[0].getType() == getType())
    return getX()[0];
  auto type = dyn_cast<RankedTensorType>(getType());
  if (!type || !type.hasStaticShape() || !ce::isFoldableShape(type.getShape()))
    return {};
  SmallVector<ce::ConstTensor> parts;
  for (Attribute attr : a.getX()) {
    auto t = ce::read(attr);
    if (!t)
      return {};
    parts.push_back(std::move(*t));
  }
  int64_t axis = *shapes::normalizeAxis(static_cast<int64_t>(getConcatDim()),
                                        type.getRank());
  ce::ConstTensor out;
  out.shape.assign(type.getShape().begin(), type.getShape().end());
  out.isFloat = parts[0].isFloat;
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= out.shape[d];
  for (int64_t o = 0; o < outer; ++o) {
    for (const ce::ConstTensor &p : parts) {
      int64_t inner = p.size() / std::max<int64_t>(outer, 1);
      for (int64_t k = 0; k < inner; ++k) {
        if (out.isFloat)
          out.f.push_back(p.f[o * inner + k]);
        else
          out.i.push_back(p.i[o * inner + k]);
      }
    }
  }
  return ce::write(out, type);
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  ArrayRef<int64_t> sizes = adaptor.getSizeSplits();
  if (sizes.empty())
    return diag("size_splits must not be empty");
  auto x = shapeOf(adaptor.getX());
  if (!x) {
    for (size_t i = 0; i < sizes.size(); ++i)
      inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  auto axis = shapes::normalizeAxis(static_cast<int64_t>(adaptor.getSplitDim()),
                                    x->size());
  if (!axis)
    return diag("split_dim ", static_cast<int64_t>(adaptor.getSplitDim()),
                " is out of range for rank ", x->size());
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0)
      return diag("size_splits entries must be >= 0, got ", formatList(sizes));
    total += s;
  }
  if (!isDynamic((*x)[*axis]) && total != (*x)[*axis])
    return diag("size_splits ", formatList(sizes), " sum to ", total,
                " but dim ", *axis, " is ", (*x)[*axis]);
  for (int64_t s : sizes) {
    SmallVector<int64_t> out(*x);
    out[*axis] = s;
    inferred.push_back(RankedTensorType::get(out, et));
  }
  return success();
}

LogicalResult SplitOp::fold(FoldAdaptor a,
                            SmallVectorImpl<OpFoldResult> &results) {
  if (getNumResults() == 1 && getResult(0).getType() == getX().getType()) {
    results.push_back(getX());
    return success();
  }
  auto xType = dyn_cast<RankedTensorType>(getX().getType());
  if (!xType || !xType.hasStaticShape() || !ce::read(a.getX()))
    return failure();
  int64_t axis = *shapes::normalizeAxis(static_cast<int64_t>(getSplitDim()),
                                        xType.getRank());
  SmallVector<int64_t> inStrides = ce::strides(xType.getShape());
  int64_t offset = 0;
  for (auto [r, size] : llvm::zip(getResults(), getSizeSplits())) {
    OpFoldResult folded =
        foldByGather(a.getX(), r.getType(), [&](ArrayRef<int64_t> c) {
          int64_t idx = 0;
          for (size_t d = 0; d < c.size(); ++d)
            idx += (c[d] + (static_cast<int64_t>(d) == axis ? offset : 0)) *
                   inStrides[d];
          return idx;
        });
    if (!folded)
      return failure();
    results.push_back(folded);
    offset += size;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// StridedSlice, Slice
//===----------------------------------------------------------------------===//

LogicalResult
StridedSliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                 Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  ArrayRef<int64_t> b = adaptor.getBegin(), e = adaptor.getEnd(),
                    s = adaptor.getStrides();
  if (b.size() != e.size() || b.size() != s.size())
    return diag("begin, end and strides must have the same length");
  Type et = getElementType(adaptor.getX());
  auto x = shapeOf(adaptor.getX());
  if (!x) {
    inferred.push_back(
        RankedTensorType::get(SmallVector<int64_t>(b.size(), kDynamic), et));
    return success();
  }
  if (b.size() != x->size())
    return diag("begin/end/strides have ", b.size(), " entries but x has rank ",
                x->size());
  SmallVector<int64_t> out;
  for (size_t d = 0; d < b.size(); ++d) {
    if (s[d] == 0)
      return diag("stride of dim ", d, " is 0");
    int64_t dim = (*x)[d];
    if (isDynamic(dim)) {
      out.push_back(kDynamic);
      continue;
    }
    if (b[d] < 0 || b[d] > dim || e[d] < -1 || e[d] > dim)
      return diag("dim ", d, " (size ", dim, "): begin ", b[d], " / end ", e[d],
                  " are not normalized into range");
    out.push_back(shapes::sliceExtent(b[d], e[d], s[d]));
  }
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

OpFoldResult StridedSliceOp::fold(FoldAdaptor a) {
  if (getX().getType() == getType() &&
      llvm::all_of(getStrides(), [](int64_t s) { return s == 1; }) &&
      cast<ShapedType>(getType()).hasStaticShape())
    return getX();
  auto xType = dyn_cast<RankedTensorType>(getX().getType());
  if (!xType || !xType.hasStaticShape())
    return {};
  SmallVector<int64_t> inStrides = ce::strides(xType.getShape());
  ArrayRef<int64_t> begin = getBegin(), step = getStrides();
  return foldByGather(a.getX(), getType(), [&](ArrayRef<int64_t> c) {
    int64_t idx = 0;
    for (size_t d = 0; d < c.size(); ++d)
      idx += (begin[d] + c[d] * step[d]) * inStrides[d];
    return idx;
  });
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  ArrayRef<int64_t> off = adaptor.getOffsets(), size = adaptor.getSize();
  if (off.size() != size.size())
    return diag("offsets and size must have the same length");
  Type et = getElementType(adaptor.getX());
  auto x = shapeOf(adaptor.getX());
  if (!x) {
    inferred.push_back(
        RankedTensorType::get(SmallVector<int64_t>(off.size(), kDynamic), et));
    return success();
  }
  if (off.size() != x->size())
    return diag("offsets/size have ", off.size(), " entries but x has rank ",
                x->size());
  SmallVector<int64_t> out;
  for (size_t d = 0; d < off.size(); ++d) {
    int64_t dim = (*x)[d];
    if (off[d] < 0 || size[d] < -1)
      return diag("dim ", d, ": offset ", off[d], " / size ", size[d],
                  " are invalid");
    if (isDynamic(dim)) {
      out.push_back(size[d] == -1 ? kDynamic : size[d]);
      continue;
    }
    int64_t extent = size[d] == -1 ? dim - off[d] : size[d];
    if (off[d] + extent > dim || extent < 0)
      return diag("dim ", d, ": offset ", off[d], " + size ", extent,
                  " exceeds the dim ", dim);
    out.push_back(extent);
  }
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor a) {
  if (getX().getType() == getType() &&
      cast<ShapedType>(getType()).hasStaticShape())
    return getX();
  auto xType = dyn_cast<RankedTensorType>(getX().getType());
  if (!xType || !xType.hasStaticShape())
    return {};
  SmallVector<int64_t> inStrides = ce::strides(xType.getShape());
  ArrayRef<int64_t> off = getOffsets();
  return foldByGather(a.getX(), getType(), [&](ArrayRef<int64_t> c) {
    int64_t idx = 0;
    for (size_t d = 0; d < c.size(); ++d)
      idx += (off[d] + c[d]) * inStrides[d];
    return idx;
  });
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  StringRef mode = adaptor.getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return diag("mode must be \"constant\", \"reflect\" or \"edge\", got \"",
                mode, "\"");
  ArrayRef<int64_t> p = adaptor.getPaddings();
  Type et = getElementType(adaptor.getX());
  auto x = shapeOf(adaptor.getX());
  if (!x) {
    inferred.push_back(RankedTensorType::get(
        SmallVector<int64_t>(p.size() / 2, kDynamic), et));
    return success();
  }
  if (p.size() != 2 * x->size())
    return diag("paddings must have 2 x rank = ", 2 * x->size(),
                " entries, got ", p.size());
  SmallVector<int64_t> out;
  for (size_t d = 0; d < x->size(); ++d) {
    int64_t before = p[2 * d], after = p[2 * d + 1], dim = (*x)[d];
    if (before < 0 || after < 0)
      return diag("paddings must be >= 0, got ", formatList(p));
    if (mode == "reflect" && !isDynamic(dim) && (before >= dim || after >= dim))
      return diag("reflect padding of dim ", d,
                  " must be smaller than its size ", dim);
    int64_t size = 0;
    if (!isDynamic(dim) && (llvm::AddOverflow(dim, before, size) ||
                            llvm::AddOverflow(size, after, size)))
      return diag("padding dim ", d, " of size ", dim, " by ", before, " and ",
                  after, " overflows");
    out.push_back(isDynamic(dim) ? kDynamic : size);
  }
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

OpFoldResult PadOp::fold(FoldAdaptor a) {
  if (llvm::all_of(getPaddings(), [](int64_t v) { return v == 0; }) &&
      getX().getType() == getType())
    return getX();
  auto xType = dyn_cast<RankedTensorType>(getX().getType());
  if (!xType || !xType.hasStaticShape())
    return {};
  ArrayRef<int64_t> p = getPaddings(), in = xType.getShape();
  SmallVector<int64_t> inStrides = ce::strides(in);
  StringRef mode = getMode();
  return foldByGather(
      a.getX(), getType(),
      [&](ArrayRef<int64_t> c) -> int64_t {
        int64_t idx = 0;
        for (size_t d = 0; d < c.size(); ++d) {
          int64_t i = c[d] - p[2 * d], n = in[d];
          if (i < 0 || i >= n) {
            if (mode == "constant")
              return -1;
            if (mode == "edge")
              i = i < 0 ? 0 : n - 1;
            else // reflect, pads < n so one reflection suffices
              i = i < 0 ? -i : 2 * (n - 1) - i;
          }
          idx += i * inStrides[d];
        }
        return idx;
      },
      getConstantValue().convertToDouble());
}

//===----------------------------------------------------------------------===//
// ExpandDims, Squeeze, Tile, BroadcastTo, Shape
//===----------------------------------------------------------------------===//

LogicalResult ExpandDimsOp::inferReturnTypes(MLIRContext *,
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
  int64_t rank = x->size() + adaptor.getAxes().size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t a : adaptor.getAxes()) {
    auto n = shapes::normalizeAxis(a, rank);
    if (!n)
      return diag("axis ", a, " is out of range for result rank ", rank);
    if (inserted[*n])
      return diag("axes ", formatList(adaptor.getAxes()), " list dim ", *n,
                  " twice");
    inserted[*n] = true;
  }
  SmallVector<int64_t> out;
  size_t next = 0;
  for (int64_t d = 0; d < rank; ++d)
    out.push_back(inserted[d] ? 1 : (*x)[next++]);
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

OpFoldResult ExpandDimsOp::fold(FoldAdaptor a) {
  return foldReshapeLike(a.getX(), getType());
}

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *,
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
  SmallVector<bool> drop(x->size(), false);
  if (adaptor.getAxis().empty()) {
    for (size_t d = 0; d < x->size(); ++d) {
      if (isDynamic((*x)[d]))
        return diag("squeezing every size-1 dim needs a static shape, got ",
                    formatList(*x));
      drop[d] = (*x)[d] == 1;
    }
  }
  for (int64_t a : adaptor.getAxis()) {
    auto n = shapes::normalizeAxis(a, x->size());
    if (!n)
      return diag("axis ", a, " is out of range for rank ", x->size());
    if (!isDynamic((*x)[*n]) && (*x)[*n] != 1)
      return diag("cannot squeeze dim ", *n, " of size ", (*x)[*n]);
    drop[*n] = true;
  }
  SmallVector<int64_t> out;
  for (size_t d = 0; d < x->size(); ++d)
    if (!drop[d])
      out.push_back((*x)[d]);
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

OpFoldResult SqueezeOp::fold(FoldAdaptor a) {
  return foldReshapeLike(a.getX(), getType());
}

LogicalResult TileOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  ArrayRef<int64_t> m = adaptor.getMultiples();
  auto x = shapeOf(adaptor.getX());
  if (!x) {
    inferred.push_back(
        RankedTensorType::get(SmallVector<int64_t>(m.size(), kDynamic), et));
    return success();
  }
  if (m.size() != x->size())
    return diag("multiples has ", m.size(), " entries but x has rank ",
                x->size());
  SmallVector<int64_t> out;
  for (size_t d = 0; d < m.size(); ++d) {
    if (m[d] < 0)
      return diag("multiples must be >= 0, got ", formatList(m));
    int64_t size = 0;
    if (!isDynamic((*x)[d]) && llvm::MulOverflow((*x)[d], m[d], size))
      return diag("tiling dim ", d, " of size ", (*x)[d], " ", m[d],
                  " times overflows");
    out.push_back(isDynamic((*x)[d]) ? kDynamic : size);
  }
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

OpFoldResult TileOp::fold(FoldAdaptor a) {
  if (llvm::all_of(getMultiples(), [](int64_t v) { return v == 1; }) &&
      getX().getType() == getType())
    return getX();
  auto xType = dyn_cast<RankedTensorType>(getX().getType());
  if (!xType || !xType.hasStaticShape())
    return {};
  ArrayRef<int64_t> in = xType.getShape();
  SmallVector<int64_t> inStrides = ce::strides(in);
  return foldByGather(a.getX(), getType(), [&](ArrayRef<int64_t> c) {
    int64_t idx = 0;
    for (size_t d = 0; d < c.size(); ++d)
      idx += (c[d] % in[d]) * inStrides[d];
    return idx;
  });
}

LogicalResult BroadcastToOp::inferReturnTypes(MLIRContext *,
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
  auto out = shapes::broadcast(*x, adaptor.getShape());
  if (!out)
    return diag("cannot broadcast ", formatList(*x), " to ",
                formatList(adaptor.getShape()));
  inferred.push_back(RankedTensorType::get(*out, et));
  return success();
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor a) {
  if (getX().getType() == getType())
    return getX();
  auto xType = dyn_cast<RankedTensorType>(getX().getType());
  auto type = dyn_cast<RankedTensorType>(getType());
  if (!xType || !type || !xType.hasStaticShape())
    return {};
  if (auto dense = dyn_cast_or_null<SplatElementsAttr>(a.getX()))
    if (type.hasStaticShape())
      return SplatElementsAttr::get(type, dense.getSplatValue<Attribute>());
  ArrayRef<int64_t> in = xType.getShape();
  SmallVector<int64_t> inStrides = ce::strides(in);
  size_t offset = type.getRank() - in.size();
  return foldByGather(a.getX(), getType(), [&](ArrayRef<int64_t> c) {
    int64_t idx = 0;
    for (size_t d = 0; d < in.size(); ++d)
      if (in[d] != 1)
        idx += c[d + offset] * inStrides[d];
    return idx;
  });
}

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type dtype = adaptor.getDtype();
  if (!dtype.isInteger(32) && !dtype.isInteger(64))
    return diag("dtype must be i32 or i64, got ", dtype);
  auto x = shapeOf(adaptor.getX());
  inferred.push_back(RankedTensorType::get(
      {x ? static_cast<int64_t>(x->size()) : kDynamic}, dtype));
  return success();
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto xType = dyn_cast<RankedTensorType>(getX().getType());
  auto type = dyn_cast<RankedTensorType>(getType());
  if (!xType || !xType.hasStaticShape() || !type || !type.hasStaticShape())
    return {};
  ce::ConstTensor t;
  t.shape = {xType.getRank()};
  t.i.assign(xType.getShape().begin(), xType.getShape().end());
  return ce::write(t, type);
}
