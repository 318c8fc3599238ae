//===- Binding.h - Checks of a run's inputs and outputs ---------*- C++ -*-===//
//
// The checks every run of a static-shaped gear passes before a kernel sees
// the caller's buffers, shared by the executor and generated libraries
// whose program is code (runtime/src/AotProgram.cpp). Nothing here needs
// the .gfm: only the signatures.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_BINDING_H
#define GEFLOW_RUNTIME_BINDING_H

#include "geflow/runtime/Model.h"

namespace geflow::rt {

/// "the model has 2 inputs, got 1".
Status countError(const char *what, size_t expected, size_t got);

/// The gear whose every input shape equals `shapes`; the error explains the
/// mismatch in terms of the input that cannot match.
StatusOr<size_t>
findExactGear(const std::vector<GearInfo> &gears,
              const std::vector<TensorInfo> &sigs,
              const std::vector<const std::vector<int64_t> *> &shapes);

/// Counts and dtypes of a run's tensors against the model's signature
/// (dtypes are the same in every gear).
Status checkBindingTypes(const std::vector<TensorInfo> &inputs,
                         const std::vector<TensorInfo> &outputs,
                         const std::vector<TensorRef> &in,
                         const std::vector<TensorRef> &out);

/// Buffer sizes, null data, output shapes and overlaps against the
/// signature the run executes (`gear` of `numGears`, for messages).
Status checkBindingBuffers(const std::vector<TensorInfo> &sigIn,
                           const std::vector<TensorInfo> &sigOut,
                           const std::vector<TensorRef> &in,
                           const std::vector<TensorRef> &out, size_t gear,
                           size_t numGears);

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_BINDING_H
