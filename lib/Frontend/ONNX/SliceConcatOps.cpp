//===- SliceConcatOps.cpp - Concat, Split, Slice, Gather, Pad -------------===//
//
// Split sizes, Slice starts/ends/axes/steps and Pad's pads became inputs in
// later opsets (13, 10 and 11); ge takes them as attributes, so they must
// be constants (after folding). Slice is normalized here to ge's clamped
// per-dim form, as ONNX clamps out-of-range starts and ends.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"
#include "ValueShapedOps.h"

#include <limits>

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

LogicalResult translateConcat(NodeContext &n) {
  SmallVector<Value> inputs = getPresentInputs(n);
  if (inputs.empty())
    return n.fail("needs at least one input");
  if (!n.hasAttr("axis"))
    return n.fail("attribute 'axis' is required");
  return finish(
      n, n.create<ConcatV2Op>(ValueRange(inputs),
                              static_cast<uint64_t>(n.getInt("axis", 0))));
}

LogicalResult translateSplit(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  int64_t axis = n.getInt("axis", 0);
  SmallVector<int64_t> sizes;
  if (n.getOpset() >= 13) {
    if (n.getInput(1) && !n.getConstantInts(1)) {
      // Run-time split sizes: the outputs' known extents along the axis.
      for (unsigned i = 0; i < n.getNumOutputs(); ++i) {
        auto shape = n.getKnownOutputShape(i);
        auto rank = getRank(x);
        std::optional<int64_t> dim =
            shape && rank && static_cast<int64_t>(shape->size()) == *rank
                ? n.normalizeAxis(axis, *rank, "axis")
                : std::nullopt;
        if (!dim)
          return n.hasFailed()
                     ? failure()
                     : n.unsupported("the split input must be a constant (ge "
                                     "takes it as an attribute) or the output "
                                     "shapes known");
        sizes.push_back((*shape)[*dim]);
      }
    } else if (n.getInput(1)) {
      auto given = n.requireConstantInts(1, "the split input");
      if (!given)
        return failure();
      sizes = *given;
    }
  } else {
    sizes = n.getInts("split");
  }
  unsigned numOutputs = n.getNumOutputs();
  if (numOutputs == 0)
    return n.fail("has no outputs");
  // Opset 18: num_outputs parts, the last one smaller when the dim does not
  // divide evenly.
  bool numOutputsGiven = n.getOpset() >= 18 && n.hasAttr("num_outputs");
  if (numOutputsGiven && !sizes.empty())
    return n.fail("num_outputs and the split input cannot both be given");
  if (numOutputsGiven && n.getInt("num_outputs", 0) != numOutputs)
    return n.fail("num_outputs is " + Twine(n.getInt("num_outputs", 0)) +
                  " but the node has " + Twine(numOutputs) + " outputs");
  if (sizes.empty()) {
    // Equal parts: the split dim must be known.
    auto shape = getShape(x);
    std::optional<int64_t> dim =
        shape ? n.normalizeAxis(axis, shape->size(), "axis") : std::nullopt;
    if (!dim || ShapedType::isDynamic((*shape)[*dim]))
      return n.hasFailed()
                 ? failure()
                 : n.unsupported("an equal split needs a static split dim");
    int64_t extent = (*shape)[*dim];
    if (numOutputsGiven) {
      int64_t chunk = (extent + numOutputs - 1) / numOutputs;
      int64_t last = extent - chunk * (numOutputs - 1);
      if (last <= 0)
        return n.fail("dim " + Twine(extent) + " does not split into " +
                      Twine(numOutputs) + " non-empty parts of " +
                      Twine(chunk));
      sizes.assign(numOutputs - 1, chunk);
      sizes.push_back(last);
    } else if (extent % numOutputs != 0) {
      return n.fail("dim " + Twine(extent) + " does not split into " +
                    Twine(numOutputs) + " equal parts");
    } else {
      sizes.assign(numOutputs, extent / numOutputs);
    }
  }
  if (sizes.size() != numOutputs)
    return n.fail(Twine(sizes.size()) + " split sizes for " +
                  Twine(numOutputs) + " outputs");
  SmallVector<Value> parts = n.createMulti<SplitOp>(
      numOutputs, x, static_cast<uint64_t>(axis), ArrayRef<int64_t>(sizes));
  if (parts.size() != numOutputs)
    return failure();
  for (auto [i, part] : llvm::enumerate(parts))
    n.setOutput(i, part);
  return success();
}

/// Slice parameters as ONNX gives them, one entry per sliced axis.
struct SliceArgs {
  SmallVector<int64_t> starts, ends, axes, steps;
};

