// RUN: geflow-opt %s | geflow-opt | FileCheck %s
// Round trip of every npu op and attribute.

// CHECK-LABEL: npu.program @main
// CHECK-SAME: (%[[X:.*]]: tensor<1x16xf32>) -> tensor<1x32xf32>
// CHECK-SAME: arena_size = 4096 : i64
// CHECK-SAME: num_events = 1 : i64
// CHECK-SAME: num_streams = 2 : i64
npu.program @main(%x: tensor<1x16xf32>) -> tensor<1x32xf32>
    attributes {arena_size = 4096 : i64, num_streams = 2 : i64, num_events = 1 : i64, weights_size = 2048 : i64} {
  // CHECK: %[[W:.*]] = npu.weight {placement = #npu.buf<weight, 0, 2048>, value = dense<1.000000e+00> : tensor<16x32xf32>} : tensor<16x32xf32>
  %w = npu.weight {value = dense<1.0> : tensor<16x32xf32>, placement = #npu.buf<weight, 0, 2048>} : tensor<16x32xf32>
  // CHECK: npu.kernel "matmul"(%[[X]], %[[W]]) {block_dim = 2 : i64, kernel_attrs = {transpose_x2 = 0 : i64}, outputs = [#npu.buf<arena, 0, 128>], stream = 0 : i64, tiling = #npu.tiling<"0a0b", workspace = 256>, workspace = #npu.buf<arena, 256, 256>}
  %y = npu.kernel "matmul"(%x, %w) {block_dim = 2 : i64, tiling = #npu.tiling<"0a0b", workspace = 256>,
      kernel_attrs = {transpose_x2 = 0 : i64}, stream = 0 : i64, outputs = [#npu.buf<arena, 0, 128>],
      workspace = #npu.buf<arena, 256, 256>} : (tensor<1x16xf32>, tensor<16x32xf32>) -> tensor<1x32xf32>
  // CHECK: npu.event_record {event = 0 : i64, stream = 0 : i64}
  npu.event_record {event = 0 : i64, stream = 0 : i64}
  // CHECK: npu.event_wait {event = 0 : i64, stream = 1 : i64}
  npu.event_wait {event = 0 : i64, stream = 1 : i64}
  // CHECK: npu.alias %{{.*}} : tensor<1x32xf32> to tensor<32xf32>
  %a = npu.alias %y : tensor<1x32xf32> to tensor<32xf32>
  // CHECK: npu.host_call "print"(%{{.*}}) {stream = 1 : i64} : (tensor<32xf32>) -> ()
  npu.host_call "print"(%a) {stream = 1 : i64} : (tensor<32xf32>) -> ()
  // CHECK: npu.memcpy %{{.*}} {placement = #npu.buf<output 0, 0, 128>, stream = 1 : i64} : tensor<1x32xf32> -> tensor<1x32xf32>
  %c = npu.memcpy %y {stream = 1 : i64, placement = #npu.buf<output 0, 0, 128>} : tensor<1x32xf32> -> tensor<1x32xf32>
  // CHECK: npu.return %{{.*}} : tensor<1x32xf32>
  npu.return %c : tensor<1x32xf32>
}
