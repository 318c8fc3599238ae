// RUN: geflow-opt %s -split-input-file -ge-fuse-elementwise | FileCheck %s
// RUN: geflow-opt %s -split-input-file -ge-fuse-elementwise -convert-ge-to-npu=cores=2 | FileCheck %s --check-prefix=LOWER

// (x - mean) * rstd * gamma + beta, then relu: one fused region; the scalar
// constant becomes part of the body.
// CHECK-LABEL: func @norm_tail
// CHECK: %[[F:.*]] = ge.FusedElementwise %arg0, %arg1, %arg2, %arg3 : (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x1xf32>, tensor<8xf32>) -> tensor<4x8xf32> {
// CHECK-NEXT: ^bb0(
// CHECK: ge.Sub
// CHECK: ge.Mul
// CHECK: ge.Mul
// CHECK: ge.Const dense<5.000000e-01>
// CHECK: ge.Add
// CHECK: ge.Relu
// CHECK: ge.Yield
// CHECK: return %[[F]]
// LOWER-LABEL: npu.program @norm_tail
// LOWER: npu.kernel "vec_fused"(%arg0, %arg1, %arg2, %arg3) {{.*}}kernel_attrs = {constants = array<f64: 5.000000e-01>, program = array<i64: 65, 0, 100, 101, -1, 66, 0, 0, 102, -1, 66, 0, 0, 103, -1, 64, 0, 0, 200, -1, 3, 300, 0, -1, -1>}
func.func @norm_tail(%x: tensor<4x8xf32>, %mean: tensor<4x1xf32>, %rstd: tensor<4x1xf32>, %gamma: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = ge.Sub %x, %mean : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %1 = ge.Mul %0, %rstd : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %2 = ge.Mul %1, %gamma : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %half = ge.Const dense<0.5> : tensor<1xf32>
  %3 = ge.Add %2, %half : (tensor<4x8xf32>, tensor<1xf32>) -> tensor<4x8xf32>
  %4 = ge.Relu %3 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %4 : tensor<4x8xf32>
}

// -----

// A value also used outside the chain ends the group there: %0 is returned,
// so only the mul and sigmoid fuse (x * sigmoid(x) would need %0 inside).
// CHECK-LABEL: func @shared_value
// CHECK: %[[A:.*]] = ge.Add
// CHECK: ge.FusedElementwise %[[A]] : (tensor<16xf32>) -> tensor<16xf32>
// CHECK: ge.Sigmoid
// CHECK: ge.Mul
func.func @shared_value(%x: tensor<16xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
  %0 = ge.Add %x, %x : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  %1 = ge.Sigmoid %0 : (tensor<16xf32>) -> tensor<16xf32>
  %2 = ge.Mul %0, %1 : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  return %0, %2 : tensor<16xf32>, tensor<16xf32>
}

// -----

// A single elementwise op, or an op with another shape, is left alone.
// CHECK-LABEL: func @nothing_to_fuse
// CHECK-NOT: ge.FusedElementwise
func.func @nothing_to_fuse(%x: tensor<4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = ge.Relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = ge.Add %y, %0 : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}
