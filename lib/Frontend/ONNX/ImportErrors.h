//===- ImportErrors.h - Every problem of one import, reported once -*- C++ -*-//
//
// A model with three unsupported operators should say so once, naming all
// three and their nodes, instead of stopping at the first. The importer
// records problems here as it goes and reports them in one diagnostic.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_IMPORTERRORS_H
#define GEFLOW_LIB_FRONTEND_ONNX_IMPORTERRORS_H

#include "mlir/IR/Location.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"

#include <string>

namespace geflow::frontend::onnximp {

class ImportErrors {
public:
  /// A node whose (domain-qualified) op type has no translator.
  void unsupportedOp(llvm::StringRef opType, llvm::StringRef nodeName);
  /// A supported op or tensor with an attribute value, element type or
  /// non-constant input the ge dialect cannot express. `what` names it.
  void unsupported(llvm::StringRef what, const llvm::Twine &reason);
  /// Anything else: a malformed model or a ge op that rejected its operands.
  void failed(llvm::StringRef what, const llvm::Twine &reason);

  /// How many problems are recorded (an unsupported op type counts once per
  /// node).
  size_t count() const {
    size_t nodes = 0;
    for (const auto &op : unsupportedOps)
      nodes += op.second.size();
    return nodes + unsupportedUses.size() + failures.size();
  }

  /// Forgets the problems recorded after count() was `mark`.
  void truncate(size_t mark);

  bool empty() const {
    return unsupportedOps.empty() && unsupportedUses.empty() &&
           failures.empty();
  }

  /// Emits one error at `loc` for the model `modelName` listing everything
  /// recorded. Always returns failure.
  llvm::LogicalResult report(mlir::Location loc,
                             llvm::StringRef modelName) const;

private:
  /// Op type -> node names, in order of first appearance.
  llvm::SmallVector<std::pair<std::string, llvm::SmallVector<std::string>>>
      unsupportedOps;
  llvm::SmallVector<std::string> unsupportedUses;
  llvm::SmallVector<std::string> failures;
  /// Where each problem went, in order, for truncate(): an index into
  /// unsupportedOps, or kUse / kFailure.
  static constexpr int kUse = -1, kFailure = -2;
  llvm::SmallVector<int> order;
};

} // namespace geflow::frontend::onnximp

#endif
