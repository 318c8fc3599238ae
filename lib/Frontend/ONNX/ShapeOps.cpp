//===- ShapeOps.cpp - Reshape, Flatten, Transpose, (Un)Squeeze, Expand ... ===//
//
// Ops whose shape arguments are inputs in ONNX (Unsqueeze/Squeeze axes from
// opset 13, Expand's shape, Tile's repeats) need them constant, because ge
// takes them as attributes; they usually are, or fold to constants when the
// shapes they are computed from are static. Reshape keeps its shape operand
// and so also accepts computed shapes.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"
#include "TypeMapping.h"
#include "ValueShapedOps.h"

#include "dialects/ge/IR/GEShapes.h"

#include "llvm/Support/FormatVariadic.h"

#include <array>

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

Value reshapeTo(NodeContext &n, Value x, ArrayRef<int64_t> dims) {
  return n.create<ReshapeOp>(x, n.constantI64(dims));
}

LogicalResult translateReshape(NodeContext &n) {
  Value x = n.getRequiredInput(0), shape = n.getRequiredInput(1);
  if (!x || !shape)
    return failure();
  // The shape operand's length is the result's rank.
  auto shapeDims = getShape(shape);
  if (!shapeDims || shapeDims->size() != 1 ||
      ShapedType::isDynamic(shapeDims->front()) ||
      shapeDims->front() > kMaxRank)
    return n.unsupported("the shape input needs a static length of at most " +
                         Twine(kMaxRank));
  // ge.Reshape reads 0 as "copy the input dim" (ONNX's default); with
  // allowzero = 1 a 0 is a real zero-sized dim.
  // Otherwise (a shape computed at run time, or a real 0 in it) the host
  // reads the shape when it runs.
  if (n.getOpset() >= 14 && n.getInt("allowzero", 0) != 0) {
    auto dims = n.getConstantInts(1);
    if (!dims || llvm::is_contained(*dims, 0))
      return translateRuntimeReshape(n, x, shape);
  }
  return finish(n, n.create<ReshapeOp>(x, shape));
}

LogicalResult translateFlatten(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  auto shape = getShape(x);
  if (!shape)
    return n.unsupported("Flatten needs an input of known rank");
  int64_t rank = shape->size(), axis = n.getInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return n.fail("axis " + Twine(n.getInt("axis", 1)) +
                  " is out of range for rank " + Twine(rank));
  int64_t outer = shapes::numElements(shape->take_front(axis));
  int64_t inner = shapes::numElements(shape->drop_front(axis));
  bool outerKnown = !ShapedType::isDynamic(outer);
  bool innerKnown = !ShapedType::isDynamic(inner);
  if (!outerKnown && !innerKnown)
    return n.unsupported("Flatten needs static dims on one side of the axis");
  SmallVector<int64_t> target = {outerKnown ? outer : -1,
                                 innerKnown ? inner : -1};
  return finish(n, reshapeTo(n, x, target));
}

LogicalResult translateTranspose(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  SmallVector<int64_t> perm = n.getInts("perm");
  if (!n.hasAttr("perm")) {
    // The default reverses the dims.
    std::optional<int64_t> rank = n.requireRank(x, "Transpose without perm");
    if (!rank)
      return failure();
    for (int64_t d = *rank - 1; d >= 0; --d)
      perm.push_back(d);
  }
  return finish(n, n.create<TransposeOp>(x, perm));
}

/// The output shape ONNX knows, for an op whose shape-giving input (`what`)
/// is computed at run time; records "unsupported" when it is unknown.
std::optional<SmallVector<int64_t>> knownOutputShape(NodeContext &n,
                                                     StringRef what) {
  auto shape = n.getKnownOutputShape(0);
  if (!shape)
    (void)n.unsupported(what + " must be a constant (ge takes it as an "
                               "attribute) or the output shape known");
  return shape;
}

/// Whether input `i` is given but not a constant.
bool isRuntimeInput(NodeContext &n, unsigned i) {
  return n.getInput(i) && !n.getConstantInts(i);
}

/// (Un)Squeeze with axes computed at run time only inserts or drops size-1
/// dims: x reshaped to the output shape ONNX knows.
LogicalResult translateRuntimeSqueeze(NodeContext &n, Value x) {
  auto shape = knownOutputShape(n, "the axes input");
  return shape ? finish(n, n.create<ReshapeOp>(x, n.constantI64(*shape)))
               : failure();
}

/// Axes of (Un)Squeeze: an attribute before opset 13, an input after.
std::optional<SmallVector<int64_t>> squeezeAxes(NodeContext &n, bool required) {
  if (n.getOpset() < 13) {
    if (required && !n.hasAttr("axes")) {
      (void)n.fail("attribute 'axes' is required");
      return std::nullopt;
    }
    return n.getInts("axes");
  }
  if (!n.getInput(1)) {
    if (required) {
      (void)n.fail("the axes input is required");
      return std::nullopt;
    }
    return SmallVector<int64_t>();
  }
  return n.requireConstantInts(1, "the axes input");
}

