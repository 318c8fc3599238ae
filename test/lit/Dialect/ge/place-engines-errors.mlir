// Bad placement options name the option and the nodes.
// RUN: not geflow-opt %s --ge-place-engines="in-out-pair=\"[[['a'], ['b']]]\"" 2>&1 | FileCheck %s --check-prefix=NOMIX
// RUN: not geflow-opt %s --ge-place-engines="mix-compile-mode=true in-out-pair=\"[['a'], 'b']\"" 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not geflow-opt %s --ge-place-engines="mix-compile-mode=true in-out-pair=\"[[['a'], ['b']\"" 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not geflow-opt %s --ge-place-engines="mix-compile-mode=true in-out-pair=\"[[['nope'], ['second']]]\"" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not geflow-opt %s --ge-place-engines="mix-compile-mode=true in-out-pair=\"[[['second'], ['first']]]\"" 2>&1 | FileCheck %s --check-prefix=EMPTY

func.func @g(%x: tensor<4xf32> {ge.name = "x"}) -> tensor<4xf32> {
  %a = ge.Relu %x : (tensor<4xf32>) -> tensor<4xf32> loc("first")
  %b = ge.Relu %a : (tensor<4xf32>) -> tensor<4xf32> loc("second")
  return %b : tensor<4xf32>
}
// NOMIX: error: in_out_pair names ranges for mixed compute; it needs mix_compile_mode=true
// SHAPE: error: in_out_pair: expected {{.*}}in_nodes, out_nodes{{.*}} with lists of quoted node names
// SYNTAX: error: in_out_pair: expected ',' or ']' at column 15
// MISSING: error: in_out_pair 0: none of its in nodes 'nope' is an op or input of graph 'g'
// EMPTY: error: in_out_pair 0 is empty: no out node 'first' is reached from the in nodes 'second'
