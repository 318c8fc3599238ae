//===- Task.h - One entry of a stream's queue --------------------*- C++
//-*-===//
//
// Tasks are recycled through a per-stream free list, so a launch in steady
// state allocates nothing: the name keeps its capacity and the kernel
// arguments are plain copies.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_SRC_TASK_H
#define GEFLOW_RUNTIME_SRC_TASK_H

#include "geflow/kernels/Kernel.h"
#include "geflow/runtime/Status.h"
#include "geflow/runtime/gfrt.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace geflow::rt::detail {

class StreamCore;
struct EventState;

enum class TaskKind : uint8_t {
  Kernel,   // kernels::KernelFn
  CKernel,  // gfrtKernelFn from the C API
  Blocks,   // std::function<void(uint32_t)>
  Memcpy,   // split into blocks when large
  Memset,   // split into blocks when large
  Callback, // std::function<Status()>
  EventRecord,
  EventWait,
};
const char *taskKindName(TaskKind kind);

struct Task {
  Task *next = nullptr;
  StreamCore *stream = nullptr;
  TaskKind kind = TaskKind::Kernel;
  uint32_t blockDim = 1;
  /// Position in the stream (1-based); the stream is done up to `seq` once
  /// this task has finished.
  uint64_t seq = 0;
  std::string name;

  kernels::KernelFn kernel = nullptr;
  kernels::KernelArgs args;
  gfrtKernelFn cKernel = nullptr;
  gfrtKernelArgs cArgs{};
  std::function<void(uint32_t)> blocks;
  std::function<Status()> callback;

  // Memcpy / Memset: block b handles bytes [b * chunk, min((b+1) * chunk,
  // count)).
  void *dst = nullptr;
  const void *src = nullptr;
  size_t count = 0;
  size_t chunk = 0;
  int value = 0;

  std::shared_ptr<EventState> event;
  uint64_t eventGen = 0;

  // Execution of the blocks (see CorePool::runBlocks). Each AI core that
  // joins claims block indices from `nextBlock`; `participants` counts the
  // cores still holding the task, and the last one to leave completes it.
  std::atomic<uint32_t> nextBlock{0};
  std::atomic<uint32_t> participants{0};
  /// Whether the task is in the pool's list of tasks with blocks to claim
  /// (written under the pool's lock).
  std::atomic<bool> listed{false};
  /// nowNs() when it was listed (written under the pool's lock).
  int64_t listedNs = 0;
  /// A task of no stream (CorePool::runDetached): set by the last
  /// participant once it no longer touches the task.
  std::atomic<bool> detachedDone{false};
  /// Set by the first failing block, which then owns `failure`.
  std::atomic<bool> failed{false};
  Status failure;

  /// Drops what the task holds (captured state, the event) so that it does
  /// not linger in the free list.
  void release() {
    blocks = nullptr;
    callback = nullptr;
    event.reset();
  }
};

/// Runs block `blockIdx` of a Kernel, CKernel, Blocks, Memcpy or Memset
/// task, recording a failure in the task.
void runBlock(Task &task, uint32_t blockIdx);

/// Records `status` as the task's failure unless a block already failed.
void recordFailure(Task &task, Status status);

} // namespace geflow::rt::detail

#endif // GEFLOW_RUNTIME_SRC_TASK_H
