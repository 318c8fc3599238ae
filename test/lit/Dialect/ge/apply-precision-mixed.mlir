// Automatic mixed precision: white list ops reduce, black list ops keep
// float32, gray ops follow their producers (all non-constant float inputs
// reduced -> reduced). Casts are shared per value and dtype, and a cast that
// would undo an exact widening reuses the original value.
// RUN: geflow-opt %s -split-input-file --ge-apply-precision | FileCheck %s --implicit-check-not="ge.Cast %arg1"

func.func @residual(%x: tensor<2x8xf32> {ge.name = "x"}) -> (tensor<2x8xf32>, tensor<2x8xf32>)
    attributes {ge.precision_mode = "allow_mix_precision_fp16"} {
  %w = ge.Const dense<0.5> : tensor<8x8xf32> loc("w")
  %m1 = ge.MatMulV2 %x, %w : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32> loc("mm1")
  %m2 = ge.MatMulV2 %m1, %w : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32> loc("mm2")
  %a = ge.Add %m1, %m2 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("both_reduced")
  %r = ge.Add %x, %a : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("residual")
  %s = ge.Softmax %a : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("softmax")
  %k = ge.Mul %s, %s : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("after_black")
  return %r, %k : tensor<2x8xf32>, tensor<2x8xf32>
}

// CHECK-LABEL: func.func @residual
// CHECK:      %[[X16:.*]] = ge.Cast %arg0 {dst_type = f16}
// CHECK:      %[[W:.*]] = ge.Const dense<5.000000e-01> : tensor<8x8xf16>
// CHECK:      %[[M1:.*]] = ge.MatMulV2 %[[X16]], %[[W]] {ge.precision = "reduced to f16: white list"}
// CHECK:      %[[M2:.*]] = ge.MatMulV2 %[[M1]], %[[W]] {ge.precision = "reduced to f16: white list"}
// CHECK:      %[[A:.*]] = ge.Add %[[M1]], %[[M2]] {ge.precision = "reduced to f16: gray list, follows MatMulV2 'mm1'"}
// One cast serves both f32 consumers.
// CHECK:      %[[A32:.*]] = ge.Cast %[[A]] {dst_type = f32}
// CHECK:      %[[R:.*]] = ge.Add %arg0, %[[A32]] {ge.precision = "kept f32: gray list, follows input 'x'"}
// CHECK:      %[[S:.*]] = ge.Softmax %[[A32]] {ge.precision = "kept f32: black list"}
// CHECK:      %[[K:.*]] = ge.Mul %[[S]], %[[S]] {ge.precision = "kept f32: gray list, follows Softmax 'softmax'"}
// CHECK-NOT:  ge.Cast
// CHECK:      return %[[R]], %[[K]]

// -----

func.func @misc(%x: tensor<2x8xf32> {ge.name = "x"}, %h: tensor<2x8xf16> {ge.name = "h"}, %i: tensor<3xi32> {ge.name = "idx"}) -> (tensor<2x8xi1>, tensor<2x8xf32>, tensor<3x8xf32>, tensor<2x4xf32>, tensor<4x8xf32>, tensor<2x8xf32>, tensor<8xf32>)
    attributes {ge.precision_mode = "allow_mix_precision_fp16"} {
  %w = ge.Const dense<0.5> : tensor<8x8xf32> loc("w")
  %b = ge.Const dense<0.125> : tensor<8xf32> loc("b")
  %hx = ge.Cast %h {dst_type = f32} : (tensor<2x8xf16>) -> tensor<2x8xf32> loc("h_to_f32")
  %m = ge.MatMulV2 %hx, %w : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32> loc("mm")
  %lt = ge.Less %m, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xi1> loc("less")
  %sel = ge.Select %lt, %m, %m : (tensor<2x8xi1>, tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("select")
  %g = ge.GatherV2 %m, %i {axis = 0 : i64} : (tensor<2x8xf32>, tensor<3xi32>) -> tensor<3x8xf32> loc("gather")
  %s:2 = ge.Split %m {split_dim = 1 : i64, size_splits = array<i64: 4, 4>} : (tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) loc("split")
  %c = ge.ConcatV2 %m, %x {concat_dim = 0 : i64} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<4x8xf32> loc("concat")
  %ar = ge.HcomAllReduce %m : tensor<2x8xf32> loc("allreduce")
  %cb = ge.Add %b, %b : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32> loc("consts_only")
  return %lt, %sel, %g, %s#0, %c, %ar, %cb : tensor<2x8xi1>, tensor<2x8xf32>, tensor<3x8xf32>, tensor<2x4xf32>, tensor<4x8xf32>, tensor<2x8xf32>, tensor<8xf32>
}

// CHECK-LABEL: func.func @misc
// The graph's f16 -> f32 cast and the inserted f32 -> f16 cast cancel
// (no ge.Cast of %arg1 anywhere).
// CHECK:      %[[W:.*]] = ge.Const dense<5.000000e-01> : tensor<8x8xf16>
// The constant-only Add keeps the f32 constant.
// CHECK:      %[[B:.*]] = ge.Const dense<1.250000e-01> : tensor<8xf32>
// CHECK:      %[[M:.*]] = ge.MatMulV2 %arg1, %[[W]] {ge.precision = "reduced to f16: white list"}
// CHECK:      %[[M32:.*]] = ge.Cast %[[M]] {dst_type = f32}
// A comparison decides the dtype of its inputs; its i1 result stays.
// CHECK:      %[[LT:.*]] = ge.Less %[[M32]], %arg0 {ge.precision = "kept f32: gray list, follows input 'x'"}{{.*}} -> tensor<2x8xi1>
// The condition of Select and the indices of GatherV2 do not vote.
// CHECK:      ge.Select %[[LT]], %[[M]], %[[M]] {ge.precision = "reduced to f16: gray list, follows MatMulV2 'mm'"}{{.*}} -> tensor<2x8xf16>
// CHECK:      ge.GatherV2 %[[M]], %arg2 {{.*}}"reduced to f16: gray list, follows MatMulV2 'mm'"{{.*}} -> tensor<3x8xf16>
// CHECK:      ge.Split %[[M]] {{.*}}"reduced to f16: gray list, follows MatMulV2 'mm'"{{.*}} -> (tensor<2x4xf16>, tensor<2x4xf16>)
// CHECK:      ge.ConcatV2 %[[M32]], %arg0 {{.*}}"kept f32: gray list, follows input 'x'"
// Ops outside the op-info library keep their dtypes (and get no record).
// CHECK:      ge.HcomAllReduce %[[M32]] : tensor<2x8xf32>
// CHECK:      ge.Add %[[B]], %[[B]] {ge.precision = "kept f32: gray list, follows constants only"}
