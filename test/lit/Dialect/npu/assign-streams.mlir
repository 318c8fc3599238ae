// RUN: geflow-opt %s -npu-assign-streams | FileCheck %s
// RUN: geflow-opt %s -npu-assign-streams=max-streams=1 | FileCheck %s --check-prefix=ONE
// RUN: geflow-opt %s -npu-assign-streams=max-streams=2 | FileCheck %s --check-prefix=TWO

// Two independent branches from %x (a -> b, c -> d) joined by e; f reads
// only %x again.
// CHECK-LABEL: npu.program @branches
// CHECK-SAME: num_streams = 3
// CHECK: npu.kernel "a"{{.*}}stream = 0
// CHECK: npu.kernel "b"{{.*}}stream = 0
// CHECK: npu.kernel "c"{{.*}}stream = 1
// CHECK: npu.kernel "d"{{.*}}stream = 1
// CHECK: npu.kernel "e"{{.*}}stream = 0
// CHECK: npu.kernel "f"{{.*}}stream = 2
// ONE-LABEL: npu.program @branches
// ONE-SAME: num_streams = 1
// ONE-NOT: stream = 1
// With two streams, f joins the stream idle the longest (1, since d).
// TWO: npu.kernel "e"{{.*}}stream = 0
// TWO: npu.kernel "f"{{.*}}stream = 1
npu.program @branches(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>) -> tensor<4xf32>
  %b = npu.kernel "b"(%a) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>) -> tensor<4xf32>
  %c = npu.kernel "c"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>) -> tensor<4xf32>
  %d = npu.kernel "d"(%c) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>) -> tensor<4xf32>
  %e = npu.kernel "e"(%b, %d) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %f = npu.kernel "f"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>) -> tensor<4xf32>
  npu.return %e, %f : tensor<4xf32>, tensor<4xf32>
}

// A chain stays on one stream, also through an alias.
// CHECK-LABEL: npu.program @chain
// CHECK-SAME: num_streams = 1
npu.program @chain(%x: tensor<4xf32>) -> tensor<2x2xf32> {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>) -> tensor<4xf32>
  %v = npu.alias %a : tensor<4xf32> to tensor<2x2xf32>
  %b = npu.kernel "b"(%v) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  npu.return %b : tensor<2x2xf32>
}
