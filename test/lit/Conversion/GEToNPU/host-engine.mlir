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
  // expected-error @+1 {{the host kernel Cumsum cannot run it: Cumsum on the host supports f32, f16, bf16, i32 and i64, not int8}}
  %c = ge.Cumsum %x {axis = 0 : i64, ge.engine = "host"} : (tensor<4xi8>) -> tensor<4xi8>
  return %c : tensor<4xi8>
}
