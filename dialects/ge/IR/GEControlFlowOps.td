//===- GEControlFlowOps.td - If, While with subgraph regions -*- tablegen -*-===//
//
// GE's control-flow ops carry their subgraphs (GE's `then_branch` /
// `else_branch`, `cond` / `body` graph attributes) as regions. Regions read
// values of the enclosing graph directly (not IsolatedFromAbove); the compiler
// outlines each region into a graph of its own and compiles it like a model
// (ge.ControlCall), and the executor runs the compiled subgraphs.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_GE_CONTROLFLOWOPS
#define GEFLOW_GE_CONTROLFLOWOPS

include "dialects/ge/IR/GEOpBase.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def GE_IfOp : GE_Op<"If", [RecursiveMemoryEffects, NoRegionArguments]> {
  let summary = "Runs one of two subgraphs, chosen by a run-time condition";
  let description = [{
    GE's `If`: `cond` is a one-element boolean tensor read on the host when
    the op runs; `then_branch` runs when it is true, `else_branch` when it
    is false, and only that branch. Each branch is a single block without
    arguments (it reads values of the enclosing graph) ending in `ge.Yield`
    of values with exactly the op's result types.

    ```mlir
    %y = ge.If %c : tensor<i1> -> (tensor<4xf32>) then {
      %0 = ge.Relu %x : (tensor<4xf32>) -> tensor<4xf32>
      ge.Yield %0 : tensor<4xf32>
    } else {
      ge.Yield %x : tensor<4xf32>
    }
    ```
  }];
  let arguments = (ins GE_BoolTensor:$cond);
  let results = (outs Variadic<GE_Tensor>:$results);
  let regions = (region SizedRegion<1>:$then_branch,
                        SizedRegion<1>:$else_branch);
  let assemblyFormat = [{
    $cond `:` type($cond) `->` `(` type($results) `)` `then` $then_branch
    `else` $else_branch attr-dict-with-keyword
  }];
  let hasRegionVerifier = 1;
}

def GE_WhileOp : GE_Op<"While", [RecursiveMemoryEffects]> {
  let summary = "Runs a body subgraph while a condition subgraph holds";
  let description = [{
    GE's `While` over the loop-carried values `inputs`. Both regions take
    the carried values as block arguments. `cond` yields a one-element
    boolean tensor; while it is true, `body` runs and yields the next
    carried values (exactly their types: a carried value keeps its shape
    across iterations), followed by any number of per-iteration values
    (ONNX Loop's scan outputs). The results are the final carried values,
    then each per-iteration value stacked along a new leading dim whose
    length is the number of iterations: a static length is checked when the
    loop ends (the run fails, naming the op, when the loop ran another
    number of iterations). Regions read values of the enclosing graph
    directly.

    ```mlir
    %n, %acc = ge.While (%i0, %a0) : (tensor<i64>, tensor<4xf32>)
        -> (tensor<i64>, tensor<4xf32>) cond {
    ^bb0(%i: tensor<i64>, %a: tensor<4xf32>):
      %c = ge.Less %i, %limit : (tensor<i64>, tensor<i64>) -> tensor<i1>
      ge.Yield %c : tensor<i1>
    } body {
    ^bb0(%i: tensor<i64>, %a: tensor<4xf32>):
      %i1 = ge.Add %i, %one : (tensor<i64>, tensor<i64>) -> tensor<i64>
      %a1 = ge.Add %a, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      ge.Yield %i1, %a1 : tensor<i64>, tensor<4xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<GE_Tensor>:$inputs);
  let results = (outs Variadic<GE_Tensor>:$results);
  let regions = (region SizedRegion<1>:$cond, SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inputs `)` `:` functional-type($inputs, $results) `cond` $cond
    `body` $body attr-dict-with-keyword
  }];
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// Results beyond the carried values: the stacked per-iteration values.
    unsigned getNumScanOutputs() {
      return getNumResults() - getInputs().size();
    }
  }];
}

def GE_ControlCallOp : GE_Op<"ControlCall"> {
  let summary = "An If or While whose subgraphs are compiled executables";
  let description = [{
    What the compiler makes of `ge.If` and `ge.While` before compiling the
    graph: each region became a graph of its own, compiled into an
    executable with its own memory plan and task program, kept in the
    module's `ge.subgraphs` table (an array of the executables' bytes);
    `subgraphs` indexes it. `kind` is `"If"` (subgraphs: then, else;
    operands: the condition, then the enclosing values the branches read,
    which are both branches' inputs) or `"While"` (subgraphs: cond, body;
    operands: the `num_carried` carried values, then the enclosing values
    the regions read; both subgraphs take all operands). The executor runs
    it: see docs/executor.md, "Control flow".
  }];
  let arguments = (ins StrAttr:$kind, DenseI64ArrayAttr:$subgraphs,
                       DefaultValuedAttr<I64Attr, "0">:$num_carried,
                       Variadic<GE_Tensor>:$inputs);
  let results = (outs Variadic<GE_Tensor>:$results);
  let assemblyFormat = [{
    $kind `(` $inputs `)` attr-dict `:` functional-type($inputs, $results)
  }];
  let hasVerifier = 1;
}

#endif // GEFLOW_GE_CONTROLFLOWOPS
