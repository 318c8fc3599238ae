//===- GEValueShapedOps.td - Ops whose result shape needs values -*- tablegen -*-===//
#ifndef GEFLOW_GE_VALUESHAPEDOPS
#define GEFLOW_GE_VALUESHAPEDOPS

include "dialects/ge/IR/GEOpBase.td"

// An op whose result shape follows from input values, not only shapes
// (GE's "third-class" ops: Slice with runtime bounds, NonZero, Unique,
// ...). Programs have static shapes, so the importer fixes each result's
// type (ONNX shape inference or the model's declaration); the host kernel
// computes the shape from the values at run time and fails, naming both,
// when it differs. Only the host CPU engine runs them (mix_compile_mode).
class GE_ValueShapedOp<string mnemonic, list<Trait> traits = []>
    : GE_Op<mnemonic, traits # [Pure, GE_HostOnlyKernel]> {
  let hasVerifier = 1;
}

def GE_StridedSliceV2Op : GE_ValueShapedOp<"StridedSliceV2"> {
  let summary = "Slice with bounds given as tensors (host kernel only)";
  let description = [{
    GE `StridedSliceV2` (ONNX `Slice` whose starts, ends, axes or steps are
    computed at run time): `starts`, `ends`, `axes` and `steps` are 1-D
    integer tensors of one length, read when the op runs, with ONNX's
    clamping of out-of-range bounds. Constant bounds import as
    `ge.StridedSlice`.
  }];
  let arguments = (ins GE_Tensor:$x, GE_IndexTensor:$starts,
                   GE_IndexTensor:$ends, GE_IndexTensor:$axes,
                   GE_IndexTensor:$steps);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = [{
    $x `,` $starts `,` $ends `,` $axes `,` $steps attr-dict `:`
    functional-type(operands, results)
  }];
}

def GE_PadV3Op : GE_ValueShapedOp<"PadV3"> {
  let summary = "Pad with pads given as a tensor (host kernel only)";
  let description = [{
    GE `PadV3` (ONNX `Pad` whose pads or constant_value are computed at run
    time): `paddings` holds ONNX's [x1_begin, ..., x1_end, ...] (negative
    entries crop), `constant_values` one element of x's type; `mode` is
    constant, edge or reflect. Constant pads import as `ge.Pad`.
  }];
  let arguments = (ins GE_Tensor:$x, GE_IndexTensor:$paddings,
                   GE_Tensor:$constant_values,
                   DefaultValuedAttr<StrAttr, "\"constant\"">:$mode);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = [{
    $x `,` $paddings `,` $constant_values attr-dict `:`
    functional-type(operands, results)
  }];
}

def GE_ReduceSumAxesOp : GE_ValueShapedOp<"ReduceSumAxes"> {
  let summary = "Sum over axes given as a tensor (host kernel only)";
  let description = [{
    GE `ReduceSum` with its axes as an input (ONNX `ReduceSum`-13 whose
    axes are computed at run time; `ge.ReduceSum` is GE's `ReduceSumD`,
    axes as an attribute). Empty axes reduce every dim, or leave x as it is
    with `noop_with_empty_axes`.
  }];
  let arguments = (ins GE_Tensor:$x, GE_IndexTensor:$axes,
                   DefaultValuedAttr<BoolAttr, "true">:$keep_dims,
                   DefaultValuedAttr<BoolAttr, "false">:$noop_with_empty_axes);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = [{
    $x `,` $axes attr-dict `:` functional-type(operands, results)
  }];
}

def GE_TopKOp : GE_ValueShapedOp<"TopK"> {
  let summary = "The k largest or smallest elements along an axis (host kernel only)";
  let description = [{
    GE `TopK` (ONNX `TopK`-10/11): `values` and int64 `indices` of the `k`
    largest (`largest`) or smallest elements along `axis` (normalized to
    [0, rank)), sorted, ties by lower index. `k` is a one-element tensor
    read at run time; the result's dim `axis` is k.
  }];
  let arguments = (ins GE_Tensor:$x, GE_IndexTensor:$k, I64Attr:$axis,
                   DefaultValuedAttr<BoolAttr, "true">:$largest,
                   DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs GE_Tensor:$values, TensorOf<[I64]>:$indices);
  let assemblyFormat = [{
    $x `,` $k attr-dict `:` functional-type(operands, results)
  }];
}

def GE_NonZeroOp : GE_ValueShapedOp<"NonZero"> {
  let summary = "Coordinates of the non-zero elements (host kernel only)";
  let description = [{
    GE `NonZero` (ONNX `NonZero`): int64 [rank of x, count], the coordinates
    of x's non-zero elements in row-major order.
  }];
  let arguments = (ins GE_Tensor:$x);
  let results = (outs TensorOf<[I64]>:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}

def GE_UniqueOp : GE_ValueShapedOp<"Unique"> {
  let summary = "Distinct slices or elements (host kernel only)";
  let description = [{
    ONNX `Unique` (GE `UniqueWithCountsExt2`): the distinct slices of x
    along `axis` (distinct elements of x flattened without it), ascending
    when `sorted`, else in order of first occurrence; `indices` of each
    first occurrence, `inverse_indices` rebuilding x, `counts`.
  }];
  let arguments = (ins GE_Tensor:$x, OptionalAttr<I64Attr>:$axis,
                   DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs GE_Tensor:$y, TensorOf<[I64]>:$indices,
                 TensorOf<[I64]>:$inverse_indices, TensorOf<[I64]>:$counts);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}

def GE_NonMaxSuppressionOp : GE_ValueShapedOp<"NonMaxSuppression"> {
  let summary = "Greedy box selection by IoU (host kernel only)";
  let description = [{
    ONNX `NonMaxSuppression` (GE `NonMaxSuppressionV6`): per batch and class,
    boxes scoring above `score_threshold`, best first, each kept unless its
    IoU with a kept box exceeds `iou_threshold`, at most
    `max_output_boxes_per_class`; rows [batch, class, box] of int64.
    `center_point_box` = 1 reads boxes as [x_center, y_center, w, h].
  }];
  let arguments = (ins TensorOf<[F32]>:$boxes, TensorOf<[F32]>:$scores,
                   GE_IndexTensor:$max_output_boxes_per_class,
                   TensorOf<[F32]>:$iou_threshold,
                   TensorOf<[F32]>:$score_threshold,
                   DefaultValuedAttr<I64Attr, "0">:$center_point_box);
  let results = (outs TensorOf<[I64]>:$selected_indices);
  let assemblyFormat = [{
    $boxes `,` $scores `,` $max_output_boxes_per_class `,` $iou_threshold `,`
    $score_threshold attr-dict `:` functional-type(operands, results)
  }];
}

#endif // GEFLOW_GE_VALUESHAPEDOPS
