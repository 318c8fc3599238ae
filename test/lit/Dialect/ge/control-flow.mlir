// RUN: geflow-opt %s | geflow-opt | FileCheck %s
// RUN: geflow-opt %s --mlir-print-op-generic | geflow-opt | FileCheck %s
// Round trip of ge.If, ge.While and ge.ControlCall: parse, verify, print,
// re-parse.

// CHECK-LABEL: func @if_op
// CHECK: %[[Y:.*]] = ge.If %arg0 : tensor<i1> -> (tensor<4xf32>) then {
// CHECK-NEXT: %[[R:.*]] = ge.Relu %arg1
// CHECK-NEXT: ge.Yield %[[R]] : tensor<4xf32>
// CHECK-NEXT: } else {
// CHECK-NEXT: ge.Yield %arg1 : tensor<4xf32>
// CHECK-NEXT: }
func.func @if_op(%c: tensor<i1>, %x: tensor<4xf32>) -> tensor<4xf32> {
  %y = ge.If %c : tensor<i1> -> (tensor<4xf32>) then {
    %r = ge.Relu %x : (tensor<4xf32>) -> tensor<4xf32>
    ge.Yield %r : tensor<4xf32>
  } else {
    ge.Yield %x : tensor<4xf32>
  }
  return %y : tensor<4xf32>
}

// CHECK-LABEL: func @while_op
// CHECK: %{{.*}}:3 = ge.While(%{{.*}}, %arg1) : (tensor<i64>, tensor<4xf32>) -> (tensor<i64>, tensor<4xf32>, tensor<5x4xf32>) cond {
// CHECK-NEXT: ^bb0(%[[I:.*]]: tensor<i64>, %{{.*}}: tensor<4xf32>):
// CHECK-NEXT: %[[C:.*]] = ge.Less %[[I]], %arg0
// CHECK-NEXT: ge.Yield %[[C]] : tensor<i1>
// CHECK-NEXT: } body {
// CHECK: ge.Yield %{{.*}}, %{{.*}}, %{{.*}} : tensor<i64>, tensor<4xf32>, tensor<4xf32>
func.func @while_op(%n: tensor<i64>, %x: tensor<4xf32>) -> (tensor<4xf32>, tensor<5x4xf32>) {
  %zero = ge.Const dense<0> : tensor<i64>
  %one = ge.Const dense<1> : tensor<i64>
  %i, %acc, %all = ge.While (%zero, %x) : (tensor<i64>, tensor<4xf32>)
      -> (tensor<i64>, tensor<4xf32>, tensor<5x4xf32>) cond {
  ^bb0(%ci: tensor<i64>, %ca: tensor<4xf32>):
    %c = ge.Less %ci, %n : (tensor<i64>, tensor<i64>) -> tensor<i1>
    ge.Yield %c : tensor<i1>
  } body {
  ^bb0(%bi: tensor<i64>, %ba: tensor<4xf32>):
    %i1 = ge.Add %bi, %one : (tensor<i64>, tensor<i64>) -> tensor<i64>
    %a1 = ge.Add %ba, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ge.Yield %i1, %a1, %ba : tensor<i64>, tensor<4xf32>, tensor<4xf32>
  }
  return %acc, %all : tensor<4xf32>, tensor<5x4xf32>
}

// CHECK-LABEL: func @control_call
// CHECK: ge.ControlCall "While"(%arg0, %arg1) {num_carried = 1 : i64, subgraphs = array<i64: 0, 1>} : (tensor<i64>, tensor<4xf32>) -> tensor<i64>
func.func @control_call(%n: tensor<i64>, %x: tensor<4xf32>) -> tensor<i64> {
  %r = ge.ControlCall "While"(%n, %x) {num_carried = 1 : i64, subgraphs = array<i64: 0, 1>} : (tensor<i64>, tensor<4xf32>) -> tensor<i64>
  return %r : tensor<i64>
}
