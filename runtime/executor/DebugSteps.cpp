//===- DebugSteps.cpp - Enqueueing a step with profiling on ---------------===//
//
// The plain path (Context.cpp) launches each kernel straight; a profiled
// run wraps it so each block stamps its AI core and clock, and marks event
// records (before the record) and waits (once satisfied) with callbacks,
// which is where trace.json draws its flows between streams.
//
//===----------------------------------------------------------------------===//
#include "Context.h"

#include "geflow/runtime/Device.h"

#include <stdexcept>

namespace geflow::rt::exec {

namespace {

Status launchTimedKernel(Stream &stream, const Step &step,
                         const kernels::KernelArgs *args, uint32_t blockDim,
                         std::shared_ptr<RunTrace> trace, TaskSpan *span) {
  span->blocks.assign(blockDim, BlockSpan{});
  kernels::KernelFn fn = step.fn;
  return stream.launchBlocks(
      step.label, blockDim,
      [fn, args, blockDim, span, keep = std::move(trace)](uint32_t b) {
        BlockSpan &block = span->blocks[b];
        block.core = currentAiCore();
        block.startNs = Profiler::nowNs();
        int32_t code = fn(*args, b, blockDim);
        block.endNs = Profiler::nowNs();
        if (code != 0)
          throw std::runtime_error("kernel returned " + std::to_string(code) +
                                   " in block " + std::to_string(b) + " of " +
                                   std::to_string(blockDim));
      });
}

Status stamp(Stream &stream, std::shared_ptr<RunTrace> trace, TaskSpan *span) {
  return stream.launchCallback(
      "profiling stamp", [span, keep = std::move(trace)]() {
        span->startNs = span->endNs = Profiler::nowNs();
        return Status::OK();
      });
}

} // namespace

Status enqueueDebugStep(const GearPlan &plan, size_t i, Stream &stream,
                        ExecContext &ctx, GearState &gear, uint32_t blockDim,
                        const RunDebug &debug) {
  const Step &step = plan.steps[i];
  TaskSpan *span = debug.trace ? &debug.trace->spans[i] : nullptr;
  switch (step.kind) {
  case StepKind::Kernel: {
    const kernels::KernelArgs *args = &gear.kernelArgs[step.index];
    if (span)
      return launchTimedKernel(stream, step, args, blockDim, debug.trace, span);
    return stream.launchKernel(step.label, step.fn, *args, blockDim);
  }
  case StepKind::Record:
    if (span)
      GEFLOW_RETURN_IF_ERROR(stamp(stream, debug.trace, span));
    return stream.recordEvent(ctx.events[step.index]);
  case StepKind::Wait:
    GEFLOW_RETURN_IF_ERROR(stream.waitEvent(ctx.events[step.index]));
    if (span)
      return stamp(stream, debug.trace, span);
    return Status::OK();
  case StepKind::HostCall: {
    HostOpFn fn = plan.hostCalls[step.index].fn;
    const HostCallArgs *args = &gear.hostArgs[step.index];
    return stream.launchCallback(step.label,
                                 [fn, args, span, keep = debug.trace]() {
                                   if (span)
                                     span->startNs = Profiler::nowNs();
                                   Status st = fn(*args);
                                   if (span)
                                     span->endNs = Profiler::nowNs();
                                   return st;
                                 });
  }
  }
  return Status::OK();
}

} // namespace geflow::rt::exec
