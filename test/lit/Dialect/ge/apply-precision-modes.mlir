// Every precision_mode on the host soc (every op has f32, f16 and bf16), on an
// f32 CNN and an f16 MLP. MODE is replaced per RUN line.
// RUN: sed s/MODE/force_fp16/ %s | geflow-opt --ge-apply-precision | FileCheck %s --check-prefix=FP16
// RUN: sed s/MODE/cube_fp16in_fp32out/ %s | geflow-opt --ge-apply-precision | FileCheck %s --check-prefix=CUBE
// RUN: sed s/MODE/force_fp32/ %s | geflow-opt --ge-apply-precision | FileCheck %s --check-prefix=FP32
// RUN: sed s/MODE/allow_fp32_to_fp16/ %s | geflow-opt --ge-apply-precision | FileCheck %s --check-prefix=TOFP16
// RUN: sed s/MODE/allow_fp32_to_bf16/ %s | geflow-opt --ge-apply-precision | FileCheck %s --check-prefix=TOBF16
// RUN: sed s/MODE/must_keep_origin_dtype/ %s | geflow-opt --ge-apply-precision | FileCheck %s --check-prefix=KEEP
// RUN: sed s/MODE/allow_mix_precision/ %s | geflow-opt --ge-apply-precision | FileCheck %s --check-prefix=MIX
// RUN: sed s/MODE/allow_mix_precision_fp16/ %s | geflow-opt --ge-apply-precision | FileCheck %s --check-prefix=MIX
// RUN: sed s/MODE/allow_mix_precision_bf16/ %s | geflow-opt --ge-apply-precision | FileCheck %s --check-prefix=MIXBF16

func.func @cnn(%x: tensor<1x4x8x8xf32> {ge.name = "x"}) -> tensor<1x8xf32>
    attributes {ge.precision_mode = "MODE"} {
  %w = ge.Const dense<0.25> : tensor<8x4x3x3xf32> loc("w")
  %shape = ge.Const dense<[1, 8]> : tensor<2xi64> loc("shape")
  %c = ge.Conv2D %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32> loc("conv")
  %r = ge.Relu %c : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> loc("relu")
  %p = ge.GlobalAvgPool %r : (tensor<1x8x8x8xf32>) -> tensor<1x8x1x1xf32> loc("gap")
  %f = ge.Reshape %p, %shape : (tensor<1x8x1x1xf32>, tensor<2xi64>) -> tensor<1x8xf32> loc("flat")
  %s = ge.Softmax %f : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("softmax")
  return %s : tensor<1x8xf32>
}

// force_fp16: everything with an f16 implementation runs in f16; the input
// is cast, the filter converted at compile time, the output cast back.
// FP16-LABEL: func.func @cnn
// FP16:      %[[X:.*]] = ge.Cast %arg0 {dst_type = f16} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf16>
// FP16:      %[[W:.*]] = ge.Const dense<2.500000e-01> : tensor<8x4x3x3xf16>
// FP16-NOT:  tensor<8x4x3x3xf32>
// FP16:      %[[C:.*]] = ge.Conv2D %[[X]], %[[W]] {ge.precision = "reduced to f16: force_fp16"
// FP16-SAME: -> tensor<1x8x8x8xf16>
// FP16:      ge.Relu %[[C]] {ge.precision = "reduced to f16: force_fp16"}
// FP16:      ge.GlobalAvgPool {{.*}}"reduced to f16: force_fp16"
// FP16:      ge.Reshape {{.*}}"reduced to f16: force_fp16"{{.*}} -> tensor<1x8xf16>
// FP16:      %[[S:.*]] = ge.Softmax {{.*}}"reduced to f16: force_fp16"
// FP16:      %[[Y:.*]] = ge.Cast %[[S]] {dst_type = f32}
// FP16:      return %[[Y]] : tensor<1x8xf32>

// cube_fp16in_fp32out / force_fp32: the Cube op takes f16 and gives f32;
// vector ops run in f32.
// CUBE-LABEL: func.func @cnn
// CUBE:      %[[X:.*]] = ge.Cast %arg0 {dst_type = f16}
// CUBE:      %[[W:.*]] = ge.Const dense<2.500000e-01> : tensor<8x4x3x3xf16>
// CUBE:      %[[C:.*]] = ge.Conv2D %[[X]], %[[W]] {ge.precision = "f16 in, f32 out: cube_fp16in_fp32out, cube op"
// CUBE-SAME: (tensor<1x4x8x8xf16>, tensor<8x4x3x3xf16>) -> tensor<1x8x8x8xf32>
// CUBE:      ge.Relu %[[C]] {ge.precision = "kept f32: cube_fp16in_fp32out, vector op"}
// CUBE:      ge.Softmax {{.*}}"kept f32: cube_fp16in_fp32out, vector op"
// CUBE-NOT:  ge.Cast
// CUBE:      return
// FP32-LABEL: func.func @cnn
// FP32:      ge.Conv2D {{.*}}"f16 in, f32 out: force_fp32, cube op"{{.*}} -> tensor<1x8x8x8xf32>
// FP32:      ge.Relu {{.*}}"kept f32: force_fp32, vector op"

