//===- ProgramCode.h - A .gfm's task programs as C code ---------*- C++ -*-===//
//
// --emit=lib's default: every gear's task program becomes one C function of
// straight-line gfaot_program_launch calls (runtime/include/geflow/runtime/
// gfaot_program.h) with the tiling data, block counts and buffer addresses
// as constants, plus the constant tables the runtime needs to make a handle
// (signature, gears, the kernels called). No .gfm is read at run time.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_TARGET_PROGRAMCODE_H
#define GEFLOW_LIB_TARGET_PROGRAMCODE_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace geflow {
namespace gfm {
class Model;
}

/// Why the programs of `model` cannot be emitted as code ("" when they
/// can): the runtime then interprets the embedded .gfm instead.
std::string programCodeObstacle(const gfm::Model &model);

/// The C definitions of the programs of `model`: a
/// `static const gfaot_program program` whose weights are `weightsExpr`
/// (`weightsSize` bytes) and whose library descriptor is `library`. Needs
/// string.h and gfaot_program.h included.
std::string programCode(const gfm::Model &model, llvm::StringRef weightsExpr,
                        uint64_t weightsSize);

} // namespace geflow

#endif // GEFLOW_LIB_TARGET_PROGRAMCODE_H
