//===- GfmValidateVariables.h - Checking a .gfm's variables -----*- C++ -*-===//
#ifndef GEFLOW_RUNTIME_MODEL_GFMVALIDATEVARIABLES_H
#define GEFLOW_RUNTIME_MODEL_GFMVALIDATEVARIABLES_H

#include "geflow/runtime/Status.h"

#include <cstdint>

namespace geflow::gfm {
class Model;
} // namespace geflow::gfm

namespace geflow::rt {

/// Checks the updatable weights (Model.variables): unique names, static
/// shapes of a known dtype, stored forms inside the weight blob or an
/// external file, convertible dtypes, the right byte counts for unpacked
/// forms, packed forms naming the kernel input that reads them, and no
/// stored form overlapping another or partly overlapping any buffer a task
/// reads (weight update swaps whole stored forms, so a task reads either
/// inside one or outside all of them).
Status checkVariables(const gfm::Model &model, uint64_t weightsSize);

} // namespace geflow::rt

#endif
