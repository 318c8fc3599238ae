//===- ExternalWeights.h - A model's external weight files, mapped --------===//
//
// A model compiled with external_weight=true keeps its large weights in
// files beside the .gfm (gfm.proto's ExternalWeight: a path relative to the
// model's directory, the length and the CRC32C). Loading maps each file
// read-only and checks it; kernels then read the weights in place, so the
// pages are shared with the page cache instead of copied.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_EXECUTOR_EXTERNALWEIGHTS_H
#define GEFLOW_RUNTIME_EXECUTOR_EXTERNALWEIGHTS_H

#include "geflow/runtime/Gfm.h"

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace geflow::rt::exec {

class ExternalWeights {
public:
  ~ExternalWeights();
  ExternalWeights(const ExternalWeights &) = delete;
  ExternalWeights &operator=(const ExternalWeights &) = delete;

  /// Maps every external weight file of `file`. Fails, naming the model and
  /// the file, for a path that is absolute or contains `..`, a missing or
  /// unreadable file, a length or CRC32C other than the model records, and
  /// for a model held in memory (its paths have no directory to resolve in).
  static StatusOr<std::unique_ptr<ExternalWeights>> map(const GfmFile &file);

  /// The start of each file's bytes, by ExternalWeight index.
  const std::vector<const uint8_t *> &bases() const { return bases_; }

private:
  ExternalWeights() = default;
  std::vector<const uint8_t *> bases_;
  std::vector<std::pair<void *, size_t>> mappings_;
};

} // namespace geflow::rt::exec

#endif // GEFLOW_RUNTIME_EXECUTOR_EXTERNALWEIGHTS_H
