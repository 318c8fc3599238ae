// RUN: geflow-opt %s -canonicalize -split-input-file | FileCheck %s
// Folding and canonicalization where it is obviously right.

// CHECK-LABEL: func @identity_like
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: ge.
// CHECK: return %[[X]], %[[X]], %[[X]], %[[X]]
func.func @identity_like(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = ge.Cast %x {dst_type = f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %s = ge.Const dense<[2, 3]> : tensor<2xi64>
  %1 = ge.Reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %2 = ge.Transpose %x {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = ge.Identity %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @reshape_of_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[S:.*]] = ge.Const dense<[4, 6]>
// CHECK: %[[R:.*]] = ge.Reshape %[[X]], %[[S]] : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %s1 = ge.Const dense<[6, 4]> : tensor<2xi64>
  %0 = ge.Reshape %x, %s1 : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %s2 = ge.Const dense<[4, 6]> : tensor<2xi64>
  %1 = ge.Reshape %0, %s2 : (tensor<6x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// CHECK-LABEL: func @transpose_of_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[T:.*]] = ge.Transpose %[[X]] {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_of_transpose(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = ge.Transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %1 = ge.Transpose %0 {perm = array<i64: 2, 0, 1>} : (tensor<4x2x3xf32>) -> tensor<3x4x2xf32>
  return %1 : tensor<3x4x2xf32>
}

// -----

// Transposes that cancel disappear entirely.
// CHECK-LABEL: func @transpose_cancel
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_cancel(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = ge.Transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %1 = ge.Transpose %0 {perm = array<i64: 1, 2, 0>} : (tensor<4x2x3xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func @elementwise_constants
// CHECK-DAG: ge.Const dense<[5.000000e+00, 7.000000e+00, 9.000000e+00]> : tensor<3xf32>
// CHECK-DAG: ge.Const dense<[0.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK-DAG: ge.Const dense<[true, false, false]> : tensor<3xi1>
// CHECK-DAG: ge.Const dense<[-3, 2]> : tensor<2xi32>
// CHECK-NOT: ge.Add
// CHECK-NOT: ge.Relu
func.func @elementwise_constants() -> (tensor<3xf32>, tensor<2xf32>, tensor<3xi1>, tensor<2xi32>) {
  %a = ge.Const dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %b = ge.Const dense<[4.0, 5.0, 6.0]> : tensor<3xf32>
  %0 = ge.Add %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %c = ge.Const dense<[-2.0, 1.0]> : tensor<2xf32>
  %1 = ge.Relu %c : (tensor<2xf32>) -> tensor<2xf32>
  %c_two = ge.Const dense<[2.0]> : tensor<1xf32>
  %2 = ge.Less %a, %c_two : (tensor<3xf32>, tensor<1xf32>) -> tensor<3xi1>
  %i = ge.Const dense<[7, -5]> : tensor<2xi32>
  %j = ge.Const dense<[-2, -2]> : tensor<2xi32>
  %3 = ge.RealDiv %i, %j : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %0, %1, %2, %3 : tensor<3xf32>, tensor<2xf32>, tensor<3xi1>, tensor<2xi32>
}

// -----

// Integer division by zero is left for the runtime to report.
// CHECK-LABEL: func @no_fold_div_zero
// CHECK: ge.RealDiv
func.func @no_fold_div_zero() -> tensor<1xi32> {
  %i = ge.Const dense<[7]> : tensor<1xi32>
  %z = ge.Const dense<[0]> : tensor<1xi32>
  %0 = ge.RealDiv %i, %z : (tensor<1xi32>, tensor<1xi32>) -> tensor<1xi32>
  return %0 : tensor<1xi32>
}

// -----

// A shape-computing subgraph (Shape -> Gather -> Concat -> Reshape) folds
// into a static reshape when the input shape is static.
// CHECK-LABEL: func @shape_subgraph
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[S:.*]] = ge.Const dense<[2, -1]> : tensor<2xi64>
// CHECK: ge.Reshape %[[X]], %[[S]] : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
// CHECK-NOT: ge.Shape
func.func @shape_subgraph(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %shape = ge.Shape %x {dtype = i64} : (tensor<2x3x4xf32>) -> tensor<3xi64>
  %i0 = ge.Const dense<[0]> : tensor<1xi64>
  %batch = ge.GatherV2 %shape, %i0 {axis = 0} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %rest = ge.Const dense<[-1]> : tensor<1xi64>
  %target = ge.ConcatV2 %batch, %rest {concat_dim = 0} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %y = ge.Reshape %x, %target : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
  return %y : tensor<2x12xf32>
}

// -----

// CHECK-LABEL: func @data_movement_constants
// CHECK-DAG: ge.Const dense<{{\[}}[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi64>
// CHECK-DAG: ge.Const dense<[3, 2]> : tensor<2xi64>
// CHECK-DAG: ge.Const dense<{{\[}}[0, 0, 0, 0], [0, 1, 2, 0]]> : tensor<2x4xi64>
// CHECK-DAG: ge.Const dense<[6, 15]> : tensor<2xi64>
func.func @data_movement_constants() -> (tensor<3x2xi64>, tensor<2xi64>, tensor<2x4xi64>, tensor<2xi64>) {
  %m = ge.Const dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %t = ge.Transpose %m {perm = array<i64: 1, 0>} : (tensor<2x3xi64>) -> tensor<3x2xi64>
  %s = ge.StridedSlice %m {begin = array<i64: 0, 2>, end = array<i64: 2, 0>, strides = array<i64: 1, -1>} : (tensor<2x3xi64>) -> tensor<2x2xi64>
  %sq = ge.Slice %s {offsets = array<i64: 0, 0>, size = array<i64: 1, 2>} : (tensor<2x2xi64>) -> tensor<1x2xi64>
  %f = ge.Squeeze %sq {axis = array<i64: 0>} : (tensor<1x2xi64>) -> tensor<2xi64>
  %v = ge.Const dense<[[1, 2]]> : tensor<1x2xi64>
  %p = ge.Pad %v {paddings = array<i64: 1, 0, 1, 1>} : (tensor<1x2xi64>) -> tensor<2x4xi64>
  %r = ge.ReduceSum %m {axes = array<i64: 1>} : (tensor<2x3xi64>) -> tensor<2xi64>
  return %t, %f, %p, %r : tensor<3x2xi64>, tensor<2xi64>, tensor<2x4xi64>, tensor<2xi64>
}

// -----

// Casting f16 -> f32 -> f16 is exact and cancels; f32 -> f16 -> f32 is not.
// CHECK-LABEL: func @cast_pairs
// CHECK-SAME: (%[[H:.*]]: tensor<4xf16>, %[[F:.*]]: tensor<4xf32>)
// CHECK: %[[A:.*]] = ge.Cast %[[F]] {dst_type = f16}
// CHECK: %[[B:.*]] = ge.Cast %[[A]] {dst_type = f32}
// CHECK: return %[[H]], %[[B]]
func.func @cast_pairs(%h: tensor<4xf16>, %f: tensor<4xf32>) -> (tensor<4xf16>, tensor<4xf32>) {
  %0 = ge.Cast %h {dst_type = f32} : (tensor<4xf16>) -> tensor<4xf32>
  %1 = ge.Cast %0 {dst_type = f16} : (tensor<4xf32>) -> tensor<4xf16>
  %2 = ge.Cast %f {dst_type = f16} : (tensor<4xf32>) -> tensor<4xf16>
  %3 = ge.Cast %2 {dst_type = f32} : (tensor<4xf16>) -> tensor<4xf32>
  return %1, %3 : tensor<4xf16>, tensor<4xf32>
}

// -----

// Index ops on constants fold (torch.gather, numpy argmax/argmin with the
// first index on ties).
// CHECK-LABEL: func @fold_index_ops
// CHECK-DAG: ge.Const dense<{{\[\[}}3.000000e+00, 1.000000e+00], [5.000000e+00, 5.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: ge.Const dense<[2, 1]> : tensor<2xi64>
// CHECK-DAG: ge.Const dense<0> : tensor<3xi32>
// CHECK-NOT: ge.GatherElements
// CHECK-NOT: ge.ArgMaxD
func.func @fold_index_ops() -> (tensor<2x2xf32>, tensor<2xi64>, tensor<3xi32>) {
  %x = ge.Const dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 5.0]]> : tensor<2x3xf32>
  %i = ge.Const dense<[[2, 0], [-2, 2]]> : tensor<2x2xi64>
  %0 = ge.GatherElements %x, %i {dim = 1} : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
  %1 = ge.ArgMaxD %x {dimension = 1, dtype = i64} : (tensor<2x3xf32>) -> tensor<2xi64>
  %2 = ge.ArgMinD %x {dimension = 0, dtype = i32} : (tensor<2x3xf32>) -> tensor<3xi32>
  return %0, %1, %2 : tensor<2x2xf32>, tensor<2xi64>, tensor<3xi32>
}

// -----

// Remainders fold exactly: Mod keeps the dividend's sign, FloorMod takes the
// divisor's; a zero integer divisor is left for the kernel to report.
// CHECK-LABEL: func @fold_remainders
// CHECK-DAG: ge.Const dense<[1, -1, 1, -1]> : tensor<4xi32>
// CHECK-DAG: ge.Const dense<[1, 2, -2, -1]> : tensor<4xi32>
// CHECK-DAG: ge.Const dense<[1.500000e+00, -1.500000e+00]> : tensor<2xf32>
// CHECK: ge.FloorMod %{{.*}}, %{{.*}} : (tensor<4xi32>, tensor<4xi32>)
func.func @fold_remainders() -> (tensor<4xi32>, tensor<4xi32>, tensor<2xf32>, tensor<4xi32>) {
  %a = ge.Const dense<[7, -7, 7, -7]> : tensor<4xi32>
  %b = ge.Const dense<[3, 3, -3, -3]> : tensor<4xi32>
  %0 = ge.Mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = ge.FloorMod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %x = ge.Const dense<[5.5, -5.5]> : tensor<2xf32>
  %y = ge.Const dense<2.0> : tensor<f32>
  %2 = ge.Mod %x, %y : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %z = ge.Const dense<[1, 1, 0, 1]> : tensor<4xi32>
  %3 = ge.FloorMod %a, %z : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0, %1, %2, %3 : tensor<4xi32>, tensor<4xi32>, tensor<2xf32>, tensor<4xi32>
}

// -----

// A product over axes folds; integer products wrap.
// CHECK-LABEL: func @fold_reduce_prod
// CHECK-DAG: ge.Const dense<[6.000000e+00, -1.200000e+01]> : tensor<2xf32>
// CHECK-DAG: ge.Const dense<0> : tensor<i8>
// CHECK-NOT: ge.ReduceProd
func.func @fold_reduce_prod() -> (tensor<2xf32>, tensor<i8>) {
  %x = ge.Const dense<[[1.0, 2.0, 3.0], [-1.0, 3.0, 4.0]]> : tensor<2x3xf32>
  %0 = ge.ReduceProd %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  %i = ge.Const dense<[16, 16]> : tensor<2xi8>
  %1 = ge.ReduceProd %i : (tensor<2xi8>) -> tensor<i8>
  return %0, %1 : tensor<2xf32>, tensor<i8>
}