LogicalResult translateSqueeze(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (x && n.getOpset() >= 13 && isRuntimeInput(n, 1))
    return translateRuntimeSqueeze(n, x);
  auto axes = squeezeAxes(n, /*required=*/false);
  if (!x || !axes)
    return failure();
  return finish(n, n.create<SqueezeOp>(x, ArrayRef<int64_t>(*axes)));
}

LogicalResult translateUnsqueeze(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (x && n.getOpset() >= 13 && isRuntimeInput(n, 1))
    return translateRuntimeSqueeze(n, x);
  auto axes = squeezeAxes(n, /*required=*/true);
  if (!x || !axes)
    return failure();
  return finish(n, n.create<ExpandDimsOp>(x, ArrayRef<int64_t>(*axes)));
}

LogicalResult translateExpand(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  // A run-time shape: broadcast to the output shape ONNX knows.
  auto shape = isRuntimeInput(n, 1)
                   ? knownOutputShape(n, "the shape input")
                   : n.requireConstantInts(1, "the shape input");
  if (!x || !shape || !checkShapeDims(n, *shape, "the shape"))
    return failure();
  return finish(n, n.create<BroadcastToOp>(x, ArrayRef<int64_t>(*shape)));
}

LogicalResult translateTile(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  std::optional<SmallVector<int64_t>> repeats;
  if (isRuntimeInput(n, 1)) {
    // Run-time repeats: each is the known output dim over the input dim.
    auto out = knownOutputShape(n, "the repeats input");
    auto in = getShape(x);
    if (!out)
      return failure();
    if (!in || in->size() != out->size())
      return n.unsupported("Tile with run-time repeats needs a static input "
                           "of the output's rank");
    repeats.emplace();
    for (auto [i, o] : llvm::zip(*in, *out)) {
      if (ShapedType::isDynamic(i) || i == 0 || o % i != 0)
        return n.unsupported("Tile with run-time repeats needs static, "
                             "non-zero input dims dividing the output dims");
      repeats->push_back(o / i);
    }
  } else {
    repeats = n.requireConstantInts(1, "the repeats input");
    if (!repeats)
      return failure();
  }
  return finish(n, n.create<TileOp>(x, ArrayRef<int64_t>(*repeats)));
}

// Opset 15 adds start/end, which select a range of the dims.
LogicalResult translateShape(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  Value shape = n.create<ShapeOp>(x, n.getBuilder().getI64Type());
  if (!shape || n.getOpset() < 15 || (!n.hasAttr("start") && !n.hasAttr("end")))
    return finish(n, shape);
  std::optional<int64_t> rank = n.requireRank(x, "Shape with start/end");
  if (!rank)
    return failure();
  auto clampDim = [&](int64_t d) {
    return std::clamp<int64_t>(d < 0 ? d + *rank : d, 0, *rank);
  };
  int64_t start = clampDim(n.getInt("start", 0));
  int64_t end = clampDim(n.getInt("end", *rank));
  int64_t size = std::max<int64_t>(0, end - start);
  return finish(n, n.create<SliceOp>(shape, ArrayRef<int64_t>{start},
                                     ArrayRef<int64_t>{size}));
}

LogicalResult translateSize(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || !type.hasStaticShape())
    return n.unsupported("Size of a tensor with unknown dims is not "
                         "supported");
  return finish(
      n, n.constantScalar(n.getBuilder().getI64Type(), type.getNumElements()));
}

LogicalResult translateIdentity(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  return x ? finish(n, x) : failure();
}

// Inference: the output is the input and the mask is all ones.
/// Dropout whose ratio or training_mode is computed at run time: the host
/// op runs the deterministic cases (training_mode false or ratio 0) and
/// fails a run that would draw a random mask.
LogicalResult translateRuntimeDropout(NodeContext &n, Value x) {
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || !type.hasStaticShape())
    return n.unsupported("Dropout with a run-time ratio or training_mode "
                         "needs a static input shape");
  OpBuilder &b = n.getBuilder();
  Value ratio =
      n.getInput(1) ? n.getInput(1) : n.constantScalar(b.getF32Type(), 0.5);
  if (!isFloatTensor(ratio))
    return n.fail("ratio must be a float scalar");
  Value training = n.getInput(2);
  if (getElementType(training) != b.getI1Type())
    return n.fail("training_mode must be a bool scalar");
  auto results = n.createWithTypes<DropoutOp>(
      TypeRange{type, RankedTensorType::get(type.getShape(), b.getI1Type())}, x,
      ratio, training);
  if (results.empty())
    return failure();
  n.setOutput(0, results[0]);
  n.setOutput(1, results[1]);
  return success();
}

