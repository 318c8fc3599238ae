//===- index_operands.h - int32 / int64 index tensors ---------------------===//
//
// The index operand of gather_nd, scatter_elements and scatter_nd.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_INDEX_OPERANDS_H
#define GEFLOW_KERNELS_VECTOR_INDEX_OPERANDS_H

#include "geflow/kernels/Registry.h"

#include <string>

namespace geflow::kernels::vec {

/// Index tensors are int32 or int64 (input 1 of the kernel).
inline Status checkIndices(const std::string &op, const TensorDesc &idx) {
  if (idx.dtype != DType::I32 && idx.dtype != DType::I64)
    return rt::unsupported(op + ": input 1 (indices) has dtype " +
                           std::string(rt::dtypeName(idx.dtype)) +
                           ", expected int32 or int64");
  return Status::OK();
}

/// Element i of an int32 (idx64 false) or int64 index tensor.
inline int64_t readIndex(const void *p, bool idx64, int64_t i) {
  return idx64 ? static_cast<const int64_t *>(p)[i]
               : static_cast<const int32_t *>(p)[i];
}

} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_INDEX_OPERANDS_H
