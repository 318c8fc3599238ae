//===- SequenceValues.h - ONNX sequence and optional values -----*- C++ -*-===//
//
// ONNX sequences and optionals are static in geflow, like shapes: a sequence
// value is a `ge.SequenceConstruct` of its element tensors (type
// !ge.sequence<f32, [tensor<...>, ...]>), an optional a
// `ge.OptionalConstruct` holding a tensor or sequence, or none. The
// translators of the sequence and optional ops (SequenceOps.cpp) work on
// these element lists; graph inputs and outputs of these types are passed as
// one program tensor per element ("x[0]", "x[1]", ...), recorded on the
// module (`ge.composite_io`) for the executable's signature.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_SEQUENCEVALUES_H
#define GEFLOW_LIB_FRONTEND_ONNX_SEQUENCEVALUES_H

#include "geflow/Frontend/ImportOptions.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <string>

namespace onnx {
class TypeProto;
} // namespace onnx

namespace geflow::frontend::onnximp {

class NodeContext;

/// A !ge.sequence or !ge.optional type.
bool isComposite(mlir::Type type);

/// The tensors of a composite value in order (a sequence's elements, an
/// optional's value or its elements), or {value} for a tensor.
llvm::SmallVector<mlir::Value> getTensors(mlir::Value value);

/// The elements of a sequence value; nullopt when `value` is no sequence.
std::optional<llvm::SmallVector<mlir::Value>>
getSequenceElements(mlir::Value value);

/// ge.SequenceConstruct of `elements` (one element type, `elementType`).
mlir::Value buildSequence(mlir::OpBuilder &builder, mlir::Location loc,
                          mlir::Type elementType, mlir::ValueRange elements);

/// The type of a sequence or optional graph input from its ONNX type and
/// its `input_sequence_shape` entry; failure with `error` (naming the
/// option) when the entry is missing or does not fit.
mlir::FailureOr<mlir::Type> getCompositeInputType(const onnx::TypeProto &type,
                                                  llvm::StringRef name,
                                                  const ImportOptions &options,
                                                  mlir::MLIRContext *context,
                                                  std::string &error);

/// The tensor types a composite type is passed as, in order.
llvm::SmallVector<mlir::Type> getTensorTypes(mlir::Type type);

/// The composite value of type `type` made from its tensors.
mlir::Value buildComposite(mlir::OpBuilder &builder, mlir::Location loc,
                           mlir::Type type, mlir::ValueRange tensors);

/// The names of a composite graph value's tensors: "x[0]", "x[1]", ... for
/// a sequence (also held by an optional), "x" for an optional tensor.
llvm::SmallVector<std::string> getTensorNames(mlir::Type type,
                                              llvm::StringRef name);

/// One entry of kCompositeIOAttr.
mlir::DictionaryAttr describeComposite(mlir::Builder &builder,
                                       llvm::StringRef name, mlir::Type type);

/// ge.Select of each tensor of two composite values of one type (an If on
/// a run-time condition, a masked Loop); null when the node failed.
mlir::Value selectComposite(NodeContext &n, mlir::Value cond, mlir::Value a,
                            mlir::Value b);

/// Whether the translator of `opType` takes sequence and optional inputs.
bool takesComposites(llvm::StringRef opType);

/// Identity of a sequence or optional: the value itself.
mlir::LogicalResult translateCompositeIdentity(NodeContext &n);

} // namespace geflow::frontend::onnximp

#endif
