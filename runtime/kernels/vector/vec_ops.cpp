//===- vec_ops.cpp - Portable vector primitives and the per-ISA selector --===//
//
// Compiled without ISA flags: the one-lane backend, valid on any x86-64 (and
// any other) CPU.
//
//===----------------------------------------------------------------------===//
#include "kernels/vector/simd_scalar.h"
#include "kernels/vector/vec_ops_impl.h"

namespace geflow::kernels::vec {

const VecOps &vecOpsPortable() {
  static const VecOps table = VecOpsImpl<SimdScalar>::table(Isa::Portable);
  return table;
}

const VecOps &vecOps(Isa isa) {
  switch (isa) {
  case Isa::AVX512:
    return vecOpsAvx512();
  case Isa::AVX2:
    return vecOpsAvx2();
  case Isa::Portable:
    break;
  }
  return vecOpsPortable();
}

} // namespace geflow::kernels::vec