LogicalResult translateDropout(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  if (n.getOpset() >= 12 && n.getInput(2)) {
    auto training = n.getConstantInts(2);
    bool inference =
        training && llvm::none_of(*training, [](int64_t v) { return v; });
    // ratio defaults to 0.5; a ratio of 0 keeps every element.
    std::optional<SmallVector<double>> ratio =
        n.getInput(1)
            ? n.getConstantFloats(1)
            : std::optional<SmallVector<double>>(SmallVector<double>{0.5});
    bool keepsAll =
        ratio && llvm::all_of(*ratio, [](double r) { return r == 0; });
    if (!inference && !keepsAll) {
      if (training && ratio)
        return n.unsupported(
            "training_mode is true and the ratio " +
            llvm::formatv("{0}", ratio->front()).str() +
            " is positive: training-mode Dropout zeroes a random subset of "
            "its input, which geflow does not compute (no reference could "
            "check it); it runs Dropout with training_mode false or ratio 0");
      return translateRuntimeDropout(n, x);
    }
  }
  n.setOutput(0, x);
  if (!n.isOutputUsed(1))
    return success();
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || !type.hasStaticShape())
    return n.unsupported("the mask output needs a static input shape");
  // The mask is bool from opset 10 on, x's type before.
  Type maskElement =
      n.getOpset() >= 10 ? n.getBuilder().getI1Type() : type.getElementType();
  auto maskType = RankedTensorType::get(type.getShape(), maskElement);
  Attribute one =
      isa<FloatType>(maskElement)
          ? Attribute(n.getBuilder().getFloatAttr(maskElement, 1))
          : Attribute(n.getBuilder().getIntegerAttr(maskElement, 1));
  n.setOutput(1, n.constant(DenseElementsAttr::get(maskType, one)));
  return success();
}

/// x of static shape [N, C, H, W] rearranged through a 6-D view.
Value rearrange(NodeContext &n, Value x, ArrayRef<int64_t> view,
                ArrayRef<int64_t> perm, ArrayRef<int64_t> result) {
  Value v = reshapeTo(n, x, view);
  Value t = v ? n.create<TransposeOp>(v, perm) : Value();
  return t ? reshapeTo(n, t, result) : Value();
}

/// The static NCHW dims and block size of DepthToSpace / SpaceToDepth.
std::optional<SmallVector<int64_t>> blockDims(NodeContext &n, Value x,
                                              int64_t &block) {
  block = n.getInt("blocksize", 0);
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || type.getRank() != 4 || !type.hasStaticShape()) {
    (void)n.unsupported(n.getOpType() + " needs a static 4-D input");
    return std::nullopt;
  }
  if (block < 1) {
    (void)n.fail("blocksize must be >= 1");
    return std::nullopt;
  }
  return SmallVector<int64_t>(type.getShape());
}

LogicalResult translateDepthToSpace(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  int64_t b;
  auto dims = x ? blockDims(n, x, b) : std::nullopt;
  if (!dims)
    return failure();
  auto [N, C, H, W] =
      std::array<int64_t, 4>{(*dims)[0], (*dims)[1], (*dims)[2], (*dims)[3]};
  if (C % (b * b) != 0)
    return n.fail("channels " + Twine(C) + " are not divisible by blocksize^2");
  int64_t c = C / (b * b);
  SmallVector<int64_t> result = {N, c, H * b, W * b};
  std::string mode = n.getString("mode", "DCR");
  if (mode == "DCR")
    return finish(
        n, rearrange(n, x, {N, b, b, c, H, W}, {0, 3, 4, 1, 5, 2}, result));
  if (mode == "CRD")
    return finish(
        n, rearrange(n, x, {N, c, b, b, H, W}, {0, 1, 4, 2, 5, 3}, result));
  return n.fail("mode must be DCR or CRD, got '" + mode + "'");
}

LogicalResult translateSpaceToDepth(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  int64_t b;
  auto dims = x ? blockDims(n, x, b) : std::nullopt;
  if (!dims)
    return failure();
  auto [N, C, H, W] =
      std::array<int64_t, 4>{(*dims)[0], (*dims)[1], (*dims)[2], (*dims)[3]};
  if (H % b != 0 || W % b != 0)
    return n.fail("spatial dims are not divisible by blocksize");
  return finish(n, rearrange(n, x, {N, C, H / b, b, W / b, b},
                             {0, 3, 5, 1, 2, 4}, {N, C * b * b, H / b, W / b}));
}

} // namespace

ArrayRef<OpTranslator> getShapeTranslators() {
  static const OpTranslator table[] = {
      {"Reshape", translateReshape},
      {"Flatten", translateFlatten},
      {"Transpose", translateTranspose},
      {"Squeeze", translateSqueeze},
      {"Unsqueeze", translateUnsqueeze},
      {"Expand", translateExpand},
      {"Tile", translateTile},
      {"Shape", translateShape},
      {"Size", translateSize},
      {"Identity", translateIdentity},
      {"Dropout", translateDropout},
      {"DepthToSpace", translateDepthToSpace},
      {"SpaceToDepth", translateSpaceToDepth},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
