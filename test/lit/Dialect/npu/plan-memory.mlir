// RUN: geflow-opt %s -split-input-file -npu-plan-memory | FileCheck %s
// RUN: geflow-opt %s -split-input-file -npu-plan-memory=in-place=false | FileCheck %s --check-prefix=NOINPLACE

// A chain ping-pongs between two 4 KiB buffers; with in-place it needs one.
// CHECK-LABEL: npu.program @chain
// CHECK-SAME: arena_size = 4096
// CHECK-SAME: npu.max_live = 4096
// CHECK-SAME: npu.naive_size = 16384
// CHECK: npu.kernel "a"{{.*}}outputs = [#npu.buf<arena, 0, 4096>]
// CHECK: npu.kernel "b"{{.*}}outputs = [#npu.buf<arena, 0, 4096>]
// CHECK: npu.kernel "c"{{.*}}outputs = [#npu.buf<arena, 0, 4096>]
// CHECK: npu.kernel "d"{{.*}}outputs = [#npu.buf<arena, 0, 4096>]
// NOINPLACE-LABEL: npu.program @chain
// NOINPLACE-SAME: arena_size = 8192
// NOINPLACE: npu.kernel "a"{{.*}}outputs = [#npu.buf<arena, [[A:[0-9]+]], 4096>]
// NOINPLACE: npu.kernel "b"{{.*}}outputs = [#npu.buf<arena, [[B:[0-9]+]], 4096>]
// NOINPLACE: npu.kernel "c"{{.*}}outputs = [#npu.buf<arena, [[A]], 4096>]
// NOINPLACE: npu.kernel "d"{{.*}}outputs = [#npu.buf<arena, [[B]], 4096>]
npu.program @chain(%x: tensor<1024xf32>) -> tensor<1024xf32> {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">, inplace_inputs = array<i64: 0>} : (tensor<1024xf32>) -> tensor<1024xf32>
  %b = npu.kernel "b"(%a) {block_dim = 1 : i64, tiling = #npu.tiling<"">, inplace_inputs = array<i64: 0>} : (tensor<1024xf32>) -> tensor<1024xf32>
  %c = npu.kernel "c"(%b) {block_dim = 1 : i64, tiling = #npu.tiling<"">, inplace_inputs = array<i64: 0>} : (tensor<1024xf32>) -> tensor<1024xf32>
  %d = npu.kernel "d"(%c) {block_dim = 1 : i64, tiling = #npu.tiling<"">, inplace_inputs = array<i64: 0>} : (tensor<1024xf32>) -> tensor<1024xf32>
  npu.return %d : tensor<1024xf32>
}

// -----

// In place only over an input that dies at the kernel: %a is read again by
// c, so b gets its own buffer.
// CHECK-LABEL: npu.program @no_inplace_live_input
// CHECK: npu.kernel "a"{{.*}}outputs = [#npu.buf<arena, [[A:[0-9]+]], 4096>]
// CHECK-NOT: outputs = [#npu.buf<arena, [[A]], 4096>]
// CHECK: npu.kernel "b"
npu.program @no_inplace_live_input(%x: tensor<1024xf32>) -> tensor<1024xf32> {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<1024xf32>) -> tensor<1024xf32>
  %b = npu.kernel "b"(%a) {block_dim = 1 : i64, tiling = #npu.tiling<"">, inplace_inputs = array<i64: 0>} : (tensor<1024xf32>) -> tensor<1024xf32>
  %c = npu.kernel "c"(%a, %b) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
  npu.return %c : tensor<1024xf32>
}

// -----

// An elided concat: its inputs are written straight into slices of its
// result, which stays live until its reader.
// CHECK-LABEL: npu.program @free_concat
// CHECK: npu.kernel "p1"{{.*}}outputs = [#npu.buf<arena, [[BASE:[0-9]+]], 16>]
// CHECK: npu.kernel "p2"{{.*}}outputs = [#npu.buf<arena, [[BASE2:[0-9]+]], 32>]
// CHECK: npu.kernel "concat"{{.*}}elided
// CHECK-NOT: outputs
// CHECK-SAME: (tensor<1x4xf32>, tensor<1x8xf32>) -> tensor<1x12xf32>
npu.program @free_concat(%x: tensor<1x4xf32>) -> tensor<1x12xf32> {
  %p1 = npu.kernel "p1"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %p2 = npu.kernel "p2"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<1x4xf32>) -> tensor<1x8xf32>
  %c = npu.kernel "concat"(%p1, %p2) {block_dim = 1 : i64, tiling = #npu.tiling<"">, kernel_attrs = {axis = 1 : i64}, elided} : (tensor<1x4xf32>, tensor<1x8xf32>) -> tensor<1x12xf32>
  %r = npu.kernel "r"(%c) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<1x12xf32>) -> tensor<1x12xf32>
  npu.return %r : tensor<1x12xf32>
}

// -----

// Concurrent branches on two streams never share bytes, even where program
// order alone would allow it: b (stream 0) and d (stream 1) run at once.
// CHECK-LABEL: npu.program @streams
// CHECK-SAME: arena_size = 12288
npu.program @streams(%x: tensor<1024xf32>) -> tensor<1024xf32> attributes {num_streams = 2 : i64, num_events = 2 : i64} {
  %b = npu.kernel "b"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">, stream = 0 : i64} : (tensor<1024xf32>) -> tensor<1024xf32>
  %b2 = npu.kernel "b2"(%b) {block_dim = 1 : i64, tiling = #npu.tiling<"">, stream = 0 : i64} : (tensor<1024xf32>) -> tensor<1024xf32>
  npu.event_record {event = 0 : i64, stream = 0 : i64}
  %d = npu.kernel "d"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">, stream = 1 : i64} : (tensor<1024xf32>) -> tensor<1024xf32>
  npu.event_wait {event = 0 : i64, stream = 1 : i64}
  %e = npu.kernel "e"(%b2, %d) {block_dim = 1 : i64, tiling = #npu.tiling<"">, stream = 1 : i64} : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
  npu.return %e : tensor<1024xf32>
}

// -----

// Workspaces are buffers that live exactly as long as their kernel: while b
// runs, a's result, b's result and b's workspace are live (3 x 4 KiB), and
// a's workspace reuses bytes b's workspace cannot.
// CHECK-LABEL: npu.program @workspace
// CHECK-SAME: arena_size = 12288
// CHECK-SAME: npu.max_live = 12288
// CHECK: npu.kernel "a"{{.*}}workspace = #npu.buf<arena, {{[0-9]+}}, 4096>
npu.program @workspace(%x: tensor<1024xf32>) -> tensor<1024xf32> {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"", workspace = 4096>} : (tensor<1024xf32>) -> tensor<1024xf32>
  %b = npu.kernel "b"(%a) {block_dim = 1 : i64, tiling = #npu.tiling<"", workspace = 4096>} : (tensor<1024xf32>) -> tensor<1024xf32>
  npu.return %b : tensor<1024xf32>
}

// -----

// Results bound to output slots stay there; only the rest is planned.
// CHECK-LABEL: npu.program @bound_output
// CHECK-SAME: arena_size = 4096
// CHECK: npu.kernel "b"{{.*}}outputs = [#npu.buf<output 0, 0, 4096>]
npu.program @bound_output(%x: tensor<1024xf32>) -> tensor<1024xf32> {
  %a = npu.kernel "a"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<1024xf32>) -> tensor<1024xf32>
  %b = npu.kernel "b"(%a) {block_dim = 1 : i64, tiling = #npu.tiling<"">, outputs = [#npu.buf<output 0, 0, 4096>]} : (tensor<1024xf32>) -> tensor<1024xf32>
  npu.return %b : tensor<1024xf32>
}

// -----

// Every result of a multi-result kernel (split) gets its own placement:
// they are live at the same time.
// CHECK-LABEL: npu.program @multi_result
// CHECK: npu.kernel "split"{{.*}}outputs = [#npu.buf<arena, 0, 4096>, #npu.buf<arena, 4096, 4096>]
// CHECK: npu.kernel "use"
npu.program @multi_result(%x: tensor<2048xf32>) -> tensor<1024xf32> {
  %a:2 = npu.kernel "split"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<2048xf32>) -> (tensor<1024xf32>, tensor<1024xf32>)
  %b = npu.kernel "use"(%a#0, %a#1) {block_dim = 1 : i64, tiling = #npu.tiling<"">} : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
  npu.return %b : tensor<1024xf32>
}
