//===- data_movement.h - Shared checks of the data-movement kernels -------===//
//
// Data-movement kernels (layout, pad, trans_data, ...) copy elements without
// arithmetic, so one implementation (by element size) serves every dtype.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_DATA_MOVEMENT_H
#define GEFLOW_KERNELS_VECTOR_DATA_MOVEMENT_H

#include "geflow/kernels/Registry.h"

namespace geflow::kernels::vec {

/// Checks a one-input one-output data-movement kernel: same dtype in and
/// out.
Status checkMoveSignature(const std::string &op, const TilingContext &ctx);

} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_DATA_MOVEMENT_H
