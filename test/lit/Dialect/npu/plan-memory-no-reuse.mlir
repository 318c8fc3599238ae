// RUN: geflow-opt %s -npu-plan-memory='no-reuse=B,node_c' | FileCheck %s

// GE's OP_NO_REUSE_MEM: "B" names kernel "b" by op type (case and '_'
// ignored), "node_c" names kernel "c" by its node. Their results get bytes
// of their own and are not overwritten in place (d cannot write over c), so
// the in-place chain that fits in 4 KiB needs 12 KiB; a and d still share.
// CHECK-LABEL: npu.program @chain
// CHECK-SAME: arena_size = 12288
// CHECK: npu.kernel "a"{{.*}}outputs = [#npu.buf<arena, [[A:[0-9]+]], 4096>]
// CHECK: npu.kernel "b"{{.*}}outputs = [#npu.buf<arena, [[B:[0-9]+]], 4096>]
// CHECK: npu.kernel "c"{{.*}}outputs = [#npu.buf<arena, [[C:[0-9]+]], 4096>]
// CHECK: npu.kernel "d"{{.*}}outputs = [#npu.buf<arena, [[A]], 4096>]
npu.program @chain(%x: tensor<1024xf32>) -> tensor<1024xf32> {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">, inplace_inputs = array<i64: 0>} : (tensor<1024xf32>) -> tensor<1024xf32>
  %b = npu.kernel "b"(%a) {block_dim = 1 : i64, tiling = #npu.tiling<"">, inplace_inputs = array<i64: 0>} : (tensor<1024xf32>) -> tensor<1024xf32>
  %c = npu.kernel "c"(%b) {block_dim = 1 : i64, tiling = #npu.tiling<"">, inplace_inputs = array<i64: 0>} : (tensor<1024xf32>) -> tensor<1024xf32> loc("node_c")
  %d = npu.kernel "d"(%c) {block_dim = 1 : i64, tiling = #npu.tiling<"">, inplace_inputs = array<i64: 0>} : (tensor<1024xf32>) -> tensor<1024xf32>
  npu.return %d : tensor<1024xf32>
}