// allow_fp32_to_fp16 / bf16: Cube ops reduce, vector ops keep f32.
// TOFP16-LABEL: func.func @cnn
// TOFP16:      %[[C:.*]] = ge.Conv2D {{.*}}"reduced to f16: allow_fp32_to_fp16, cube op"{{.*}} -> tensor<1x8x8x8xf16>
// TOFP16:      %[[U:.*]] = ge.Cast %[[C]] {dst_type = f32}
// TOFP16:      ge.Relu %[[U]] {ge.precision = "kept f32: allow_fp32_to_fp16, vector op keeps its dtype"}
// TOFP16:      ge.Softmax {{.*}}"kept f32: allow_fp32_to_fp16, vector op keeps its dtype"
// TOBF16-LABEL: func.func @cnn
// TOBF16:      ge.Const dense<2.500000e-01> : tensor<8x4x3x3xbf16>
// TOBF16:      ge.Conv2D {{.*}}"reduced to bf16: allow_fp32_to_bf16, cube op"{{.*}} -> tensor<1x8x8x8xbf16>
// TOBF16:      ge.Relu {{.*}}"kept f32: allow_fp32_to_bf16, vector op keeps its dtype"

// must_keep_origin_dtype: nothing changes but the records.
// KEEP-LABEL: func.func @cnn
// KEEP-NOT:  ge.Cast
// KEEP:      ge.Conv2D %arg0, {{.*}}"kept f32: must_keep_origin_dtype"
// KEEP:      ge.Softmax {{.*}}"kept f32: must_keep_origin_dtype"
// KEEP-NOT:  ge.Cast
// KEEP:      return

// Mixed precision: the Cube op is on the white list, Relu, GlobalAvgPool
// and Reshape are gray and follow it, Softmax is on the black list.
// MIX-LABEL: func.func @cnn
// MIX:      ge.Conv2D {{.*}}"reduced to f16: white list"
// MIX:      ge.Relu {{.*}}"reduced to f16: gray list, follows Conv2D 'conv'"
// MIX:      ge.GlobalAvgPool {{.*}}"reduced to f16: gray list, follows Relu 'relu'"
// MIX:      %[[F:.*]] = ge.Reshape {{.*}}"reduced to f16: gray list, follows GlobalAvgPool 'gap'"
// MIX:      %[[U:.*]] = ge.Cast %[[F]] {dst_type = f32}
// MIX:      ge.Softmax %[[U]] {ge.precision = "kept f32: black list"}
// MIXBF16-LABEL: func.func @cnn
// MIXBF16:      ge.Conv2D {{.*}}"reduced to bf16: white list"{{.*}} -> tensor<1x8x8x8xbf16>
// MIXBF16:      ge.Relu {{.*}}"reduced to bf16: gray list, follows Conv2D 'conv'"
// MIXBF16:      ge.Softmax {{.*}}"kept f32: black list"

func.func @half(%x: tensor<4x8xf16> {ge.name = "h"}) -> tensor<4x8xf16>
    attributes {ge.precision_mode = "MODE"} {
  %w = ge.Const dense<0.5> : tensor<8x8xf16> loc("hw")
  %m = ge.MatMulV2 %x, %w : (tensor<4x8xf16>, tensor<8x8xf16>) -> tensor<4x8xf16> loc("hmm")
  %t = ge.Tanh %m : (tensor<4x8xf16>) -> tensor<4x8xf16> loc("htanh")
  return %t : tensor<4x8xf16>
}

// An f16 graph: only cube_fp16in_fp32out raises it (GE: vector ops are
// forced to float32 even when the graph is float16).
// FP16-LABEL: func.func @half
// FP16:      ge.MatMulV2 {{.*}}"kept f16: force_fp16"
// FP16:      ge.Tanh {{.*}}"kept f16: force_fp16"
// CUBE-LABEL: func.func @half
// CUBE:      %[[M:.*]] = ge.MatMulV2 %arg0, {{.*}}"f16 in, f32 out: cube_fp16in_fp32out, cube op"{{.*}} -> tensor<4x8xf32>
// CUBE:      %[[T:.*]] = ge.Tanh %[[M]] {ge.precision = "raised to f32: cube_fp16in_fp32out, vector op"}
// CUBE:      %[[Y:.*]] = ge.Cast %[[T]] {dst_type = f16}
// CUBE:      return %[[Y]] : tensor<4x8xf16>
// TOFP16-LABEL: func.func @half
// TOFP16:      ge.MatMulV2 {{.*}}"kept f16: allow_fp32_to_fp16, cube op, only float32 is lowered"
// TOBF16-LABEL: func.func @half
// TOBF16:      ge.MatMulV2 {{.*}}"kept f16: allow_fp32_to_bf16, cube op, only float32 is lowered"
// TOBF16:      ge.Tanh {{.*}}"kept f16: allow_fp32_to_bf16, vector op keeps its dtype"
// KEEP-LABEL: func.func @half
// KEEP:      ge.MatMulV2 {{.*}}"kept f16: must_keep_origin_dtype"
// MIX-LABEL: func.func @half
// MIX:      ge.MatMulV2 {{.*}}"kept f16: mixed precision reduces only float32 ops"
// MIX:      ge.Tanh {{.*}}"kept f16: mixed precision reduces only float32 ops"
// MIX-NOT:  ge.Cast
