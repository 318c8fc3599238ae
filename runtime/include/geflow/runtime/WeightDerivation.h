//===- WeightDerivation.h - Stored weights from an updatable weight -*- C++
//-*-===//
//
// An updatable weight (a ge.Variable) reaches the kernels in up to three
// forms: its own value, a float copy in the dtype the precision policy chose
// (fp16/bf16), and panels pre-packed for one kernel task. The compiler
// derives the stored forms with deriveWeight() when it lowers the graph and
// the runtime calls the same function when weights are updated, so an
// update stores exactly the bytes a fresh compile with the new values would.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_WEIGHTDERIVATION_H
#define GEFLOW_RUNTIME_WEIGHTDERIVATION_H

#include "geflow/kernels/Kernel.h"
#include "geflow/runtime/Status.h"
#include "geflow/runtime/Types.h"

#include <cstdint>
#include <vector>

namespace geflow::kernels {
struct KernelDef;
} // namespace geflow::kernels

namespace geflow::rt {

/// How one stored form is made from the variable's value.
struct WeightDerivation {
  /// The variable's dtype and the stored dtype (equal: no conversion; else
  /// both among f32, f16, bf16, converted with round-to-nearest-even).
  DType from = DType::F32;
  DType to = DType::F32;
  /// Set for packed forms: the kernel whose pack function lays the
  /// (converted) value out, with the task's tiling context and result, and
  /// the input it packs.
  const kernels::KernelDef *pack = nullptr;
  const kernels::TilingContext *ctx = nullptr;
  const kernels::TilingResult *tiling = nullptr;
  uint32_t input = 0;
};

/// True when `from` converts to `to` (equal, or both f32/f16/bf16).
bool canConvertWeight(DType from, DType to);

/// Converts `count` elements of `from` at `src` to `to` at `dst` (bit for
/// bit what the runtime's cast kernel and the compiler's constant
/// conversion compute).
Status convertWeight(DType from, DType to, const void *src, void *dst,
                     uint64_t count);

/// The stored bytes of `d` for the variable value `src` (`count` elements).
/// `scratch`, when given, holds the converted value of a packed form (a
/// caller deriving many weights reuses it).
Status deriveWeight(const WeightDerivation &d, const void *src, uint64_t count,
                    std::vector<uint8_t> *out,
                    std::vector<uint8_t> *scratch = nullptr);

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_WEIGHTDERIVATION_H