std::optional<SliceArgs> readSliceArgs(NodeContext &n, int64_t rank) {
  SliceArgs a;
  if (n.getOpset() < 10) {
    a.starts = n.getInts("starts");
    a.ends = n.getInts("ends");
    a.axes = n.getInts("axes");
  } else {
    auto starts = n.requireConstantInts(1, "the starts input");
    auto ends = n.requireConstantInts(2, "the ends input");
    if (!starts || !ends)
      return std::nullopt;
    a.starts = *starts;
    a.ends = *ends;
    if (n.getInput(3)) {
      auto axes = n.requireConstantInts(3, "the axes input");
      if (!axes)
        return std::nullopt;
      a.axes = *axes;
    }
    if (n.getInput(4)) {
      auto steps = n.requireConstantInts(4, "the steps input");
      if (!steps)
        return std::nullopt;
      a.steps = *steps;
    }
  }
  size_t count = a.starts.size();
  if (a.axes.empty())
    a.axes = iota(0, count);
  if (a.steps.empty())
    a.steps.assign(count, 1);
  if (a.ends.size() != count || a.axes.size() != count ||
      a.steps.size() != count) {
    (void)n.fail("starts, ends, axes and steps must have the same length");
    return std::nullopt;
  }
  SmallVector<bool> seen(rank, false);
  for (int64_t &axis : a.axes) {
    std::optional<int64_t> normalized = n.normalizeAxis(axis, rank, "axis");
    if (!normalized)
      return std::nullopt;
    if (seen[*normalized]) {
      (void)n.fail("axis " + Twine(*normalized) + " is sliced twice");
      return std::nullopt;
    }
    seen[*normalized] = true;
    axis = *normalized;
  }
  if (llvm::is_contained(a.steps, 0)) {
    (void)n.fail("steps must not be 0");
    return std::nullopt;
  }
  return a;
}

/// ONNX's clamping of start and end into a dim of size `dim`.
void clampSlice(int64_t dim, int64_t step, int64_t &start, int64_t &end) {
  if (dim == 0) {
    start = end = 0;
    return;
  }
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
  } else {
    start = std::clamp<int64_t>(start, 0, std::max<int64_t>(dim - 1, 0));
    end = std::clamp<int64_t>(end, -1, dim - 1);
  }
}

// Exporters write "to the end" as INT64_MAX or INT32_MAX.
bool isToEnd(int64_t end) { return end >= std::numeric_limits<int32_t>::max(); }

/// Unit steps: ge.Slice, which can also keep a dynamic dim whole or take
/// its tail from a non-negative start.
Value buildUnitSlice(NodeContext &n, Value x, ArrayRef<int64_t> shape,
                     const SliceArgs &a) {
  int64_t rank = shape.size();
  SmallVector<int64_t> offsets(rank, 0), sizes(shape);
  for (int64_t d = 0; d < rank; ++d)
    if (ShapedType::isDynamic(sizes[d]))
      sizes[d] = -1;
  for (auto [axis, start, end] : llvm::zip(a.axes, a.starts, a.ends)) {
    int64_t dim = shape[axis], s = start, e = end;
    if (ShapedType::isDynamic(dim)) {
      if (s < 0 || !isToEnd(e)) {
        (void)n.unsupported("slicing dynamic dim " + Twine(axis) +
                            " needs a start >= 0 and an end at the dim's end");
        return {};
      }
      offsets[axis] = s;
      continue;
    }
    clampSlice(dim, 1, s, e);
    offsets[axis] = s;
    sizes[axis] = std::max<int64_t>(0, e - s);
  }
  return n.create<SliceOp>(x, offsets, sizes);
}

/// Any steps: ge.StridedSlice with every dim normalized, so the sliced dims
/// must be static.
Value buildStridedSlice(NodeContext &n, Value x, ArrayRef<int64_t> shape,
                        const SliceArgs &a) {
  int64_t rank = shape.size();
  SmallVector<int64_t> begin(rank, 0), end(shape), strides(rank, 1);
  for (int64_t d = 0; d < rank; ++d)
    if (ShapedType::isDynamic(shape[d]) && !llvm::is_contained(a.axes, d)) {
      (void)n.unsupported("a strided Slice needs static dims (dim " + Twine(d) +
                          " is dynamic)");
      return {};
    }
  for (auto [axis, start, stop, step] :
       llvm::zip(a.axes, a.starts, a.ends, a.steps)) {
    int64_t dim = shape[axis], s = start, e = stop;
    if (ShapedType::isDynamic(dim)) {
      (void)n.unsupported("a strided Slice of dynamic dim " + Twine(axis) +
                          " is not supported");
      return {};
    }
    clampSlice(dim, step, s, e);
    begin[axis] = s;
    end[axis] = e;
    strides[axis] = step;
  }
  return n.create<StridedSliceOp>(x, begin, end, strides);
}

LogicalResult translateSlice(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  auto shape = getShape(x);
  if (!shape)
    return n.unsupported("Slice needs an input of known rank");
  if (n.getOpset() >= 10 && hasRuntimeInput(n, {1, 2, 3, 4}))
    return translateRuntimeSlice(n, x);
  std::optional<SliceArgs> args = readSliceArgs(n, shape->size());
  if (!args)
    return failure();
  bool unitSteps = llvm::all_of(args->steps, [](int64_t s) { return s == 1; });
  return finish(n, unitSteps ? buildUnitSlice(n, x, *shape, *args)
                             : buildStridedSlice(n, x, *shape, *args));
}

