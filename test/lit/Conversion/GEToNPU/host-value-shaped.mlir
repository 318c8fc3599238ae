// RUN: geflow-opt %s -convert-ge-to-npu=cores=4 -split-input-file -verify-diagnostics | FileCheck %s
// Ops whose output shape depends on values call their host kernels; the
// kernel's check rejects what it cannot run, naming the op.

// CHECK-LABEL: npu.program @slice
// CHECK: npu.host_call "StridedSliceV2"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
// CHECK: npu.host_call "TopK"(%{{.*}}, %{{.*}}) {call_attrs = {axis = 1 : i64, largest = 1 : i64, sorted = 1 : i64}
func.func @slice(%x: tensor<4x6xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>, %k: tensor<1xi32>) -> (tensor<2x6xf32>, tensor<4x2xi64>) {
  %a = ge.Const dense<0> : tensor<1xi64>
  %st = ge.Const dense<1> : tensor<1xi64>
  %y = ge.StridedSliceV2 %x, %s, %e, %a, %st {ge.engine = "host"} : (tensor<4x6xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x6xf32>
  %v, %i = ge.TopK %x, %k {axis = 1 : i64, ge.engine = "host"} : (tensor<4x6xf32>, tensor<1xi32>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  return %y, %i : tensor<2x6xf32>, tensor<4x2xi64>
}

// -----

func.func @badtype(%x: tensor<4xi8>, %axes: tensor<1xi64>) -> tensor<1xi8> {
  // expected-error @+1 {{the host kernel ReduceSumAxes cannot run it: ReduceSumAxes on the host supports f32, f16, bf16, i32 and i64, not int8}}
  %y = ge.ReduceSumAxes %x, %axes {ge.engine = "host"} : (tensor<4xi8>, tensor<1xi64>) -> tensor<1xi8>
  return %y : tensor<1xi8>
}

// -----

func.func @badresult(%x: tensor<4xf32>) -> tensor<4x2xi64> {
  // expected-error @+1 {{'ge.NonZero' op result must be [rank of x, count]}}
  %y = ge.NonZero %x : (tensor<4xf32>) -> tensor<4x2xi64>
  return %y : tensor<4x2xi64>
}
