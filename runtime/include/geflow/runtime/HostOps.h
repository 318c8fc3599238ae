//===- HostOps.h - Ops a task program runs on the host ----------*- C++ -*-===//
//
// A HostCallTask (`npu.host_call`) runs a host kernel by name: work the
// compiler placed on the host CPU engine (mixed compute, GE's
// DNN_VM_HOST_CPU / AICPU engines) for an op the device kernel library
// lacks. The name is the GE op type ("Cumsum"). The executor resolves it
// when a model is loaded (an unknown name is a load error) and runs it in
// stream order on the stream the task names: in compiled programs a host
// stream, whose buffers are host memory.
//
// Built-in host kernels live in runtime/kernels/host/, one file per op
// type, each listed in host_kernels.def (docs/mixed-compute.md says how to
// add one). The compiler asks the same registry whether an op type has a
// host kernel and checks its descriptors with the kernel's `check`, so a
// graph the host cannot run fails at compile time, naming the op.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_HOSTOPS_H
#define GEFLOW_RUNTIME_HOSTOPS_H

#include "geflow/kernels/Kernel.h"
#include "geflow/runtime/Status.h"
#include "geflow/runtime/Strings.h"

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
  /// Where a kernel puts the bytes of the strings it outputs (string
  /// tensors, Strings.h): the run's store, cleared when the execution
  /// context runs again.
  StringStore *strings = nullptr;
};

/// Runs on a thread of the stream's engine: it must not block on device
/// work.
using HostOpFn = Status (*)(const HostCallArgs &args);

/// Whether a host kernel can run these tensors and attributes (dtypes,
/// ranks, counts, attribute values): OK, or the reason it cannot. Called by
/// the compiler when it lowers a host-placed op and by the loader, so `fn`
/// only ever sees what its check accepted.
using HostCheckFn = Status (*)(const std::vector<kernels::TensorDesc> &inputs,
                               const std::vector<kernels::TensorDesc> &outputs,
                               const kernels::AttrMap &attrs);

struct HostKernel {
  HostOpFn fn = nullptr;
  HostCheckFn check = nullptr; // null: any descriptors
};

class HostOpRegistry {
public:
  /// The process-wide registry the executor resolves host calls in, with
  /// the built-in host kernels registered.
  static HostOpRegistry &global();

  /// Registers (or replaces) `name`; models loaded later resolve to it.
  void add(const std::string &name, HostOpFn fn, HostCheckFn check = nullptr);
  /// Null when `name` is not registered.
  HostOpFn find(const std::string &name) const;
  /// The kernel registered as `name` (fn null when there is none).
  HostKernel lookup(const std::string &name) const;
  std::vector<std::string> names() const;

private:
  mutable std::mutex mu_;
  std::map<std::string, HostKernel> ops_;
};

/// Registers the host kernels of runtime/kernels/host (host_kernels.def).
void registerBuiltinHostKernels(HostOpRegistry &registry);

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_HOSTOPS_H
