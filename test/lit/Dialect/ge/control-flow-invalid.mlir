// RUN: geflow-opt %s -split-input-file -verify-diagnostics
// Verifier errors of ge.If, ge.While and ge.ControlCall: region signatures
// must match the op's.

func.func @if_condition_not_scalar(%c: tensor<2xi1>, %x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ge.If' op condition must be a one-element boolean tensor, not 'tensor<2xi1>'}}
  %y = ge.If %c : tensor<2xi1> -> (tensor<4xf32>) then {
    ge.Yield %x : tensor<4xf32>
  } else {
    ge.Yield %x : tensor<4xf32>
  }
  return %y : tensor<4xf32>
}

// -----

func.func @if_branch_types_differ(%c: tensor<i1>, %x: tensor<4xf32>, %z: tensor<2xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ge.If' op region 'else_branch' yields ('tensor<2xf32>') but the results are ('tensor<4xf32>')}}
  %y = ge.If %c : tensor<i1> -> (tensor<4xf32>) then {
    ge.Yield %x : tensor<4xf32>
  } else {
    ge.Yield %z : tensor<2xf32>
  }
  return %y : tensor<4xf32>
}

// -----

func.func @while_carried_shape_grows(%x: tensor<1xf32>) -> tensor<1xf32> {
  %t = ge.Const dense<true> : tensor<i1>
  // expected-error @+1 {{'ge.While' op carried value 0 enters as 'tensor<1xf32>' but the body yields 'tensor<2xf32>' (a carried value keeps its type across iterations)}}
  %r = ge.While (%x) : (tensor<1xf32>) -> (tensor<1xf32>) cond {
  ^bb0(%a: tensor<1xf32>):
    ge.Yield %t : tensor<i1>
  } body {
  ^bb0(%a: tensor<1xf32>):
    %g = ge.ConcatV2 %a, %a {concat_dim = 0 : i64} : (tensor<1xf32>, tensor<1xf32>) -> tensor<2xf32>
    ge.Yield %g : tensor<2xf32>
  }
  return %r : tensor<1xf32>
}

// -----

func.func @while_cond_not_boolean(%x: tensor<1xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'ge.While' op region 'cond' must yield one one-element boolean tensor}}
  %r = ge.While (%x) : (tensor<1xf32>) -> (tensor<1xf32>) cond {
  ^bb0(%a: tensor<1xf32>):
    ge.Yield %a : tensor<1xf32>
  } body {
  ^bb0(%a: tensor<1xf32>):
    ge.Yield %a : tensor<1xf32>
  }
  return %r : tensor<1xf32>
}

// -----

func.func @while_region_arguments(%x: tensor<1xf32>) -> tensor<1xf32> {
  %t = ge.Const dense<true> : tensor<i1>
  // expected-error @+1 {{'ge.While' op region 'body' takes ('tensor<1xi32>') but the carried values are ('tensor<1xf32>')}}
  %r = ge.While (%x) : (tensor<1xf32>) -> (tensor<1xf32>) cond {
  ^bb0(%a: tensor<1xf32>):
    ge.Yield %t : tensor<i1>
  } body {
  ^bb0(%a: tensor<1xi32>):
    ge.Yield %x : tensor<1xf32>
  }
  return %r : tensor<1xf32>
}

// -----

func.func @while_scan_result(%x: tensor<1xf32>) -> tensor<3x2xf32> {
  %t = ge.Const dense<true> : tensor<i1>
  // expected-error @+1 {{'ge.While' op result 1 has type 'tensor<3x2xf32>' but stacking the 'tensor<1xf32>' the body yields per iteration gives tensor<?x...>}}
  %r, %s = ge.While (%x) : (tensor<1xf32>) -> (tensor<1xf32>, tensor<3x2xf32>) cond {
  ^bb0(%a: tensor<1xf32>):
    ge.Yield %t : tensor<i1>
  } body {
  ^bb0(%a: tensor<1xf32>):
    ge.Yield %a, %a : tensor<1xf32>, tensor<1xf32>
  }
  return %s : tensor<3x2xf32>
}

// -----

func.func @control_call_kind(%x: tensor<1xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'ge.ControlCall' op kind must be "If" or "While", not "Case"}}
  %r = ge.ControlCall "Case"(%x) {subgraphs = array<i64: 0, 1>} : (tensor<1xf32>) -> tensor<1xf32>
  return %r : tensor<1xf32>
}
