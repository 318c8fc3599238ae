//===- DebugSteps.cpp - Enqueueing a step with profiling on ---------------===//
//
// The plain path (Context.cpp) launches each kernel straight; a profiled
// run wraps it so each block stamps its AI core and clock, and marks event
// records (before the record) and waits (once satisfied) with callbacks,
// which is where trace.json draws its flows between streams. A dumped run
// puts a callback before each watched task (inputs: dumped, and kept for
// the overflow check) and one after it (outputs: dumped and checked).
//
//===----------------------------------------------------------------------===//
#include "Context.h"

#include "geflow/runtime/Device.h"

#include <sched.h>
#include <stdexcept>

namespace geflow::rt::exec {

namespace {

/// The kernel through a wrapper: each block stamps its core and clock
/// (`span`), and a failing block dumps the task's inputs (`dump`).
Status launchWrappedKernel(Stream &stream, const Step &step, size_t i,
                           const kernels::KernelArgs *args, uint32_t blockDim,
                           const RunDebug &debug, TaskSpan *span) {
  if (span)
    span->blocks.assign(blockDim, BlockSpan{});
  kernels::KernelFn fn = step.fn;
  return stream.launchBlocks(
      step.label, blockDim,
      [fn, args, blockDim, span, i, trace = debug.trace,
       dump = debug.dump](uint32_t b) {
        BlockSpan *block = span ? &span->blocks[b] : nullptr;
        if (block) {
          block->core = currentAiCore();
          block->device = currentAiCoreDevice();
          block->cpu = sched_getcpu();
          block->startNs = Profiler::nowNs();
        }
        int32_t code = fn(*args, b, blockDim);
        if (block)
          block->endNs = Profiler::nowNs();
        if (code != 0) {
          if (dump)
            dumpOnFailure(*dump, i);
          throw std::runtime_error("kernel returned " + std::to_string(code) +
                                   " in block " + std::to_string(b) + " of " +
                                   std::to_string(blockDim));
        }
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
  const bool watch = debug.dump && debug.dump->watches(i);
  const void *const *inputs = nullptr;
  void *const *outputs = nullptr;
  if (step.kind == StepKind::Kernel) {
    inputs = gear.kernelArgs[step.index].inputs;
    outputs = gear.kernelArgs[step.index].outputs;
  } else if (step.kind == StepKind::HostCall) {
    inputs = gear.hostArgs[step.index].inputs;
    outputs = gear.hostArgs[step.index].outputs;
  } else if (step.kind == StepKind::Collective) {
    const CollectiveLayout &l = plan.collectives[step.index];
    inputs = gear.pointers.data() + l.firstPointer;
    outputs = gear.pointers.data() + l.firstPointer + l.numInputs;
  } else if (step.kind == StepKind::Control) {
    const ControlLayout &l = plan.controls[step.index];
    inputs = gear.pointers.data() + l.firstPointer;
    outputs = gear.pointers.data() + l.firstPointer + l.numInputs;
  }
  if (watch)
    GEFLOW_RETURN_IF_ERROR(
        stream.launchCallback("dump inputs", [dump = debug.dump, i, inputs]() {
          dumpBefore(*dump, i, inputs);
          return Status::OK();
        }));
  switch (step.kind) {
  case StepKind::Kernel: {
    const kernels::KernelArgs *args = &gear.kernelArgs[step.index];
    if (span || watch)
      GEFLOW_RETURN_IF_ERROR(
          launchWrappedKernel(stream, step, i, args, blockDim, debug, span));
    else
      GEFLOW_RETURN_IF_ERROR(
          stream.launchKernel(step.label, step.fn, *args, blockDim));
    break;
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
    GEFLOW_RETURN_IF_ERROR(stream.launchCallback(
        step.label,
        [fn, args, span, i, trace = debug.trace, dump = debug.dump]() {
          if (span)
            span->startNs = Profiler::nowNs();
          Status st = fn(*args);
          if (span)
            span->endNs = Profiler::nowNs();
          if (!st.ok() && dump)
            dumpOnFailure(*dump, i);
          return st;
        }));
    break;
  }
  case StepKind::Collective:
    if (span)
      GEFLOW_RETURN_IF_ERROR(stamp(stream, debug.trace, span));
    GEFLOW_RETURN_IF_ERROR(enqueueCollective(plan, step, stream, ctx, gear));
    break;
  case StepKind::Control:
    if (span)
      GEFLOW_RETURN_IF_ERROR(stamp(stream, debug.trace, span));
    GEFLOW_RETURN_IF_ERROR(enqueueControl(plan, step, stream, ctx, gear));
    break;
  }
  if (watch)
    return stream.launchCallback("dump outputs",
                                 [dump = debug.dump, i, inputs, outputs]() {
                                   dumpAfter(*dump, i, inputs, outputs);
                                   return Status::OK();
                                 });
  return Status::OK();
}

} // namespace geflow::rt::exec
