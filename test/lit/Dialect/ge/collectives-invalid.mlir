// RUN: geflow-opt %s -split-input-file -verify-diagnostics
// Verifier and shape-inference errors of the collectives.

func.func @bad_reduction(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'ge.HcomAllReduce' op reduction must be one of sum, prod, max, min; got "mean"}}
  %0 = ge.HcomAllReduce %a {reduction = "mean"} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @bool_sum(%a: tensor<2xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{'ge.HcomAllReduce' op cannot reduce booleans (i1)}}
  %0 = ge.HcomAllReduce %a : tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @scatter_uneven(%a: tensor<3x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+2 {{'ge.HcomReduceScatter' op dim 0 (3) is not a multiple of rank_size (2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.HcomReduceScatter %a {rank_size = 2 : i64} : (tensor<3x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @gather_wrong_type(%a: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'ge.HcomAllGather' op inferred type(s) 'tensor<6x2xf32>' are incompatible with return type(s) of operation 'tensor<3x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.HcomAllGather %a {rank_size = 2 : i64} : (tensor<3x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @gather_scalar(%a: tensor<f32>) -> tensor<f32> {
  // expected-error @+2 {{'ge.HcomAllGather' op needs a tensor of rank >= 1 (it splits or joins dim 0)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.HcomAllGather %a {rank_size = 2 : i64} : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @send_negative(%a: tensor<2xf32>) {
  // expected-error @+1 {{'ge.HcomSend' op dest_rank must be >= 0, got -1}}
  ge.HcomSend %a {dest_rank = -1 : i64, sr_tag = 0 : i64} : tensor<2xf32>
  return
}

// -----

func.func @empty_group(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'ge.HcomBroadcast' op group must not be empty}}
  %0 = ge.HcomBroadcast %a {root_rank = 0 : i64, group = ""} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @receive_shape() -> tensor<2xf32> {
  // expected-error @+2 {{'ge.HcomReceive' op shape must be static and non-negative, got [-1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.HcomReceive {src_rank = 0 : i64, sr_tag = 0 : i64, shape = array<i64: -1>, dtype = f32} : tensor<2xf32>
  return %0 : tensor<2xf32>
}
