//===- AssignStreams.cpp - Put independent branches on different streams --===//
#include "dialects/npu/Transforms/Passes.h"
#include "dialects/npu/Transforms/TaskGraph.h"

#include "llvm/ADT/DenseSet.h"

namespace geflow::npu {
#define GEN_PASS_DEF_NPUASSIGNSTREAMS
#include "dialects/npu/Transforms/Passes.h.inc"
} // namespace geflow::npu

using namespace mlir;

namespace geflow::npu {
namespace {

void setStream(Operation *op, int64_t stream) {
  op->setAttr("stream",
              IntegerAttr::get(IntegerType::get(op->getContext(), 64), stream));
}

/// The streams of one engine while tasks are walked in order.
struct EngineStreams {
  int64_t limit;
  // Last task issued on each open stream, and when (program position).
  SmallVector<Operation *> tail;
  SmallVector<int64_t> tailPosition;
  // Collectives share one stream of their own (GE's HCCL stream), in
  // program order, so every rank issues them in the same order and compute
  // streams run while they communicate. Not counted in `limit`.
  std::optional<int64_t> commStream;
  int64_t computeStreams = 0;

  int64_t open() {
    tail.push_back(nullptr);
    tailPosition.push_back(0);
    return static_cast<int64_t>(tail.size()) - 1;
  }

  int64_t choose(Operation *op, const DenseMap<Operation *, int64_t> &streamOf,
                 const DenseSet<Operation *> &mine, int64_t position) {
    std::optional<int64_t> chosen;
    if (isa<CollectiveOp>(op)) {
      if (!commStream)
        commStream = open();
      chosen = commStream;
    }
    // Continue a producer's chain when nothing else was issued after it.
    for (Operation *producer : getProducerTasks(op)) {
      if (chosen)
        break;
      if (!mine.contains(producer))
        continue;
      int64_t s = streamOf.lookup(producer);
      if (tail[s] == producer && s != commStream)
        chosen = s;
    }
    if (!chosen && computeStreams < limit) {
      chosen = open();
      ++computeStreams;
    }
    if (!chosen) // join the compute stream idle the longest
      for (int64_t s = 0; s < static_cast<int64_t>(tail.size()); ++s)
        if (s != commStream &&
            (!chosen || tailPosition[s] < tailPosition[*chosen]))
          chosen = s;
    tail[*chosen] = op;
    tailPosition[*chosen] = position;
    return *chosen;
  }
};

struct NPUAssignStreamsPass : impl::NPUAssignStreamsBase<NPUAssignStreamsPass> {
  using Base::Base;
  void runOnOperation() override {
    ProgramOp program = getOperation();
    if (maxStreams < 1 || maxHostStreams < 1) {
      program.emitError() << "max-streams and max-host-streams must be >= 1, "
                             "got "
                          << maxStreams << " and " << maxHostStreams;
      return signalPassFailure();
    }
    // Each engine numbers its streams from 0; host streams are renumbered
    // after the device streams at the end.
    EngineStreams device{maxStreams, {}, {}}, host{maxHostStreams, {}, {}};
    DenseMap<Operation *, int64_t> streamOf;
    DenseSet<Operation *> onDevice, onHost;
    SmallVector<Operation *> hostTasks;
    int64_t position = 0;
    for (Operation &op : program.getBody().front()) {
      if (!isa<KernelOp, MemcpyOp, HostCallOp, CollectiveOp, ControlOp>(op) ||
          !isTask(&op))
        continue;
      ++position;
      bool isHost = isHostTask(&op);
      EngineStreams &engine = isHost ? host : device;
      DenseSet<Operation *> &mine = isHost ? onHost : onDevice;
      streamOf[&op] = engine.choose(&op, streamOf, mine, position);
      mine.insert(&op);
      if (isHost)
        hostTasks.push_back(&op);
      else
        setStream(&op, streamOf[&op]);
    }
    int64_t deviceStreams = std::max<int64_t>(1, device.tail.size());
    for (Operation *op : hostTasks)
      setStream(op, deviceStreams + streamOf[op]);
    program.setNumStreams(deviceStreams + host.tail.size());
    if (!host.tail.empty()) {
      SmallVector<int64_t> hostStreams;
      for (int64_t s = 0; s < static_cast<int64_t>(host.tail.size()); ++s)
        hostStreams.push_back(deviceStreams + s);
      program.setHostStreams(hostStreams);
    }
  }
};

} // namespace
} // namespace geflow::npu
