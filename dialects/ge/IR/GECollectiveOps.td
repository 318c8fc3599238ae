//===- GECollectiveOps.td - HCCL collective communication ops -*- tablegen -*-===//
//
// GE's `Hcom*` ops: collective communication between the ranks of a group
// (HCCL on Ascend; Open MPI in geflow, see docs/distributed.md). They read
// and write memory other ranks see, so they are never folded, hoisted,
// merged (CSE) or dropped (DCE) even when their result is unused.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_GE_COLLECTIVEOPS
#define GEFLOW_GE_COLLECTIVEOPS

include "dialects/ge/IR/GEOpBase.td"

// A collective: side effects on the communication group instead of Pure;
// result types inferred like every other ge op.
class GE_CollectiveOp<string mnemonic, list<Trait> traits = []>
    : GE_Op<mnemonic, traits # [MemoryEffects<[MemRead, MemWrite]>,
                                InferTypeOpAdaptorWithIsCompatible]> {
  let extraClassDefinition = [{
    bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange l,
                                            ::mlir::TypeRange r) {
      return ::geflow::ge::areCompatibleResultTypes(l, r);
    }
  }];
  let hasVerifier = 1;
}

defvar GE_WorldGroup = "\"hccl_world_group\"";

def GE_HcomAllReduceOp : GE_CollectiveOp<"HcomAllReduce"> {
  let summary = "All-reduce across the ranks of a communication group";
  let description = [{
    GE `HcomAllReduce`: every rank of `group` gets the elementwise
    `reduction` ("sum", "prod", "max" or "min") of `x` over all ranks.
    `fusion`/`fusion_id` are GE's gradient-fusion hints, kept for
    round-trips. With one rank it is the identity.

    ```mlir
    %y = ge.HcomAllReduce %x {reduction = "sum"} : tensor<4x8xf32>
    ```
  }];
  let arguments = (ins GE_Tensor:$x,
                   DefaultValuedAttr<StrAttr, "\"sum\"">:$reduction,
                   DefaultValuedAttr<StrAttr, GE_WorldGroup>:$group,
                   DefaultValuedAttr<I64Attr, "1">:$fusion,
                   DefaultValuedAttr<I64Attr, "-1">:$fusion_id);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` type($x)";
}

def GE_HcomAllGatherOp : GE_CollectiveOp<"HcomAllGather"> {
  let summary = "Gathers `x` of every rank, concatenated along dim 0";
  let description = [{
    GE `HcomAllGather`: `y` is the `x` of rank 0, then of rank 1, ...,
    concatenated along dim 0, on every rank of `group`; `rank_size` is the
    group's rank count (dim 0 of `y` is `rank_size` times that of `x`).

    ```mlir
    %y = ge.HcomAllGather %x {rank_size = 2 : i64} : (tensor<2x8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins GE_Tensor:$x, I64Attr:$rank_size,
                   DefaultValuedAttr<StrAttr, GE_WorldGroup>:$group);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type($x, $y)";
}

def GE_HcomReduceScatterOp : GE_CollectiveOp<"HcomReduceScatter"> {
  let summary = "Reduces `x` across ranks and gives each rank one dim-0 slice";
  let description = [{
    GE `HcomReduceScatter`: the elementwise `reduction` of `x` over the ranks
    of `group` is split along dim 0 into `rank_size` equal slices; rank r
    gets slice r. Dim 0 of `x` must be a multiple of `rank_size`.

    ```mlir
    %y = ge.HcomReduceScatter %x {rank_size = 2 : i64} : (tensor<4x8xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins GE_Tensor:$x, I64Attr:$rank_size,
                   DefaultValuedAttr<StrAttr, "\"sum\"">:$reduction,
                   DefaultValuedAttr<StrAttr, GE_WorldGroup>:$group,
                   DefaultValuedAttr<I64Attr, "1">:$fusion,
                   DefaultValuedAttr<I64Attr, "-1">:$fusion_id);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type($x, $y)";
}

def GE_HcomBroadcastOp : GE_CollectiveOp<"HcomBroadcast"> {
  let summary = "Every rank gets the tensors of rank `root_rank`";
  let description = [{
    GE `HcomBroadcast`: `y[i]` is `x[i]` of rank `root_rank` of `group`, on
    every rank (GE's inputs and outputs are dynamic lists).

    ```mlir
    %a, %b = ge.HcomBroadcast %x, %w {root_rank = 0 : i64} : (tensor<4xf32>, tensor<2xi32>) -> (tensor<4xf32>, tensor<2xi32>)
    ```
  }];
  let arguments = (ins Variadic<GE_Tensor>:$x, I64Attr:$root_rank,
                   DefaultValuedAttr<StrAttr, GE_WorldGroup>:$group,
                   DefaultValuedAttr<I64Attr, "0">:$fusion,
                   DefaultValuedAttr<I64Attr, "-1">:$fusion_id);
  let results = (outs Variadic<GE_Tensor>:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type($x, $y)";
}

def GE_HcomSendOp : GE_CollectiveOp<"HcomSend"> {
  let summary = "Sends `x` to rank `dest_rank` of `group`";
  let description = [{
    GE `HcomSend`: point-to-point send, matched by the `HcomReceive` of rank
    `dest_rank` with the same `sr_tag` (and a `src_rank` naming this rank).
    It has no result; it is kept because of its side effect.

    ```mlir
    ge.HcomSend %x {dest_rank = 1 : i64, sr_tag = 7 : i64} : tensor<4xf32>
    ```
  }];
  let arguments = (ins GE_Tensor:$x, I64Attr:$dest_rank, I64Attr:$sr_tag,
                   DefaultValuedAttr<StrAttr, GE_WorldGroup>:$group);
  let assemblyFormat = "$x attr-dict `:` type($x)";
}

def GE_HcomReceiveOp : GE_CollectiveOp<"HcomReceive"> {
  let summary = "Receives a tensor of `shape` and `dtype` from `src_rank`";
  let description = [{
    GE `HcomReceive`: point-to-point receive of the `HcomSend` of rank
    `src_rank` of `group` with the same `sr_tag`; `shape` and `dtype` give
    the received tensor (the sent tensor must have exactly its bytes).

    ```mlir
    %y = ge.HcomReceive {src_rank = 0 : i64, sr_tag = 7 : i64, shape = array<i64: 4>, dtype = f32} : tensor<4xf32>
    ```
  }];
  let arguments = (ins I64Attr:$src_rank, I64Attr:$sr_tag,
                   DenseI64ArrayAttr:$shape, TypeAttr:$dtype,
                   DefaultValuedAttr<StrAttr, GE_WorldGroup>:$group);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "attr-dict `:` type($y)";
}

#endif // GEFLOW_GE_COLLECTIVEOPS
