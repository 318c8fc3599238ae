//===- GEHostNNOps.td - NN ops only the host engine runs -*- tablegen -*-===//
//
// Integer convolution and matmul (int32 accumulation, exact), max pooling
// with its argmax, max unpooling, ROIAlign and a reshape whose shape is read
// at run time. The device kernel library has none of them: they run on the
// host CPU engine under mix_compile_mode (docs/mixed-compute.md).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_GE_HOSTNNOPS
#define GEFLOW_GE_HOSTNNOPS

include "dialects/ge/IR/GEOpBase.td"
include "dialects/ge/IR/GEValueShapedOps.td"

def GE_QuantElementType : AnyTypeOf<[I8, UI8]>;
def GE_QuantTensor : TensorOf<[GE_QuantElementType]>;

def GE_QuantConv2DOp : GE_InferOp<"QuantConv2D", [GE_HostOnlyKernel]> {
  let summary = "2-D convolution of 8-bit integers into int32 (host kernel only)";
  let description = [{
    GE `QuantConv2D` in its integer form (ONNX `ConvInteger`, the
    accumulation of `QLinearConv`): `y = conv(x - x_offset, filter -
    filter_offset) + bias`, accumulated exactly in int32. `x` is NCHW int8
    or uint8, `filter` `[Cout, Cin / groups, KH, KW]` of int8 or uint8,
    `bias` int32 `[Cout]`, `x_offset` one element of x's type,
    `filter_offset` one element or `[Cout]` (per output channel) of the
    filter's type. Padding reads as `x_offset` (a zero after the
    subtraction). Window attributes as for `ge.Conv2D`.
  }];
  let arguments = (ins GE_QuantTensor:$x, GE_QuantTensor:$filter,
                   TensorOf<[I32]>:$bias, GE_QuantTensor:$x_offset,
                   GE_QuantTensor:$filter_offset,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1}">:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs TensorOf<[I32]>:$y);
  let assemblyFormat = [{
    $x `,` $filter `,` $bias `,` $x_offset `,` $filter_offset attr-dict `:`
    functional-type(operands, results)
  }];
}

def GE_QuantBatchMatMulOp : GE_InferOp<"QuantBatchMatMul", [GE_HostOnlyKernel]> {
  let summary = "Batched matmul of 8-bit integers into int32 (host kernel only)";
  let description = [{
    GE `QuantBatchMatmul` in its integer form (ONNX `MatMulInteger`, the
    accumulation of `QLinearMatMul`): `y = (x1 - x1_offset) @ (x2 -
    x2_offset)`, accumulated exactly in int32, batch dims broadcast as
    NumPy does. `x1_offset` is one element or one per row of x1 (`[M]`),
    `x2_offset` one element or one per column of x2 (`[N]`).
  }];
  let arguments = (ins GE_QuantTensor:$x1, GE_QuantTensor:$x2,
                   GE_QuantTensor:$x1_offset, GE_QuantTensor:$x2_offset);
  let results = (outs TensorOf<[I32]>:$y);
  let assemblyFormat = [{
    $x1 `,` $x2 `,` $x1_offset `,` $x2_offset attr-dict `:`
    functional-type(operands, results)
  }];
}

def GE_MaxPoolWithArgmaxOp : GE_InferOp<"MaxPoolWithArgmax",
    [GE_HostOnlyKernel]> {
  let summary = "2-D max pooling with the flat index of each maximum (host kernel only)";
  let description = [{
    GE `MaxPoolWithArgmax` with ONNX's index (ONNX `MaxPool` with its
    `Indices` output): `y` as `ge.MaxPool` (NCHW, same attributes), and
    `argmax` the int64 index of each maximum in x flattened over all of
    N, C, H, W: `((n * C + c) * H + h) * W + w` with `storage_order = 0`,
    `(n * C + c) * H * W + h + w * H` with `storage_order = 1` (column
    major). Padding is never the maximum; ties keep the first element in
    row-major window order.
  }];
  let arguments = (ins TensorOf<[F32, F16, BF16, F64, I8, UI8]>:$x,
                   DenseI64ArrayAttr:$ksize,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1}">:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                   DefaultValuedAttr<I64Attr, "0">:$storage_order);
  let results = (outs GE_Tensor:$y, TensorOf<[I64]>:$argmax);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}

