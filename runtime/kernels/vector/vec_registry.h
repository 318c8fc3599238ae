//===- vec_registry.h - Registering vector-unit kernel implementations ----===//
//
// A vector kernel body takes the VecOps table of the ISA it runs with; the
// registry gets one KernelFn per ISA so its run-time ISA choice picks the
// inner loops.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_VEC_REGISTRY_H
#define GEFLOW_KERNELS_VECTOR_VEC_REGISTRY_H

#include "geflow/kernels/Registry.h"
#include "kernels/vector/vec_ops.h"

#include <initializer_list>

namespace geflow::kernels::vec {

using VecKernelBody = int32_t (*)(const VecOps &ops, const KernelArgs &args,
                                  uint32_t blockIdx, uint32_t blockDim);

template <VecKernelBody Body, Isa I>
int32_t vecKernelFor(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  return Body(vecOps(I), args, blockIdx, blockDim);
}

/// Adds Body's portable, AVX2 and AVX-512 implementations for `dtypes`.
template <VecKernelBody Body>
void addVecImpls(KernelDef *def, std::initializer_list<DType> dtypes) {
  for (DType dt : dtypes) {
    def->impls.push_back(
        {dt, Isa::Portable, vecKernelFor<Body, Isa::Portable>});
    def->impls.push_back({dt, Isa::AVX2, vecKernelFor<Body, Isa::AVX2>});
    def->impls.push_back({dt, Isa::AVX512, vecKernelFor<Body, Isa::AVX512>});
  }
}

/// Adds one ISA-independent implementation (data movement) for every
/// numeric dtype. Strings are not among them: these kernels move elements
/// of at most 8 bytes or compute per dtype, and a string op without a host
/// kernel fails the compile naming the op.
inline void addAllDtypes(KernelDef *def, KernelFn fn) {
  for (int t = 0; t < rt::kNumDTypes; ++t)
    if (static_cast<DType>(t) != DType::String)
      def->impls.push_back({static_cast<DType>(t), Isa::Portable, fn});
}

} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_VEC_REGISTRY_H
