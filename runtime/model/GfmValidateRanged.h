//===- GfmValidateRanged.h - Checking a shape-ranged program ----*- C++ -*-===//
#ifndef GEFLOW_RUNTIME_MODEL_GFMVALIDATERANGED_H
#define GEFLOW_RUNTIME_MODEL_GFMVALIDATERANGED_H

#include "geflow/runtime/Status.h"

#include <functional>
#include <string>

namespace geflow::gfm {
class Program;
class Task;
} // namespace geflow::gfm

namespace geflow::rt {

/// Checks what a shape-ranged program (one with symbols) adds: the symbols
/// name input dims whose upper bound is the program's shape; every dim
/// expression is a monomial of the symbols equal to its dim at the upper
/// bounds (so it never exceeds its buffer anywhere in the range); every
/// tensor bound to an input or output slot has the slot's size at every
/// point of the range, and every copy knows its tensor. `fail(task, what)`
/// makes the error (task -1: the program itself).
Status checkRangedProgram(
    const gfm::Program &program,
    const std::function<Status(int task, const std::string &)> &fail);

} // namespace geflow::rt

#endif
