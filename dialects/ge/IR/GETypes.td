//===- GETypes.td - ge types: sequences and optionals --------*- tablegen -*-===//
#ifndef GEFLOW_GE_TYPES
#define GEFLOW_GE_TYPES

include "dialects/ge/IR/GEBase.td"

class GE_Type<string name, string typeMnemonic>
    : TypeDef<GE_Dialect, name> {
  let mnemonic = typeMnemonic;
}

def GE_SequenceType : GE_Type<"Sequence", "sequence"> {
  let summary = "An ONNX sequence of tensors, its length and shapes static";
  let description = [{
    An ONNX sequence value: tensors of one element type (`elementType`),
    each with its own shape. Programs have static shapes, so the sequence's
    length and the type of each element are part of the type, as a tensor's
    shape is part of a tensor type:
    `!ge.sequence<f32, [tensor<6xf32>, tensor<1xf32>]>`; an empty sequence is
    `!ge.sequence<f32>`. The importer resolves every ONNX sequence op
    (SequenceAt, SequenceInsert, ..., SequenceMap) on these static element
    lists, and a sequence graph input or output is passed as one program
    tensor per element (docs/onnx-frontend.md, "Sequences and optionals").
  }];
  let parameters = (ins "::mlir::Type":$elementType,
                        ArrayRefParameter<"::mlir::Type">:$elements);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    size_t size() const { return getElements().size(); }
  }];
}

def GE_OptionalType : GE_Type<"Optional", "optional"> {
  let summary = "An ONNX optional: a tensor or sequence, or none";
  let description = [{
    An ONNX optional value. Whether it holds a value is static, like a
    shape: `!ge.optional<tensor<4xf32>>` holds a tensor of that type,
    `!ge.optional<none: !ge.sequence<f32>>` holds none (the type after
    `none:` is the declared kind of value, its element type).
  }];
  let parameters = (ins "::mlir::Type":$valueType, "bool":$present);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def GE_AnySequence : Type<CPred<"::llvm::isa<::geflow::ge::SequenceType>($_self)">,
                          "ge sequence", "::geflow::ge::SequenceType">;
def GE_AnyOptional : Type<CPred<"::llvm::isa<::geflow::ge::OptionalType>($_self)">,
                          "ge optional", "::geflow::ge::OptionalType">;

#endif // GEFLOW_GE_TYPES
