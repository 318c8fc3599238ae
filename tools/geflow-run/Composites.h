//===- Composites.h - geflow-run's sequence and optional files ---*- C++
//-*-===//
//
// ONNX sequence and optional graph inputs and outputs (the model's
// CompositeSigs) as files: a sequence is a directory of 0.npy, 1.npy, ...;
// an optional tensor its .npy file; an optional sequence a directory; an
// optional holding none the word `none` as input and an empty file
// <name>.none as output.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TOOLS_GEFLOW_RUN_COMPOSITES_H
#define GEFLOW_TOOLS_GEFLOW_RUN_COMPOSITES_H

#include "geflow/runtime/Status.h"

#include <map>
#include <string>

namespace geflow::gfm {
class Model;
} // namespace geflow::gfm

namespace geflow::run {

/// Replaces each --input of a sequence or optional input (name -> file,
/// directory or `none`) by one entry per program tensor ("x[0]" ->
/// dir/0.npy). Errors name the input when the files do not match what it
/// was compiled for (count of elements, none vs a value).
rt::Status expandCompositeInputs(const gfm::Model &model,
                                 std::map<std::string, std::string> &inputs);

/// Where output tensor `tensor` is written under `dir`: dir/y/0.npy for
/// element 0 of sequence output y, else dir/<name>.npy. Creates the
/// directories it needs.
rt::StatusOr<std::string> outputPath(const gfm::Model &model,
                                     const std::string &dir,
                                     const std::string &tensor);

/// Writes what has no tensor: an empty directory per empty sequence output,
/// <name>.none per optional output holding none.
rt::Status writeEmptyComposites(const gfm::Model &model,
                                const std::string &dir);

} // namespace geflow::run

#endif
