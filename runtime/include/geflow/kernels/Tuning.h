//===- Tuning.h - Tiling hints: the knobs operator tuning turns -----------===//
//
// Operator tuning (aoe_mode=2) times a kernel under several tilings and
// keeps the fastest. A tiling is chosen by the kernel's own tiling function;
// a hint only moves its free choices (cache blocks, block count, path,
// bands), so every tiling it produces is one the function can produce and
// its tiling check accepts. The hint travels as the kernel attribute
// `aoe_tiling`, so a runtime that re-tiles the kernel for its soc makes the
// same choice. A zero field keeps the kernel's own choice.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_TUNING_H
#define GEFLOW_KERNELS_TUNING_H

#include "geflow/kernels/Kernel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geflow::kernels {

/// The kernel attribute holding a hint: [kc, mc, nc, blocks, variant, rows].
inline constexpr const char *kTilingHintAttr = "aoe_tiling";

struct TilingHint {
  /// GEMM cache blocks (k depth, A rows, B columns); rounded to the panel
  /// widths and clamped to the product.
  int64_t kc = 0, mc = 0, nc = 0;
  /// Most blocks (cores) the kernel splits over.
  int64_t blocks = 0;
  /// Kernel-specific path: conv2d 1 = GEMM over pixel columns (NCHW),
  /// 2 = GEMM over pixel rows (NCHW), 3 = no Winograd, 4 = Winograd
  /// F(2x2, 3x3), 5 = Winograd F(4x4, 3x3). A path that does not apply to
  /// the shape leaves the kernel's own choice.
  int64_t variant = 0;
  /// Output rows (depthwise) or tile rows (Winograd) per task.
  int64_t rows = 0;

  bool empty() const {
    return !kc && !mc && !nc && !blocks && !variant && !rows;
  }
  bool operator==(const TilingHint &o) const {
    return kc == o.kc && mc == o.mc && nc == o.nc && blocks == o.blocks &&
           variant == o.variant && rows == o.rows;
  }
  std::vector<int64_t> toInts() const {
    return {kc, mc, nc, blocks, variant, rows};
  }
  /// "kc=256 mc=64 ..." of the fields set ("default" when none is).
  std::string str() const;
};

/// Largest value of any hint field (kept far from overflowing sizes).
inline constexpr int64_t kMaxTilingHintValue = int64_t(1) << 20;

/// The hint in `ints` (the attribute's value): six fields in
/// [0, kMaxTilingHintValue]; otherwise an error naming the field.
Status tilingHintFromInts(const std::vector<int64_t> &ints, TilingHint *hint);

/// The hint of `attrs` (empty when it has none). A malformed attribute gives
/// an empty hint: tiling functions never fail on one (the compiler checks
/// hints before it stores them).
TilingHint tilingHintOf(const AttrMap &attrs);

/// The alternative hints worth timing for one kernel shape, given its
/// default tiling (the first candidate is always the empty hint). Null for
/// kernels with nothing to tune.
using TuneCandidatesFn = std::vector<TilingHint> (*)(
    const TilingContext &ctx, const TilingResult &defaultTiling);

} // namespace geflow::kernels

#endif // GEFLOW_KERNELS_TUNING_H
