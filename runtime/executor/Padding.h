//===- Padding.h - gear_padding: run a smaller batch in a bigger gear -----===//
//
// GE picks a gear only on an exact shape match. With the geflow option
// gear_padding, a batch b that no gear has runs in the smallest gear with a
// batch B >= b: the inputs' b rows are copied into staging buffers of the
// gear's shape, the gear runs, and the outputs' first b rows are copied
// back. That is only right when every row of a batch is computed
// independently of the others and lands in the same row of every output,
// which the model's signature must show: gears differ only in dim 0 of
// every input and output, and in each gear every dim 0 equals the gear's
// batch. (Ops that mix rows, e.g. a reduction over the batch dim, cannot be
// detected from the signature; such models must not enable gear_padding.)
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_EXECUTOR_PADDING_H
#define GEFLOW_RUNTIME_EXECUTOR_PADDING_H

#include "geflow/runtime/Model.h"

#include <optional>

namespace geflow::rt::exec {

struct BatchPadding {
  std::vector<int64_t> gearBatch; // dim 0 of every tensor, per gear
};

/// Checks the signature condition above; the error names the tensor and
/// gear that break it.
StatusOr<BatchPadding> planBatchPadding(const std::vector<GearInfo> &gears,
                                        const std::string &model);

/// The gear with the smallest batch >= `batch`, or nullopt.
std::optional<size_t> gearForBatch(const BatchPadding &padding, int64_t batch);

} // namespace geflow::rt::exec

#endif
