//===- GEReduceOps.td - Reductions over axes -----------------*- tablegen -*-===//
#ifndef GEFLOW_GE_REDUCEOPS
#define GEFLOW_GE_REDUCEOPS

include "dialects/ge/IR/GEOpBase.td"

// Reductions over `axes` (empty: every axis) with optional kept dims.
class GE_ReduceOp<string mnemonic, list<Trait> traits = []>
    : GE_InferOp<mnemonic, traits # [SameOperandsAndResultElementType],
                 "inferReduce(diag, adaptor.getX(), adaptor.getAxes(), "
                 "adaptor.getKeepDims(), inferred)"> {
  let arguments = (ins GE_Tensor:$x,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                   DefaultValuedAttr<BoolAttr, "false">:$keep_dims);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def GE_ReduceSumOp : GE_ReduceOp<"ReduceSum"> {
  let summary = "Sum over axes";
  let description = [{ GE `ReduceSumD`; empty `axes` reduces every dim. }];
}
def GE_ReduceMeanOp : GE_ReduceOp<"ReduceMean"> {
  let summary = "Mean over axes";
  let description = [{ GE `ReduceMeanD`; empty `axes` reduces every dim. }];
}
def GE_ReduceMaxOp : GE_ReduceOp<"ReduceMax"> {
  let summary = "Maximum over axes";
  let description = [{ GE `ReduceMaxD`; empty `axes` reduces every dim. }];
}
def GE_ReduceProdOp : GE_ReduceOp<"ReduceProd"> {
  let summary = "Product over axes";
  let description = [{
    GE `ReduceProdD`; empty `axes` reduces every dim; the product of nothing
    is 1. Integers wrap.
  }];
}

def GE_CumsumOp : GE_InferOp<"Cumsum",
    [AllElementTypesMatch<["x", "y"]>, GE_HostOnlyKernel],
    "inferSameAsOperand(adaptor.getX(), inferred)"> {
  let summary = "Running sums along an axis (host kernel only)";
  let description = [{
    GE `Cumsum` (ONNX `CumSum`): `y[..., i, ...]` is the sum of `x` along
    `axis` up to `i`; `exclusive` leaves element `i` out, `reverse` sums from
    the end. The axis is either the `axis` attribute, normalized to
    [0, rank), or the `axis_input` operand, an int32/int64 scalar (or
    one-element tensor) read when the op runs, in [-rank, rank) (GE's
    Cumsum takes it as an input, CumsumD as an attribute). The device
    kernel library has no scan kernel: the op runs on the host CPU engine,
    so a graph with it compiles only under `mix_compile_mode`
    (docs/mixed-compute.md).
  }];
  let arguments = (ins GE_Tensor:$x, Optional<GE_Tensor>:$axis_input,
                   OptionalAttr<I64Attr>:$axis,
                   DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                   DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = [{
    $x (`,` $axis_input^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def GE_MatrixDeterminantOp : GE_InferOp<"MatrixDeterminant",
    [SameOperandsAndResultElementType, GE_HostOnlyKernel]> {
  let summary = "Determinants of square matrices (host kernel only)";
  let description = [{
    GE `MatrixDeterminant` (ONNX `Det`): x is [..., M, M], y [...] the
    determinant of each matrix (LU with partial pivoting in double). The
    device kernel library has none: the op runs on the host CPU engine.
  }];
  let arguments = (ins GE_FloatTensor:$x);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}

def GE_EinsumOp : GE_InferOp<"Einsum",
    [SameOperandsAndResultElementType, GE_HostOnlyKernel]> {
  let summary = "Einstein summation (host kernel only)";
  let description = [{
    GE `Einsum` (ONNX `Einsum`): `equation` names each operand's dims with
    letters ("ij,jk->ik"); labels absent from the output are summed, a label
    repeated in one term takes the diagonal. `...` stands for the dims a term
    leaves unnamed, broadcast across operands as NumPy does. Without `->`
    the output is the `...` dims, then the labels that appear once, in ASCII
    order. The device kernel library has none: the op runs on the host CPU
    engine (mix_compile_mode), accumulating floats in double.
  }];
  let arguments = (ins Variadic<GE_Tensor>:$inputs, StrAttr:$equation);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

#endif // GEFLOW_GE_REDUCEOPS
