//===- Task.cpp - Running one block of a task -----------------------------===//

#include "Task.h"

#include <algorithm>
#include <cstring>
#include <exception>

namespace geflow::rt::detail {

const char *taskKindName(TaskKind kind) {
  switch (kind) {
  case TaskKind::Kernel:
  case TaskKind::CKernel:
  case TaskKind::Blocks:
    return "kernel";
  case TaskKind::Memcpy:
    return "memcpy";
  case TaskKind::Memset:
    return "memset";
  case TaskKind::Callback:
    return "callback";
  case TaskKind::EventRecord:
    return "event record";
  case TaskKind::EventWait:
    return "event wait";
  }
  return "task";
}

void recordFailure(Task &task, Status status) {
  // Only the first failure is kept; the flag makes its writer the only one
  // touching `failure` until the last participant reads it.
  if (!task.failed.exchange(true, std::memory_order_acq_rel))
    task.failure = std::move(status);
}

static std::string blockText(const Task &task, uint32_t blockIdx) {
  return "block " + std::to_string(blockIdx) + " of " +
         std::to_string(task.blockDim);
}

/// The return codes of the kernels (docs/kernels.md), as the reason in a
/// task failure; the task's label (by StreamCore) names the op and kernel.
static std::string kernelFailure(const Task &task, int32_t code,
                                 uint32_t blockIdx) {
  // The kernel's own account, with the values, when it gave one.
  std::string detail = kernels::takeFailureDetail();
  if (!detail.empty())
    return detail + " (kernel code " + std::to_string(code) + " in " +
           blockText(task, blockIdx) + ")";
  const char *reason = nullptr;
  switch (code) {
  case 1:
    reason = "inconsistent tiling data (the kernel's arguments do not match "
             "what its tiling computed)";
    break;
  case 2:
    reason = "an index is out of range (gather/scatter indices must lie in "
             "[-dim, dim) of the indexed axis)";
    break;
  case 3:
    reason = "integer division by zero";
    break;
  default:
    return "kernel returned " + std::to_string(code) + " in " +
           blockText(task, blockIdx);
  }
  return std::string(reason) + " (kernel code " + std::to_string(code) +
         " in " + blockText(task, blockIdx) + ")";
}

static void runBlockUnguarded(Task &task, uint32_t blockIdx) {
  switch (task.kind) {
  case TaskKind::Kernel: {
    int32_t code = task.kernel(task.args, blockIdx, task.blockDim);
    if (code != 0)
      recordFailure(task, Status(ErrorCode::kTaskFailed,
                                 kernelFailure(task, code, blockIdx)));
    return;
  }
  case TaskKind::CKernel: {
    int32_t code = task.cKernel(&task.cArgs, blockIdx, task.blockDim);
    if (code != 0)
      recordFailure(task, Status(ErrorCode::kTaskFailed,
                                 kernelFailure(task, code, blockIdx)));
    return;
  }
  case TaskKind::Blocks:
    task.blocks(blockIdx);
    return;
  case TaskKind::Memcpy:
  case TaskKind::Memset: {
    size_t begin = size_t(blockIdx) * task.chunk;
    if (begin >= task.count)
      return;
    size_t len = std::min(task.chunk, task.count - begin);
    char *dst = static_cast<char *>(task.dst) + begin;
    if (task.kind == TaskKind::Memcpy)
      std::memcpy(dst, static_cast<const char *>(task.src) + begin, len);
    else
      std::memset(dst, task.value, len);
    return;
  }
  case TaskKind::Callback:
  case TaskKind::EventRecord:
  case TaskKind::EventWait:
    break;
  }
  recordFailure(task,
                internalError(std::string("a ") + taskKindName(task.kind) +
                              " task has no blocks"));
}

void runBlock(Task &task, uint32_t blockIdx) {
  // An exception must not escape into an AI core's thread (that would
  // terminate the process); it fails the task instead.
  try {
    runBlockUnguarded(task, blockIdx);
  } catch (const std::exception &e) {
    recordFailure(task,
                  Status(ErrorCode::kTaskFailed, std::string("exception in ") +
                                                     blockText(task, blockIdx) +
                                                     ": " + e.what()));
  } catch (...) {
    recordFailure(task,
                  Status(ErrorCode::kTaskFailed,
                         "unknown exception in " + blockText(task, blockIdx)));
  }
}

} // namespace geflow::rt::detail
