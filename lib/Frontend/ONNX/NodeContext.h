//===- NodeContext.h - What a translator sees of one ONNX node --*- C++ -*-===//
//
// Translators (one function per ONNX op type) read the node's inputs and
// attributes through NodeContext, build ge ops with create<OpTy>() and set
// the node's outputs. Translators never include ONNX headers: the protobuf
// side stays in NodeContext.cpp and GraphImporter.cpp.
//
// Errors are sticky: an attribute of the wrong kind, a ge op whose type
// inference or verifier rejects its operands, or an explicit unsupported()
// marks the node as failed and is recorded (with the node's name) for the
// single import report. create<OpTy>() returns a null Value on failure, so a
// translator can simply `if (!v) return failure();`.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_NODECONTEXT_H
#define GEFLOW_LIB_FRONTEND_ONNX_NODECONTEXT_H

#include "dialects/ge/IR/GEOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

#include <optional>
#include <string>

namespace onnx {
class AttributeProto;
class GraphProto;
class NodeProto;
} // namespace onnx

namespace geflow::frontend::onnximp {

class GraphImporter;

class NodeContext {
public:
  NodeContext(GraphImporter &graph, const onnx::NodeProto &node, int64_t opset,
              llvm::ArrayRef<mlir::Value> inputs);
  ~NodeContext();

  //===--------------------------------------------------------------------===//
  // The node
  //===--------------------------------------------------------------------===//

  llvm::StringRef getOpType() const;
  /// The opset the node is read with (never below the importer's minimum).
  int64_t getOpset() const { return opset; }
  mlir::Location getLoc() const { return loc; }
  const onnx::NodeProto &getNode() const { return node; }
  mlir::OpBuilder &getBuilder() { return builder; }
  mlir::MLIRContext *getContext() { return builder.getContext(); }
  /// "'name' (OpType)", as error messages name the node.
  std::string describe() const;

  //===--------------------------------------------------------------------===//
  // Inputs and outputs
  //===--------------------------------------------------------------------===//

  unsigned getNumInputs() const { return inputs.size(); }
  /// Input `i`; null when it is absent (missing or named "").
  mlir::Value getInput(unsigned i) const {
    return i < inputs.size() ? inputs[i] : mlir::Value();
  }
  /// Replaces input `i` (null: absent), adding absent inputs before it;
  /// adapters of old op versions use it (Reshape-1's shape attribute).
  void setInput(unsigned i, mlir::Value value) {
    if (i >= inputs.size())
      inputs.resize(i + 1);
    inputs[i] = value;
  }
  /// Input `i`; records a failure when it is absent.
  mlir::Value getRequiredInput(unsigned i);

  unsigned getNumOutputs() const { return outputs.size(); }
  /// Whether the model names output `i` (a consumer may read it).
  bool isOutputUsed(unsigned i) const;
  void setOutput(unsigned i, mlir::Value value);
  mlir::Value getOutput(unsigned i) const {
    return i < outputs.size() ? outputs[i] : mlir::Value();
  }
  /// The static shape of output `i` that ONNX shape inference or the
  /// model's declaration gives (nullopt unless every dim is known). Ops
  /// whose shape depends on input values use it when those inputs are not
  /// constant; the values must agree with it.
  std::optional<llvm::SmallVector<int64_t>>
  getKnownOutputShape(unsigned i) const;
  /// The static shape of output `i` read off its users when ONNX does not
  /// know it: the shape ONNX knows of a value reached through elementwise
  /// nodes whose other operands are scalars (which keep the shape), as a
  /// function body's Range feeds a window declared [N]. The op must check
  /// the run-time values against it.
  std::optional<llvm::SmallVector<int64_t>>
  getOutputShapeFromUsers(unsigned i) const;
  /// Records "unsupported" when any output from `first` on is used; `what`
  /// names those outputs ("the Indices output").
  mlir::LogicalResult rejectOutputsFrom(unsigned first, llvm::StringRef what);

  //===--------------------------------------------------------------------===//
  // Attributes (a value of the wrong kind records a failure and yields the
  // default)
  //===--------------------------------------------------------------------===//

  bool hasAttr(llvm::StringRef name) const;
  int64_t getInt(llvm::StringRef name, int64_t defaultValue);
  float getFloat(llvm::StringRef name, float defaultValue);
  std::string getString(llvm::StringRef name, llvm::StringRef defaultValue);
  llvm::SmallVector<int64_t> getInts(llvm::StringRef name);
  llvm::SmallVector<float> getFloats(llvm::StringRef name);
  llvm::SmallVector<std::string> getStrings(llvm::StringRef name);
  /// A tensor attribute as a ge constant; null (with an error) when absent
  /// or unconvertible.
  mlir::Value getTensorAttrAsConstant(llvm::StringRef name);
  /// A data type attribute (Cast's `to`) as a ge element type; records
  /// "unsupported" for ONNX types ge lacks.
  std::optional<mlir::Type> getDataTypeAttr(llvm::StringRef name,
                                            int64_t defaultValue);

  //===--------------------------------------------------------------------===//
  // Subgraphs (If's branches, Loop's and Scan's body)
  //===--------------------------------------------------------------------===//

  /// What a translator needs to know of a subgraph.
  struct Subgraph {
    const onnx::GraphProto *graph = nullptr;
    std::string name;
    unsigned numInputs = 0;
    unsigned numOutputs = 0;
    unsigned numNodes = 0;
  };
  /// The graph attribute `name`; nullopt, with a failure recorded, when it
  /// is absent or not a graph.
  std::optional<Subgraph> getGraphAttr(llvm::StringRef name);
  /// Imports `body` inline at the insertion point with its inputs bound to
  /// `args` (outer-scope names resolve in the enclosing graphs) and returns
  /// its outputs. On nullopt the body's problems are recorded (naming its
  /// nodes) and this node is marked failed.
  std::optional<llvm::SmallVector<mlir::Value>>
  inlineGraph(const Subgraph &body, llvm::ArrayRef<mlir::Value> args);

