// RUN: geflow-opt %s -split-input-file -npu-elide-concat | FileCheck %s

// Channel concat of NCHW with N = 1: every input is one contiguous slice.
// CHECK-LABEL: npu.program @channels
// CHECK: npu.kernel "concat"{{.*}}elided
npu.program @channels(%x: tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %b = npu.kernel "b"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c = npu.kernel "concat"(%a, %b) {block_dim = 1 : i64, tiling = #npu.tiling<"">, kernel_attrs = {axis = 1 : i64}} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32>
  %r = npu.kernel "r"(%c) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  npu.return %r : tensor<1x4x4x4xf32>
}

// -----

// Batch 2: the slices interleave, so the concat must run.
// CHECK-LABEL: npu.program @strided
// CHECK-NOT: elided
npu.program @strided(%x: tensor<2x2xf32>) -> tensor<2x4xf32> {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %b = npu.kernel "b"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %c = npu.kernel "concat"(%a, %b) {block_dim = 1 : i64, tiling = #npu.tiling<"">, kernel_attrs = {axis = -1 : i64}} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x4xf32>
  npu.return %c : tensor<2x4xf32>
}

// -----

// A program input, or the same value twice, cannot be placed as a slice.
// CHECK-LABEL: npu.program @not_own_buffers
// CHECK-NOT: elided
npu.program @not_own_buffers(%x: tensor<1x2xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %c = npu.kernel "concat"(%x, %a) {block_dim = 1 : i64, tiling = #npu.tiling<"">, kernel_attrs = {axis = 1 : i64}} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %d = npu.kernel "concat"(%a, %a) {block_dim = 1 : i64, tiling = #npu.tiling<"">, kernel_attrs = {axis = 1 : i64}} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  npu.return %c, %d : tensor<1x4xf32>, tensor<1x4xf32>
}
