//===- Passes.td - ge dialect passes -------------------------*- tablegen -*-===//
#ifndef GEFLOW_GE_PASSES
#define GEFLOW_GE_PASSES

include "mlir/Pass/PassBase.td"

def GEInferShapes : Pass<"ge-infer-shapes", "mlir::func::FuncOp"> {
  let summary = "Refine ge result types from operand types and attributes";
  let description = [{
    Walks the graph in order and replaces each ge op's result types by what
    the op infers from its (possibly refined) operands: a dim that was `?`
    becomes static once the inputs are. The declared format encodings stay.
    The function signature is updated to the refined return types. Run it
    after fixing input shapes (`--input_shape`) or specializing gears.
    An op whose inference fails reports its error and fails the pass.
  }];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

def GEFuseElementwise : Pass<"ge-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Group chains of elementwise ops into ge.FusedElementwise (UB fusion)";
  let description = [{
    Starting from each elementwise op, pulls in the elementwise ops producing
    its operands when their results feed only the group and have the group's
    result shape, plus one-element constants (which become scalars). A group
    of two or more ops becomes one `ge.FusedElementwise`, which lowers to a
    single `vec_fused` kernel: intermediates stay in cache-resident tiles
    instead of making a round trip through memory per op. Groups respect the
    kernel's limits (16 inputs, 16 live registers, 64 instructions).
  }];
  let options = [
    Option<"maxOps", "max-ops", "int64_t", /*default=*/"48",
           "Most ops in one fused group">
  ];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

def GEFoldBatchNorm : Pass<"ge-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold inference BatchNorm into the preceding convolution's weights";
  let description = [{
    GE's ConvBatchnormFusionPass: `BatchNorm(Conv2D(x, W, b))` with constant
    W, b and BatchNorm parameters becomes `Conv2D(x, W', b')` with
    `s = scale / sqrt(variance + epsilon)`, `W' = W * s` (per output
    channel) and `b' = (b - mean) * s + offset`. Applies to f32 NCHW
    convolutions whose result feeds only the BatchNorm.
  }];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

def GEFuseGelu : Pass<"ge-fuse-gelu", "mlir::func::FuncOp"> {
  let summary = "Replace decomposed GELU arithmetic with one Gelu op";
  let description = [{
    Exporters write GELU as elementwise ops: torch.onnx's F.gelu as
    `Mul(Mul(x, Add(Erf(Div(x, 1.4142135)), 1)), 0.5)`, the tanh form
    (Hugging Face gelu_new, F.gelu(approximate="tanh")) as
    `0.5 * x * (1 + Tanh(0.7978846 * (x + 0.044715 * Pow(x, 3))))`. Each
    becomes `ge.Gelu` (`approximate = "none"` / `"tanh"`), which runs as
    one vector kernel or, after ge-fuse-epilogue, in a MatMul's epilogue.
    Products are matched algebraically (any association and operand
    order; division by a constant counts as a product; x^3 as Pow(x, 3) or
    x * x * x); constants must equal the formula's within 1e-5 relative.
    f32 only (it runs before precision decisions). GE fusion switch:
    GraphFusion `GeluFusionPass`.
  }];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

def GEFuseEpilogue : Pass<"ge-fuse-epilogue", "mlir::func::FuncOp"> {
  let summary = "Fuse bias adds and activations into Conv2D / MatMul epilogues";
  let description = [{
    The Cube kernels compute `act(acc + bias)` in their epilogue. This pass
    moves a constant per-channel `Add` after a bias-less Conv2D, MatMulV2 or
    BatchMatMulV2 into its `bias` operand (GE's ConvBiasAdd /
    MatMulBiasAddFusionPass), then a following activation (Relu, Relu6,
    Sigmoid, Tanh, Gelu, HardSwish, LeakyRelu) into the discardable
    attributes `ge.fused_activation` (and `ge.fused_alpha`). Only values
    feeding nothing else are fused.

    A Conv2D whose result feeds only an `Add` with a tensor of the same type
    (a ResNet shortcut) takes that tensor as its `residual` operand: the
    epilogue computes `act(acc + bias + residual)`, so Conv -> Add -> Relu
    is one kernel writing its output once. Depthwise convolutions and convs
    that already carry an activation are left alone; the conv moves down to
    the Add when the residual is computed after it.

    Each of the five fusions can be switched off (the compiler does so from
    a GE `fusion_switch_file`): `conv-bias` (ConvBiasAddFusionPass),
    `matmul-bias` (MatMulBiasAddFusionPass), `conv-activation`
    (TbeConvElemwiseFusionPass), `matmul-activation`
    (TbeMatmulElemwiseFusionPass), `conv-residual` (also
    TbeConvElemwiseFusionPass).
  }];
  let options = [
    Option<"convBias", "conv-bias", "bool", /*default=*/"true",
           "Fuse a per-channel Add into Conv2D's bias">,
    Option<"matmulBias", "matmul-bias", "bool", /*default=*/"true",
           "Fuse a per-column Add into MatMulV2 / BatchMatMulV2's bias">,
    Option<"convActivation", "conv-activation", "bool", /*default=*/"true",
           "Fuse an activation into Conv2D's epilogue">,
    Option<"matmulActivation", "matmul-activation", "bool", /*default=*/"true",
           "Fuse an activation into MatMulV2 / BatchMatMulV2's epilogue">,
    Option<"convResidual", "conv-residual", "bool", /*default=*/"true",
           "Fuse an Add of a same-shaped tensor into Conv2D's epilogue">
  ];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

def GESelectFormats : Pass<"ge-select-formats", "mlir::func::FuncOp"> {
  let summary = "Run conv chains in NC1HWC0 where the cost model says it pays";
  let description = [{
    GE's format selection for convolution networks. Ops with an NC1HWC0
    kernel that feed each other form chains: `Conv2D` (x, filter, optional
    bias), `MaxPool`, `AvgPool`, `GlobalAvgPool`, inference `BatchNorm`, and
    float elementwise ops whose operands have the result's shape or one
    element, all on static 4-D NCHW tensors without a format of their own.
    For each chain with a `Conv2D` the cost model (FormatCostModel.h, fitted
    to `geflow_bench_cube --only formats`) compares the chain in NCHW with
    the chain in NC1HWC0 plus a `TransData` per value entering it and per
    value leaving it; when NC1HWC0 wins (or with `mode=nc1hwc0`), every op
    of the chain gets NC1HWC0 results and the `TransData` ops go in at the
    boundaries only: graph inputs and outputs and ops without an NC1HWC0
    kernel (e.g. `Reshape`, `MatMulV2`). Convolution filters keep their
    logical layout: the conv2d kernel packs constant filters into its
    panels at compile time, which is what GE's FRACTAL_Z is for.

    With `small-channel` (GE's `enable_small_channel`) a `Conv2D` with at
    most 4 input channels and no groups that reads a chain input takes it
    as NCHW and writes NC1HWC0 (the kernel's unpadded small-channel path)
    instead of reading it through a `TransData` that pads it to 16
    channels.

    `print-decisions` writes each chain's choice and estimated saving to
    stderr.
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"auto\"",
           "auto (the cost model decides) or nc1hwc0 (every chain with a conv)">,
    Option<"smallChannel", "small-channel", "bool", /*default=*/"false",
           "First-layer convs (C_in <= 4) read NCHW and write NC1HWC0">,
    Option<"printDecisions", "print-decisions", "bool", /*default=*/"false",
           "Write each chain's format and estimated saving to stderr">
  ];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

def GESpecializeGears : Pass<"ge-specialize-gears", "mlir::ModuleOp"> {
  let summary = "Clone a graph once per dynamic-shape gear (GE multi-batch)";
  let description = [{
    A graph whose function carries `ge.gears` (one `array<i64>` per gear,
    holding one value per unknown input dim, inputs in order, dims in order:
    GE's `dynamic_dims`) is cloned once per gear with those dims fixed; the
    clones are named `<graph>_gear<i>` and carry `ge.gear_index`. Their
    shapes are then inferred and folded like any static graph, so every gear
    is lowered and tiled statically. Constants are shared by the clones (the
    same attributes), so the weight blob stores them once.

    Errors: fewer than 2 or more than 100 gears, a gear whose value count
    differs from the number of unknown dims, a value < 1, duplicate gears.
  }];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

def GEApplyPrecision : Pass<"ge-apply-precision", "mlir::func::FuncOp"> {
  let summary = "Choose each op's dtypes under GE's precision mode and insert casts";
  let description = [{
    GE's precision policy. The mode is the graph attribute
    `ge.precision_mode` (a `precision_mode` value; without it, the soc's
    default); the graph attribute `ge.precision_config` (or the same on the
    module) names the soc and the per-op exceptions:

    ```mlir
    func.func @g(...) attributes {ge.precision_mode = "allow_mix_precision_fp16",
        ge.precision_config = {soc = "host", modify_mixlist = "mix.json",
                               keep_dtype = "keep.cfg", customize_dtypes = "c.cfg",
                               keep_tensors_dtypes = ["conv_1"]}}
    ```

    For every op of the soc's op-info library (socs/<soc>/) with float
    operands or results, the pass picks one supported dtype column:
    customize_dtypes by name, then by op type, then keep_tensors_dtypes /
    keep_dtype (the original dtypes), then the mode's rule (force_fp16,
    cube_fp16in_fp32out, allow_fp32_to_fp16/bf16, must_keep_origin_dtype, or
    mixed precision: white list ops reduce, black list ops keep float, gray
    ops follow their producers). docs/precision.md has the table.

    Ops get their new element types in place; a `ge.Cast` is inserted where
    a value's dtype differs from what its consumer runs in (one per value
    and dtype), constants are converted at compile time instead, and a cast
    that would undo an exact widening reuses the original value, so cast
    pairs cancel. The graph's inputs and outputs keep their dtypes. Each
    decided op records `ge.precision = "<verdict>: <reason>"` (e.g.
    "reduced to f16: white list"); `print-decisions` also writes them as a
    table to stderr.

    Errors name the op and the rule: an op the mode cannot place (e.g. a
    float op without a float kernel under must_keep_origin_dtype), a
    customize_dtypes column the soc lacks, modify_mixlist without a mixed
    mode, and malformed config files (with file, line and column).
  }];
  let options = [
    Option<"printDecisions", "print-decisions", "bool", /*default=*/"false",
           "Write the decision of every op as a table to stderr">
  ];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

def GEPlaceEngines : Pass<"ge-place-engines", "mlir::func::FuncOp"> {
  let summary = "Place each op on the device or the host CPU engine (mixed compute)";
  let description = [{
    GE's mixed compute (reference document 002, section 5.2). With
    `mix-compile-mode` (GE's `mix_compile_mode`) an op the device cannot run
    goes to the host CPU engine instead of failing the compile: an op with
    no device kernel (ops marked `GE_HostOnlyKernel`, such as `ge.Cumsum`)
    or whose operand and result dtypes match no column of the soc's op-info
    library.

    `in-out-pair` (GE's `in_out_pair`, the text of Python's
    `str([[in_nodes, out_nodes], ...])`, or one `[in_nodes, out_nodes]`
    pair) names ranges: the ops reachable from an in node that reach an out
    node, both ends included (a node name may also be a graph input's
    `ge.name`). With `in-out-pair-flag` (GE's `in_out_pair_flag`, default
    true) the ranges go to the device and every other op to the host; with
    it false the ranges stay on the host and the rest goes to the device.
    An op the device cannot run stays on the host even inside a device
    range.

    A host op gets `ge.engine = "host"` and `ge.engine_reason` (why); ops
    without them run on the device. Constants and variables are not placed:
    both engines read the weights. The lowering runs host ops on host
    streams and the copy pass moves data between the engines' memories.

    Errors: a pair that is not two lists of quoted node names, a node name
    that names no op or input of the graph (listing close names), a range
    that is empty, and `in-out-pair` without `mix-compile-mode`.
  }];
  let options = [
    Option<"mixCompileMode", "mix-compile-mode", "bool", /*default=*/"false",
           "mix_compile_mode: ops the device cannot run go to the host">,
    Option<"inOutPair", "in-out-pair", "std::string", /*default=*/"\"\"",
           "in_out_pair: [[in_nodes, out_nodes], ...] as Python prints it">,
    Option<"inOutPairFlag", "in-out-pair-flag", "bool", /*default=*/"true",
           "in_out_pair_flag: true puts the ranges on the device, false on "
           "the host">,
    Option<"soc", "soc", "std::string", /*default=*/"\"host\"",
           "soc_version whose op-info decides which dtypes the device runs">
  ];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

#endif // GEFLOW_GE_PASSES
