//===- AssignStreams.cpp - Put independent branches on different streams --===//
#include "dialects/npu/Transforms/Passes.h"
#include "dialects/npu/Transforms/TaskGraph.h"

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

struct NPUAssignStreamsPass : impl::NPUAssignStreamsBase<NPUAssignStreamsPass> {
  using Base::Base;
  void runOnOperation() override {
    ProgramOp program = getOperation();
    if (maxStreams < 1) {
      program.emitError() << "max-streams must be >= 1, got " << maxStreams;
      return signalPassFailure();
    }
    // Last task issued on each open stream, and when (program position).
    SmallVector<Operation *> tail;
    SmallVector<int64_t> tailPosition;
    // Collectives share one stream of their own (GE's HCCL stream), in
    // program order, so every rank issues them in the same order and
    // compute streams run while they communicate.
    std::optional<int64_t> commStream;
    int64_t computeStreams = 0;
    DenseMap<Operation *, int64_t> streamOf;
    int64_t position = 0;
    auto open = [&]() {
      tail.push_back(nullptr);
      tailPosition.push_back(0);
      return static_cast<int64_t>(tail.size()) - 1;
    };
    for (Operation &op : program.getBody().front()) {
      if (!isa<KernelOp, MemcpyOp, HostCallOp, CollectiveOp>(op) ||
          !isTask(&op))
        continue;
      ++position;
      std::optional<int64_t> chosen;
      if (isa<CollectiveOp>(op)) {
        if (!commStream)
          commStream = open();
        chosen = commStream;
      }
      // Continue a producer's chain when nothing else was issued after it.
      for (Operation *producer : getProducerTasks(&op)) {
        if (chosen)
          break;
        int64_t s = streamOf.lookup(producer);
        if (tail[s] == producer && s != commStream)
          chosen = s;
      }
      if (!chosen && computeStreams < maxStreams) {
        chosen = open();
        ++computeStreams;
      }
      if (!chosen) { // join the compute stream idle the longest
        for (int64_t s = 0; s < static_cast<int64_t>(tail.size()); ++s)
          if (s != commStream &&
              (!chosen || tailPosition[s] < tailPosition[*chosen]))
            chosen = s;
      }
      setStream(&op, *chosen);
      streamOf[&op] = *chosen;
      tail[*chosen] = &op;
      tailPosition[*chosen] = position;
    }
    program.setNumStreams(std::max<int64_t>(1, tail.size()));
  }
};

} // namespace
} // namespace geflow::npu
