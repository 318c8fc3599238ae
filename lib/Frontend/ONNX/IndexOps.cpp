//===- IndexOps.cpp - Gathers, scatters, ArgMax/ArgMin, Hardmax, OneHot ---===//
//
// GatherElements, GatherND, ScatterElements (and the older Scatter),
// ScatterND and ArgMax/ArgMin map to ge ops; keepdims re-inserts the
// reduced dim. select_last_index reverses the axis first, since ge (like
// numpy) keeps the first extreme: last = n - 1 - first(reversed). Hardmax
// marks the first maximum: (iota along the axis == argmax) as 1, else 0.
// OneHot compares the (wrapped) indices with an iota along the new axis and
// selects values[1] or values[0]; a depth computed at run time is the new
// axis' extent in the output shape ONNX knows. ReverseSequence gathers
// along the time axis with indices computed from the run-time lengths.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

#include "dialects/ge/IR/GEShapes.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

LogicalResult translateGatherElements(NodeContext &n) {
  Value x = n.getRequiredInput(0), index = n.getRequiredInput(1);
  if (!x || !index)
    return failure();
  return finish(n, n.create<GatherElementsOp>(
                       x, index, static_cast<uint64_t>(n.getInt("axis", 0))));
}

/// ReverseSequence: y = GatherElements(x, index, time_axis) with index[b, t]
/// = t < lens[b] ? lens[b] - 1 - t : t, broadcast over the other dims
/// (lens read at run time, on the device).
LogicalResult translateReverseSequence(NodeContext &n) {
  Value x = n.getRequiredInput(0), lens = n.getRequiredInput(1);
  if (!x || !lens)
    return failure();
  auto shape = getShape(x);
  if (!shape || shape->size() < 2 ||
      llvm::any_of(*shape, ShapedType::isDynamic))
    return n.unsupported("ReverseSequence needs a static input of rank >= 2");
  int64_t batchAxis = n.getInt("batch_axis", 1);
  int64_t timeAxis = n.getInt("time_axis", 0);
  if (!((batchAxis == 0 && timeAxis == 1) || (batchAxis == 1 && timeAxis == 0)))
    return n.fail("batch_axis and time_axis must be 0 and 1 in some order, "
                  "not " +
                  Twine(batchAxis) + " and " + Twine(timeAxis));
  int64_t batch = (*shape)[batchAxis], time = (*shape)[timeAxis];
  auto lensShape = getShape(lens);
  if (!lensShape || lensShape->size() != 1 || (*lensShape)[0] != batch)
    return n.fail("sequence_lens must be 1-D with one entry per batch (" +
                  Twine(batch) + ")");
  Type i64 = n.getBuilder().getI64Type();
  // [batch, time] or [time, batch], as x's first two dims.
  SmallVector<int64_t> lensDims = {1, 1}, timeDims = {1, 1};
  lensDims[batchAxis] = batch;
  timeDims[timeAxis] = time;
  Value len =
      n.create<ReshapeOp>(castTo(n, lens, i64), n.constantI64(lensDims));
  Value t = iotaConstant(n, timeDims, i64, "the time steps");
  if (!t)
    return failure();
  Value reversed =
      len ? n.create<SubOp>(n.create<SubOp>(len, n.constantScalar(i64, 1)), t)
          : Value();
  Value inside = len ? n.create<LessOp>(t, len) : Value();
  Value index =
      reversed && inside ? n.create<SelectOp>(inside, reversed, t) : Value();
  SmallVector<int64_t> full(*shape), padded = {(*shape)[0], (*shape)[1]};
  padded.append(shape->size() - 2, 1);
  if (index && shape->size() > 2)
    index = n.create<ReshapeOp>(index, n.constantI64(padded));
  if (index)
    index = n.create<BroadcastToOp>(index, ArrayRef<int64_t>(full));
  return finish(n, index ? n.create<GatherElementsOp>(
                               x, index, static_cast<uint64_t>(timeAxis))
                         : Value());
}

LogicalResult translateGatherND(NodeContext &n) {
  Value x = n.getRequiredInput(0), indices = n.getRequiredInput(1);
  if (!x || !indices)
    return failure();
  return finish(
      n, n.create<GatherNdOp>(
             x, indices, static_cast<uint64_t>(n.getInt("batch_dims", 0))));
}

