//===- GEFusedOps.td - Fused regions made by ge fusion passes --*- tablegen -*-===//
#ifndef GEFLOW_GE_FUSEDOPS
#define GEFLOW_GE_FUSEDOPS

include "dialects/ge/IR/GEOpBase.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def GE_FusedElementwiseOp : GE_Op<"FusedElementwise", [
    IsolatedFromAbove, Pure,
    SingleBlockImplicitTerminator<"::geflow::ge::YieldOp">]> {
  let summary = "A chain of elementwise ops run tile by tile (UB fusion)";
  let description = [{
    What GE calls UB fusion: the body's elementwise ops run together on
    cache-resident tiles, so intermediates never go to memory. Block
    arguments are the inputs (each broadcastable to the result shape); every
    op in the body produces a value of the result shape, except one-element
    constants, which become scalars. `ge-fuse-elementwise` creates these; the
    lowering turns the body into a `vec_fused` program.

    ```mlir
    %y = ge.FusedElementwise %x, %b : (tensor<1x64xf32>, tensor<64xf32>) -> tensor<1x64xf32> {
    ^bb0(%a: tensor<1x64xf32>, %c: tensor<64xf32>):
      %0 = ge.Add %a, %c : (tensor<1x64xf32>, tensor<64xf32>) -> tensor<1x64xf32>
      %1 = ge.Relu %0 : (tensor<1x64xf32>) -> tensor<1x64xf32>
      ge.Yield %1 : tensor<1x64xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<GE_Tensor>:$inputs);
  let results = (outs Variadic<GE_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type($inputs, results) $body
  }];
  let hasRegionVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    OpBuilder<(ins "::mlir::TypeRange":$resultTypes, "::mlir::ValueRange":$inputs)>
  ];
}

def GE_YieldOp : GE_Op<"Yield", [Pure, Terminator, ReturnLike,
                                 ParentOneOf<["FusedElementwiseOp", "IfOp", "WhileOp"]>]> {
  let summary = "Returns the values a fused region computes";
  let description = [{
    The terminator of `ge.FusedElementwise` and of the regions of `ge.If`
    and `ge.While`.
  }];
  let arguments = (ins Variadic<GE_Tensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
  let builders = [OpBuilder<(ins), [{ /* nothing to yield */ }]>];
}

#endif // GEFLOW_GE_FUSEDOPS