def GE_ROIAlignOp : GE_InferOp<"ROIAlign", [GE_HostOnlyKernel]> {
  let summary = "Bilinear pooling of regions of interest (host kernel only)";
  let description = [{
    GE `ROIAlign` with ONNX's inputs (ONNX `RoiAlign`-10/16): `x` NCHW,
    `rois` `[R, 4]` boxes `[x1, y1, x2, y2]` in input coordinates scaled by
    `spatial_scale`, `batch_indices` `[R]` naming each box's image. Each of
    the `pooled_height` x `pooled_width` bins averages (`pool_mode` "avg")
    or takes the largest of (`pool_mode` "max", as ONNX Runtime weighs
    the corners) `sample_num` x `sample_num` bilinear samples
    (`sample_num` 0: ceil(bin size) per dim). `aligned` shifts the box by
    -0.5 pixel (ONNX's `coordinate_transformation_mode = half_pixel`).
    Result `[R, C, pooled_height, pooled_width]`.
  }];
  let arguments = (ins TensorOf<[F32, F16, BF16, F64]>:$x,
                   TensorOf<[F32, F16, BF16, F64]>:$rois,
                   GE_IndexTensor:$batch_indices,
                   DefaultValuedAttr<F32Attr, "1.0">:$spatial_scale,
                   DefaultValuedAttr<I64Attr, "1">:$pooled_height,
                   DefaultValuedAttr<I64Attr, "1">:$pooled_width,
                   DefaultValuedAttr<I64Attr, "0">:$sample_num,
                   DefaultValuedAttr<StrAttr, "\"avg\"">:$pool_mode,
                   DefaultValuedAttr<BoolAttr, "false">:$aligned);
  let results = (outs TensorOf<[F32, F16, BF16, F64]>:$y);
  let assemblyFormat = [{
    $x `,` $rois `,` $batch_indices attr-dict `:`
    functional-type(operands, results)
  }];
}

def GE_MaxUnpoolOp : GE_ValueShapedOp<"MaxUnpool"> {
  let summary = "Scatter of pooled maxima back to their indices (host kernel only)";
  let description = [{
    ONNX `MaxUnpool` (GE `MaxUnpool2D`'s semantics over any rank): y of
    shape `output_shape` (an int64 vector read at run time, checked
    against the planned result) is zero except at the element of each
    index: the indices are flat over `index_shape` (the default unpooled
    shape; y's own shape when absent) as `ge.MaxPoolWithArgmax` gives them
    (storage order 0), and an index's coordinates there are its
    coordinates in y (a larger output_shape pads at the end, as the ONNX
    reference does). A later index wins; an index outside y fails the run
    naming it.
  }];
  let arguments = (ins GE_Tensor:$x, GE_IndexTensor:$indices,
                   GE_IndexTensor:$output_shape,
                   OptionalAttr<DenseI64ArrayAttr>:$index_shape);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = [{
    $x `,` $indices `,` $output_shape attr-dict `:`
    functional-type(operands, results)
  }];
}

def GE_DynamicReshapeOp : GE_ValueShapedOp<"DynamicReshape"> {
  let summary = "Reshape to a shape read at run time (host kernel only)";
  let description = [{
    GE `Reshape` with its shape computed at run time (ONNX `Reshape`-14
    with `allowzero = 1` and a non-constant shape): `shape` is read when
    the op runs; -1 takes the remaining elements, 0 copies x's dim unless
    `allowzero` (then it is a zero-sized dim). The shape it gives must be
    the planned result's; the elements are copied in order.
  }];
  let arguments = (ins GE_Tensor:$x, GE_IndexTensor:$shape,
                   DefaultValuedAttr<BoolAttr, "true">:$allowzero);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = [{
    $x `,` $shape attr-dict `:` functional-type(operands, results)
  }];
}

#endif // GEFLOW_GE_HOSTNNOPS
