// RUN: geflow-opt %s -convert-ge-to-npu=cores=4 -split-input-file -verify-diagnostics | FileCheck %s
// Mixed compute: host-placed ops lower to host-engine tasks. An op with a
// device kernel runs that kernel on the host (`on_host`, tiled for one host
// thread); an op without one calls its host kernel by GE op type.

// CHECK-LABEL: npu.program @placed
// CHECK: npu.kernel "relu"(%arg0) {{.*}}block_dim = 1 : i64{{.*}}ge.engine_reason = "user"{{.*}}on_host
// CHECK: npu.host_call "Cumsum"(%{{.*}}) {call_attrs = {axis = 1 : i64, exclusive = 1 : i64, reverse = 0 : i64}, ge.engine_reason = "no device kernel", ge.op_type = "Cumsum"}
// CHECK: npu.kernel "sigmoid"
// CHECK-NOT: on_host
// CHECK: npu.return
func.func @placed(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %r = ge.Relu %x {ge.engine = "host", ge.engine_reason = "user"} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %c = ge.Cumsum %r {axis = 1 : i64, exclusive = true, ge.engine = "host", ge.engine_reason = "no device kernel"} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %s = ge.Sigmoid %c : (tensor<4x64xf32>) -> tensor<4x64xf32>
  return %s : tensor<4x64xf32>
}

// -----

// Without mixed compute a host-only op fails, saying how to run it.
// expected-error @+1 {{no kernel for 1 op type(s):}}
func.func @unplaced(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = ge.Cumsum %x {axis = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

// The host kernel checks what it is given.
func.func @badtype(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{the host kernel Cumsum cannot run it: Cumsum on the host supports f32, f64, f16, bf16, i32, i64, u32 and u64, not int8}}
  %c = ge.Cumsum %x {axis = 0 : i64, ge.engine = "host"} : (tensor<4xi8>) -> tensor<4xi8>
  return %c : tensor<4xi8>
}

// -----

// An axis computed at run time is the host call's second operand; the kernel
// reads it when it runs.
// CHECK-LABEL: npu.program @runtime_axis
// CHECK: npu.host_call "Cumsum"(%arg0, %arg1) {call_attrs = {exclusive = 0 : i64, reverse = 1 : i64}, {{.*}}} : (tensor<4x64xf32>, tensor<i32>) -> tensor<4x64xf32>
func.func @runtime_axis(%x: tensor<4x64xf32>, %axis: tensor<i32>) -> tensor<4x64xf32> {
  %c = ge.Cumsum %x, %axis {reverse = true, ge.engine = "host"} : (tensor<4x64xf32>, tensor<i32>) -> tensor<4x64xf32>
  return %c : tensor<4x64xf32>
}

// -----

func.func @runtime_axis_not_scalar(%x: tensor<4xf32>, %axis: tensor<2xi64>) -> tensor<4xf32> {
  // expected-error @+1 {{axis_input must be a scalar, not 'tensor<2xi64>'}}
  %c = ge.Cumsum %x, %axis {ge.engine = "host"} : (tensor<4xf32>, tensor<2xi64>) -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

func.func @runtime_axis_float(%x: tensor<4xf32>, %axis: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{axis_input must hold int32 or int64, not 'f32'}}
  %c = ge.Cumsum %x, %axis {ge.engine = "host"} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

func.func @two_axes(%x: tensor<4xf32>, %axis: tensor<i64>) -> tensor<4xf32> {
  // expected-error @+1 {{takes its axis either as the `axis` attribute or as the `axis_input` operand, exactly one of them}}
  %c = ge.Cumsum %x, %axis {axis = 0 : i64, ge.engine = "host"} : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

// Host-engine dtypes (f64, i16, u16, u32, u64): ops on them call host
// kernels even where a device kernel of the op type exists (Add, Cast).
// CHECK-LABEL: npu.program @host_types
// CHECK: npu.host_call "Add"(%arg0, %arg1) {{.*}}: (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
// CHECK: npu.host_call "ReduceMax"(%{{.*}}) {call_attrs = {axes = array<i64: 1>, keep_dims = 1 : i64}
// CHECK: npu.host_call "Cast"(%{{.*}}) {{.*}}: (tensor<2x1xf64>) -> tensor<2x1xf32>
// CHECK: npu.host_call "Maximum"(%arg2, %arg2) {{.*}}: (tensor<4xui16>, tensor<4xui16>) -> tensor<4xui16>
func.func @host_types(%a: tensor<2x3xf64>, %b: tensor<3xf64>, %u: tensor<4xui16>) -> (tensor<2x1xf32>, tensor<4xui16>) {
  %s = ge.Add %a, %b {ge.engine = "host"} : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
  %m = ge.ReduceMax %s {axes = array<i64: 1>, keep_dims = true, ge.engine = "host"} : (tensor<2x3xf64>) -> tensor<2x1xf64>
  %c = ge.Cast %m {dst_type = f32, ge.engine = "host"} : (tensor<2x1xf64>) -> tensor<2x1xf32>
  %x = ge.Maximum %u, %u {ge.engine = "host"} : (tensor<4xui16>, tensor<4xui16>) -> tensor<4xui16>
  return %c, %x : tensor<2x1xf32>, tensor<4xui16>
}

// -----

// Without mixed compute an op on a host-engine dtype fails, saying how to
// run it.
func.func @f64_on_device(%a: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{computes in float64, which only the host CPU engine does: compile with mix_compile_mode=true}}
  %s = ge.Add %a, %a : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  return %s : tensor<3xf64>
}
