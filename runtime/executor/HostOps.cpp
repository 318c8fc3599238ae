//===- HostOps.cpp - The host op registry ---------------------------------===//
#include "geflow/runtime/HostOps.h"

namespace geflow::rt {

HostOpRegistry &HostOpRegistry::global() {
  static HostOpRegistry registry;
  return registry;
}

void HostOpRegistry::add(const std::string &name, HostOpFn fn) {
  std::lock_guard<std::mutex> lock(mu_);
  ops_[name] = fn;
}

HostOpFn HostOpRegistry::find(const std::string &name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ops_.find(name);
  return it == ops_.end() ? nullptr : it->second;
}

std::vector<std::string> HostOpRegistry::names() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto &kv : ops_)
    out.push_back(kv.first);
  return out;
}

} // namespace geflow::rt
