//===- TaskGraph.cpp - Dependencies and ordering of npu tasks -------------===//
#include "dialects/npu/Transforms/TaskGraph.h"

using namespace mlir;

namespace geflow::npu {

Value getRootBuffer(Value v) {
  while (auto alias = v.getDefiningOp<AliasOp>())
    v = alias.getSource();
  return v;
}

SetVector<Operation *> getWriterTasks(Value v) {
  SetVector<Operation *> writers;
  Value root = getRootBuffer(v);
  Operation *def = root.getDefiningOp();
  if (!def)
    return writers;
  if (auto k = dyn_cast<KernelOp>(def); k && k.getElided()) {
    for (Value in : k.getInputs())
      writers.insert_range(getWriterTasks(in));
    return writers;
  }
  if (isTask(def))
    writers.insert(def);
  return writers;
}

SetVector<Operation *> getProducerTasks(Operation *task) {
  SetVector<Operation *> producers;
  for (Value operand : task->getOperands())
    producers.insert_range(getWriterTasks(operand));
  return producers;
}

TaskOrder::TaskOrder(ProgramOp program) {
  int64_t numStreams = program.getNumStreams();
  // Per stream: the vector clock of its next task, and tasks issued so far.
  SmallVector<SmallVector<int64_t>> streamClock(
      numStreams, SmallVector<int64_t>(numStreams, 0));
  DenseMap<int64_t, SmallVector<int64_t>> eventClock;
  int64_t position = 0;
  for (Operation &op : program.getBody().front()) {
    auto stream = getTaskStream(&op);
    if (!stream)
      continue;
    SmallVector<int64_t> &clock = streamClock[*stream];
    if (auto wait = dyn_cast<EventWaitOp>(op)) {
      auto it = eventClock.find(wait.getEvent());
      if (it != eventClock.end())
        for (int64_t s = 0; s < numStreams; ++s)
          clock[s] = std::max(clock[s], it->second[s]);
    }
    Info info;
    info.stream = *stream;
    info.seq = clock[*stream];
    info.position = position++;
    info.clock = clock;
    info_[&op] = info;
    // In-order stream: this task is finished before the next one starts.
    clock[*stream] = info.seq + 1;
    if (auto record = dyn_cast<EventRecordOp>(op))
      eventClock[record.getEvent()] = clock;
  }
}

bool TaskOrder::happensBefore(Operation *a, Operation *b) const {
  auto ia = info_.find(a), ib = info_.find(b);
  if (ia == info_.end() || ib == info_.end() || a == b)
    return false;
  return ib->second.clock[ia->second.stream] > ia->second.seq;
}

} // namespace geflow::npu
