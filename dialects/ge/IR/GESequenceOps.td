//===- GESequenceOps.td - ONNX sequence and optional values --*- tablegen -*-===//
#ifndef GEFLOW_GE_SEQUENCEOPS
#define GEFLOW_GE_SEQUENCEOPS

include "dialects/ge/IR/GEOpBase.td"
include "dialects/ge/IR/GETypes.td"

def GE_SequenceConstructOp : GE_Op<"SequenceConstruct", [Pure]> {
  let summary = "A sequence of the given tensors";
  let description = [{
    The static sequence whose elements are the operands, in order (ONNX
    `SequenceConstruct`, `SequenceEmpty` with no operands). The importer
    reads a sequence's elements from this op: every ONNX sequence op
    (`SequenceAt`, `SequenceInsert`, `SequenceErase`, `SequenceLength`,
    `SplitToSequence`, `ConcatFromSequence`, `SequenceMap`) becomes ge ops on
    the elements and a new `ge.SequenceConstruct`. Once a graph is imported
    no op reads a sequence, so the op has no kernel and is erased as dead.
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$elements);
  let results = (outs GE_AnySequence:$sequence);
  let hasVerifier = 1;
  let assemblyFormat = [{
    ($elements^ `:` type($elements))? attr-dict `->` type($sequence)
  }];
}

def GE_OptionalConstructOp : GE_Op<"OptionalConstruct", [Pure]> {
  let summary = "An optional holding the operand, or none";
  let description = [{
    ONNX `Optional`: with an operand (a tensor or a `!ge.sequence`) the
    optional holds it, without one it holds none and its type says the
    declared kind of value. Like `ge.SequenceConstruct` it is resolved at
    import (`OptionalHasElement` is a constant, `OptionalGetElement` the
    operand) and never reaches a kernel.
  }];
  let arguments = (ins Optional<AnyType>:$value);
  let results = (outs GE_AnyOptional:$optional);
  let hasVerifier = 1;
  let assemblyFormat = [{
    ($value^ `:` type($value))? attr-dict `->` type($optional)
  }];
}

#endif // GEFLOW_GE_SEQUENCEOPS
