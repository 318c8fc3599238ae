//===- GEBase.td - The ge dialect, its types and attributes --*- tablegen -*-===//
#ifndef GEFLOW_GE_BASE
#define GEFLOW_GE_BASE

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/CommonAttrConstraints.td"

def GE_Dialect : Dialect {
  let name = "ge";
  let cppNamespace = "::geflow::ge";
  let summary = "GE graph dialect: the graph engine's IR in MLIR";
  let description = [{
    The `ge` dialect models a graph of the Ascend graph engine (GE IR). A graph
    is a `func.func`: its block arguments are GE `Data` inputs (argument `i` is
    `Data` index `i`) and its `func.return` is `NetOutput`. Ops and their
    attributes carry GE's names (`Conv2D` with `strides`, `pads`, `dilations`,
    `groups`, `data_format`; `MatMulV2` with `transpose_x1`/`transpose_x2`...).

    Element types are f32, f16, bf16, i8, ui8, i32, i64 and i1 (the device's),
    f64, i16, ui16, ui32, ui64 and `!ge.string` (the host CPU engine's). A tensor's
    memory format (GE's `Format`) is part of its type as an encoding attribute,
    `tensor<1x3x224x224xf32, #ge.format<NC1HWC0>>`; shapes in types are always
    logical, the stored (physical) shape follows from the format.

    Graph-level options live as discardable attributes on the graph function
    so that every pass can be driven from `.mlir` alone:
    `ge.precision_mode` (a GE precision mode name), `ge.precision_config`
    (soc and per-op precision exceptions, see `ge-apply-precision`) and
    `ge.gears` (the dynamic-shape gear table). `ge.precision` on an op
    records the precision decision made for it.
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Discardable graph attributes reserved for later passes.
    static constexpr ::llvm::StringLiteral kPrecisionModeAttr = "ge.precision_mode";
    static constexpr ::llvm::StringLiteral kPrecisionConfigAttr = "ge.precision_config";
    /// On an op: "<verdict>: <reason>" of ge-apply-precision.
    static constexpr ::llvm::StringLiteral kPrecisionAttr = "ge.precision";
    static constexpr ::llvm::StringLiteral kGearsAttr = "ge.gears";
    /// On a gear's clone: its dims and its index in the gear table.
    static constexpr ::llvm::StringLiteral kGearAttr = "ge.gear";
    static constexpr ::llvm::StringLiteral kGearIndexAttr = "ge.gear_index";
    /// Epilogue activation fused into a Cube op by ge-fuse-epilogue.
    static constexpr ::llvm::StringLiteral kFusedActivationAttr = "ge.fused_activation";
    static constexpr ::llvm::StringLiteral kFusedAlphaAttr = "ge.fused_alpha";
    /// Mixed compute (ge-place-engines): "host" on an op the host CPU
    /// engine runs (absent: the device), and why it was placed there.
    static constexpr ::llvm::StringLiteral kEngineAttr = "ge.engine";
    static constexpr ::llvm::StringLiteral kEngineReasonAttr = "ge.engine_reason";
    /// On the module: the ONNX sequence and optional graph inputs and
    /// outputs and the program tensors each is passed as: a dictionary of
    /// arrays `inputs` and `outputs` of entries (name, kind, present,
    /// holds_sequence, dtype, tensors); docs/onnx-frontend.md, "Sequences
    /// and optionals".
    static constexpr ::llvm::StringLiteral kCompositeIOAttr = "ge.composite_io";
  }];
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def GE_StringType : TypeDef<GE_Dialect, "String"> {
  let mnemonic = "string";
  let summary = "A variable-length byte string (ONNX STRING, GE DT_STRING)";
  let description = [{
    The element type of string tensors: `tensor<3x!ge.string>`. MLIR has no
    builtin string element type; this one carries no parameters, as a
    string's length is a property of each value, not of the type.

    Strings exist only on the host CPU engine: placement
    (`ge-place-engines`) puts every op with a string operand or result
    there, and only host kernels compute on them (Cast to and from numbers,
    StringNormalizer, TfIdfVectorizer, RegexFullMatch). At run time an
    element is a 16-byte reference to bytes the runtime keeps
    (`rt::StringRef`, `geflow/runtime/Strings.h`), so data movement handles
    strings as 16-byte elements. Constants of strings hold a
    `DenseStringElementsAttr`.
  }];
}

//===----------------------------------------------------------------------===//
// Tensor formats
//===----------------------------------------------------------------------===//

def GE_Format : I32EnumAttr<"Format", "GE tensor memory format", [
    I32EnumAttrCase<"ND", 0>,
    I32EnumAttrCase<"NCHW", 1>,
    I32EnumAttrCase<"NHWC", 2>,
    I32EnumAttrCase<"NC1HWC0", 3>,
    I32EnumAttrCase<"FRACTAL_Z", 4>,
    I32EnumAttrCase<"FRACTAL_NZ", 5>
  ]> {
  let cppNamespace = "::geflow::ge";
  let genSpecializedAttr = 0;
}

def GE_FormatAttr : EnumAttr<GE_Dialect, GE_Format, "format"> {
  let summary = "Tensor memory format, used as a tensor type encoding";
  let description = [{
    `#ge.format<NC1HWC0>` on a tensor type says how its elements are stored.
    ND, NCHW and NHWC store the logical shape as is; NC1HWC0 stores an NCHW
    tensor as `[N, ceil(C/16), H, W, 16]`; FRACTAL_Z stores convolution weights
    `[Cout, Cin, KH, KW]` as `[ceil(Cin/16)*KH*KW, ceil(Cout/16), 16, 16]`;
    FRACTAL_NZ stores matrices `[..., M, N]` as
    `[..., ceil(N/16), ceil(M/16), 16, 16]`.
  }];
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// f64, i16, ui16, ui32, ui64 and strings have no device kernels: ops on
// them run on the host CPU engine (mixed compute).
def GE_ElementType : AnyTypeOf<[F32, F16, BF16, I8, UI8, I32, I64, I1,
                                F64, I16, UI16, UI32, UI64, GE_StringType],
                               "ge element type (f32, f16, bf16, i8, ui8, i32, i64, i1, f64, i16, ui16, ui32, ui64, !ge.string)">;
def GE_StringTensor : TensorOf<[GE_StringType]>;
def GE_FloatElementType : AnyTypeOf<[F32, F16, BF16, F64]>;
def GE_IndexElementType : AnyTypeOf<[I32, I64]>;

def GE_Tensor : TensorOf<[GE_ElementType]>;
def GE_FloatTensor : TensorOf<[GE_FloatElementType]>;
def GE_IndexTensor : TensorOf<[GE_IndexElementType]>;
def GE_BoolTensor : TensorOf<[I1]>;

#endif // GEFLOW_GE_BASE
