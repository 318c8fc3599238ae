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
    DenseMap<Operation *, int64_t> streamOf;
    int64_t position = 0;
    for (Operation &op : program.getBody().front()) {
      if (!isa<KernelOp, MemcpyOp, HostCallOp>(op) || !isTask(&op))
        continue;
      ++position;
      std::optional<int64_t> chosen;
      // Continue a producer's chain when nothing else was issued after it.
      for (Operation *producer : getProducerTasks(&op)) {
        int64_t s = streamOf.lookup(producer);
        if (tail[s] == producer) {
          chosen = s;
          break;
        }
      }
      if (!chosen && static_cast<int64_t>(tail.size()) < maxStreams) {
        chosen = tail.size();
        tail.push_back(nullptr);
        tailPosition.push_back(0);
      }
      if (!chosen) // join the stream idle the longest
        chosen = std::min_element(tailPosition.begin(), tailPosition.end()) -
                 tailPosition.begin();
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
