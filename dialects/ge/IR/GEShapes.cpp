//===- GEShapes.cpp - Shape rules shared by ge ops and frontends ----------===//
#include "dialects/ge/IR/GEShapes.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <limits>

using llvm::ArrayRef;
using llvm::SmallVector;

namespace geflow::ge::shapes {

std::optional<SmallVector<int64_t>> broadcast(ArrayRef<int64_t> a,
                                              ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == 1) {
      out[i] = db;
    } else if (db == 1) {
      out[i] = da;
    } else if (isDynamic(da) || isDynamic(db)) {
      // A dynamic dim against a static one > 1 must equal it at run time.
      out[i] = isDynamic(da) ? db : da;
    } else if (da == db) {
      out[i] = da;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t windowOutputDim(int64_t in, int64_t kernel, int64_t stride,
                        int64_t dilation, int64_t padBefore, int64_t padAfter,
                        bool ceil) {
  if (isDynamic(in))
    return kDynamic;
  int64_t span = in + padBefore + padAfter - dilation * (kernel - 1) - 1;
  if (span < 0)
    return 0;
  if (!ceil)
    return span / stride + 1;
  int64_t out = ceilDiv(span, stride) + 1;
  // The last window must start inside the input or the leading padding.
  if ((out - 1) * stride >= in + padBefore)
    --out;
  return out;
}

int64_t transposedOutputDim(int64_t in, int64_t kernel, int64_t stride,
                            int64_t dilation, int64_t padBefore,
                            int64_t padAfter, int64_t outputPadding) {
  if (isDynamic(in))
    return kDynamic;
  return stride * (in - 1) + outputPadding + dilation * (kernel - 1) + 1 -
         padBefore - padAfter;
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (isDynamic(d))
      return kDynamic;
    // A count past int64 is as unrepresentable as any too-large count:
    // saturate, so that every size limit refuses it.
    if (llvm::MulOverflow(n, d, n))
      return std::numeric_limits<int64_t>::max();
  }
  return n;
}

std::optional<SmallVector<int64_t>>
reshape(ArrayRef<int64_t> in, ArrayRef<int64_t> target, std::string *error) {
  SmallVector<int64_t> out;
  int inferIndex = -1;
  int64_t known = 1;
  bool knownDynamic = false;
  for (auto [i, entry] : llvm::enumerate(target)) {
    int64_t d = entry;
    if (d == -1) {
      if (inferIndex >= 0) {
        *error = "shape has more than one -1";
        return std::nullopt;
      }
      inferIndex = static_cast<int>(i);
      out.push_back(kDynamic);
      continue;
    }
    if (d == 0) {
      if (i >= in.size()) {
        *error = "shape entry " + std::to_string(i) +
                 " is 0 (copy input dim) but the input has rank " +
                 std::to_string(in.size());
        return std::nullopt;
      }
      d = in[i];
    } else if (d < -1) {
      *error = "shape entry " + std::to_string(i) + " is " + std::to_string(d);
      return std::nullopt;
    }
    out.push_back(d);
    if (isDynamic(d))
      knownDynamic = true;
    else if (__builtin_mul_overflow(known, d, &known)) {
      *error = "the target shape's element count overflows 64 bits";
      return std::nullopt;
    }
  }
  int64_t total = 1;
  for (int64_t d : in) {
    if (isDynamic(d)) {
      total = kDynamic;
      break;
    }
    if (__builtin_mul_overflow(total, d, &total)) {
      *error = "the input's element count overflows 64 bits";
      return std::nullopt;
    }
  }
  if (inferIndex >= 0) {
    if (!isDynamic(total) && !knownDynamic) {
      if (known == 0 || total % known != 0) {
        *error = "cannot infer the -1 dim: " + std::to_string(total) +
                 " elements do not divide into " + std::to_string(known);
        return std::nullopt;
      }
      out[inferIndex] = total / known;
    }
  } else if (!isDynamic(total) && !knownDynamic && total != known) {
    *error = "input has " + std::to_string(total) +
             " elements but the target shape has " + std::to_string(known);
    return std::nullopt;
  }
  return out;
}

int64_t sliceExtent(int64_t begin, int64_t end, int64_t stride) {
  if (stride > 0)
    return end > begin ? ceilDiv(end - begin, stride) : 0;
  return begin > end ? ceilDiv(begin - end, -stride) : 0;
}

} // namespace geflow::ge::shapes
