//===- HostOps.h - Ops a task program runs on the host ----------*- C++ -*-===//
//
// A HostCallTask (`npu.host_call`) runs a host op by name: work the
// compiler placed on the host instead of an AI core. The executor resolves
// the name when a model is loaded (an unknown name is a load error) and
// runs the op as a stream callback, in stream order with the kernels.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_HOSTOPS_H
#define GEFLOW_RUNTIME_HOSTOPS_H

#include "geflow/kernels/Kernel.h"
#include "geflow/runtime/Status.h"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace geflow::rt {

/// What a host op gets: its buffers (in the order of the task) and the
/// static descriptors and attributes the compiler recorded.
struct HostCallArgs {
  const void *const *inputs = nullptr;
  uint32_t numInputs = 0;
  void *const *outputs = nullptr;
  uint32_t numOutputs = 0;
  const std::vector<kernels::TensorDesc> *inputDescs = nullptr;
  const std::vector<kernels::TensorDesc> *outputDescs = nullptr;
  const kernels::AttrMap *attrs = nullptr;
};

/// Runs on an AI core like any callback: it must not block on device work.
using HostOpFn = Status (*)(const HostCallArgs &args);

class HostOpRegistry {
public:
  /// The process-wide registry the executor resolves host calls in.
  static HostOpRegistry &global();

  /// Registers (or replaces) `name`; models loaded later resolve to it.
  void add(const std::string &name, HostOpFn fn);
  /// Null when `name` is not registered.
  HostOpFn find(const std::string &name) const;
  std::vector<std::string> names() const;

private:
  mutable std::mutex mu_;
  std::map<std::string, HostOpFn> ops_;
};

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_HOSTOPS_H
