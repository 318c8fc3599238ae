//===- vec_ops_avx2.cpp - AVX2 + FMA instance of the vector primitives ----===//
#include "kernels/vector/simd_avx2.h"
#include "kernels/vector/vec_ops_impl.h"

namespace geflow::kernels::vec {

const VecOps &vecOpsAvx2() {
  static const VecOps table = VecOpsImpl<SimdAvx2>::table(Isa::AVX2);
  return table;
}

} // namespace geflow::kernels::vec
