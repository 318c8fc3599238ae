//===- vec_ops_avx512.cpp - AVX-512 instance of the vector primitives -----===//
// GCC 12's AVX-512 headers trip -Wuninitialized on their own
// _mm512_undefined_* helpers (GCC bug 105593, fixed in GCC 13).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "kernels/vector/simd_avx512.h"
#include "kernels/vector/vec_ops_impl.h"

namespace geflow::kernels::vec {

const VecOps &vecOpsAvx512() {
  static const VecOps table = VecOpsImpl<SimdAvx512>::table(Isa::AVX512);
  return table;
}

} // namespace geflow::kernels::vec
