//===- InsertEvents.cpp - Cross-stream ordering with minimal events -------===//
#include "dialects/npu/Transforms/Passes.h"
#include "dialects/npu/Transforms/TaskGraph.h"

namespace geflow::npu {
#define GEN_PASS_DEF_NPUINSERTEVENTS
#include "dialects/npu/Transforms/Passes.h.inc"
} // namespace geflow::npu

using namespace mlir;

namespace geflow::npu {
namespace {

struct NPUInsertEventsPass : impl::NPUInsertEventsBase<NPUInsertEventsPass> {
  void runOnOperation() override {
    ProgramOp program = getOperation();
    int64_t numStreams = program.getNumStreams();
    // clock[s][t]: tasks of stream t known finished before stream s's next
    // task starts. A task's own clock is its stream's clock when issued.
    SmallVector<SmallVector<int64_t>> clock(
        numStreams, SmallVector<int64_t>(numStreams, 0));
    struct Issued {
      int64_t stream, seq;
      SmallVector<int64_t> clockAfter; // its stream's clock once it finished
      std::optional<int64_t> event;    // event recorded right after it
    };
    DenseMap<Operation *, Issued> issued;
    int64_t numEvents = 0;
    SmallVector<Operation *> tasks;
    for (Operation &op : program.getBody().front())
      if (isa<KernelOp, MemcpyOp, HostCallOp, CollectiveOp, ControlOp>(op) &&
          isTask(&op))
        tasks.push_back(&op);

    for (Operation *task : tasks) {
      int64_t s = *getTaskStream(task);
      for (Operation *producer : getProducerTasks(task)) {
        Issued &p = issued[producer];
        if (p.stream == s || clock[s][p.stream] > p.seq)
          continue; // same stream, or already known finished
        if (!p.event) {
          OpBuilder after(producer->getContext());
          after.setInsertionPointAfter(producer);
          p.event = numEvents++;
          EventRecordOp::create(after, producer->getLoc(), *p.event, p.stream);
        }
        OpBuilder before(task);
        EventWaitOp::create(before, task->getLoc(), *p.event, s);
        for (int64_t t = 0; t < numStreams; ++t)
          clock[s][t] = std::max(clock[s][t], p.clockAfter[t]);
      }
      Issued self;
      self.stream = s;
      self.seq = clock[s][s];
      clock[s][s] = self.seq + 1;
      self.clockAfter = clock[s];
      issued[task] = std::move(self);
    }
    program.setNumEvents(numEvents);
  }
};

} // namespace
} // namespace geflow::npu
