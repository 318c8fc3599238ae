//===- NPUOps.td - npu task ops ------------------------------*- tablegen -*-===//
#ifndef GEFLOW_NPU_OPS
#define GEFLOW_NPU_OPS

include "dialects/npu/IR/NPUBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

class NPU_Op<string mnemonic, list<Trait> traits = []>
    : Op<NPU_Dialect, mnemonic, traits>;

def NPU_ProgramOp : NPU_Op<"program", [FunctionOpInterface, IsolatedFromAbove]> {
  let summary = "The task program of one graph (one gear)";
  let description = [{
    Arguments are input slots in order, returned values go to output slots.
    `arena_size` is the bytes one execution needs for intermediate buffers,
    `num_streams` / `num_events` the streams and events the program uses,
    `weights_size` the bytes of its weight blob. Zero means "not planned yet".
    Mixed compute: `host_streams` lists the streams that run on the host CPU
    engine (never stream 0) and `host_arena_size` is the bytes of host
    memory their tasks use per execution.

    ```mlir
    npu.program @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32>
        attributes {arena_size = 0 : i64, num_streams = 1 : i64} {
      %y = npu.kernel "relu"(%x) {block_dim = 1 : i64, ...} : (tensor<1x8xf32>) -> tensor<1x8xf32>
      npu.return %y : tensor<1x8xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs,
                       DefaultValuedAttr<I64Attr, "0">:$arena_size,
                       DefaultValuedAttr<I64Attr, "1">:$num_streams,
                       DefaultValuedAttr<I64Attr, "0">:$num_events,
                       DefaultValuedAttr<I64Attr, "0">:$weights_size,
                       DefaultValuedAttr<I64Attr, "0">:$host_arena_size,
                       OptionalAttr<DenseI64ArrayAttr>:$host_streams);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() { return getFunctionType().getInputs(); }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() { return getFunctionType().getResults(); }
  }];
}

def NPU_ReturnOp : NPU_Op<"return", [Pure, Terminator, HasParent<"ProgramOp">,
                                     ReturnLike]> {
  let summary = "Ends a program; operands go to the output slots in order";
  let description = [{ `npu.return %a, %b : tensor<...>, tensor<...>` }];
  let arguments = (ins Variadic<NPU_Tensor>:$operands);
  let assemblyFormat = "attr-dict ($operands^ `:` type($operands))?";
  let hasVerifier = 1;
}

def NPU_WeightOp : NPU_Op<"weight", [Pure]> {
  let summary = "A constant tensor stored in the weight blob";
  let description = [{
    `value` is the data as the kernel reads it: the logical tensor, or (with
    `packed`) the bytes the consuming kernel's pack function produced.
    `external` weights keep their bytes in a file beside the model instead
    (`file_path`, `file_offset`); `placement` is the weight-blob buffer once
    weights are laid out. `source` names the `ge.Variable` (updatable
    weight) the bytes were derived from: its value itself, converted to the
    result's float dtype, or (with `packed`) packed for the one kernel that
    reads it; the runtime re-derives them the same way on weight update.
  }];
  let arguments = (ins OptionalAttr<ElementsAttr>:$value,
                       UnitAttr:$packed,
                       OptionalAttr<StrAttr>:$file_path,
                       DefaultValuedAttr<I64Attr, "0">:$file_offset,
                       OptionalAttr<NPU_BufferAttr>:$placement,
                       OptionalAttr<StrAttr>:$source);
  let results = (outs NPU_Tensor:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def NPU_KernelOp : NPU_Op<"kernel"> {
  let summary = "Launches a kernel of the kernel library";
  let description = [{
    Runs kernel `kernel` (a registry name) with `block_dim` blocks and the
    given tiling on stream `stream`. `kernel_attrs` are the attributes its
    tiling function read (kept so the runtime can re-tile dynamic shapes).
    After memory planning `outputs` places each result and `workspace` the
    scratch buffer. `inplace_inputs` lists inputs the kernel may overwrite
    with its result (elementwise kernels; the planner decides whether it
    does). An `elided` kernel does no work: its result is a view of its
    inputs laid out contiguously by the planner (free concat). An `on_host`
    kernel runs on the host CPU engine (mixed compute): on a host stream,
    tiled for one host thread, its operands and results in host memory.
  }];
  let arguments = (ins StrAttr:$kernel, Variadic<NPU_Tensor>:$inputs,
                       I64Attr:$block_dim, NPU_TilingAttr:$tiling,
                       DefaultValuedAttr<DictionaryAttr, "{}">:$kernel_attrs,
                       OptionalAttr<I64Attr>:$stream,
                       OptionalAttr<TypedArrayAttrBase<NPU_BufferAttr, "buffers">>:$outputs,
                       OptionalAttr<NPU_BufferAttr>:$workspace,
                       OptionalAttr<DenseI64ArrayAttr>:$inplace_inputs,
                       UnitAttr:$elided,
                       UnitAttr:$on_host);
  let results = (outs Variadic<NPU_Tensor>:$results);
  let assemblyFormat = [{
    $kernel `(` $inputs `)` attr-dict `:` functional-type($inputs, $results)
  }];
  let hasVerifier = 1;
}

def NPU_AliasOp : NPU_Op<"alias", [Pure]> {
  let summary = "A view of a buffer with another shape (no data movement)";
  let description = [{
    Reshape-like ops lower to `npu.alias`: the result is the operand's bytes
    read with another shape, so it costs nothing and shares the operand's
    buffer (and extends its lifetime).
  }];
  let arguments = (ins NPU_Tensor:$source);
  let results = (outs NPU_Tensor:$result);
  let assemblyFormat = "$source attr-dict `:` type($source) `to` type($result)";
  let hasVerifier = 1;
}

def NPU_MemcpyOp : NPU_Op<"memcpy"> {
  let summary = "Copies a buffer into a new one";
  let description = [{
    Device to device where a returned value is not produced by a kernel (a
    program input or a weight returned as is) or where two outputs share a
    buffer. Mixed compute: `direction = "device_to_host"` or
    `"host_to_device"` moves a value between the engines' memories (GE's
    MemcpyAsync between host and device); these copies run on device
    streams and are ordered against the host streams by events.
  }];
  let arguments = (ins NPU_Tensor:$source, OptionalAttr<I64Attr>:$stream,
                       OptionalAttr<NPU_BufferAttr>:$placement,
                       OptionalAttr<StrAttr>:$direction);
  let results = (outs NPU_Tensor:$result);
  let assemblyFormat = "$source attr-dict `:` type($source) `->` type($result)";
  let hasVerifier = 1;
}

def NPU_EventRecordOp : NPU_Op<"event_record"> {
  let summary = "Records event `event` on stream `stream`";
  let description = [{
    Completes when every task issued before it on `stream` has completed.
  }];
  let arguments = (ins I64Attr:$event, I64Attr:$stream);
  let assemblyFormat = "attr-dict";
}

def NPU_EventWaitOp : NPU_Op<"event_wait"> {
  let summary = "Makes stream `stream` wait for event `event`";
  let description = [{
    Tasks issued after it on `stream` start only once the matching
    `npu.event_record` (issued earlier in the program) has completed.
  }];
  let arguments = (ins I64Attr:$event, I64Attr:$stream);
  let assemblyFormat = "attr-dict";
}

def NPU_HostCallOp : NPU_Op<"host_call"> {
  let summary = "Runs a host kernel on the host CPU engine in stream order";
  let description = [{
    An op placed on the host (mixed compute) that has no device kernel runs
    as the host kernel `callee` (its GE op type, registered in the runtime's
    host kernel registry) on host stream `stream`, with `call_attrs` as its
    attributes; its operands and results are in host memory.
  }];
  let arguments = (ins StrAttr:$callee, Variadic<NPU_Tensor>:$inputs,
                       DefaultValuedAttr<DictionaryAttr, "{}">:$call_attrs,
                       OptionalAttr<I64Attr>:$stream,
                       OptionalAttr<TypedArrayAttrBase<NPU_BufferAttr, "buffers">>:$outputs);
  let results = (outs Variadic<NPU_Tensor>:$results);
  let assemblyFormat = [{
    $callee `(` $inputs `)` attr-dict `:` functional-type($inputs, $results)
  }];
}

def NPU_CollectiveOp : NPU_Op<"collective"> {
  let summary = "A collective communication task (HCCL op) on a stream";
  let description = [{
    Runs the GE collective `kind` (`HcomAllReduce`, `HcomAllGather`,
    `HcomReduceScatter`, `HcomBroadcast`, `HcomSend`, `HcomReceive`) over
    the ranks of communication group `group` on `stream`. `comm_attrs`
    carry the op's attributes (`reduction`, `rank_size`, `root_rank`,
    `peer_rank`, `sr_tag`). The runtime starts it without holding an AI
    core and the stream waits for its completion, so tasks of other streams
    (ordered against it by events) run while it communicates.

    ```mlir
    %y = npu.collective "HcomAllReduce"(%x) {group = "hccl_world_group",
        comm_attrs = {reduction = "sum"}} : (tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins StrAttr:$kind, Variadic<NPU_Tensor>:$inputs,
                       StrAttr:$group,
                       DefaultValuedAttr<DictionaryAttr, "{}">:$comm_attrs,
                       OptionalAttr<I64Attr>:$stream,
                       OptionalAttr<TypedArrayAttrBase<NPU_BufferAttr, "buffers">>:$outputs);
  let results = (outs Variadic<NPU_Tensor>:$results);
  let assemblyFormat = [{
    $kind `(` $inputs `)` attr-dict `:` functional-type($inputs, $results)
  }];
  let hasVerifier = 1;
}


def NPU_ControlOp : NPU_Op<"control"> {
  let summary = "Runs compiled subgraphs: an If or a While (GE control flow)";
  let description = [{
    The lowered `ge.ControlCall`: `kind` is `"If"` or `"While"`, `subgraphs`
    index the module's `ge.subgraphs` table of compiled executables, and
    the operands and results are as `ge.ControlCall`'s. On `stream` the
    executor reads the condition on the host, runs the chosen subgraph
    executables (each with its own arena and task program) without holding
    an AI core, and continues the stream when the op is done.

    ```mlir
    %y = npu.control "If"(%c, %x) {subgraphs = array<i64: 0, 1>}
        : (tensor<i1>, tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins StrAttr:$kind, Variadic<NPU_Tensor>:$inputs,
                       DenseI64ArrayAttr:$subgraphs,
                       DefaultValuedAttr<I64Attr, "0">:$num_carried,
                       OptionalAttr<I64Attr>:$stream,
                       OptionalAttr<TypedArrayAttrBase<NPU_BufferAttr, "buffers">>:$outputs);
  let results = (outs Variadic<NPU_Tensor>:$results);
  let assemblyFormat = [{
    $kind `(` $inputs `)` attr-dict `:` functional-type($inputs, $results)
  }];
}

#endif // GEFLOW_NPU_OPS
