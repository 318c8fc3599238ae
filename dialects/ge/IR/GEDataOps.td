//===- GEDataOps.td - Constants and variables ----------------*- tablegen -*-===//
#ifndef GEFLOW_GE_DATAOPS
#define GEFLOW_GE_DATAOPS

include "dialects/ge/IR/GEOpBase.td"

def GE_ConstOp : GE_InferOp<"Const", [ConstantLike]> {
  let summary = "A constant tensor (weights)";
  let description = [{
    GE `Const`: the value is held inline as an elements attribute; large
    weights use `dense_resource` blobs so big models parse and print fast.

    ```mlir
    %w = ge.Const dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

def GE_FileConstantOp : GE_InferOp<"FileConstant"> {
  let summary = "A constant whose bytes live in an external weight file";
  let description = [{
    GE `FileConstant`: `length` bytes at `offset` of `file_path` (relative to
    the model's directory, which it may not leave), holding a tensor of
    `shape` and `dtype` in row-major order. `length = -1` means "the rest of
    the file from offset".
  }];
  let arguments = (ins StrAttr:$file_path,
                   DefaultValuedAttr<I64Attr, "0">:$offset,
                   DefaultValuedAttr<I64Attr, "-1">:$length,
                   DenseI64ArrayAttr:$shape, TypeAttr:$dtype);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "attr-dict `:` type($y)";
  let hasVerifier = 1;
}

def GE_VariableOp : GE_Op<"Variable", [MemoryEffects<[MemRead]>]> {
  let summary = "A named, persistent tensor (model state, updatable weights)";
  let description = [{
    GE `Variable`: reads the current value of the variable `var_name`; every
    `ge.Variable` with the same name refers to the same storage. `value` is
    the initial value (an updatable weight's data from the model); without
    one the variable must be set by weight update or `ge.Assign` first.
    Unlike `ge.Const` a variable is never folded: the compiler keeps which
    stored weight came from it (and how it was converted and packed), so
    weight update can rewrite it without recompiling.

    ```mlir
    %w = ge.Variable "fc.weight" = dense<1.0> : tensor<4x4xf32> : tensor<4x4xf32>
    ```
  }];
  let arguments = (ins StrAttr:$var_name, OptionalAttr<ElementsAttr>:$value);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$var_name (`=` $value^)? attr-dict `:` type($y)";
  let hasVerifier = 1;
}

class GE_AssignLikeOp<string mnemonic, string what>
    : GE_Op<mnemonic, [MemoryEffects<[MemRead, MemWrite]>,
                       AllTypesMatch<["value", "y"]>]> {
  let summary = what;
  let arguments = (ins StrAttr:$var_name, GE_Tensor:$value);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = "$var_name `,` $value attr-dict `:` type($value)";
  let hasVerifier = 1;
}

def GE_AssignOp : GE_AssignLikeOp<"Assign",
    "Writes value into the variable `var_name`"> {
  let description = [{
    GE `Assign`: stores `value` into the variable (whose type it must match)
    and returns the stored value. The variable may belong to another graph
    of the same Session (a weight-update graph): then only its name and type
    tie the two together, checked when the update graph runs.
  }];
}

def GE_AssignAddOp : GE_AssignLikeOp<"AssignAdd",
    "Adds value to the variable `var_name`"> {
  let description = [{
    GE `AssignAdd`: `var = var + value` elementwise; returns the new value.
  }];
}

def GE_AssignSubOp : GE_AssignLikeOp<"AssignSub",
    "Subtracts value from the variable `var_name`"> {
  let description = [{
    GE `AssignSub`: `var = var - value` elementwise; returns the new value.
  }];
}

#endif // GEFLOW_GE_DATAOPS
