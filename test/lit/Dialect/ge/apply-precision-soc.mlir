// The Ascend310P3 profile: Cube ops and pools have no float32 kernels,
// nothing has bfloat16, and the soc's default mode is force_fp16.
// RUN: sed 's/ge.precision_mode = "MODE",//' %s | geflow-opt --ge-apply-precision=print-decisions 2>&1 >/dev/null | FileCheck %s --check-prefix=DEFAULT
// RUN: sed s/MODE/allow_fp32_to_fp16/ %s | geflow-opt --ge-apply-precision | FileCheck %s --check-prefix=TOFP16
// RUN: sed s/MODE/cube_fp16in_fp32out/ %s | geflow-opt --ge-apply-precision | FileCheck %s --check-prefix=CUBE
// RUN: sed s/MODE/allow_mix_precision_fp16/ %s | geflow-opt --ge-apply-precision | FileCheck %s --check-prefix=MIX

func.func @net(%x: tensor<1x4x8x8xf32> {ge.name = "x"}) -> tensor<1x4xf32>
    attributes {ge.precision_mode = "MODE",
                ge.precision_config = {soc = "Ascend310P3"}} {
  %w = ge.Const dense<0.25> : tensor<8x4x3x3xf32> loc("w")
  %w2 = ge.Const dense<0.5> : tensor<8x4xf32> loc("w2")
  %shape = ge.Const dense<[1, 8]> : tensor<2xi64> loc("shape")
  %c = ge.Conv2D %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32> loc("conv")
  %r = ge.Relu %c : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> loc("relu")
  %p = ge.MaxPool %r {ksize = array<i64: 1, 1, 2, 2>, strides = array<i64: 1, 1, 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32> loc("pool")
  %g = ge.GlobalAvgPool %p : (tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32> loc("gap")
  %f = ge.Reshape %g, %shape : (tensor<1x8x1x1xf32>, tensor<2xi64>) -> tensor<1x8xf32> loc("flat")
  %m = ge.MatMulV2 %f, %w2 : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32> loc("fc")
  %t = ge.Tanh %m : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("tanh")
  return %t : tensor<1x4xf32>
}

// Without ge.precision_mode the soc's default applies: force_fp16.
// DEFAULT:      precision decisions of graph 'net' (soc Ascend310P3, precision_mode force_fp16, the soc's default):
// DEFAULT-NEXT:   op    type           decision
// DEFAULT-NEXT:   conv  Conv2D         reduced to f16: force_fp16
// DEFAULT-NEXT:   relu  Relu           reduced to f16: force_fp16
// DEFAULT-NEXT:   pool  MaxPool        reduced to f16: force_fp16
// DEFAULT-NEXT:   gap   GlobalAvgPool  reduced to f16: force_fp16
// DEFAULT-NEXT:   flat  Reshape        reduced to f16: force_fp16
// DEFAULT-NEXT:   fc    MatMulV2       reduced to f16: force_fp16
// DEFAULT-NEXT:   tanh  Tanh           reduced to f16: force_fp16
// DEFAULT-NEXT:   ops: 7 reduced; casts inserted: 2, cast pairs cancelled: 0, constants converted: 2

// allow_fp32_to_fp16: Cube ops in f16; vector ops keep f32 where they can,
// MaxPool has no f32 kernel on this soc and drops to f16.
// TOFP16: ge.Conv2D {{.*}}"reduced to f16: allow_fp32_to_fp16, cube op"
// TOFP16: ge.Relu {{.*}}"kept f32: allow_fp32_to_fp16, vector op keeps its dtype"
// TOFP16: ge.MaxPool {{.*}}"reduced to f16: allow_fp32_to_fp16, vector op without float32"
// TOFP16: ge.GlobalAvgPool {{.*}}"kept f32: allow_fp32_to_fp16, vector op keeps its dtype"
// TOFP16: ge.MatMulV2 {{.*}}"reduced to f16: allow_fp32_to_fp16, cube op"

// cube_fp16in_fp32out takes GE's order for Cube ops: f16 in / f32 out
// (MatMulV2 has it), else f32, else f16 (Conv2D has only f16 here).
// CUBE: ge.Conv2D {{.*}}"reduced to f16: cube_fp16in_fp32out, cube op with float16 only"
// CUBE: ge.Relu {{.*}}"kept f32: cube_fp16in_fp32out, vector op"
// CUBE: ge.MaxPool {{.*}}"reduced to f16: cube_fp16in_fp32out, vector op without float32"
// CUBE: ge.MatMulV2 {{.*}}"f16 in, f32 out: cube_fp16in_fp32out, cube op"{{.*}} -> tensor<1x4xf32>
// CUBE: ge.Tanh {{.*}}"kept f32: cube_fp16in_fp32out, vector op"

// Mixed precision: gray ops follow their producers.
// MIX: ge.Conv2D {{.*}}"reduced to f16: white list"
// MIX: ge.MaxPool {{.*}}"reduced to f16: gray list, follows Relu 'relu'"
// MIX: ge.MatMulV2 {{.*}}"reduced to f16: white list"
// MIX: ge.Tanh {{.*}}"reduced to f16: gray list, follows MatMulV2 'fc'"
