// RUN: geflow-opt %s -split-input-file -npu-bind-outputs | FileCheck %s

// The producing kernel writes the slot; through an alias too.
// CHECK-LABEL: npu.program @direct
// CHECK: npu.kernel "a"{{.*}}outputs = [#npu.buf<output 0, 0, 16>]
// CHECK: npu.kernel "b"{{.*}}outputs = [#npu.buf<output 1, 0, 16>]
// CHECK-NOT: npu.memcpy
npu.program @direct(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<2x2xf32>) {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>) -> tensor<4xf32>
  %b = npu.kernel "b"(%a) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>) -> tensor<4xf32>
  %v = npu.alias %b : tensor<4xf32> to tensor<2x2xf32>
  npu.return %a, %v : tensor<4xf32>, tensor<2x2xf32>
}

// -----

// A returned input, a returned weight and a value returned twice get copies.
// CHECK-LABEL: npu.program @copies
// CHECK: %[[A:.*]] = npu.kernel "a"{{.*}}outputs = [#npu.buf<output 0, 0, 16>]
// CHECK: %[[C1:.*]] = npu.memcpy %[[A]] {placement = #npu.buf<output 1, 0, 16>}
// CHECK: %[[C2:.*]] = npu.memcpy %arg0 {placement = #npu.buf<output 2, 0, 16>}
// CHECK: %[[C3:.*]] = npu.memcpy %{{.*}} {placement = #npu.buf<output 3, 0, 16>}
// CHECK: npu.return %[[A]], %[[C1]], %[[C2]], %[[C3]]
npu.program @copies(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %w = npu.weight {value = dense<1.0> : tensor<4xf32>} : tensor<4xf32>
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>) -> tensor<4xf32>
  npu.return %a, %a, %x, %w : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
