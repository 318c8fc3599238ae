//===- AirGraphImporter.h - Build a ge function from a GE GraphDef -*- C++ -*-//
//
// Nodes are visited in dependency order (data and control edges; a cycle is
// an error naming its nodes), whatever their order in the file. Every
// problem is recorded and reported together at the end, unsupported op types
// listed once each with their nodes.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_AIR_AIRGRAPHIMPORTER_H
#define GEFLOW_LIB_FRONTEND_AIR_AIRGRAPHIMPORTER_H

#include "AirOpForms.h"

#include "geflow/Frontend/ImportOptions.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace ge::proto {
class GraphDef;
class OpDef;
} // namespace ge::proto

namespace geflow::frontend::air {

/// One edge of OpDef.input: "src:index", "" (absent) or "src:-1" (control).
struct WireInput {
  std::string source;
  int64_t index = 0;
  bool absent() const { return source.empty(); }
  bool control() const { return index == -1; }
};

class ImportProblems {
public:
  void unsupportedOp(llvm::StringRef type, llvm::StringRef node);
  void problem(llvm::StringRef what, const llvm::Twine &reason);
  bool empty() const { return ops.empty() && lines.empty(); }
  llvm::LogicalResult report(mlir::Location loc,
                             llvm::StringRef displayName) const;

private:
  std::vector<std::pair<std::string, std::vector<std::string>>> ops;
  std::vector<std::string> lines;
};

class AirGraphImporter {
public:
  AirGraphImporter(mlir::MLIRContext *ctx, const ::ge::proto::GraphDef &graph,
                   llvm::StringRef modelDir, const ImportOptions &options,
                   ImportProblems &problems);
  /// Builds the function into `module`; failure when anything was recorded.
  llvm::LogicalResult importGraph(mlir::ModuleOp module);

private:
  // Graph structure.
  bool parseEdges();
  bool sortNodes(std::vector<const ::ge::proto::OpDef *> &order);
  bool createFunction(mlir::ModuleOp module);
  // Nodes.
  void importNode(const ::ge::proto::OpDef &op);
  void importConst(const ::ge::proto::OpDef &op);
  void importFileConstant(const ::ge::proto::OpDef &op);
  void importNetOutput(const ::ge::proto::OpDef &op);
  void importOp(const ::ge::proto::OpDef &op, const OpForm &form);
  /// The value of a data edge, or null (recorded) when it has none.
  mlir::Value lookup(const ::ge::proto::OpDef &user, const WireInput &in);
  /// The constant tensor feeding `in` (for inputs the dialect holds as
  /// attributes), or null with `error`.
  const ::ge::proto::OpDef *constProducer(const WireInput &in,
                                          std::string &error);
  /// Records the results of `op`; fails on descs the results contradict.
  void mapResults(const ::ge::proto::OpDef &op, mlir::Operation *created);
  std::string label(const ::ge::proto::OpDef &op) const;
  mlir::Location locOf(const ::ge::proto::OpDef &op);
  void fail(const ::ge::proto::OpDef &op, const llvm::Twine &reason);

  mlir::MLIRContext *ctx;
  const ::ge::proto::GraphDef &graph;
  std::string modelDir;
  const ImportOptions &options;
  ImportProblems &problems;
  mlir::OpBuilder builder;
  mlir::func::FuncOp function;

  llvm::StringMap<const ::ge::proto::OpDef *> nodes;
  std::map<const ::ge::proto::OpDef *, std::vector<WireInput>> edges;
  /// "name:index" -> value.
  llvm::StringMap<mlir::Value> values;
  /// Nodes that failed; their users are skipped silently.
  llvm::DenseSet<const ::ge::proto::OpDef *> poisoned;
  const ::ge::proto::OpDef *netOutput = nullptr;

public:
  /// "Type.attr" of wire attributes the dialect does not model (warned).
  std::set<std::string> ignoredAttrs;
};

/// The result type of an imported op: the inferred type refined by the
/// static dims of the declared one; failure when they contradict.
mlir::FailureOr<mlir::Type> mergeWithDesc(mlir::Type desc, mlir::Type inferred);

} // namespace geflow::frontend::air

#endif
