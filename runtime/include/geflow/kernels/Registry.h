//===- Registry.h - Kernel name -> tiling function + implementations -----===//
#ifndef GEFLOW_KERNELS_REGISTRY_H
#define GEFLOW_KERNELS_REGISTRY_H

#include "geflow/kernels/Kernel.h"
#include "geflow/kernels/Tuning.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace geflow::kernels {

struct KernelImpl {
  DType dtype; // the dtype this implementation computes in (input 0's)
  Isa isa;     // the ISA it needs
  KernelFn fn;
};

/// What a tiling check sees: tiling data from an untrusted source (a .gfm
/// file, or a run-time re-tiling) and the task it is about to run in.
struct TilingCheck {
  /// The task's descriptors and attributes, tiled for the runtime's soc.
  const TilingContext *ctx = nullptr;
  /// The kernel's own tiling of `ctx`: the shape-derived fields the checked
  /// tiling must agree with.
  const TilingResult *fresh = nullptr;
  uint32_t blockDim = 1;
  const uint8_t *tiling = nullptr;
  size_t tilingSize = 0;
  /// Bytes of the buffers the task binds (workspace: 0 when it has none).
  std::vector<uint64_t> inputBytes, outputBytes;
  uint64_t workspaceBytes = 0;
};

/// Checks that a tiling keeps every block of the kernel inside the task's
/// buffers: sizes, tile counts, strides, offsets and workspace agree with
/// `check.fresh` and the buffer sizes, and blockDim is at most the tasks
/// the tiling splits. The error names the inconsistent field.
using TilingCheckFn = Status (*)(const TilingCheck &check);

struct KernelDef {
  std::string name;
  TilingFn tiling = nullptr;
  PackFn pack = nullptr; // null when the kernel never pre-packs
  std::vector<KernelImpl> impls;
  /// Set for kernels whose stored tiling must be kept (pre-packed weights
  /// depend on it): the loader checks it. Kernels without one are re-tiled
  /// at load for the runtime's soc and their stored tiling is not used.
  TilingCheckFn checkTiling = nullptr;
  /// Set for kernels whose tiling has free choices worth timing (operator
  /// tuning, aoe_mode=2): the hints (Tuning.h) to try for a shape.
  TuneCandidatesFn tuneCandidates = nullptr;
};

class KernelRegistry {
public:
  /// The process-wide registry with every builtin kernel registered.
  static const KernelRegistry &global();

  void add(KernelDef def);
  /// Installs the tiling check of an added kernel (false when absent).
  bool setTilingCheck(std::string_view name, TilingCheckFn check);
  const KernelDef *find(std::string_view name) const;
  /// Best implementation of `name` for `dtype` that `isa` can run, or null.
  KernelFn select(std::string_view name, DType dtype, Isa isa) const;
  std::vector<std::string> names() const;

private:
  std::map<std::string, KernelDef, std::less<>> defs_;
};

/// Registers every builtin kernel (each kernel family has its own
/// register*Kernels function; explicit calls keep static linking honest).
void registerBuiltinKernels(KernelRegistry &registry);

/// Installs the tiling checks of the builtin kernels that keep their
/// stored tiling (kernels/common/tiling_checks.cpp).
void registerTilingChecks(KernelRegistry &registry);

} // namespace geflow::kernels

#endif // GEFLOW_KERNELS_REGISTRY_H