  //===--------------------------------------------------------------------===//
  // Constant inputs (after folding, so computed shapes count)
  //===--------------------------------------------------------------------===//

  std::optional<llvm::SmallVector<int64_t>> getConstantInts(unsigned i);
  std::optional<llvm::SmallVector<double>> getConstantFloats(unsigned i);
  /// getConstantInts(i), or records "unsupported: <what> must be a constant"
  /// (ge takes it as an attribute).
  std::optional<llvm::SmallVector<int64_t>>
  requireConstantInts(unsigned i, llvm::StringRef what);

  //===--------------------------------------------------------------------===//
  // Building ge ops
  //===--------------------------------------------------------------------===//

  /// Builds a one-result ge op from its typed builder arguments (without the
  /// result type, which is inferred), verifies and folds it. Null on failure.
  template <typename OpTy, typename... Args>
  mlir::Value create(Args &&...args) {
    llvm::SmallVector<mlir::Value> results =
        createMulti<OpTy>(1, std::forward<Args>(args)...);
    return results.empty() ? mlir::Value() : results.front();
  }

  /// Same for an op with `numResults` results (ge.Split). Empty on failure.
  template <typename OpTy, typename... Args>
  llvm::SmallVector<mlir::Value> createMulti(unsigned numResults,
                                             Args &&...args) {
    mlir::OperationState state(loc, OpTy::getOperationName());
    llvm::SmallVector<mlir::Type> placeholders(numResults, placeholderType());
    OpTy::build(builder, state, mlir::TypeRange(placeholders),
                std::forward<Args>(args)...);
    return finishOp(state, numResults);
  }

  /// Builds a ge op with the result types given (ops whose result shapes
  /// depend on input values: the importer fixes them) and verifies it.
  /// Empty on failure.
  template <typename OpTy, typename... Args>
  llvm::SmallVector<mlir::Value> createWithTypes(mlir::TypeRange resultTypes,
                                                 Args &&...args) {
    mlir::OperationState state(loc, OpTy::getOperationName());
    OpTy::build(builder, state, resultTypes, std::forward<Args>(args)...);
    return finishTypedOp(state);
  }
  /// Builds an op with regions (ge.If, ge.While) from `state`, whose result
  /// types and regions are set, verifies it with its regions and inserts
  /// it. Nullopt on failure (the verifier's message names this node).
  std::optional<llvm::SmallVector<mlir::Value>>
  createRegionOp(mlir::OperationState &state);
  mlir::Value constant(mlir::ElementsAttr value);
  /// A 1-D i64 constant (shape operands).
  mlir::Value constantI64(llvm::ArrayRef<int64_t> values);
  /// A rank-0 constant of `elementType` holding `value`.
  mlir::Value constantScalar(mlir::Type elementType, double value);

  //===--------------------------------------------------------------------===//
  // Errors
  //===--------------------------------------------------------------------===//

  /// The model is valid ONNX but ge cannot express it (attribute value,
  /// element type, non-constant input where ge needs an attribute).
  mlir::LogicalResult unsupported(const llvm::Twine &reason);
  /// Anything else (malformed node, bad attribute).
  mlir::LogicalResult fail(const llvm::Twine &reason);
  bool hasFailed() const { return failed; }
  /// The problems recorded so far, and forgetting those recorded after
  /// such a mark (with this node's failure): a translator that tried one
  /// form of a node (a Loop as a While) and falls back to another.
  size_t problemMark() const;
  void dropProblemsSince(size_t mark);

  /// Axis in [0, rank), or records a failure naming `what`.
  std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                       llvm::StringRef what);
  /// The rank of `value`, or records "unsupported" (`what` needs a known
  /// rank).
  std::optional<int64_t> requireRank(mlir::Value value, llvm::StringRef what);

private:
  const onnx::AttributeProto *findAttr(llvm::StringRef name) const;
  mlir::Type placeholderType();
  llvm::SmallVector<mlir::Value> finishOp(mlir::OperationState &state,
                                          unsigned numResults);
  llvm::SmallVector<mlir::Value> finishTypedOp(mlir::OperationState &state);

  GraphImporter &graph;
  const onnx::NodeProto &node;
  int64_t opset;
  mlir::Location loc;
  mlir::OpBuilder &builder;
  llvm::SmallVector<mlir::Value> inputs;
  llvm::SmallVector<mlir::Value> outputs;
  bool failed = false;
  /// Captures errors that ge op inference and verification emit, so they
  /// are reported against this node.
  mlir::ScopedDiagnosticHandler diagnostics;
};

/// "node 'name' (OpType)", or "the OpType node producing 'y'" for an
/// unnamed node: how every message names a node.
std::string describeNode(const onnx::NodeProto &node);

//===----------------------------------------------------------------------===//
// Helpers on values
//===----------------------------------------------------------------------===//

mlir::Type getElementType(mlir::Value value);
/// Shape of a ranked tensor value, nullopt when unranked.
std::optional<llvm::ArrayRef<int64_t>> getShape(mlir::Value value);
std::optional<int64_t> getRank(mlir::Value value);
bool isFloatTensor(mlir::Value value);

} // namespace geflow::frontend::onnximp

#endif
