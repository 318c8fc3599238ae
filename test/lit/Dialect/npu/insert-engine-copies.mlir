// RUN: geflow-opt %s -npu-insert-engine-copies | FileCheck %s
// RUN: geflow-opt %s -npu-insert-engine-copies -npu-bind-outputs -npu-assign-streams=max-streams=2 -npu-insert-events -npu-plan-memory | FileCheck %s --check-prefix=PLAN

// Device a -> host h1 -> host h2 -> device b, and h2 returned: one copy per
// value and direction, inserted after the producer; the input read on the
// host is copied once, the weight is read in place.
// CHECK-LABEL: npu.program @mixed
// CHECK: %[[XH:.*]] = npu.memcpy %arg0 {direction = "device_to_host"}
// CHECK: %[[A:.*]] = npu.kernel "a"(%arg0)
// CHECK: %[[AH:.*]] = npu.memcpy %[[A]] {direction = "device_to_host"}
// CHECK: %[[H1:.*]] = npu.kernel "h1"(%[[AH]], %[[XH]], %[[W:.*]]) {{.*}}on_host
// CHECK: %[[H2:.*]] = npu.host_call "h2"(%[[H1]])
// CHECK: %[[H2D:.*]] = npu.memcpy %[[H2]] {direction = "host_to_device"}
// CHECK: %[[B:.*]] = npu.kernel "b"(%[[H2D]])
// CHECK: npu.return %[[B]], %[[H2D]]

// Copies run on device streams, host tasks on the host stream (after the
// device streams), events order them, host values live in the host arena.
// PLAN-LABEL: npu.program @mixed
// PLAN-SAME: host_arena_size = {{[1-9][0-9]*}}
// PLAN-SAME: host_streams = array<i64: 2>
// PLAN-SAME: num_streams = 3
// PLAN: npu.memcpy %arg0 {direction = "device_to_host", placement = #npu.buf<host, {{.*}}>, stream = 0
// PLAN: npu.memcpy {{.*}}direction = "device_to_host", placement = #npu.buf<host,
// PLAN: npu.event_record
// PLAN: npu.event_wait {{.*}}stream = 2
// PLAN: npu.kernel "h1"{{.*}}on_host, outputs = [#npu.buf<host, {{.*}}stream = 2
// PLAN: npu.host_call "h2"{{.*}}outputs = [#npu.buf<host, {{.*}}stream = 2
// PLAN: npu.event_record {{.*}}stream = 2
// PLAN: npu.event_wait
// PLAN: npu.memcpy {{.*}}direction = "host_to_device", placement = #npu.buf<output 1,
npu.program @mixed(%x: tensor<64xf32>) -> (tensor<64xf32>, tensor<64xf32>) {
  %w = npu.weight {value = dense<1.0> : tensor<64xf32>} : tensor<64xf32>
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<64xf32>) -> tensor<64xf32>
  %h1 = npu.kernel "h1"(%a, %x, %w) {block_dim = 1 : i64, tiling = #npu.tiling<"">, on_host} : (tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
  %h2 = npu.host_call "h2"(%h1) : (tensor<64xf32>) -> tensor<64xf32>
  %b = npu.kernel "b"(%h2) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<64xf32>) -> tensor<64xf32>
  npu.return %b, %h2 : tensor<64xf32>, tensor<64xf32>
}
