//===- VecOps_avx2.cpp - AVX2 + FMA instance of the vector primitives -----===//
#include "kernels/vector/SimdAvx2.h"
#include "kernels/vector/VecOpsImpl.h"

namespace geflow::kernels::vec {

const VecOps &vecOpsAvx2() {
  static const VecOps table = VecOpsImpl<SimdAvx2>::table(Isa::AVX2);
  return table;
}

} // namespace geflow::kernels::vec
