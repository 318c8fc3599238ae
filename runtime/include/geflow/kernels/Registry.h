//===- Registry.h - Kernel name -> tiling function + implementations -----===//
#ifndef GEFLOW_KERNELS_REGISTRY_H
#define GEFLOW_KERNELS_REGISTRY_H

#include "geflow/kernels/Kernel.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace geflow::kernels {

struct KernelImpl {
  DType dtype;   // the dtype this implementation computes in (input 0's)
  Isa isa;       // the ISA it needs
  KernelFn fn;
};

struct KernelDef {
  std::string name;
  TilingFn tiling = nullptr;
  PackFn pack = nullptr; // null when the kernel never pre-packs
  std::vector<KernelImpl> impls;
};

class KernelRegistry {
public:
  /// The process-wide registry with every builtin kernel registered.
  static const KernelRegistry &global();

  void add(KernelDef def);
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

} // namespace geflow::kernels

#endif // GEFLOW_KERNELS_REGISTRY_H
