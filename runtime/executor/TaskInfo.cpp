//===- TaskInfo.cpp - What profiles and dumps say about a task ------------===//
//
// Decoded once per gear at load. FLOPs are counted only where the work is
// known from the shapes alone: the cube kernels (2 per multiply-add) and
// one per output element for the elementwise vector kernels.
//
//===----------------------------------------------------------------------===//
#include "Plan.h"

#include "proto/gfm.pb.h"

#include <algorithm>

namespace geflow::rt {

const char *TaskInfo::taskType() const {
  switch (kind) {
  case Kind::Kernel:
    return "AI_CORE";
  case Kind::Memcpy:
    return "MEMCPY";
  case Kind::HostCall:
    return "HOST_CPU";
  case Kind::Collective:
    return "HCCL";
  case Kind::Control:
    return "CONTROL";
  case Kind::Record:
    return "EVENT_RECORD";
  case Kind::Wait:
    return "EVENT_WAIT";
  }
  return "UNKNOWN";
}

} // namespace geflow::rt

namespace geflow::rt::exec {

namespace {

TaskTensor toTensor(const gfm::TensorDesc &d) {
  TaskTensor t;
  t.dtype = static_cast<DType>(d.dtype());
  t.format = static_cast<Format>(d.format());
  t.shape.assign(d.shape().begin(), d.shape().end());
  t.bytes = storageBytes(t.dtype, t.format, t.shape);
  t.isConst = d.is_const();
  return t;
}

uint64_t elements(const std::vector<int64_t> &shape) {
  uint64_t n = 1;
  for (int64_t d : shape)
    n *= static_cast<uint64_t>(std::max<int64_t>(d, 0));
  return n;
}

int64_t intAttr(const gfm::KernelTask &k, const char *name) {
  auto it = k.attrs().find(name);
  return it != k.attrs().end() && it->second.has_i() ? it->second.i() : 0;
}

uint64_t countFlops(const gfm::KernelTask &k, const TaskInfo &info) {
  if (info.outputs.empty())
    return 0;
  uint64_t out = elements(info.outputs[0].shape);
  const std::string &name = k.kernel();
  if (name == "conv2d" && info.inputs.size() >= 2 &&
      !info.inputs[1].shape.empty()) {
    // Weight [Cout, Cin/groups, kh, kw]: each output element sums over
    // Cin/groups * kh * kw products.
    const std::vector<int64_t> &w = info.inputs[1].shape;
    return 2 * out * (elements(w) / std::max<int64_t>(w[0], 1));
  }
  if (name == "conv2d_transpose" && info.inputs.size() >= 2 &&
      !info.inputs[1].shape.empty()) {
    // Weight [Cin, Cout/groups, kh, kw]: each input element scatters into
    // Cout/groups * kh * kw outputs.
    const std::vector<int64_t> &w = info.inputs[1].shape;
    return 2 * elements(info.inputs[0].shape) *
           (elements(w) / std::max<int64_t>(w[0], 1));
  }
  if ((name == "matmul" || name == "batch_matmul") && !info.inputs.empty()) {
    const std::vector<int64_t> &a = info.inputs[0].shape;
    if (a.size() < 2)
      return 0;
    bool transposed = intAttr(k, name == "matmul" ? "transpose_x1" : "adj_x1");
    int64_t kDim = transposed ? a[a.size() - 2] : a.back();
    return 2 * out * static_cast<uint64_t>(std::max<int64_t>(kDim, 0));
  }
  if (name.rfind("vec_", 0) == 0 || name == "vec_fused")
    return out;
  return 0;
}

} // namespace

TaskInfo describeTask(const gfm::Task &task, uint32_t taskId,
                      uint32_t blockDim) {
  TaskInfo info;
  info.taskId = taskId;
  info.stream = task.stream();
  info.blockDim = blockDim;
  info.precision = task.precision();
  info.coveredOps.assign(task.covered_ops().begin(), task.covered_ops().end());
  info.opType = task.op_type();
  switch (task.kind_case()) {
  case gfm::Task::kKernel: {
    const gfm::KernelTask &k = task.kernel();
    info.kind = TaskInfo::Kind::Kernel;
    info.kernel = k.kernel();
    info.tilingBytes = k.tiling().size();
    for (const gfm::TensorDesc &d : k.input_descs())
      info.inputs.push_back(toTensor(d));
    for (const gfm::TensorDesc &d : k.output_descs())
      info.outputs.push_back(toTensor(d));
    info.flops = countFlops(k, info);
    break;
  }
  case gfm::Task::kMemcpy: {
    info.kind = TaskInfo::Kind::Memcpy;
    // Mixed compute's copies between the engines' memories.
    bool fromHost = task.memcpy().src().region() == gfm::HOST;
    bool toHost = task.memcpy().dst().region() == gfm::HOST;
    info.kernel = fromHost == toHost ? "memcpy"
                  : toHost           ? "memcpy_d2h"
                                     : "memcpy_h2d";
    TaskTensor t;
    if (task.memcpy().has_desc())
      t = toTensor(task.memcpy().desc());
    else {
      // Untyped: the bytes as a u8 vector.
      t.dtype = DType::U8;
      t.shape = {static_cast<int64_t>(task.memcpy().dst().size())};
      t.bytes = task.memcpy().dst().size();
    }
    info.inputs.push_back(t);
    info.outputs.push_back(t);
    break;
  }
  case gfm::Task::kHostCall: {
    const gfm::HostCallTask &h = task.host_call();
    info.kind = TaskInfo::Kind::HostCall;
    info.kernel = h.callee();
    for (const gfm::TensorDesc &d : h.input_descs())
      info.inputs.push_back(toTensor(d));
    for (const gfm::TensorDesc &d : h.output_descs())
      info.outputs.push_back(toTensor(d));
    break;
  }
  case gfm::Task::kCollective: {
    const gfm::CollectiveTask &c = task.collective();
    info.kind = TaskInfo::Kind::Collective;
    info.kernel = c.kind();
    for (const gfm::TensorDesc &d : c.input_descs())
      info.inputs.push_back(toTensor(d));
    for (const gfm::TensorDesc &d : c.output_descs())
      info.outputs.push_back(toTensor(d));
    break;
  }
  case gfm::Task::kControl: {
    const gfm::ControlTask &c = task.control();
    info.kind = TaskInfo::Kind::Control;
    info.kernel = c.kind();
    for (const gfm::TensorDesc &d : c.input_descs())
      info.inputs.push_back(toTensor(d));
    for (const gfm::TensorDesc &d : c.output_descs())
      info.outputs.push_back(toTensor(d));
    break;
  }
  case gfm::Task::kRecord:
    info.kind = TaskInfo::Kind::Record;
    info.kernel = "event_record";
    info.event = task.record().event();
    break;
  case gfm::Task::kWait:
  default:
    info.kind = TaskInfo::Kind::Wait;
    info.kernel = "event_wait";
    info.event = task.wait().event();
    break;
  }
  if (info.opType.empty())
    info.opType = info.kind == TaskInfo::Kind::Record ? "EventRecord"
                  : info.kind == TaskInfo::Kind::Wait ? "EventWait"
                                                      : info.kernel;
  info.name = task.name().empty() ? info.kernel : task.name();
  if (info.coveredOps.empty() && !task.name().empty() &&
      info.kind != TaskInfo::Kind::Record && info.kind != TaskInfo::Kind::Wait)
    info.coveredOps.push_back(task.name());
  for (const TaskTensor &t : info.inputs)
    info.bytes += t.bytes;
  for (const TaskTensor &t : info.outputs)
    info.bytes += t.bytes;
  return info;
}

} // namespace geflow::rt::exec
