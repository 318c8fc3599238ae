// RUN: geflow-opt %s -split-input-file -verify-diagnostics

npu.program @out_of_arena(%x: tensor<4xf32>) -> tensor<4xf32> attributes {arena_size = 64 : i64} {
  // expected-error @+1 {{'npu.kernel' op output buffer [64, 80) exceeds the arena size 64}}
  %y = npu.kernel "relu"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">, outputs = [#npu.buf<arena, 64, 16>]} : (tensor<4xf32>) -> tensor<4xf32>
  npu.return %y : tensor<4xf32>
}

// -----

npu.program @too_small(%x: tensor<4xf32>) -> tensor<4xf32> attributes {arena_size = 128 : i64} {
  // expected-error @+1 {{'npu.kernel' op output buffer of 8 bytes is smaller than 'tensor<4xf32>' (16 bytes)}}
  %y = npu.kernel "relu"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">, outputs = [#npu.buf<arena, 0, 8>]} : (tensor<4xf32>) -> tensor<4xf32>
  npu.return %y : tensor<4xf32>
}

// -----

npu.program @format_bytes(%x: tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32, #ge.format<NC1HWC0>> attributes {arena_size = 1024 : i64} {
  // NC1HWC0 pads 3 channels to 16: 1x1x2x2x16 floats = 256 bytes.
  // expected-error @+1 {{'npu.kernel' op output buffer of 48 bytes is smaller than 'tensor<1x3x2x2xf32, #ge.format<NC1HWC0>>' (256 bytes)}}
  %y = npu.kernel "trans_data"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">, outputs = [#npu.buf<arena, 0, 48>]} : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32, #ge.format<NC1HWC0>>
  npu.return %y : tensor<1x3x2x2xf32, #ge.format<NC1HWC0>>
}

// -----

npu.program @stream_range(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_streams = 2 : i64} {
  // expected-error @+1 {{'npu.kernel' op runs on stream 2 but the program has 2 streams}}
  %y = npu.kernel "relu"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"">, stream = 2 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  npu.return %y : tensor<4xf32>
}

// -----

npu.program @wait_before_record(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_events = 1 : i64, num_streams = 2 : i64} {
  // expected-error @+1 {{'npu.event_wait' op waits for event 0 that no earlier npu.event_record records}}
  npu.event_wait {event = 0 : i64, stream = 1 : i64}
  npu.event_record {event = 0 : i64, stream = 0 : i64}
  npu.return %x : tensor<4xf32>
}

// -----

npu.program @bad_event(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'npu.event_record' op event 0 is out of range [0, 0)}}
  npu.event_record {event = 0 : i64, stream = 0 : i64}
  npu.return %x : tensor<4xf32>
}

// -----

npu.program @workspace_small(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'npu.kernel' op workspace buffer of 64 bytes is smaller than the tiling's 128}}
  %y = npu.kernel "relu"(%x) {block_dim = 1 : i64, tiling = #npu.tiling<"", workspace = 128>, workspace = #npu.buf<arena, 0, 64>} : (tensor<4xf32>) -> tensor<4xf32>
  npu.return %y : tensor<4xf32>
}

// -----

npu.program @alias_bytes(%x: tensor<4xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'npu.alias' op views 16 bytes as 'tensor<5xf32>' (20 bytes)}}
  %y = npu.alias %x : tensor<4xf32> to tensor<5xf32>
  npu.return %y : tensor<5xf32>
}

// -----

npu.program @weight_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'npu.weight' op value type 'tensor<2xf32>' differs from the result type 'tensor<4xf32>' (only packed weights may differ)}}
  %w = npu.weight {value = dense<1.0> : tensor<2xf32>} : tensor<4xf32>
  npu.return %w : tensor<4xf32>
}

// -----

npu.program @return_count(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'npu.return' op returns 0 values but the program has 1 results}}
  npu.return
}

// -----

npu.program @block_dim(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'npu.kernel' op block_dim must be >= 1, got 0}}
  %y = npu.kernel "relu"(%x) {block_dim = 0 : i64, tiling = #npu.tiling<"">} : (tensor<4xf32>) -> tensor<4xf32>
  npu.return %y : tensor<4xf32>
}
