// RUN: geflow-opt %s | geflow-opt | FileCheck %s
// RUN: geflow-opt %s --mlir-print-op-generic | geflow-opt | FileCheck %s
// Round trip of every ge op: parse, verify, print, re-parse.

// CHECK-LABEL: func @data_ops
func.func @data_ops(%x: tensor<4xf32>) -> (tensor<2x3xf32>, tensor<4xf32>, tensor<8xf16>, tensor<4xf32>) {
  // CHECK: ge.Const dense<{{.*}}> : tensor<2x3xf32>
  %c = ge.Const dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  // CHECK: ge.FileConstant {dtype = f16, file_path = "weights/w.bin", length = 16 : i64, offset = 64 : i64, shape = array<i64: 8>} : tensor<8xf16>
  %f = ge.FileConstant {file_path = "weights/w.bin", offset = 64, length = 16, shape = array<i64: 8>, dtype = f16} : tensor<8xf16>
  // CHECK: ge.Variable "step" : tensor<4xf32>
  %v = ge.Variable "step" : tensor<4xf32>
  // CHECK: ge.Variable "bias" = dense<5.000000e-01> : tensor<4xf32> : tensor<4xf32>
  %vb = ge.Variable "bias" = dense<0.5> : tensor<4xf32> : tensor<4xf32>
  // CHECK: ge.AssignAdd "bias", %{{.*}} : tensor<4xf32>
  %aa = ge.AssignAdd "bias", %vb : tensor<4xf32>
  // CHECK: ge.AssignSub "bias", %{{.*}} : tensor<4xf32>
  %as = ge.AssignSub "bias", %aa : tensor<4xf32>
  // CHECK: ge.Assign "step", %{{.*}} : tensor<4xf32>
  %a = ge.Assign "step", %x : tensor<4xf32>
  // CHECK: ge.HcomAllReduce %{{.*}} {reduction = "max"} : tensor<4xf32>
  %r = ge.HcomAllReduce %v {reduction = "max"} : tensor<4xf32>
  return %c, %a, %f, %r : tensor<2x3xf32>, tensor<4xf32>, tensor<8xf16>, tensor<4xf32>
}

