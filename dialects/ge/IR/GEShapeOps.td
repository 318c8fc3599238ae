//===- GEShapeOps.td - Shape manipulation ops ---------------*- tablegen -*-===//
#ifndef GEFLOW_GE_SHAPEOPS
#define GEFLOW_GE_SHAPEOPS

include "dialects/ge/IR/GEOpBase.td"

def GE_IdentityOp : GE_InferOp<"Identity"> {
  let summary = "y = x";
  let description = [{ GE `Identity`; folds away. }];
  let arguments = (ins GE_Tensor:$x);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_TransDataOp : GE_InferOp<"TransData", [SameOperandsAndResultElementType]> {
  let summary = "Changes a tensor's memory format";
  let description = [{
    GE `TransData`: the logical shape stays, the format encoding of the result
    is `dst_format`; `src_format` must be the operand's format (ND when it
    has none).

    ```mlir
    %y = ge.TransData %x {src_format = #ge.format<NCHW>, dst_format = #ge.format<NC1HWC0>}
        : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32, #ge.format<NC1HWC0>>
    ```
  }];
  let arguments = (ins GE_Tensor:$x, GE_FormatAttr:$src_format,
                   GE_FormatAttr:$dst_format);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_ReshapeOp : GE_InferOp<"Reshape"> {
  let summary = "Reshapes x to the shape held by `shape`";
  let description = [{
    GE `Reshape`. `shape` is a 1-D i32/i64 tensor; when it is constant, one
    entry may be -1 (inferred from the element count) and 0 copies the input
    dim at that position (ONNX `allowzero = 0`). A non-constant `shape` gives
    a result of unknown dims.
  }];
  let arguments = (ins GE_Tensor:$x, GE_IndexTensor:$shape);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def GE_TransposeOp : GE_InferOp<"Transpose", [SameOperandsAndResultElementType]> {
  let summary = "Permutes dims: y.shape[i] = x.shape[perm[i]]";
  let description = [{ GE `TransposeD`; `perm` is a permutation of [0, rank). }];
  let arguments = (ins GE_Tensor:$x, DenseI64ArrayAttr:$perm);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def GE_ConcatV2Op : GE_InferOp<"ConcatV2"> {
  let summary = "Concatenates tensors along concat_dim";
  let description = [{
    GE `ConcatV2D`: every operand has the same rank and element type and the
    same dims except `concat_dim` (negative counts from the end).
  }];
  let arguments = (ins Variadic<GE_Tensor>:$x, I64Attr:$concat_dim);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_SplitOp : GE_InferOp<"Split"> {
  let summary = "Splits x along split_dim into pieces of size_splits";
  let description = [{
    GE `SplitVD`: `size_splits` gives each piece's extent along `split_dim`
    and must sum to that dim.
  }];
  let arguments = (ins GE_Tensor:$x, I64Attr:$split_dim,
                   DenseI64ArrayAttr:$size_splits);
  let results = (outs Variadic<GE_Tensor>:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_StridedSliceOp : GE_InferOp<"StridedSlice", [SameOperandsAndResultElementType]> {
  let summary = "Strided slice with one begin/end/stride per dim";
  let description = [{
    GE `StridedSliceD` with masks resolved: `begin`, `end` and `strides` have
    one entry per dim, already clamped (`0 <= begin <= dim`, `-1 <= end <=
    dim`; strides non-zero, negative strides walk backwards).
  }];
  let arguments = (ins GE_Tensor:$x, DenseI64ArrayAttr:$begin,
                   DenseI64ArrayAttr:$end, DenseI64ArrayAttr:$strides);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_SliceOp : GE_InferOp<"Slice", [SameOperandsAndResultElementType]> {
  let summary = "Contiguous slice: `size` elements from `offsets` per dim";
  let description = [{ GE `SliceD`; a size of -1 means "to the end of the dim". }];
  let arguments = (ins GE_Tensor:$x, DenseI64ArrayAttr:$offsets,
                   DenseI64ArrayAttr:$size);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_PadOp : GE_InferOp<"Pad", [SameOperandsAndResultElementType]> {
  let summary = "Pads each dim with paddings[2i] before and paddings[2i+1] after";
  let description = [{
    GE `PadV3`: `mode` is "constant" (with `constant_value`), "reflect" or
    "edge"; `paddings` has two non-negative entries per dim.
  }];
  let arguments = (ins GE_Tensor:$x, DenseI64ArrayAttr:$paddings,
                   DefaultValuedAttr<StrAttr, "\"constant\"">:$mode,
                   DefaultValuedAttr<F32Attr, "0.0f">:$constant_value);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_ExpandDimsOp : GE_InferOp<"ExpandDims", [SameOperandsAndResultElementType]> {
  let summary = "Inserts size-1 dims at axes of the result";
  let description = [{
    GE `ExpandDims` / `Unsqueeze`: `axes` index the result (rank + number of
    axes), negative ones count from its end; duplicates are an error.
  }];
  let arguments = (ins GE_Tensor:$x, DenseI64ArrayAttr:$axes);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_SqueezeOp : GE_InferOp<"Squeeze", [SameOperandsAndResultElementType]> {
  let summary = "Removes size-1 dims";
  let description = [{
    GE `Squeeze`: removes the dims listed in `axis` (each must be 1), or every
    size-1 dim when `axis` is empty.
  }];
  let arguments = (ins GE_Tensor:$x,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axis);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_TileOp : GE_InferOp<"Tile", [SameOperandsAndResultElementType]> {
  let summary = "Repeats x multiples[i] times along dim i";
  let description = [{ GE `TileD`; one positive multiple per dim. }];
  let arguments = (ins GE_Tensor:$x, DenseI64ArrayAttr:$multiples);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_BroadcastToOp : GE_InferOp<"BroadcastTo", [SameOperandsAndResultElementType]> {
  let summary = "Broadcasts x against `shape` (NumPy rules)";
  let description = [{
    GE `BroadcastToD` / ONNX `Expand`: the result shape is the NumPy
    broadcast of x's shape and `shape`.
  }];
  let arguments = (ins GE_Tensor:$x, DenseI64ArrayAttr:$shape);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_ShapeOp : GE_InferOp<"Shape"> {
  let summary = "The shape of x as a 1-D tensor";
  let description = [{
    GE `Shape`; the result element type is `dtype` (i32 or i64). Folds to a
    constant when x's shape is static.
  }];
  let arguments = (ins GE_Tensor:$x, TypeAttr:$dtype);
  let results = (outs GE_IndexTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

#endif // GEFLOW_GE_SHAPEOPS
