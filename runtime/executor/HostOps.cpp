//===- HostOps.cpp - The host op registry ---------------------------------===//
#include "geflow/runtime/HostOps.h"

namespace geflow::rt {

HostOpRegistry &HostOpRegistry::global() {
  static HostOpRegistry *registry = [] {
    auto *r = new HostOpRegistry();
    registerBuiltinHostKernels(*r);
    return r;
  }();
  return *registry;
}

void HostOpRegistry::add(const std::string &name, HostOpFn fn,
                         HostCheckFn check) {
  std::lock_guard<std::mutex> lock(mu_);
  ops_[name] = {fn, check};
}

HostOpFn HostOpRegistry::find(const std::string &name) const {
  return lookup(name).fn;
}

HostKernel HostOpRegistry::lookup(const std::string &name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ops_.find(name);
  return it == ops_.end() ? HostKernel() : it->second;
}

std::vector<std::string> HostOpRegistry::names() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto &kv : ops_)
    out.push_back(kv.first);
  return out;
}

} // namespace geflow::rt
