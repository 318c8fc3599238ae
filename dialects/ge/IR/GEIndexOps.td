//===- GEIndexOps.td - Ops computing or consuming element positions -*- tablegen -*-===//
//
// Ops whose semantics are positions along dims: gathering and scattering by
// index, the index of the largest/smallest element, resampling.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_GE_INDEXOPS
#define GEFLOW_GE_INDEXOPS

include "dialects/ge/IR/GEOpBase.td"

def GE_GatherV2Op : GE_InferOp<"GatherV2"> {
  let summary = "Gathers slices of x along axis at indices";
  let description = [{
    GE `GatherV2` with a constant `axis`: the result shape is
    `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. Negative indices
    count from the end of the axis.
  }];
  let arguments = (ins GE_Tensor:$x, GE_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_GatherElementsOp : GE_InferOp<"GatherElements"> {
  let summary = "Gathers single elements of x along dim at the positions in index";
  let description = [{
    GE `GatherElements` (ONNX `GatherElements`, `torch.gather`): `y` has the
    shape of `index`, whose rank equals x's, and

    `y[i_0, ..., i_dim, ..., i_n] = x[i_0, ..., index[i_0, ..., i_n], ..., i_n]`.

    On every dim but `dim` the index tensor is no larger than x; negative
    indices count from the end of `dim`.

    ```mlir
    %y = ge.GatherElements %x, %idx {dim = 1 : i64}
        : (tensor<3x5xf32>, tensor<3x1xi64>) -> tensor<3x1xf32>
    ```
  }];
  let arguments = (ins GE_Tensor:$x, GE_IndexTensor:$index, I64Attr:$dim);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x `,` $index attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_GatherNdOp : GE_InferOp<"GatherNd"> {
  let summary = "Gathers slices of x addressed by the last dim of indices";
  let description = [{
    GE `GatherNd` (ONNX `GatherND`): `indices` has shape `B + I + [k]` with
    `B` the first `batch_dims` dims of x; the result has shape
    `B + I + x.shape[batch_dims + k:]`, each `k`-tuple of indices selecting a
    slice of its batch's x. Negative indices count from the end of their dim.
  }];
  let arguments = (ins GE_Tensor:$x, GE_IndexTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_ScatterElementsOp : GE_InferOp<"ScatterElements"> {
  let summary = "x with single elements along dim replaced by updates";
  let description = [{
    GE `ScatterElements` (ONNX `ScatterElements`, `torch.scatter`): y is x
    with `y[c with c[dim] = indices[c]] = updates[c]` for every coordinate c
    of `indices` (which has the rank of x and the shape of `updates`), applied
    in row-major order of c; `reduction` `add`, `mul`, `max` or `min`
    combines instead of replacing. Negative indices count from the end of `dim`.
  }];
  let arguments = (ins GE_Tensor:$x, GE_IndexTensor:$indices, GE_Tensor:$updates,
                   I64Attr:$dim,
                   DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = [{
    $x `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def GE_ScatterNdUpdateOp : GE_InferOp<"ScatterNdUpdate"> {
  let summary = "x with slices addressed by indices replaced by updates";
  let description = [{
    GE `ScatterNdUpdate` (ONNX `ScatterND`): `indices` has shape `I + [k]`,
    `updates` `I + x.shape[k:]`; each k-tuple of indices selects a slice of x
    that its updates replace (in row-major order of I), or are combined with
    by `reduction` `add` / `mul` / `max` / `min`. Negative indices count
    from the end of their dim.
  }];
  let arguments = (ins GE_Tensor:$x, GE_IndexTensor:$indices, GE_Tensor:$updates,
                   DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = [{
    $x `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

// Index of the extreme element along `dimension`, which the result drops.
class GE_ArgReduceOp<string mnemonic, string which>
    : GE_InferOp<mnemonic, [],
                 "inferArgReduce(diag, adaptor.getX(), "
                 "static_cast<int64_t>(adaptor.getDimension()), "
                 "adaptor.getDtype(), inferred)"> {
  let summary = "Index of the " # which # " element along dimension";
  let description = [{
    GE `}] # mnemonic # [{`: `y` has x's shape without `dimension` (negative
    counts from the end) and holds, per position, the index of the }] # which #
    [{ element along it; ties give the first index and NaN counts as the
    extreme (numpy `arg}] # !if(!eq(which, "largest"), "max", "min") # [{`).
    `dtype` is the result's element type (i32 or i64).
  }];
  let arguments = (ins GE_Tensor:$x, I64Attr:$dimension,
                   TypeAttrOf<GE_IndexElementType>:$dtype);
  let results = (outs GE_IndexTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_ArgMaxDOp : GE_ArgReduceOp<"ArgMaxD", "largest">;
def GE_ArgMinDOp : GE_ArgReduceOp<"ArgMinD", "smallest">;

def GE_ResizeOp : GE_InferOp<"Resize", [AttrSizedOperandSegments]> {
  let summary = "Resamples x to a new shape (nearest, linear or cubic)";
  let description = [{
    GE `Resize` (ONNX `Resize`): every output coordinate maps to a source
    coordinate by `coordinate_transformation_mode` (`half_pixel`,
    `pytorch_half_pixel`, `align_corners`, `asymmetric`,
    `tf_half_pixel_for_nn`, `tf_crop_and_resize` with `roi`), where the scale
    of a dim is `scales[d]` when the `scales` operand is given (read at run
    time) and `out[d] / in[d]` otherwise. `mode` picks the source taps and
    weights per dim: `nearest` (rounded by `nearest_mode`), `linear` (2
    taps) or `cubic` (4 taps, `cubic_coeff_a`); taps outside the input read
    the edge, or are dropped and the weights renormalized with
    `exclude_outside`. Dims combine separably; `tf_crop_and_resize`
    coordinates outside the input give `extrapolation_value`.

    The result shape is `sizes` when given, else `floor(in * scales)` when
    the scales are constant; otherwise the result type must say it. With
    both (ONNX Resize-18's keep_aspect_ratio_policy rounds the size), the
    scales map the coordinates and `sizes` is the shape.
  }];
  let arguments = (ins GE_FloatTensor:$x, Optional<GE_FloatTensor>:$roi,
                   Optional<GE_FloatTensor>:$scales,
                   OptionalAttr<DenseI64ArrayAttr>:$sizes,
                   DefaultValuedAttr<StrAttr, "\"nearest\"">:$mode,
                   DefaultValuedAttr<StrAttr, "\"half_pixel\"">:$coordinate_transformation_mode,
                   DefaultValuedAttr<StrAttr, "\"round_prefer_floor\"">:$nearest_mode,
                   DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a,
                   DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                   DefaultValuedAttr<F32Attr, "0.0f">:$extrapolation_value);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = [{
    $x (`roi` $roi^)? (`scales` $scales^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def GE_GridSampler2DOp : GE_InferOp<"GridSampler2D", [SameOperandsAndResultElementType]> {
  let summary = "Samples x [N, C, H, W] at the normalized coordinates of grid";
  let description = [{
    GE `GridSampler2D` (ONNX `GridSample`, `torch.nn.functional.grid_sample`):
    `grid` is `[N, H_out, W_out, 2]` holding (x, y) in [-1, 1]; the result
    `[N, C, H_out, W_out]` interpolates x there by `interpolation_mode`
    (`bilinear`, `nearest`, `bicubic`), reading outside the image per
    `padding_mode` (`zeros`, `border`, `reflection`); `align_corners` maps -1
    and 1 to the corner pixels' centers instead of their outer edges.
  }];
  let arguments = (ins GE_FloatTensor:$x, GE_FloatTensor:$grid,
                   DefaultValuedAttr<StrAttr, "\"bilinear\"">:$interpolation_mode,
                   DefaultValuedAttr<StrAttr, "\"zeros\"">:$padding_mode,
                   DefaultValuedAttr<BoolAttr, "false">:$align_corners);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = "$x `,` $grid attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // GEFLOW_GE_INDEXOPS
