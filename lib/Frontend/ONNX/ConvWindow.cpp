//===- ConvWindow.cpp - ONNX window attributes of convs and pools ---------===//
#include "ConvWindow.h"
#include "TranslatorUtils.h"

using namespace mlir;

namespace geflow::frontend::onnximp {

/// An int-list attribute with `count` entries (one per spatial dim, two for
/// pads), `fill` when absent. Entries below `minValue` (0 for pads, 1 for
/// kernels, strides and dilations) or absurdly large are errors, so that the
/// window arithmetic below cannot divide by zero or overflow.
std::optional<SmallVector<int64_t>> perDim(NodeContext &n, StringRef name,
                                           int64_t count, int64_t fill,
                                           int64_t minValue) {
  SmallVector<int64_t> values = n.getInts(name);
  if (values.empty())
    return SmallVector<int64_t>(count, fill);
  if (static_cast<int64_t>(values.size()) != count) {
    (void)n.fail("attribute '" + name + "' has " + Twine(values.size()) +
                 " entries, expected " + Twine(count));
    return std::nullopt;
  }
  constexpr int64_t kMaxValue = int64_t(1) << 31;
  for (int64_t v : values) {
    if (v < minValue || v > kMaxValue) {
      (void)n.fail("attribute '" + name + "' has the invalid entry " +
                   Twine(v));
      return std::nullopt;
    }
  }
  return values;
}

/// The spatial dims of `x` (rank >= 3), nullopt when unranked.
std::optional<SmallVector<int64_t>> spatialDims(Value x) {
  auto shape = getShape(x);
  if (!shape || shape->size() < 3)
    return std::nullopt;
  return SmallVector<int64_t>(shape->drop_front(2));
}

/// SAME_UPPER/SAME_LOWER: the output keeps ceil(in / stride) elements and
/// the total padding splits in half, the odd element at the end (UPPER) or
/// at the beginning (LOWER).
LogicalResult samePadding(NodeContext &n, Window &w, bool upper, Value x) {
  auto in = spatialDims(x);
  if (!in || llvm::any_of(*in, ShapedType::isDynamic))
    return n.unsupported("auto_pad SAME_* needs static spatial input dims");
  for (size_t i = 0; i < w.kernel.size(); ++i) {
    int64_t out = ((*in)[i] + w.strides[i] - 1) / w.strides[i];
    int64_t span = (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t total =
        std::max<int64_t>(0, (out - 1) * w.strides[i] + span - (*in)[i]);
    int64_t small = total / 2;
    w.padBegin.push_back(upper ? small : total - small);
    w.padEnd.push_back(upper ? total - small : small);
  }
  return success();
}

/// Reads strides, dilations and pads/auto_pad around a known kernel.
std::optional<Window> readWindow(NodeContext &n, Value x,
                                 ArrayRef<int64_t> kernel) {
  int64_t rank = kernel.size();
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  auto strides = perDim(n, "strides", rank, 1, 1);
  auto dilations = perDim(n, "dilations", rank, 1, 1);
  if (!strides || !dilations)
    return std::nullopt;
  w.strides = *strides;
  w.dilations = *dilations;
  std::string autoPad = n.getString("auto_pad", "NOTSET");
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    if (failed(samePadding(n, w, autoPad == "SAME_UPPER", x)))
      return std::nullopt;
    return w;
  }
  if (autoPad == "VALID") {
    w.padBegin.assign(rank, 0);
    w.padEnd.assign(rank, 0);
    return w;
  }
  if (autoPad != "NOTSET") {
    (void)n.unsupported("auto_pad '" + autoPad + "' is not supported");
    return std::nullopt;
  }
  auto pads = perDim(n, "pads", 2 * rank, 0, 0);
  if (!pads)
    return std::nullopt;
  w.padBegin.assign(pads->begin(), pads->begin() + rank);
  w.padEnd.assign(pads->begin() + rank, pads->end());
  return w;
}

/// The filter's kernel dims (static), or kernel_shape when given.
std::optional<SmallVector<int64_t>> kernelOf(NodeContext &n, Value filter,
                                             int64_t spatialRank) {
  if (n.hasAttr("kernel_shape"))
    return perDim(n, "kernel_shape", spatialRank, 1, 1);
  auto shape = getShape(filter);
  if (!shape || static_cast<int64_t>(shape->size()) != spatialRank + 2 ||
      llvm::any_of(shape->drop_front(2), ShapedType::isDynamic)) {
    (void)n.unsupported("the filter needs static spatial dims");
    return std::nullopt;
  }
  return SmallVector<int64_t>(shape->drop_front(2));
}

} // namespace geflow::frontend::onnximp
