//===- NPUBase.td - The npu task dialect and its attributes --*- tablegen -*-===//
#ifndef GEFLOW_NPU_BASE
#define GEFLOW_NPU_BASE

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/CommonAttrConstraints.td"

def NPU_Dialect : Dialect {
  let name = "npu";
  let cppNamespace = "::geflow::npu";
  let summary = "Task program of the virtual NPU: kernels, copies, events";
  let description = [{
    The `npu` dialect is what a GE offline model (`.om`) holds: the task
    program of one graph. An `npu.program` lists tasks in issue order; each
    task runs on a stream (`stream` attribute), tasks of one stream run in
    order, and `npu.event_record` / `npu.event_wait` order tasks across
    streams. Values are tensors as in the `ge` dialect, but each names a
    buffer: a program argument is an input slot, an `npu.weight` lives in the
    weight blob, and kernel results live in the arena at the place the memory
    planner writes into their `outputs` attribute (or in an output slot when
    the program returns them).

    The passes run in this order: stream assignment, event insertion, memory
    planning (which needs the cross-stream order events establish), weight
    layout. After them every buffer has a `#npu.buf<region, offset, size>`
    and the program carries its arena size and stream and event counts.
  }];
  let useDefaultAttributePrinterParser = 1;
}

def NPU_Region : I32EnumAttr<"MemRegion", "where a buffer lives", [
    I32EnumAttrCase<"arena", 0>,
    I32EnumAttrCase<"weight", 1>,
    I32EnumAttrCase<"input", 2>,
    I32EnumAttrCase<"output", 3>,
    I32EnumAttrCase<"host", 5> // gfm::HOST (4 is the file's external weights)
  ]> {
  let cppNamespace = "::geflow::npu";
  let genSpecializedAttr = 0;
}

def NPU_BufferAttr : AttrDef<NPU_Dialect, "Buffer"> {
  let mnemonic = "buf";
  let summary = "A placed buffer: region, slot, byte offset and byte size";
  let description = [{
    `#npu.buf<arena, 4096, 1024>` is 1024 bytes at offset 4096 of the arena;
    `#npu.buf<output 1, 0, 64>` is output slot 1; weights use the `weight`
    region; `host` is the host arena of mixed compute (host memory, where
    the tasks of the host CPU engine keep their results). Each arena
    allocation and each weight starts 64-byte aligned;
    slices of an elided concat sit inside their concat's allocation.
  }];
  let parameters = (ins "MemRegion":$region, "uint64_t":$slot,
                        "uint64_t":$offset, "uint64_t":$size);
  let hasCustomAssemblyFormat = 1;
  let extraClassDeclaration = [{
    uint64_t getEnd() const { return getOffset() + getSize(); }
  }];
}

def NPU_TilingAttr : AttrDef<NPU_Dialect, "Tiling"> {
  let mnemonic = "tiling";
  let summary = "Tiling data a kernel's tiling function produced";
  let description = [{
    The opaque tiling blob of one kernel launch (the kernel's tiling struct in
    its stable byte encoding), printed as hex, plus the workspace bytes the
    kernel needs: `#npu.tiling<"0100000002000000", workspace = 4096>`.
  }];
  let parameters = (ins StringRefParameter<"tiling bytes">:$data,
                        "uint64_t":$workspace);
  let hasCustomAssemblyFormat = 1;
}

// Strings (`!ge.string`) reach npu only in host calls and copies.
def NPU_StringElement
    : Type<CPred<"::llvm::isa<::geflow::ge::StringType>($_self)">,
           "ge string">;
def NPU_Tensor : TensorOf<[F32, F16, BF16, I8, UI8, I32, I64, I1, F64, I16,
                              UI16, UI32, UI64, NPU_StringElement]>;

#endif // GEFLOW_NPU_BASE