LogicalResult translateScatterElements(NodeContext &n) {
  Value x = n.getRequiredInput(0), indices = n.getRequiredInput(1),
        updates = n.getRequiredInput(2);
  if (!x || !indices || !updates)
    return failure();
  std::string reduction = n.getString("reduction", "none");
  return finish(
      n, n.create<ScatterElementsOp>(x, indices, updates,
                                     static_cast<uint64_t>(n.getInt("axis", 0)),
                                     StringRef(reduction)));
}

LogicalResult translateScatterND(NodeContext &n) {
  Value x = n.getRequiredInput(0), indices = n.getRequiredInput(1),
        updates = n.getRequiredInput(2);
  if (!x || !indices || !updates)
    return failure();
  std::string reduction = n.getString("reduction", "none");
  return finish(n, n.create<ScatterNdUpdateOp>(x, indices, updates,
                                               StringRef(reduction)));
}

/// x reversed along `axis` (which must be static).
Value reverseAxis(NodeContext &n, Value x, int64_t axis) {
  auto shape = getShape(x);
  if (!shape || ShapedType::isDynamic((*shape)[axis])) {
    (void)n.unsupported("select_last_index needs a static reduced dim");
    return {};
  }
  SmallVector<int64_t> begin(shape->size(), 0),
      end(shape->begin(), shape->end()), strides(shape->size(), 1);
  begin[axis] = (*shape)[axis] - 1;
  end[axis] = -1;
  strides[axis] = -1;
  return n.create<StridedSliceOp>(x, begin, end, strides);
}

/// ArgMax/ArgMin as int64 along a normalized axis, with keepdims and
/// select_last_index applied.
template <typename ArgOp>
Value argReduce(NodeContext &n, Value x, int64_t axis, bool keepDims,
                bool selectLast) {
  Type i64 = n.getBuilder().getI64Type();
  Value in = selectLast ? reverseAxis(n, x, axis) : x;
  if (!in)
    return {};
  Value y = n.create<ArgOp>(in, static_cast<uint64_t>(axis), i64);
  if (y && selectLast) {
    int64_t last = (*getShape(x))[axis] - 1;
    y = n.create<SubOp>(n.constantScalar(i64, last), y);
  }
  if (y && keepDims)
    y = n.create<ExpandDimsOp>(y, ArrayRef<int64_t>{axis});
  return y;
}

template <typename ArgOp> LogicalResult translateArg(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  auto rank = n.requireRank(x, "ArgMax/ArgMin");
  if (!rank)
    return failure();
  auto axis = n.normalizeAxis(n.getInt("axis", 0), *rank, "axis");
  if (!axis)
    return failure();
  return finish(n, argReduce<ArgOp>(n, x, *axis, n.getInt("keepdims", 1) != 0,
                                    n.getInt("select_last_index", 0) != 0));
}

LogicalResult translateHardmax(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  auto shape = getShape(x);
  if (!shape)
    return n.unsupported("Hardmax needs a ranked input");
  int64_t rank = shape->size();
  auto axis = n.normalizeAxis(n.getInt("axis", n.getOpset() < 13 ? 1 : -1),
                              rank, "axis");
  if (!axis)
    return failure();
  // Before opset 13 the input is read as 2-D [d0*..*d(axis-1), rest].
  Value in = x;
  int64_t reduced = *axis;
  if (n.getOpset() < 13) {
    if (llvm::any_of(*shape, ShapedType::isDynamic))
      return n.unsupported("Hardmax before opset 13 needs a static shape");
    // Saturating: a product past int64 is refused with the iota below.
    int64_t outer = ge::shapes::numElements(shape->take_front(*axis)),
            inner = ge::shapes::numElements(shape->drop_front(*axis));
    in = n.create<ReshapeOp>(x, n.constantI64({outer, inner}));
    reduced = 1;
  }
  auto inShape = in ? getShape(in) : std::nullopt;
  if (!inShape || ShapedType::isDynamic((*inShape)[reduced]))
    return n.hasFailed() ? failure()
                         : n.unsupported("Hardmax needs a static reduced dim");
  Value arg = argReduce<ArgMaxDOp>(n, in, reduced, /*keepDims=*/true,
                                   /*selectLast=*/false);
  // iota along the reduced dim, shaped to broadcast against `arg`.
  int64_t len = (*inShape)[reduced];
  SmallVector<int64_t> iotaShape(inShape->size() - reduced, 1);
  iotaShape[0] = len;
  Value positions = iotaConstant(n, iotaShape, n.getBuilder().getI64Type(),
                                 "the positions along the axis");
  if (!positions)
    return failure();
  Value isMax = arg ? n.create<EqualOp>(positions, arg) : Value();
  Type et = getElementType(x);
  Value y = isMax ? n.create<SelectOp>(isMax, n.constantScalar(et, 1),
                                       n.constantScalar(et, 0))
                  : Value();
  if (y && in != x)
    y = n.create<ReshapeOp>(y, n.constantI64(SmallVector<int64_t>(*shape)));
  return finish(n, y);
}

