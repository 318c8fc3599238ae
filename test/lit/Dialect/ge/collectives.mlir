// RUN: geflow-opt %s | geflow-opt | FileCheck %s
// RUN: geflow-opt %s --mlir-print-op-generic | geflow-opt | FileCheck %s
// RUN: geflow-opt %s --canonicalize --cse | FileCheck %s --check-prefix=KEPT
// Round trip of the collectives (GE Hcom*), their inferred shapes, and
// that they survive canonicalization and CSE (side effects): two identical
// all-reduces stay two, and an HcomSend without users stays.

// CHECK-LABEL: func @collectives
// KEPT-LABEL: func @collectives
func.func @collectives(%x: tensor<4x8xf32>, %i: tensor<2xi32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<8x8xf32>, tensor<2x8xf32>, tensor<4x8xf32>, tensor<2xi32>, tensor<3xf16>) {
  // CHECK: ge.HcomAllReduce %{{.*}} : tensor<4x8xf32>
  // KEPT-COUNT-2: ge.HcomAllReduce
  %a = ge.HcomAllReduce %x : tensor<4x8xf32>
  %b = ge.HcomAllReduce %x : tensor<4x8xf32>
  // CHECK: ge.HcomAllGather %{{.*}} {rank_size = 2 : i64} : (tensor<4x8xf32>) -> tensor<8x8xf32>
  %g = ge.HcomAllGather %x {rank_size = 2 : i64} : (tensor<4x8xf32>) -> tensor<8x8xf32>
  // CHECK: ge.HcomReduceScatter %{{.*}} {rank_size = 2 : i64, reduction = "max"} : (tensor<4x8xf32>) -> tensor<2x8xf32>
  %s = ge.HcomReduceScatter %x {rank_size = 2 : i64, reduction = "max"} : (tensor<4x8xf32>) -> tensor<2x8xf32>
  // CHECK: ge.HcomBroadcast %{{.*}}, %{{.*}} {group = "pair", root_rank = 1 : i64} : (tensor<4x8xf32>, tensor<2xi32>) -> (tensor<4x8xf32>, tensor<2xi32>)
  %c:2 = ge.HcomBroadcast %x, %i {group = "pair", root_rank = 1 : i64} : (tensor<4x8xf32>, tensor<2xi32>) -> (tensor<4x8xf32>, tensor<2xi32>)
  // CHECK: ge.HcomSend %{{.*}} {dest_rank = 1 : i64, sr_tag = 3 : i64} : tensor<2xi32>
  // KEPT: ge.HcomSend
  ge.HcomSend %i {dest_rank = 1 : i64, sr_tag = 3 : i64} : tensor<2xi32>
  // CHECK: ge.HcomReceive {dtype = f16, shape = array<i64: 3>, sr_tag = 3 : i64, src_rank = 0 : i64} : tensor<3xf16>
  %r = ge.HcomReceive {src_rank = 0 : i64, sr_tag = 3 : i64, shape = array<i64: 3>, dtype = f16} : tensor<3xf16>
  return %a, %b, %g, %s, %c#0, %c#1, %r : tensor<4x8xf32>, tensor<4x8xf32>, tensor<8x8xf32>, tensor<2x8xf32>, tensor<4x8xf32>, tensor<2xi32>, tensor<3xf16>
}