LogicalResult translateGather(NodeContext &n) {
  Value x = n.getRequiredInput(0), indices = n.getRequiredInput(1);
  if (!x || !indices)
    return failure();
  return finish(n, n.create<GatherV2Op>(
                       x, indices, static_cast<uint64_t>(n.getInt("axis", 0))));
}

/// Pad mode "wrap" (opset 19), circular padding: along each padded dim,
/// Concat(the last `begin` elements, x, the first `end` elements).
Value padWrap(NodeContext &n, Value x, ArrayRef<int64_t> paddings) {
  auto shape = getShape(x);
  if (!shape || llvm::any_of(*shape, ShapedType::isDynamic)) {
    (void)n.unsupported("mode 'wrap' needs a static input shape");
    return {};
  }
  SmallVector<int64_t> dims(*shape);
  if (paddings.size() != 2 * dims.size()) {
    (void)n.fail("pads has " + Twine(paddings.size()) + " entries for rank " +
                 Twine(dims.size()));
    return {};
  }
  for (size_t d = 0; d < dims.size() && x; ++d) {
    int64_t begin = paddings[2 * d], end = paddings[2 * d + 1];
    if (begin == 0 && end == 0)
      continue;
    if (begin > dims[d] || end > dims[d]) {
      (void)n.unsupported("mode 'wrap' with pads larger than the dim (" +
                          Twine(dims[d]) + ") is not supported");
      return {};
    }
    auto slice = [&](int64_t offset, int64_t size) {
      SmallVector<int64_t> offsets(dims.size(), 0), sizes(dims);
      offsets[d] = offset;
      sizes[d] = size;
      return n.create<SliceOp>(x, ArrayRef<int64_t>(offsets),
                               ArrayRef<int64_t>(sizes));
    };
    SmallVector<Value> parts;
    if (begin > 0)
      parts.push_back(slice(dims[d] - begin, begin));
    parts.push_back(x);
    if (end > 0)
      parts.push_back(slice(0, end));
    if (llvm::is_contained(parts, Value()))
      return {};
    x = n.create<ConcatV2Op>(ValueRange(parts), static_cast<uint64_t>(d));
    dims[d] += begin + end;
  }
  return x;
}

/// Opset 18's axes input: pads for those axes only, in their order; the
/// other dims are not padded. `pads` becomes the full-rank form.
LogicalResult expandPadAxes(NodeContext &n, Value x,
                            SmallVector<int64_t> &pads) {
  auto axes = n.requireConstantInts(3, "the axes input");
  std::optional<int64_t> rank =
      axes ? n.requireRank(x, "Pad with axes") : std::nullopt;
  if (!rank)
    return failure();
  if (pads.size() != 2 * axes->size())
    return n.fail("pads has " + Twine(pads.size()) + " entries for " +
                  Twine(axes->size()) + " axes");
  SmallVector<int64_t> full(2 * *rank, 0);
  for (auto [i, axis] : llvm::enumerate(*axes)) {
    auto d = n.normalizeAxis(axis, *rank, "axis");
    if (!d)
      return failure();
    full[*d] = pads[i];
    full[*rank + *d] = pads[axes->size() + i];
  }
  pads = std::move(full);
  return success();
}

LogicalResult translatePad(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  std::string mode = n.getString("mode", "constant");
  bool wrap = mode == "wrap" && n.getOpset() >= 19;
  if (mode != "constant" && mode != "reflect" && mode != "edge" && !wrap)
    return n.unsupported("mode '" + mode + "' is not supported");
  SmallVector<int64_t> pads;
  double value = 0;
  if (n.getOpset() < 11) {
    pads = n.getInts("pads");
    value = n.getFloat("value", 0.0f);
  } else {
    if (hasRuntimeInput(n, {1, 2}))
      return translateRuntimePad(n, x, mode);
    auto given = n.requireConstantInts(1, "the pads input");
    if (!given)
      return failure();
    pads = *given;
    if (n.getInput(2)) {
      auto constant = n.getConstantFloats(2);
      if (!constant || constant->size() != 1)
        return n.unsupported("constant_value must be a constant scalar");
      value = constant->front();
    }
    if (n.getOpset() >= 18 && n.getInput(3) &&
        failed(expandPadAxes(n, x, pads)))
      return failure();
  }
  if (pads.size() % 2 != 0)
    return n.fail("pads must have an even number of entries");
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return n.unsupported("negative pads (cropping) are not supported");
  // ONNX: [x1_begin, x2_begin, ..., x1_end, x2_end]; ge: [b0, e0, b1, e1...].
  size_t rank = pads.size() / 2;
  SmallVector<int64_t> paddings;
  for (size_t d = 0; d < rank; ++d) {
    paddings.push_back(pads[d]);
    paddings.push_back(pads[rank + d]);
  }
  if (wrap)
    return finish(n, padWrap(n, x, paddings));
  return finish(n, n.create<PadOp>(x, paddings, StringRef(mode),
                                   APFloat(static_cast<float>(value))));
}

} // namespace

ArrayRef<OpTranslator> getSliceConcatTranslators() {
  static const OpTranslator table[] = {
      {"Concat", translateConcat}, {"Split", translateSplit},
      {"Slice", translateSlice},   {"Gather", translateGather},
      {"Pad", translatePad},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