// CHECK-LABEL: func @elementwise
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %i: tensor<2x3xi32>) -> tensor<2x3xf32> {
  // CHECK: ge.Add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = ge.Add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Sub
  %1 = ge.Sub %0, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Mul
  %2 = ge.Mul %1, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.RealDiv
  %3 = ge.RealDiv %2, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Maximum
  %4 = ge.Maximum %3, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Minimum
  %5 = ge.Minimum %4, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Pow
  %6 = ge.Pow %5, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Mod %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %m0 = ge.Mod %6, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.FloorMod %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %m1 = ge.FloorMod %m0, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Equal {{.*}} -> tensor<2x3xi1>
  %e = ge.Equal %6, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK: ge.Less
  %l = ge.Less %6, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: ge.Greater
  %g = ge.Greater %i, %i : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi1>
  // CHECK: ge.Select
  %s = ge.Select %e, %6, %b : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Sqrt
  %u0 = ge.Sqrt %s : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Rsqrt
  %u1 = ge.Rsqrt %u0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Reciprocal
  %u2 = ge.Reciprocal %u1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Exp
  %u3 = ge.Exp %u2 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Log
  %u4 = ge.Log %u3 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Neg
  %u5 = ge.Neg %u4 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Abs
  %u6 = ge.Abs %u5 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Erf
  %u7 = ge.Erf %u6 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Relu
  %u8 = ge.Relu %u7 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Relu6
  %u9 = ge.Relu6 %u8 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.LeakyRelu %{{.*}} {negative_slope = 1.000000e-01 : f32}
  %u10 = ge.LeakyRelu %u9 {negative_slope = 0.1 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Sigmoid
  %u11 = ge.Sigmoid %u10 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Tanh
  %u12 = ge.Tanh %u11 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Gelu %{{.*}} {approximate = "tanh"}
  %u13 = ge.Gelu %u12 {approximate = "tanh"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.HardSwish
  %u14 = ge.HardSwish %u13 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.HardSigmoid
  %u15 = ge.HardSigmoid %u14 {alpha = 0.25 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Clip %{{.*}} {clip_value_max = 6.000000e+00 : f32, clip_value_min = 0.000000e+00 : f32}
  %u16 = ge.Clip %u15 {clip_value_min = 0.0 : f32, clip_value_max = 6.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: ge.Cast %{{.*}} {dst_type = f16} : (tensor<2x3xf32>) -> tensor<2x3xf16>
  %c16 = ge.Cast %u16 {dst_type = f16} : (tensor<2x3xf32>) -> tensor<2x3xf16>
  %c32 = ge.Cast %c16 {dst_type = f32} : (tensor<2x3xf16>) -> tensor<2x3xf32>
  return %c32 : tensor<2x3xf32>
}

// CHECK-LABEL: func @nn
func.func @nn(%x: tensor<1x16x32x32xf32>, %w: tensor<32x16x3x3xf32>, %dw: tensor<16x1x3x3xf32>,
              %b: tensor<32xf32>, %c: tensor<16xf32>) -> tensor<1x32x16x16xf32> {
  // CHECK: ge.Conv2D %{{.*}}, %{{.*}}, %{{.*}} {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1, 2, 2>}
  %0 = ge.Conv2D %x, %w, %b {strides = array<i64: 1, 1, 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1, 1, 1>}
      : (tensor<1x16x32x32xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x32x16x16xf32>
  // CHECK: ge.Conv2D %{{.*}}, %{{.*}} {groups = 16 : i64, pads
  %1 = ge.Conv2D %x, %dw {groups = 16, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x16x32x32xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x32x32xf32>
  // CHECK: ge.Conv2DTranspose
  %t = ge.Conv2DTranspose %0, %w {strides = array<i64: 1, 1, 2, 2>, pads = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 0, 0, 1, 1>}
      : (tensor<1x32x16x16xf32>, tensor<32x16x3x3xf32>) -> tensor<1x16x32x32xf32>
  // CHECK: ge.BatchNorm
  %2 = ge.BatchNorm %1, %c, %c, %c, %c {epsilon = 1.0e-5 : f32}
      : (tensor<1x16x32x32xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x32x32xf32>
  // CHECK: ge.BiasAdd %{{.*}}, %{{.*}} {data_format = "NCHW"}
  %3 = ge.BiasAdd %2, %c {data_format = "NCHW"} : (tensor<1x16x32x32xf32>, tensor<16xf32>) -> tensor<1x16x32x32xf32>
  // CHECK: ge.MaxPool %{{.*}} {ksize = array<i64: 1, 1, 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1, 2, 2>}
  %4 = ge.MaxPool %3 {ksize = array<i64: 1, 1, 3, 3>, strides = array<i64: 1, 1, 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x16x32x32xf32>) -> tensor<1x16x16x16xf32>
  // CHECK: ge.AvgPool %{{.*}} {ceil_mode = true, exclusive = false, ksize
  %5 = ge.AvgPool %t {ksize = array<i64: 1, 1, 2, 2>, strides = array<i64: 1, 1, 2, 2>, ceil_mode = true, exclusive = false}
      : (tensor<1x16x32x32xf32>) -> tensor<1x16x16x16xf32>
  // CHECK: ge.GlobalAvgPool
  %6 = ge.GlobalAvgPool %5 : (tensor<1x16x16x16xf32>) -> tensor<1x16x1x1xf32>
  %7 = ge.Add %4, %6 : (tensor<1x16x16x16xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x16x16xf32>
  %8 = ge.Add %0, %0 : (tensor<1x32x16x16xf32>, tensor<1x32x16x16xf32>) -> tensor<1x32x16x16xf32>
  return %8 : tensor<1x32x16x16xf32>
}

// CHECK-LABEL: func @matmul_norm
func.func @matmul_norm(%x: tensor<2x8x64xf32>, %w: tensor<64x64xf32>, %g: tensor<64xf32>, %m: tensor<8x64xf32>)
    -> (tensor<2x8x8xf32>, tensor<8x8xf32>) {
  // CHECK: ge.MatMulV2 %{{.*}}, %{{.*}}, %{{.*}} {transpose_x2 = true}
  %0 = ge.MatMulV2 %m, %w, %g {transpose_x2 = true} : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  // CHECK: ge.BatchMatMulV2 %{{.*}}, %{{.*}} {adj_x2 = true}
  %1 = ge.BatchMatMulV2 %x, %x {adj_x2 = true} : (tensor<2x8x64xf32>, tensor<2x8x64xf32>) -> tensor<2x8x8xf32>
  // CHECK: ge.Softmax %{{.*}} {axes = array<i64: 1, 2>}
  %2 = ge.Softmax %1 {axes = array<i64: 1, 2>} : (tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  // CHECK: ge.LogSoftmax
  %3 = ge.LogSoftmax %0 : (tensor<8x64xf32>) -> tensor<8x64xf32>
  // CHECK: ge.LayerNorm %{{.*}}, %{{.*}}, %{{.*}} {begin_norm_axis = 1 : i64, begin_params_axis = 1 : i64, epsilon = 9.99999996E-13 : f32}
  %4 = ge.LayerNorm %3, %g, %g {begin_norm_axis = 1, begin_params_axis = 1, epsilon = 1.0e-12 : f32}
      : (tensor<8x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  %5 = ge.MatMulV2 %4, %4 {transpose_x2 = true} : (tensor<8x64xf32>, tensor<8x64xf32>) -> tensor<8x8xf32>
  return %2, %5 : tensor<2x8x8xf32>, tensor<8x8xf32>
}

// CHECK-LABEL: func @shape_ops
func.func @shape_ops(%x: tensor<2x3x4xf32>, %idx: tensor<5xi64>, %fmt: tensor<1x3x8x8xf32>) -> tensor<3x2xf32> {
  %shape = ge.Const dense<[6, -1]> : tensor<2xi64>
  // CHECK: ge.Reshape %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %0 = ge.Reshape %x, %shape : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  // CHECK: ge.Transpose %{{.*}} {perm = array<i64: 1, 0>}
  %1 = ge.Transpose %0 {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  // CHECK: ge.ConcatV2 %{{.*}}, %{{.*}} {concat_dim = 0 : i64}
  %2 = ge.ConcatV2 %1, %1 {concat_dim = 0} : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<8x6xf32>
  // CHECK: ge.Split %{{.*}} {size_splits = array<i64: 3, 5>, split_dim = 0 : i64}
  %3:2 = ge.Split %2 {split_dim = 0, size_splits = array<i64: 3, 5>} : (tensor<8x6xf32>) -> (tensor<3x6xf32>, tensor<5x6xf32>)
  // CHECK: ge.StridedSlice
  %4 = ge.StridedSlice %3#1 {begin = array<i64: 4, 0>, end = array<i64: -1, 6>, strides = array<i64: -2, 3>} : (tensor<5x6xf32>) -> tensor<3x2xf32>
  // CHECK: ge.Slice
  %5 = ge.Slice %3#0 {offsets = array<i64: 0, 1>, size = array<i64: -1, 2>} : (tensor<3x6xf32>) -> tensor<3x2xf32>
  // CHECK: ge.GatherV2 %{{.*}}, %{{.*}} {axis = 1 : i64}
  %6 = ge.GatherV2 %x, %idx {axis = 1} : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<2x5x4xf32>
  // CHECK: ge.Pad %{{.*}} {mode = "reflect", paddings = array<i64: 0, 0, 1, 2, 1, 1>}
  %7 = ge.Pad %6 {paddings = array<i64: 0, 0, 1, 2, 1, 1>, mode = "reflect"} : (tensor<2x5x4xf32>) -> tensor<2x8x6xf32>
  // CHECK: ge.ReduceSum %{{.*}} {axes = array<i64: 0, 2>, keep_dims = true}
  %8 = ge.ReduceSum %7 {axes = array<i64: 0, 2>, keep_dims = true} : (tensor<2x8x6xf32>) -> tensor<1x8x1xf32>
  // CHECK: ge.ReduceMean
  %9 = ge.ReduceMean %7 {axes = array<i64: -1>} : (tensor<2x8x6xf32>) -> tensor<2x8xf32>
  // CHECK: ge.ReduceMax
  %10 = ge.ReduceMax %7 : (tensor<2x8x6xf32>) -> tensor<f32>
  // CHECK: ge.ReduceProd %{{.*}} {axes = array<i64: 1>} : (tensor<2x8x6xf32>) -> tensor<2x6xf32>
  %p = ge.ReduceProd %7 {axes = array<i64: 1>} : (tensor<2x8x6xf32>) -> tensor<2x6xf32>
  // CHECK: ge.ExpandDims %{{.*}} {axes = array<i64: 0, -1>}
  %11 = ge.ExpandDims %9 {axes = array<i64: 0, -1>} : (tensor<2x8xf32>) -> tensor<1x2x8x1xf32>
  // CHECK: ge.Squeeze %{{.*}} {axis = array<i64: 0>}
  %12 = ge.Squeeze %11 {axis = array<i64: 0>} : (tensor<1x2x8x1xf32>) -> tensor<2x8x1xf32>
  // CHECK: ge.Tile %{{.*}} {multiples = array<i64: 1, 1, 3>}
  %13 = ge.Tile %12 {multiples = array<i64: 1, 1, 3>} : (tensor<2x8x1xf32>) -> tensor<2x8x3xf32>
  // CHECK: ge.BroadcastTo %{{.*}} {shape = array<i64: 4, 1, 1>}
  %14 = ge.BroadcastTo %8 {shape = array<i64: 4, 1, 1>} : (tensor<1x8x1xf32>) -> tensor<4x8x1xf32>
  // CHECK: ge.Shape %{{.*}} {dtype = i32}
  %15 = ge.Shape %14 {dtype = i32} : (tensor<4x8x1xf32>) -> tensor<3xi32>
  // CHECK: ge.Identity
  %16 = ge.Identity %5 : (tensor<3x2xf32>) -> tensor<3x2xf32>
  // CHECK: ge.TransData %{{.*}} {dst_format = #ge.format<NC1HWC0>, src_format = #ge.format<NCHW>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32, #ge.format<NC1HWC0>>
  %17 = ge.TransData %fmt {src_format = #ge.format<NCHW>, dst_format = #ge.format<NC1HWC0>}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32, #ge.format<NC1HWC0>>
  // CHECK: ge.Relu %{{.*}} : (tensor<1x3x8x8xf32, #ge.format<NC1HWC0>>) -> tensor<1x3x8x8xf32, #ge.format<NC1HWC0>>
  %18 = ge.Relu %17 : (tensor<1x3x8x8xf32, #ge.format<NC1HWC0>>) -> tensor<1x3x8x8xf32, #ge.format<NC1HWC0>>
  return %16 : tensor<3x2xf32>
}

// Graph-level attributes reserved for later passes.
// CHECK-LABEL: func @graph_attrs
// CHECK-SAME: ge.gears = [array<i64: 1, 3>, array<i64: 8, 3>]
// CHECK-SAME: ge.precision_mode = "allow_mix_precision"
func.func @graph_attrs(%x: tensor<?x3xf32>) -> tensor<?x3xf32>
    attributes {ge.precision_mode = "allow_mix_precision", ge.gears = [array<i64: 1, 3>, array<i64: 8, 3>]} {
  return %x : tensor<?x3xf32>
}

// CHECK-LABEL: func @fused
// CHECK: ge.FusedElementwise %{{.*}}, %{{.*}} : (tensor<1x64xf32>, tensor<64xf32>) -> tensor<1x64xf32> {
// CHECK: ge.Yield %{{.*}} : tensor<1x64xf32>
func.func @fused(%x: tensor<1x64xf32>, %b: tensor<64xf32>) -> tensor<1x64xf32> {
  %y = ge.FusedElementwise %x, %b : (tensor<1x64xf32>, tensor<64xf32>) -> tensor<1x64xf32> {
  ^bb0(%a: tensor<1x64xf32>, %c: tensor<64xf32>):
    %0 = ge.Add %a, %c : (tensor<1x64xf32>, tensor<64xf32>) -> tensor<1x64xf32>
    %1 = ge.Relu %0 : (tensor<1x64xf32>) -> tensor<1x64xf32>
    ge.Yield %1 : tensor<1x64xf32>
  }
  return %y : tensor<1x64xf32>
}

// CHECK-LABEL: func @index_ops
func.func @index_ops(%x: tensor<3x5xf32>, %idx: tensor<3x2xi64>) -> (tensor<3x2xf32>, tensor<5xi64>, tensor<3xi32>) {
  // CHECK: ge.GatherElements %{{.*}}, %{{.*}} {dim = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  %0 = ge.GatherElements %x, %idx {dim = 1} : (tensor<3x5xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  // CHECK: ge.ArgMaxD %{{.*}} {dimension = 0 : i64, dtype = i64} : (tensor<3x5xf32>) -> tensor<5xi64>
  %1 = ge.ArgMaxD %x {dimension = 0, dtype = i64} : (tensor<3x5xf32>) -> tensor<5xi64>
  // CHECK: ge.ArgMinD %{{.*}} {dimension = -1 : i64, dtype = i32} : (tensor<3x5xf32>) -> tensor<3xi32>
  %2 = ge.ArgMinD %x {dimension = -1, dtype = i32} : (tensor<3x5xf32>) -> tensor<3xi32>
  return %0, %1, %2 : tensor<3x2xf32>, tensor<5xi64>, tensor<3xi32>
}

// CHECK-LABEL: func @rounding_and_trig
func.func @rounding_and_trig(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: ge.Floor %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %0 = ge.Floor %x : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Ceil %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = ge.Ceil %0 : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Round %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %2 = ge.Round %1 : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Sin %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %3 = ge.Sin %2 : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Cos %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %4 = ge.Cos %3 : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Tan %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %5 = ge.Tan %4 : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Asin %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %6 = ge.Asin %5 : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Acos %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %7 = ge.Acos %6 : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Atan %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %8 = ge.Atan %7 : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Sinh %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %9 = ge.Sinh %8 : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Cosh %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %10 = ge.Cosh %9 : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Asinh %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %11 = ge.Asinh %10 : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Acosh %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %12 = ge.Acosh %11 : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: ge.Atanh %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %13 = ge.Atanh %12 : (tensor<4xf32>) -> tensor<4xf32>
  return %13 : tensor<4xf32>
}

// CHECK-LABEL: func @resize
func.func @resize(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>, %roi: tensor<8xf32>) -> (tensor<1x1x4x6xf32>, tensor<1x1x3x3xf32>) {
  // CHECK: ge.Resize %{{.*}} scales %{{.*}} {coordinate_transformation_mode = "asymmetric", mode = "linear"} : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x6xf32>
  %0 = ge.Resize %x scales %s {mode = "linear", coordinate_transformation_mode = "asymmetric"} : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x6xf32>
  // CHECK: ge.Resize %{{.*}} roi %{{.*}} {coordinate_transformation_mode = "tf_crop_and_resize", extrapolation_value = 1.000000e+01 : f32, sizes = array<i64: 1, 1, 3, 3>} : (tensor<1x1x2x2xf32>, tensor<8xf32>) -> tensor<1x1x3x3xf32>
  %1 = ge.Resize %x roi %roi {sizes = array<i64: 1, 1, 3, 3>, coordinate_transformation_mode = "tf_crop_and_resize", extrapolation_value = 10.0 : f32} : (tensor<1x1x2x2xf32>, tensor<8xf32>) -> tensor<1x1x3x3xf32>
  return %0, %1 : tensor<1x1x4x6xf32>, tensor<1x1x3x3xf32>
}

// CHECK-LABEL: func @gather_scatter
func.func @gather_scatter(%x: tensor<2x3x4xf32>, %i: tensor<2x5x2xi64>, %e: tensor<2x3x2xi64>, %u: tensor<2x3x2xf32>, %n: tensor<2x1xi64>, %s: tensor<2x3x4xf32>) -> (tensor<2x5xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  // CHECK: ge.GatherNd %{{.*}}, %{{.*}} {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x2xi64>) -> tensor<2x5xf32>
  %0 = ge.GatherNd %x, %i {batch_dims = 1} : (tensor<2x3x4xf32>, tensor<2x5x2xi64>) -> tensor<2x5xf32>
  // CHECK: ge.ScatterElements %{{.*}}, %{{.*}}, %{{.*}} {dim = 2 : i64, reduction = "add"}
  %1 = ge.ScatterElements %x, %e, %u {dim = 2, reduction = "add"} : (tensor<2x3x4xf32>, tensor<2x3x2xi64>, tensor<2x3x2xf32>) -> tensor<2x3x4xf32>
  // CHECK: ge.ScatterNdUpdate %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<2x1xi64>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %2 = ge.ScatterNdUpdate %x, %n, %s : (tensor<2x3x4xf32>, tensor<2x1xi64>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0, %1, %2 : tensor<2x5xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// CHECK-LABEL: func @grid_sampler
func.func @grid_sampler(%x: tensor<1x3x4x5xf32>, %g: tensor<1x6x7x2xf32>) -> tensor<1x3x6x7xf32> {
  // CHECK: ge.GridSampler2D %{{.*}}, %{{.*}} {align_corners = true, interpolation_mode = "bicubic", padding_mode = "reflection"} : (tensor<1x3x4x5xf32>, tensor<1x6x7x2xf32>) -> tensor<1x3x6x7xf32>
  %0 = ge.GridSampler2D %x, %g {interpolation_mode = "bicubic", padding_mode = "reflection", align_corners = true} : (tensor<1x3x4x5xf32>, tensor<1x6x7x2xf32>) -> tensor<1x3x6x7xf32>
  return %0 : tensor<1x3x6x7xf32>
}

// CHECK-LABEL: func @einsum
func.func @einsum(%a: tensor<2x1x3x4xf64>, %b: tensor<3x4x?xf64>) -> tensor<2x3x3x?xf64> {
  // CHECK: ge.Einsum %{{.*}}, %{{.*}} {equation = "...ij,...jk->...ik"} : (tensor<2x1x3x4xf64>, tensor<3x4x?xf64>) -> tensor<2x3x3x?xf64>
  %0 = ge.Einsum %a, %b {equation = "...ij,...jk->...ik"} : (tensor<2x1x3x4xf64>, tensor<3x4x?xf64>) -> tensor<2x3x3x?xf64>
  return %0 : tensor<2x3x3x?xf64>
}
