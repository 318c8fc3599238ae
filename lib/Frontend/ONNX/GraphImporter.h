//===- GraphImporter.h - Build a ge graph function from an ONNX graph -*- C++
//-*-//
//
// Walks the (topologically sorted) nodes of an ONNX graph and builds one
// func.func: graph inputs become block arguments in input order (inputs that
// are also initializers are constants, as ONNX IR < 4 exporters wrote them),
// initializers become ge.Const / ge.FileConstant when first used, each node
// goes through the translator of its op type, and the graph outputs become
// the func.return.
//
// A node that cannot be translated does not stop the import: its outputs
// are "poisoned", nodes that consume them are skipped silently (their error
// would only repeat the first one), and every independent problem is
// recorded so that the user sees all of them at once.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_GRAPHIMPORTER_H
#define GEFLOW_LIB_FRONTEND_ONNX_GRAPHIMPORTER_H

#include "ImportErrors.h"

#include "geflow/Frontend/ImportOptions.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace onnx {
class GraphProto;
class NodeProto;
class TensorProto;
class TypeProto;
} // namespace onnx

namespace geflow::frontend::onnximp {

class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext *context, const onnx::GraphProto &graph,
                int64_t opset, llvm::StringRef modelDir,
                const ImportOptions &options, ImportErrors &errors);

  /// The ai.onnx.preview.training version the model imports (0: none);
  /// subgraph importers take their parent's.
  void setPreviewTrainingOpset(int64_t version) { trainingOpset = version; }

  /// Builds the graph function at the end of `module`. Problems are recorded
  /// in the ImportErrors; fails when there is any.
  mlir::LogicalResult importGraph(mlir::ModuleOp module);

  /// Imports the subgraph `body` (an If branch, a Loop or Scan body) inline
  /// at the end of the current block: its inputs are bound to `args` (one
  /// per body input), names it does not define resolve in this graph and
  /// its enclosing ones (outer-scope captures). Returns the body's output
  /// values; nullopt when the body has problems (each recorded, naming the
  /// body's node). `owner` names the node owning the subgraph; messages
  /// about the body's nodes add it.
  std::optional<llvm::SmallVector<mlir::Value>>
  importSubgraph(const onnx::GraphProto &body, llvm::ArrayRef<mlir::Value> args,
                 llvm::StringRef owner);
  /// How messages name `node`: describeNode(), plus the subgraph and its
  /// owner for a node of a subgraph.
  std::string describe(const onnx::NodeProto &node) const;

  // For NodeContext.
  mlir::OpBuilder &getBuilder() { return builder; }
  ImportErrors &getErrors() { return errors; }
  /// A ge.Const (or ge.FileConstant for external data) holding `tensor`;
  /// null with `error` set when the tensor cannot be converted.
  mlir::Value materializeTensor(const onnx::TensorProto &tensor,
                                mlir::Location loc, std::string &error);
  /// The static shape ONNX shape inference or the model's declaration gives
  /// the value `name`; nullopt unless every dim is known.
  std::optional<llvm::SmallVector<int64_t>>
  getKnownShape(llvm::StringRef name) const;
  /// The known shape of the first value computed from `name` by
  /// shape-keeping elementwise nodes (unary ones; binary ones whose
  /// operands have `name`'s shape or are scalars ONNX knows); nullopt when
  /// there is none.
  std::optional<llvm::SmallVector<int64_t>>
  getShapeThroughElementwiseUsers(llvm::StringRef name) const;

private:
  /// A subgraph's importer: inserts into `parent`'s block and looks up what
  /// the subgraph does not define in `parent`.
  GraphImporter(GraphImporter &parent, const onnx::GraphProto &body,
                llvm::StringRef owner);

  mlir::LogicalResult createFunction(mlir::ModuleOp module);
  void importNode(const onnx::NodeProto &node);
  mlir::LogicalResult importOutputs();

  /// The node's opset for translation, or nullopt (with the problem
  /// recorded) when its op does not exist at the model's opset or differs
  /// from the opset-7 definition without an adapter. `legacyVersion` is set
  /// for an older definition that LegacyOps.cpp adapts to the opset-7 one.
  std::optional<int64_t> resolveOpset(const onnx::NodeProto &node,
                                      llvm::StringRef what,
                                      std::optional<int64_t> &legacyVersion);
  enum class Lookup { Found, Poisoned, Undefined };
  Lookup lookupValue(llvm::StringRef name, mlir::Value &value);
  void poisonOutputs(const onnx::NodeProto &node);
  /// Checks `value` against the type ONNX shape inference gives `name` and
  /// takes the static dims ONNX knows where ge inferred `?`.
  void refineType(mlir::Value value, llvm::StringRef name,
                  llvm::StringRef what);

  mlir::MLIRContext *context;
  const onnx::GraphProto &graph;
  int64_t opset;
  int64_t trainingOpset = 0;
  std::string modelDir;
  const ImportOptions &options;
  ImportErrors &errors;
  mlir::OpBuilder builder;
  mlir::func::FuncOp function;
  /// Where nodes are imported: the function's entry block (subgraphs are
  /// imported inline into their parent's block).
  mlir::Block *block = nullptr;
  /// The enclosing graph of a subgraph; null for the model's main graph.
  GraphImporter *parent = nullptr;
  /// " in subgraph 'body' of node 'loop' (Loop)" for a subgraph's nodes.
  std::string scope;
  /// Subgraph nodes imported so far (counted on the main graph's importer).
  int64_t inlinedNodes = 0;

  /// kCompositeIOAttr entries of the sequence and optional graph inputs.
  llvm::SmallVector<mlir::Attribute> compositeInputs;
  llvm::StringMap<mlir::Value> values;
  llvm::StringSet<> poisoned;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  llvm::StringMap<const onnx::TypeProto *> valueTypes;
};

} // namespace geflow::frontend::onnximp

#endif
