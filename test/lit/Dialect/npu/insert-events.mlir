// RUN: geflow-opt %s -npu-insert-events | FileCheck %s

// e on stream 0 needs d from stream 1: one record after d, one wait before
// e. g (stream 0) also reads d: already known finished, no second wait.
// CHECK-LABEL: npu.program @join
// CHECK-SAME: num_events = 1
// CHECK: npu.kernel "d"
// CHECK-NEXT: npu.event_record {event = 0 : i64, stream = 1 : i64}
// CHECK: npu.event_wait {event = 0 : i64, stream = 0 : i64}
// CHECK-NEXT: npu.kernel "e"
// CHECK-NOT: npu.event_wait
// CHECK: npu.kernel "g"
npu.program @join(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) attributes {num_streams = 2 : i64} {
  %b = npu.kernel "b"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">, stream = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %d = npu.kernel "d"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">, stream = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %e = npu.kernel "e"(%b, %d) {block_dim = 1 : i64, tiling = #npu.tiling<"">, stream = 0 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %g = npu.kernel "g"(%e, %d) {block_dim = 1 : i64, tiling = #npu.tiling<"">, stream = 0 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  npu.return %g, %e : tensor<4xf32>, tensor<4xf32>
}

// Transitive order: stream 2 waits for stream 1, which had waited for
// stream 0 after a; so c on stream 2 needs no wait for a.
// CHECK-LABEL: npu.program @transitive
// CHECK-SAME: num_events = 2
// CHECK: npu.kernel "a"
// CHECK-NEXT: npu.event_record {event = 0 : i64, stream = 0 : i64}
// CHECK: npu.event_wait {event = 0 : i64, stream = 1 : i64}
// CHECK-NEXT: npu.kernel "b"
// CHECK-NEXT: npu.event_record {event = 1 : i64, stream = 1 : i64}
// CHECK: npu.event_wait {event = 1 : i64, stream = 2 : i64}
// CHECK-NOT: npu.event_wait
// CHECK: npu.kernel "c"
npu.program @transitive(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_streams = 3 : i64} {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">, stream = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %b = npu.kernel "b"(%a) {block_dim = 1 : i64, tiling = #npu.tiling<"">, stream = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %c = npu.kernel "c"(%b, %a) {block_dim = 1 : i64, tiling = #npu.tiling<"">, stream = 2 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  npu.return %c : tensor<4xf32>
}

// One stream: no events at all.
// CHECK-LABEL: npu.program @single
// CHECK-NOT: npu.event
npu.program @single(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>) -> tensor<4xf32>
  %b = npu.kernel "b"(%a) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>) -> tensor<4xf32>
  npu.return %b : tensor<4xf32>
}
