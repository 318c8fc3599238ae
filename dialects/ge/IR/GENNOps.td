//===- GENNOps.td - Convolution, matmul, pooling, norm ops ---*- tablegen -*-===//
#ifndef GEFLOW_GE_NNOPS
#define GEFLOW_GE_NNOPS

include "dialects/ge/IR/GEOpBase.td"

def GE_Conv2DOp : GE_CubeOp<"Conv2D", [AttrSizedOperandSegments]> {
  let summary = "2-D convolution (incl. grouped and depthwise)";
  let description = [{
    GE `Conv2D`. `x` is `data_format` (NCHW or NHWC); `filter` is always
    `[Cout, Cin / groups, KH, KW]`; optional `bias` is `[Cout]`. `strides` and
    `dilations` have four entries in `data_format` order (the N and C entries
    are 1); `pads` is `[top, bottom, left, right]`.
    Output size per spatial dim: `(in + pad_a + pad_b - d * (k - 1) - 1) / s + 1`.
    With f16/bf16 operands the result may be f32 (and the bias f32):
    accumulation in f32 without the final rounding (cube_fp16in_fp32out).

    Optional `residual` (made by `ge-fuse-epilogue`, never by importers) is
    a tensor of the result's type added in the epilogue, before the fused
    activation: `y = act(conv(x, filter) + bias + residual)`, so a ResNet
    block's `Relu(Add(Conv2D(...), shortcut))` writes its output once.
  }];
  let arguments = (ins GE_FloatTensor:$x, GE_FloatTensor:$filter,
                   Optional<GE_FloatTensor>:$bias,
                   Optional<GE_FloatTensor>:$residual,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1}">:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$groups,
                   DefaultValuedAttr<StrAttr, "\"NCHW\"">:$data_format);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $filter (`,` $bias^)? (`residual` `(` $residual^ `)`)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def GE_Conv2DTransposeOp : GE_CubeOp<"Conv2DTranspose"> {
  let summary = "2-D transposed convolution (deconvolution)";
  let description = [{
    GE `Conv2DTranspose` (ONNX `ConvTranspose`). `x` is NCHW; `filter` is
    `[Cin, Cout / groups, KH, KW]`; optional `bias` is `[Cout]`. Output size
    per spatial dim: `s * (in - 1) + output_padding + d * (k - 1) + 1 -
    pad_a - pad_b`. Attribute layout as for `ge.Conv2D`; `output_padding`
    has four entries in NCHW order.
  }];
  let arguments = (ins GE_FloatTensor:$x, GE_FloatTensor:$filter,
                   Optional<GE_FloatTensor>:$bias,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1}">:$dilations,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$output_padding,
                   DefaultValuedAttr<I64Attr, "1">:$groups,
                   DefaultValuedAttr<StrAttr, "\"NCHW\"">:$data_format);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $filter (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def GE_MatMulV2Op : GE_CubeOp<"MatMulV2"> {
  let summary = "2-D matrix product with optional transposes and bias";
  let description = [{
    GE `MatMulV2`: `y = op(x1) * op(x2) + bias` where `op` transposes when
    `transpose_x1` / `transpose_x2` is set; `bias` is `[N]`. With f16/bf16
    operands the result (and the bias) may be f32.
  }];
  let arguments = (ins GE_FloatTensor:$x1, GE_FloatTensor:$x2,
                   Optional<GE_FloatTensor>:$bias,
                   DefaultValuedAttr<BoolAttr, "false">:$transpose_x1,
                   DefaultValuedAttr<BoolAttr, "false">:$transpose_x2);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = [{
    $x1 `,` $x2 (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def GE_BatchMatMulV2Op : GE_CubeOp<"BatchMatMulV2"> {
  let summary = "Batched matrix product with broadcast batch dims";
  let description = [{
    GE `BatchMatMulV2`. Operands have rank >= 2; the last two dims are the
    matrices (transposed when `adj_x1` / `adj_x2`), the leading dims are batch
    dims that broadcast as in NumPy. Optional `bias` is `[N]`.
  }];
  let arguments = (ins GE_FloatTensor:$x1, GE_FloatTensor:$x2,
                   Optional<GE_FloatTensor>:$bias,
                   DefaultValuedAttr<BoolAttr, "false">:$adj_x1,
                   DefaultValuedAttr<BoolAttr, "false">:$adj_x2);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = [{
    $x1 `,` $x2 (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def GE_BiasAddOp : GE_InferOp<"BiasAdd", [SameOperandsAndResultElementType]> {
  let summary = "Adds a 1-D bias along the channel dim";
  let description = [{
    GE `BiasAdd`: the channel dim is 1 for `data_format = "NCHW"` and the last
    dim for `"NHWC"` and `"ND"`; `bias` has that many elements.
  }];
  let arguments = (ins GE_FloatTensor:$x, GE_FloatTensor:$bias,
                   DefaultValuedAttr<StrAttr, "\"NHWC\"">:$data_format);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = "$x `,` $bias attr-dict `:` functional-type(operands, results)";
}

def GE_SoftmaxOp : GE_InferOp<"Softmax", [SameOperandsAndResultElementType],
    "inferSoftmaxLike(diag, adaptor.getX(), adaptor.getAxes(), inferred)"> {
  let summary = "Softmax over `axes`";
  let description = [{ GE `SoftmaxV2`; `axes` are normalized to [0, rank). }];
  let arguments = (ins GE_FloatTensor:$x,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{-1}">:$axes);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}

def GE_LogSoftmaxOp : GE_InferOp<"LogSoftmax", [SameOperandsAndResultElementType],
    "inferSoftmaxLike(diag, adaptor.getX(), adaptor.getAxes(), inferred)"> {
  let summary = "Log of softmax over `axes`";
  let description = [{ GE `LogSoftmaxV2`. }];
  let arguments = (ins GE_FloatTensor:$x,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{-1}">:$axes);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}

def GE_LayerNormOp : GE_InferOp<"LayerNorm"> {
  let summary = "Layer normalization over dims [begin_norm_axis, rank)";
  let description = [{
    GE `LayerNorm`: normalizes over the trailing dims from `begin_norm_axis`,
    then scales by `gamma` and shifts by `beta`, whose shape is the input's
    trailing dims from `begin_params_axis`. Only `y` is produced (GE's `mean`
    and `variance` outputs are training outputs).
  }];
  let arguments = (ins GE_FloatTensor:$x, GE_FloatTensor:$gamma, GE_FloatTensor:$beta,
                   DefaultValuedAttr<I64Attr, "-1">:$begin_norm_axis,
                   DefaultValuedAttr<I64Attr, "-1">:$begin_params_axis,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $gamma `,` $beta attr-dict `:` functional-type(operands, results)
  }];
}

def GE_BatchNormOp : GE_InferOp<"BatchNorm"> {
  let summary = "Inference batch normalization";
  let description = [{
    GE `BatchNorm` with `is_training = false`:
    `y = (x - mean) / sqrt(variance + epsilon) * scale + offset`, per channel
    (dim 1 for NCHW, last dim for NHWC). `scale`, `offset`, `mean` and
    `variance` are 1-D with C elements.
  }];
  let arguments = (ins GE_FloatTensor:$x, GE_FloatTensor:$scale,
                   GE_FloatTensor:$offset, GE_FloatTensor:$mean,
                   GE_FloatTensor:$variance,
                   DefaultValuedAttr<F32Attr, "1e-4f">:$epsilon,
                   DefaultValuedAttr<StrAttr, "\"NCHW\"">:$data_format,
                   DefaultValuedAttr<BoolAttr, "false">:$is_training);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $scale `,` $offset `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
}

class GE_PoolOp<string mnemonic> : GE_InferOp<mnemonic, [SameOperandsAndResultElementType]> {
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}

def GE_MaxPoolOp : GE_PoolOp<"MaxPool"> {
  let summary = "2-D max pooling";
  let description = [{
    GE `MaxPoolV3` with explicit pads: `ksize` and `strides` have four entries
    in `data_format` order, `pads` is `[top, bottom, left, right]`, and
    `ceil_mode` rounds the output size up (a window must still start inside
    the padded input).
  }];
  let arguments = (ins GE_FloatTensor:$x,
                   DenseI64ArrayAttr:$ksize,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1}">:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                   DefaultValuedAttr<StrAttr, "\"NCHW\"">:$data_format);
}

def GE_AvgPoolOp : GE_PoolOp<"AvgPool"> {
  let summary = "2-D average pooling";
  let description = [{
    GE `AvgPoolV2`: attributes as for `ge.MaxPool`; with `exclusive = true`
    padded elements are not counted in the divisor (ONNX
    `count_include_pad = 0`).
  }];
  let arguments = (ins GE_FloatTensor:$x,
                   DenseI64ArrayAttr:$ksize,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                   DefaultValuedAttr<BoolAttr, "true">:$exclusive,
                   DefaultValuedAttr<StrAttr, "\"NCHW\"">:$data_format);
}

def GE_GlobalAvgPoolOp : GE_PoolOp<"GlobalAvgPool"> {
  let summary = "Mean over all spatial dims, keeping them as size 1";
  let description = [{ GE `GlobalAveragePool`: NCHW `[N, C, H, W]` to `[N, C, 1, 1]`. }];
  let arguments = (ins GE_FloatTensor:$x,
                   DefaultValuedAttr<StrAttr, "\"NCHW\"">:$data_format);
}

// 3-D windows on NCDHW: strides, dilations and ksize have five entries in
// NCDHW order (the N and C entries are 1); pads are [front, back, top,
// bottom, left, right].

def GE_Conv3DOp : GE_CubeOp<"Conv3D"> {
  let summary = "3-D convolution (incl. grouped and depthwise)";
  let description = [{
    GE `Conv3D`. `x` is NCDHW; `filter` is `[Cout, Cin / groups, KD, KH,
    KW]`; optional `bias` is `[Cout]`. Output size per spatial dim:
    `(in + pad_a + pad_b - d * (k - 1) - 1) / s + 1`. With f16/bf16
    operands the result may be f32 (and the bias f32).
  }];
  let arguments = (ins GE_FloatTensor:$x, GE_FloatTensor:$filter,
                   Optional<GE_FloatTensor>:$bias,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0, 0, 0}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1, 1}">:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$groups,
                   DefaultValuedAttr<StrAttr, "\"NCDHW\"">:$data_format);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $filter (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def GE_Conv3DTransposeOp : GE_CubeOp<"Conv3DTranspose"> {
  let summary = "3-D transposed convolution (deconvolution)";
  let description = [{
    GE `Conv3DTranspose` (ONNX `ConvTranspose` on NCDHW). `filter` is
    `[Cin, Cout / groups, KD, KH, KW]`; optional `bias` is `[Cout]`. Output
    size per spatial dim: `s * (in - 1) + output_padding + d * (k - 1) + 1 -
    pad_a - pad_b`; `output_padding` has five entries in NCDHW order, each
    smaller than the stride or the dilation.
  }];
  let arguments = (ins GE_FloatTensor:$x, GE_FloatTensor:$filter,
                   Optional<GE_FloatTensor>:$bias,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0, 0, 0}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1, 1}">:$dilations,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0, 0}">:$output_padding,
                   DefaultValuedAttr<I64Attr, "1">:$groups,
                   DefaultValuedAttr<StrAttr, "\"NCDHW\"">:$data_format);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $filter (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

class GE_Pool3DOp<string mnemonic, dag extraArgs>
    : GE_InferOp<mnemonic, [SameOperandsAndResultElementType]> {
  let arguments = !con((ins GE_FloatTensor:$x,
                   DenseI64ArrayAttr:$ksize,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0, 0, 0}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1, 1, 1, 1}">:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode), extraArgs,
                   (ins DefaultValuedAttr<StrAttr, "\"NCDHW\"">:$data_format));
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}

def GE_MaxPool3DOp : GE_Pool3DOp<"MaxPool3D", (ins)> {
  let summary = "3-D max pooling";
  let description = [{
    GE `MaxPool3D` with explicit pads; `ceil_mode` rounds the output size
    up (a window must still start inside the padded input). Windows without
    an input element give -inf.
  }];
}

def GE_AvgPool3DOp : GE_Pool3DOp<"AvgPool3D",
    (ins DefaultValuedAttr<BoolAttr, "false">:$count_include_pad,
         DefaultValuedAttr<I64Attr, "0">:$divisor_override)> {
  let summary = "3-D average pooling";
  let description = [{
    GE `AvgPool3D`: the divisor counts the window's taps inside the input,
    or with `count_include_pad` inside the padded input (PyTorch), or is
    `divisor_override` when that is > 0. `dilations` (ONNX AveragePool-19)
    spread the taps.
  }];
}

def GE_LpPool3DOp : GE_Pool3DOp<"LpPool3D",
    (ins DefaultValuedAttr<I64Attr, "2">:$p)> {
  let summary = "3-D Lp pooling: (sum over the window of |x|^p)^(1/p)";
  let description = [{
    ONNX `LpPool` on NCDHW (GE has no Lp pooling op; geflow's own, named
    like the other 3-D pools). Padded taps add 0; `p` >= 1.
  }];
}

#endif // GEFLOW_GE_NNOPS
