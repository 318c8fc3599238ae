//===- DataMovement.h - Registration of the data-movement kernels ---------===//
//
// Data-movement kernels copy elements without arithmetic, so one
// implementation (by element size) serves every dtype. Each file registers
// its kernels; registerDataMovementKernels (the family entry point) calls
// them all.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_DATAMOVEMENT_H
#define GEFLOW_KERNELS_VECTOR_DATAMOVEMENT_H

#include "geflow/kernels/Registry.h"

namespace geflow::kernels::vec {

void registerLayoutKernels(
    KernelRegistry &registry); // transpose slice expand tile
void registerConcatSplitKernels(KernelRegistry &registry); // concat split
void registerPadKernels(KernelRegistry &registry);         // pad
void registerGatherKernels(KernelRegistry &registry); // gather gather_elements
void registerSelectKernels(KernelRegistry &registry);      // select
void registerCastKernels(KernelRegistry &registry);        // cast
void registerTransDataKernels(KernelRegistry &registry);   // trans_data
void registerFillKernels(KernelRegistry &registry);        // fill range
void registerScatterKernels(
    KernelRegistry &registry); // gather_nd scatter_elements scatter_nd

/// Checks a one-input one-output data-movement kernel: same dtype in and
/// out.
Status checkMoveSignature(const std::string &op, const TilingContext &ctx);

} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_DATAMOVEMENT_H
