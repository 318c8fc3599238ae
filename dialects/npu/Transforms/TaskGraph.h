//===- TaskGraph.h - Dependencies and ordering of npu tasks -----*- C++ -*-===//
//
// Shared by the stream, event and memory passes: which tasks produce the
// buffers a task reads (looking through aliases and elided concats), and
// which tasks are guaranteed to finish before another starts (stream order
// plus events, as vector clocks).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_DIALECTS_NPU_TRANSFORMS_TASKGRAPH_H
#define GEFLOW_DIALECTS_NPU_TRANSFORMS_TASKGRAPH_H

#include "dialects/npu/IR/NPUOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

namespace geflow::npu {

/// The value whose buffer `v` views (follows npu.alias).
mlir::Value getRootBuffer(mlir::Value v);

/// Tasks that write data `task` reads: producers of its operands, through
/// aliases and elided concats (whose inputs' producers count instead).
llvm::SetVector<mlir::Operation *> getProducerTasks(mlir::Operation *task);

/// Tasks that write the buffer of `v` (one, or several for an elided concat;
/// none for program inputs and weights).
llvm::SetVector<mlir::Operation *> getWriterTasks(mlir::Value v);

/// Happens-before over the tasks of a program with streams and events
/// already in place: a finishes before b starts when a precedes b on one
/// stream, or when b's stream waited (transitively) for an event recorded
/// after a.
class TaskOrder {
public:
  explicit TaskOrder(ProgramOp program);

  bool happensBefore(mlir::Operation *a, mlir::Operation *b) const;
  /// Position of `task` in program order (tasks only).
  int64_t position(mlir::Operation *task) const {
    return info_.lookup(task).position;
  }

private:
  struct Info {
    int64_t stream = 0, seq = 0, position = 0;
    llvm::SmallVector<int64_t> clock; // per stream: tasks known finished
  };
  llvm::DenseMap<mlir::Operation *, Info> info_;
};

} // namespace geflow::npu

#endif
