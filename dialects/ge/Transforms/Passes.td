//===- Passes.td - ge dialect passes -------------------------*- tablegen -*-===//
#ifndef GEFLOW_GE_PASSES
#define GEFLOW_GE_PASSES

include "mlir/Pass/PassBase.td"

def GEInferShapes : Pass<"ge-infer-shapes", "mlir::func::FuncOp"> {
  let summary = "Refine ge result types from operand types and attributes";
  let description = [{
    Walks the graph in order and replaces each ge op's result types by what
    the op infers from its (possibly refined) operands: a dim that was `?`
    becomes static once the inputs are. The declared format encodings stay.
    The function signature is updated to the refined return types. Run it
    after fixing input shapes (`--input_shape`) or specializing gears.
    An op whose inference fails reports its error and fails the pass.
  }];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

#endif // GEFLOW_GE_PASSES
