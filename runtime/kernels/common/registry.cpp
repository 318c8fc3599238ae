#include "geflow/kernels/Registry.h"
#include "kernels/common/kernel_families.h"

namespace geflow::kernels {

const KernelRegistry &KernelRegistry::global() {
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    registerBuiltinKernels(r);
    return r;
  }();
  return registry;
}

void KernelRegistry::add(KernelDef def) {
  std::string name = def.name;
  defs_[name] = std::move(def);
}

bool KernelRegistry::setTilingCheck(std::string_view name,
                                    TilingCheckFn check) {
  auto it = defs_.find(name);
  if (it == defs_.end())
    return false;
  it->second.checkTiling = check;
  return true;
}

const KernelDef *KernelRegistry::find(std::string_view name) const {
  auto it = defs_.find(name);
  return it == defs_.end() ? nullptr : &it->second;
}

KernelFn KernelRegistry::select(std::string_view name, DType dtype,
                                Isa isa) const {
  const KernelDef *def = find(name);
  if (!def)
    return nullptr;
  const KernelImpl *best = nullptr;
  for (const KernelImpl &impl : def->impls)
    if (impl.dtype == dtype && impl.isa <= isa &&
        (!best || impl.isa > best->isa))
      best = &impl;
  return best ? best->fn : nullptr;
}

std::vector<std::string> KernelRegistry::names() const {
  std::vector<std::string> out;
  for (const auto &kv : defs_)
    out.push_back(kv.first);
  return out;
}

void registerBuiltinKernels(KernelRegistry &registry) {
#define GEFLOW_KERNEL_FAMILY(fn) fn(registry);
#include "kernels/common/kernel_families.def"
#undef GEFLOW_KERNEL_FAMILY
  registerTilingChecks(registry);
}

//===----------------------------------------------------------------------===//
// AttrMap
//===----------------------------------------------------------------------===//

int64_t AttrMap::getInt(const std::string &name, int64_t dflt) const {
  auto it = attrs_.find(name);
  if (it == attrs_.end())
    return dflt;
  if (auto *v = std::get_if<int64_t>(&it->second))
    return *v;
  if (auto *v = std::get_if<double>(&it->second))
    return static_cast<int64_t>(*v);
  return dflt;
}

double AttrMap::getFloat(const std::string &name, double dflt) const {
  auto it = attrs_.find(name);
  if (it == attrs_.end())
    return dflt;
  if (auto *v = std::get_if<double>(&it->second))
    return *v;
  if (auto *v = std::get_if<int64_t>(&it->second))
    return static_cast<double>(*v);
  return dflt;
}

std::string AttrMap::getString(const std::string &name,
                               const std::string &dflt) const {
  auto it = attrs_.find(name);
  if (it == attrs_.end())
    return dflt;
  if (auto *v = std::get_if<std::string>(&it->second))
    return *v;
  return dflt;
}

std::vector<int64_t> AttrMap::getInts(const std::string &name,
                                      std::vector<int64_t> dflt) const {
  auto it = attrs_.find(name);
  if (it == attrs_.end())
    return dflt;
  if (auto *v = std::get_if<std::vector<int64_t>>(&it->second))
    return *v;
  if (auto *v = std::get_if<int64_t>(&it->second))
    return {*v};
  return dflt;
}

std::vector<double> AttrMap::getFloats(const std::string &name,
                                       std::vector<double> dflt) const {
  auto it = attrs_.find(name);
  if (it == attrs_.end())
    return dflt;
  if (auto *v = std::get_if<std::vector<double>>(&it->second))
    return *v;
  if (auto *v = std::get_if<double>(&it->second))
    return {*v};
  return dflt;
}

std::vector<std::string>
AttrMap::getStrings(const std::string &name,
                    std::vector<std::string> dflt) const {
  auto it = attrs_.find(name);
  if (it == attrs_.end())
    return dflt;
  if (auto *v = std::get_if<std::vector<std::string>>(&it->second))
    return *v;
  return dflt;
}

} // namespace geflow::kernels
