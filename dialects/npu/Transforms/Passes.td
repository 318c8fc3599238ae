//===- Passes.td - npu task-program passes -------------------*- tablegen -*-===//
#ifndef GEFLOW_NPU_PASSES
#define GEFLOW_NPU_PASSES

include "mlir/Pass/PassBase.td"

def NPUBindOutputs : Pass<"npu-bind-outputs", "::geflow::npu::ProgramOp"> {
  let summary = "Let the tasks that produce program results write output slots";
  let description = [{
    A returned value produced by a kernel is written straight into its output
    slot (`#npu.buf<output i, 0, size>`), so no final copy is needed. A
    returned program input, weight, or a value returned twice gets an
    `npu.memcpy` into the slot instead. Aliases are followed to the buffer
    they view.
  }];
}

def NPUInsertEngineCopies : Pass<"npu-insert-engine-copies", "::geflow::npu::ProgramOp"> {
  let summary = "Copy values between device and host memory at engine boundaries";
  let description = [{
    Mixed compute: a host task (`on_host` kernel, `npu.host_call`) reads and
    writes host memory, every other task device memory. Where a task reads
    a value that lives in the other engine's memory (a program input or a
    device result read on the host, a host result read on the device or
    returned), an `npu.memcpy` with `direction = "device_to_host"` or
    `"host_to_device"` is inserted right after the value's producer (after
    the program's start for inputs), once per value and direction, and the
    readers use the copy. Weights are read in place by both engines. The
    copies are device tasks; stream assignment and event insertion order
    them against the host streams like any other producer and consumer.
  }];
}

def NPUElideConcat : Pass<"npu-elide-concat", "::geflow::npu::ProgramOp"> {
  let summary = "Make concats free by laying their inputs out contiguously";
  let description = [{
    A `concat` kernel whose inputs are contiguous slices of its result (every
    dim before the concat axis is 1, no format encoding) and are each
    produced by a task of this program (not an input, weight, output slot or
    another elided concat) is marked `elided`: the producers write straight
    into the slices of the result and the concat task disappears. The memory
    planner places the slices.
  }];
}

def NPUAssignStreams : Pass<"npu-assign-streams", "::geflow::npu::ProgramOp"> {
  let summary = "Put independent branches on different streams";
  let description = [{
    Walks tasks in order; a task continues the stream of a producer whose
    stream has issued nothing since that producer (the chain goes on without
    an event), otherwise it opens a new stream while fewer than
    `max-streams` (GE's `stream_max_parallel_num`) are open, and otherwise
    joins the stream that went idle earliest. Collective tasks
    (`npu.collective`) all go to one stream of their own, in program order
    (every rank issues them in the same order), not counted in
    `max-streams`: compute on the other streams overlaps communication.
    Sets `num_streams`.

    Mixed compute: host tasks (`on_host` kernels, host calls) get streams of
    their own the same way, at most `max-host-streams` (the host engine's
    count in `stream_max_parallel_num`, e.g. `DNN_VM_HOST_CPU:2`), numbered
    after the device streams and listed in `host_streams`; stream 0 is
    always a device stream (the caller's).
  }];
  let options = [
    Option<"maxStreams", "max-streams", "int64_t", /*default=*/"4",
           "Most streams the program may use (stream_max_parallel_num)">,
    Option<"maxHostStreams", "max-host-streams", "int64_t", /*default=*/"1",
           "Most host CPU engine streams (mixed compute)">
  ];
}

def NPUInsertEvents : Pass<"npu-insert-events", "::geflow::npu::ProgramOp"> {
  let summary = "Order cross-stream dependencies with event record/wait pairs";
  let description = [{
    For each task that consumes a value produced on another stream, records
    an event after the producer and waits for it before the consumer. A wait
    already implied by an earlier one (tracked with one vector clock per
    stream, so waits through third streams count too) is dropped, and each
    producer is recorded at most once. Sets `num_events`.
  }];
}

def NPUPlanMemory : Pass<"npu-plan-memory", "::geflow::npu::ProgramOp"> {
  let summary = "Assign arena offsets with liveness-based reuse";
  let description = [{
    Gives every kernel result, memcpy result and workspace an arena offset.
    Values in host memory (results and workspaces of host tasks, results of
    device_to_host copies) are planned the same way in a second arena, the
    host arena (`host_arena_size`).
    Two buffers may share bytes only if every task touching one happens
    before every task writing the other (program order on one stream, events
    across streams). Elementwise kernels write in place over an input that
    dies at them; elided concats place their inputs as slices of the result.

    Like GE's hybrid memory assigner it runs several greedy strategies (by
    size, by first use, by lifetime length, by size x lifetime) and keeps the
    smallest plan. It records `npu.naive_size` (every buffer separate) and
    `npu.max_live` beside `arena_size`: the largest total of buffers that
    are live together while some task runs in every schedule the streams
    and events allow (a lower bound for any plan; for one stream it is the
    usual max-live).

    `no-reuse` (GE's OP_NO_REUSE_MEM) names ops whose results and
    workspaces share bytes with no other buffer and are not overwritten in
    place: a name matches a kernel whose location names that node, a type
    matches its kernel name ignoring case and underscores (`MaxPool` is
    `max_pool`).
  }];
  let options = [
    Option<"strategy", "strategy", "std::string", /*default=*/"\"best\"",
           "best, size, first-use, lifetime or area">,
    Option<"inPlace", "in-place", "bool", /*default=*/"true",
           "Let elementwise kernels overwrite an input that dies at them">,
    ListOption<"noReuse", "no-reuse", "std::string",
               "Node names or op types (GE's OP_NO_REUSE_MEM) whose results "
               "and workspaces get arena bytes of their own">
  ];
}

def NPULayoutWeights : Pass<"npu-layout-weights", "::mlir::ModuleOp"> {
  let summary = "Place weights in one 64-byte aligned blob, sharing equal ones";
  let description = [{
    Assigns each `npu.weight` with a value an offset in the module's weight
    blob (in program order, 64-byte aligned). Weights with identical bytes
    share one placement, also across the programs of different gears, so a
    model compiled for several gears stores its weights once. Sets
    `weights_size` on every program.
  }];
}

#endif // GEFLOW_NPU_PASSES
