//===- GEElementwiseOps.td - Elementwise ge ops --------------*- tablegen -*-===//
#ifndef GEFLOW_GE_ELEMENTWISEOPS
#define GEFLOW_GE_ELEMENTWISEOPS

include "dialects/ge/IR/GEOpBase.td"

//===----------------------------------------------------------------------===//
// Binary arithmetic (numpy broadcasting)
//===----------------------------------------------------------------------===//

def GE_AddOp : GE_BinaryOp<"Add", GE_Tensor, [Commutative]> {
  let summary = "Elementwise sum, y = x1 + x2";
  let description = [{
    GE `Add`. Operands broadcast as in NumPy: shapes are aligned from the
    right and each pair of dims must be equal or one of them 1.

    ```mlir
    %y = ge.Add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
  }];
}
def GE_SubOp : GE_BinaryOp<"Sub"> {
  let summary = "Elementwise difference, y = x1 - x2 (broadcasting)";
  let description = [{ GE `Sub`; broadcasting as for `ge.Add`. }];
}
def GE_MulOp : GE_BinaryOp<"Mul", GE_Tensor, [Commutative]> {
  let summary = "Elementwise product, y = x1 * x2 (broadcasting)";
  let description = [{ GE `Mul`; broadcasting as for `ge.Add`. }];
}
def GE_RealDivOp : GE_BinaryOp<"RealDiv"> {
  let summary = "Elementwise quotient, y = x1 / x2 (broadcasting)";
  let description = [{
    GE `RealDiv`; broadcasting as for `ge.Add`. On integers the quotient
    truncates toward zero (ONNX `Div`); folding refuses a zero divisor.
  }];
}
def GE_MaximumOp : GE_BinaryOp<"Maximum", GE_Tensor, [Commutative]> {
  let summary = "Elementwise maximum (broadcasting)";
  let description = [{ GE `Maximum`; NaN in either operand gives NaN. }];
}
def GE_MinimumOp : GE_BinaryOp<"Minimum", GE_Tensor, [Commutative]> {
  let summary = "Elementwise minimum (broadcasting)";
  let description = [{ GE `Minimum`; NaN in either operand gives NaN. }];
}
def GE_PowOp : GE_BinaryOp<"Pow"> {
  let summary = "Elementwise power, y = x1 ^ x2 (broadcasting)";
  let description = [{ GE `Pow`; both operands have the same element type. }];
}
def GE_ModOp : GE_BinaryOp<"Mod"> {
  let summary = "Elementwise remainder with the sign of x1 (C fmod, broadcasting)";
  let description = [{
    GE `Mod` (truncated division, ONNX `Mod` with `fmod = 1`):
    `x1 - trunc(x1 / x2) * x2`, computed exactly. A zero integer divisor fails
    at run time; a zero float divisor gives NaN.
  }];
}
def GE_FloorModOp : GE_BinaryOp<"FloorMod"> {
  let summary = "Elementwise remainder with the sign of x2 (Python %, broadcasting)";
  let description = [{
    GE `FloorMod` (floored division, numpy `mod`, ONNX `Mod` with `fmod = 0`):
    `x1 - floor(x1 / x2) * x2`, computed exactly. A zero integer divisor
    fails at run time; a zero float divisor gives NaN.
  }];
}

//===----------------------------------------------------------------------===//
// Comparisons and selection
//===----------------------------------------------------------------------===//

def GE_EqualOp : GE_CompareOp<"Equal", [Commutative]> {
  let summary = "Elementwise x1 == x2 (broadcasting), i1 result";
  let description = [{ GE `Equal`. }];
}
def GE_LessOp : GE_CompareOp<"Less"> {
  let summary = "Elementwise x1 < x2 (broadcasting), i1 result";
  let description = [{ GE `Less`. }];
}
def GE_GreaterOp : GE_CompareOp<"Greater"> {
  let summary = "Elementwise x1 > x2 (broadcasting), i1 result";
  let description = [{ GE `Greater`. }];
}

def GE_SelectOp : GE_InferOp<"Select"> {
  let summary = "y = condition ? x1 : x2, elementwise with broadcasting";
  let description = [{
    GE `SelectV2` semantics (ONNX `Where`): all three operands broadcast
    together; `x1` and `x2` share the element type of the result.
  }];
  let arguments = (ins GE_BoolTensor:$condition, GE_Tensor:$x1, GE_Tensor:$x2);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = [{
    $condition `,` $x1 `,` $x2 attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Unary math and activations
//===----------------------------------------------------------------------===//

def GE_SqrtOp : GE_UnaryOp<"Sqrt"> {
  let summary = "Elementwise square root";
  let description = [{ GE `Sqrt`. }];
}
def GE_RsqrtOp : GE_UnaryOp<"Rsqrt"> {
  let summary = "Elementwise reciprocal square root, 1 / sqrt(x)";
  let description = [{ GE `Rsqrt`. }];
}
def GE_ReciprocalOp : GE_UnaryOp<"Reciprocal"> {
  let summary = "Elementwise reciprocal, 1 / x";
  let description = [{ GE `Reciprocal`. }];
}
def GE_ExpOp : GE_UnaryOp<"Exp"> {
  let summary = "Elementwise e^x";
  let description = [{ GE `Exp` (base e, scale 1, shift 0). }];
}
def GE_LogOp : GE_UnaryOp<"Log"> {
  let summary = "Elementwise natural logarithm";
  let description = [{ GE `Log` (base e, scale 1, shift 0). }];
}
def GE_NegOp : GE_UnaryOp<"Neg", GE_Tensor> {
  let summary = "Elementwise negation";
  let description = [{ GE `Neg`. }];
}
def GE_AbsOp : GE_UnaryOp<"Abs", GE_Tensor> {
  let summary = "Elementwise absolute value";
  let description = [{ GE `Abs`. }];
}
def GE_ErfOp : GE_UnaryOp<"Erf"> {
  let summary = "Elementwise Gauss error function";
  let description = [{ GE `Erf`. }];
}
def GE_FloorOp : GE_UnaryOp<"Floor"> {
  let summary = "Elementwise largest integer <= x";
  let description = [{ GE `Floor`. }];
}
def GE_CeilOp : GE_UnaryOp<"Ceil"> {
  let summary = "Elementwise smallest integer >= x";
  let description = [{ GE `Ceil`. }];
}
def GE_RoundOp : GE_UnaryOp<"Round"> {
  let summary = "Elementwise round to the nearest integer, halves to even";
  let description = [{ GE `Round` (numpy `rint`). }];
}
def GE_SinOp : GE_UnaryOp<"Sin"> {
  let summary = "Elementwise sine";
  let description = [{ GE `Sin`. }];
}
def GE_CosOp : GE_UnaryOp<"Cos"> {
  let summary = "Elementwise cosine";
  let description = [{ GE `Cos`. }];
}
def GE_TanOp : GE_UnaryOp<"Tan"> {
  let summary = "Elementwise tangent";
  let description = [{ GE `Tan`. }];
}
def GE_AsinOp : GE_UnaryOp<"Asin"> {
  let summary = "Elementwise arcsine (NaN outside [-1, 1])";
  let description = [{ GE `Asin`. }];
}
def GE_AcosOp : GE_UnaryOp<"Acos"> {
  let summary = "Elementwise arccosine (NaN outside [-1, 1])";
  let description = [{ GE `Acos`. }];
}
def GE_AtanOp : GE_UnaryOp<"Atan"> {
  let summary = "Elementwise arctangent";
  let description = [{ GE `Atan`. }];
}
def GE_SinhOp : GE_UnaryOp<"Sinh"> {
  let summary = "Elementwise hyperbolic sine";
  let description = [{ GE `Sinh`. }];
}
def GE_CoshOp : GE_UnaryOp<"Cosh"> {
  let summary = "Elementwise hyperbolic cosine";
  let description = [{ GE `Cosh`. }];
}
def GE_AsinhOp : GE_UnaryOp<"Asinh"> {
  let summary = "Elementwise inverse hyperbolic sine";
  let description = [{ GE `Asinh`. }];
}
def GE_AcoshOp : GE_UnaryOp<"Acosh"> {
  let summary = "Elementwise inverse hyperbolic cosine (NaN below 1)";
  let description = [{ GE `Acosh`. }];
}
def GE_AtanhOp : GE_UnaryOp<"Atanh"> {
  let summary = "Elementwise inverse hyperbolic tangent (NaN outside [-1, 1])";
  let description = [{ GE `Atanh`. }];
}
def GE_ReluOp : GE_UnaryOp<"Relu", GE_Tensor> {
  let summary = "Rectified linear unit, max(x, 0)";
  let description = [{ GE `Relu`. }];
}
def GE_Relu6Op : GE_UnaryOp<"Relu6"> {
  let summary = "min(max(x, 0), 6)";
  let description = [{ GE `Relu6`. }];
}
def GE_SigmoidOp : GE_UnaryOp<"Sigmoid"> {
  let summary = "Logistic sigmoid, 1 / (1 + e^-x)";
  let description = [{ GE `Sigmoid`. }];
}
def GE_TanhOp : GE_UnaryOp<"Tanh"> {
  let summary = "Hyperbolic tangent";
  let description = [{ GE `Tanh`. }];
}
def GE_HardSwishOp : GE_UnaryOp<"HardSwish"> {
  let summary = "x * relu6(x + 3) / 6";
  let description = [{ GE `HardSwish`. }];
}

def GE_LeakyReluOp : GE_UnaryOp<"LeakyRelu"> {
  let summary = "x for x >= 0, negative_slope * x otherwise";
  let description = [{ GE `LeakyRelu` with attribute `negative_slope`. }];
  let arguments = (ins GE_FloatTensor:$x,
                   DefaultValuedAttr<F32Attr, "0.0f">:$negative_slope);
}
def GE_GeluOp : GE_UnaryOp<"Gelu"> {
  let summary = "Gaussian error linear unit";
  let description = [{
    GE `Gelu`. `approximate = "none"` is x * (1 + erf(x / sqrt(2))) / 2;
    `"tanh"` is the tanh approximation
    x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))) / 2.
  }];
  let arguments = (ins GE_FloatTensor:$x,
                   DefaultValuedAttr<StrAttr, "\"none\"">:$approximate);
  let hasVerifier = 1;
}
def GE_HardSigmoidOp : GE_UnaryOp<"HardSigmoid"> {
  let summary = "max(0, min(1, alpha * x + beta))";
  let description = [{ GE `HardSigmoid` with `alpha` and `beta` (ONNX defaults 0.2, 0.5). }];
  let arguments = (ins GE_FloatTensor:$x,
                   DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
                   DefaultValuedAttr<F32Attr, "0.5f">:$beta);
}
def GE_ClipOp : GE_UnaryOp<"Clip", GE_Tensor> {
  let summary = "min(max(x, clip_value_min), clip_value_max)";
  let description = [{
    GE `ClipByValue` with constant bounds. A bound left out is unbounded;
    `clip_value_min` must not exceed `clip_value_max`.
  }];
  let arguments = (ins GE_Tensor:$x,
                   OptionalAttr<F32Attr>:$clip_value_min,
                   OptionalAttr<F32Attr>:$clip_value_max);
  let hasVerifier = 1;
}

def GE_BitShiftOp : GE_InferOp<"BitShift",
    [SameOperandsAndResultElementType, GE_HostOnlyKernel],
    "inferBroadcast(diag, adaptor.getOperands(), "
    "::geflow::ge::detail::getElementType(adaptor.getX1()), inferred)"> {
  let summary = "Elementwise bit shift of unsigned integers (host kernel only)";
  let description = [{
    ONNX `BitShift` (GE `LeftShift` / `RightShift`): `x1 << x2` or
    `x1 >> x2` with NumPy broadcasting on ui8, ui16, ui32 or ui64; a shift
    by the bit width or more gives 0. `direction` is `"LEFT"` or `"RIGHT"`.
    The device kernel library has no shift kernel: the op runs on the host
    CPU engine (mix_compile_mode).
  }];
  let arguments = (ins GE_Tensor:$x1, GE_Tensor:$x2, StrAttr:$direction);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x1 `,` $x2 attr-dict `:` functional-type(operands, results)";
}

def GE_CastOp : GE_InferOp<"Cast"> {
  let summary = "Converts elements to dst_type";
  let description = [{
    GE `Cast`. Float to integer truncates toward zero; to i1 is `x != 0`.
    A cast to the operand's own type folds away.

    ```mlir
    %y = ge.Cast %x {dst_type = f16} : (tensor<4xf32>) -> tensor<4xf16>
    ```
  }];
  let arguments = (ins GE_Tensor:$x, TypeAttr:$dst_type);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

#endif // GEFLOW_GE_ELEMENTWISEOPS