LogicalResult translateOneHot(NodeContext &n) {
  Value indices = n.getRequiredInput(0), depthInput = n.getRequiredInput(1),
        values = n.getRequiredInput(2);
  if (!indices || !depthInput || !values)
    return failure();
  auto rank = n.requireRank(indices, "OneHot");
  if (!rank)
    return failure();
  auto axis = n.normalizeAxis(n.getInt("axis", -1), *rank + 1, "axis");
  if (!axis)
    return failure();
  int64_t depth;
  if (auto given = n.getConstantFloats(1)) {
    if (given->size() != 1)
      return n.fail("depth must hold one value");
    depth = static_cast<int64_t>(given->front());
  } else if (auto shape = n.getKnownOutputShape(0);
             shape && static_cast<int64_t>(shape->size()) == *rank + 1) {
    depth = (*shape)[*axis];
  } else {
    return n.unsupported("depth must be a constant or the output shape known");
  }
  if (depth < 1)
    return n.fail("depth must be >= 1, got " + Twine(depth));
  Type i64 = n.getBuilder().getI64Type();
  // Indices may be floats (truncated); negative ones count from the end.
  // (Ops are built one statement at a time: argument evaluation order is
  // unspecified, and the IR order should not depend on the compiler.)
  Value idx = castTo(n, indices, i64);
  Value negative =
      idx ? n.create<LessOp>(idx, n.constantScalar(i64, 0)) : Value();
  Value shifted =
      idx ? n.create<AddOp>(idx, n.constantScalar(i64, depth)) : Value();
  Value wrapped = negative && shifted
                      ? n.create<SelectOp>(negative, shifted, idx)
                      : Value();
  Value expanded =
      wrapped ? n.create<ExpandDimsOp>(wrapped, ArrayRef<int64_t>{*axis})
              : Value();
  SmallVector<int64_t> iotaShape(*rank + 1 - *axis, 1);
  iotaShape[0] = depth;
  Value positions = iotaConstant(n, iotaShape, i64, "the positions 0..depth-1");
  if (!positions)
    return failure();
  Value hot = expanded ? n.create<EqualOp>(expanded, positions) : Value();
  auto valueAt = [&](int64_t i) {
    return n.create<GatherV2Op>(values, n.constantScalar(i64, i), uint64_t(0));
  };
  Value on = valueAt(1);
  Value off = valueAt(0);
  Value y = hot && on && off ? n.create<SelectOp>(hot, on, off) : Value();
  return finish(n, y);
}

} // namespace

ArrayRef<OpTranslator> getIndexTranslators() {
  static const OpTranslator table[] = {
      {"GatherElements", translateGatherElements},
      {"ReverseSequence", translateReverseSequence},
      {"GatherND", translateGatherND},
      {"ScatterElements", translateScatterElements},
      {"Scatter", translateScatterElements}, // opset 9-10 ScatterElements
      {"ScatterND", translateScatterND},
      {"ArgMax", translateArg<ArgMaxDOp>},
      {"ArgMin", translateArg<ArgMinDOp>},
      {"Hardmax", translateHardmax},
      {"OneHot", translateOneHot},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
