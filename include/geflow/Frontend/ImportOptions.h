//===- ImportOptions.h - Options shared by the model frontends --*- C++ -*-===//
//
// What a user can tell a frontend before it imports a model: ATC's
// `--input_shape` overrides and how constants are stored.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_FRONTEND_IMPORTOPTIONS_H
#define GEFLOW_FRONTEND_IMPORTOPTIONS_H

#include "geflow/Compiler/ShapeOptions.h"

#include <cstdint>
#include <vector>

namespace geflow::frontend {

struct ImportOptions {
  /// Shapes that replace the model's declared input shapes before shape
  /// inference runs (ATC `--input_shape`, parsed by geflow::parseInputShape);
  /// a -1 dim stays unknown.
  std::vector<NamedShape> inputShapes;
  /// The static contents of sequence and optional graph inputs (ONNX):
  /// element shapes, or none (geflow's `input_sequence_shape`).
  std::vector<NamedSequenceShape> sequenceShapes;
  /// Constants with more bytes than this are stored as `dense_resource`
  /// blobs, so that big models print and parse fast.
  int64_t largeConstantBytes = 1024;
  /// Canonicalize the imported graph: constant subgraphs (Shape -> Gather ->
  /// Concat -> Reshape with static shapes, ...) fold into constants.
  bool canonicalize = true;
  /// Tag each initializer's constant with `onnx.initializer` (its name), so
  /// that updatable_weights can tell model weights from other constants.
  bool markInitializers = false;
};

} // namespace geflow::frontend

#endif // GEFLOW_FRONTEND_IMPORTOPTIONS_H
