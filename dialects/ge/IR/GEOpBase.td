//===- GEOpBase.td - Base classes of ge ops ------------------*- tablegen -*-===//
#ifndef GEFLOW_GE_OPBASE
#define GEFLOW_GE_OPBASE

include "dialects/ge/IR/GEBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// An op the device kernel library has no kernel for: only the host CPU
// engine (runtime/kernels/host) runs it, so placement (ge-place-engines)
// puts it on the host under mix_compile_mode.
def GE_HostOnlyKernel : NativeOpTrait<"HostOnlyKernel"> {
  let cppNamespace = "::geflow::ge::traits";
}

class GE_Op<string mnemonic, list<Trait> traits = []>
    : Op<GE_Dialect, mnemonic, traits>;

// An op whose result types follow from its operands and attributes. Inferred
// and declared types must agree in element type and (where both are static)
// shape; the format encoding of a declared type is free, format selection sets
// it.
//
// Ops of a family that share one inference rule name it in `inferCall`: an
// expression over `diag` (an InferDiag naming the op), `context`, `adaptor`
// and `inferred`, calling a function of geflow::ge::detail (GEOpUtils.h).
// Without it the op defines inferReturnTypes in C++.
class GE_InferOp<string mnemonic, list<Trait> traits = [], code inferCall = "">
    : GE_Op<mnemonic, traits # [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let extraClassDefinition = [{
    bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange l,
                                            ::mlir::TypeRange r) {
      return ::geflow::ge::areCompatibleResultTypes(l, r);
    }
  }] # !if(!empty(inferCall), "", [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, ::std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      ::geflow::ge::detail::InferDiag diag(location, getOperationName());
      return ::geflow::ge::detail::}] # inferCall # [{;
    }
  }]);
}

// A matrix (Cube) op. Its f16/bf16 operands may accumulate into an f32
// result (GE's cube_fp16in_fp32out), so a declared f32 result is compatible
// with the f16/bf16 one inferred from the operands.
class GE_CubeOp<string mnemonic, list<Trait> traits = []>
    : GE_InferOp<mnemonic, traits> {
  let extraClassDefinition = [{
    bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange l,
                                            ::mlir::TypeRange r) {
      return ::geflow::ge::areCompatibleCubeResultTypes(l, r);
    }
  }];
}

// y = f(x), elementwise; y has x's type.
class GE_UnaryOp<string mnemonic, Type tensorType = GE_FloatTensor,
                 list<Trait> traits = []>
    : GE_InferOp<mnemonic, traits # [SameOperandsAndResultElementType],
                 "inferSameAsOperand(adaptor.getX(), inferred)"> {
  let arguments = (ins tensorType:$x);
  let results = (outs tensorType:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

// y = x1 op x2 with numpy broadcasting; operands share the element type.
class GE_BinaryOp<string mnemonic, Type tensorType = GE_Tensor,
                  list<Trait> traits = []>
    : GE_InferOp<mnemonic, traits # [SameOperandsAndResultElementType],
                 "inferBroadcast(diag, adaptor.getOperands(), "
                 "::geflow::ge::detail::getElementType(adaptor.getX1()), inferred)"> {
  let arguments = (ins tensorType:$x1, tensorType:$x2);
  let results = (outs tensorType:$y);
  let assemblyFormat = "$x1 `,` $x2 attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

// y = x1 cmp x2 with numpy broadcasting; y is i1.
class GE_CompareOp<string mnemonic, list<Trait> traits = []>
    : GE_InferOp<mnemonic, traits # [SameOperandsElementType],
                 "inferBroadcast(diag, adaptor.getOperands(), "
                 "::mlir::IntegerType::get(context, 1), inferred)"> {
  let arguments = (ins GE_Tensor:$x1, GE_Tensor:$x2);
  let results = (outs GE_BoolTensor:$y);
  let assemblyFormat = "$x1 `,` $x2 attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

#endif // GEFLOW_GE_OPBASE
