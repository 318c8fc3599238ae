//===- ExternalWeights.h - Weights in files beside the .gfm -----*- C++ -*-===//
//
// GE's external_weight=true takes the weights out of the model so that
// loading it needs no memory for them: every weight of at least
// kExternalWeightMinBytes goes to its own file under `weight/` beside the
// .gfm, holding the bytes exactly as the kernel reads them (pre-packed
// panels included). The .gfm records each file's relative path, length and
// CRC32C; the executor maps the files read-only at load.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TARGET_EXTERNALWEIGHTS_H
#define GEFLOW_TARGET_EXTERNALWEIGHTS_H

#include "geflow/runtime/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geflow {

/// Smaller weights (scalars, biases, small tables) stay in the .gfm: a
/// file each would cost more to open and map than it saves.
constexpr uint64_t kExternalWeightMinBytes = 1024;

/// The directory, beside the .gfm, that holds its external weight files.
constexpr char kExternalWeightDir[] = "weight";

struct ExternalWeightFile {
  /// Relative to the model's directory: "weight/<file>".
  std::string path;
  std::vector<uint8_t> bytes;
};

/// Where a compile with external_weight=true puts the weights it takes out
/// of the .gfm.
struct ExternalWeights {
  /// Start of every file name (geflow-compile uses the output's stem), so
  /// that models compiled into one directory do not clash.
  std::string prefix;
  /// Filled by the compile; each shared weight (equal constants, gears) once.
  std::vector<ExternalWeightFile> files;
};

/// Writes `weights.files` relative to the directory of `gfmPath` (creating
/// `weight/`), before the .gfm itself is written there. A file that already
/// holds the same bytes is left alone; one that differs is replaced only
/// when the .gfm now at `gfmPath` lists it (a previous compile of this
/// output wrote it), otherwise nothing is written and the error names the
/// file. Each file is written atomically.
rt::Status writeExternalWeights(const std::string &gfmPath,
                                const ExternalWeights &weights);

} // namespace geflow

#endif // GEFLOW_TARGET_EXTERNALWEIGHTS_H
