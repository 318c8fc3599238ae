//===- DiagnosticCollector.h - MLIR errors as a Status ----------*- C++ -*-===//
//
// Library entry points (the graph builder, Python's compile) report failures
// as a Status whose message carries every error MLIR emitted meanwhile, each
// with its location and notes, instead of printing them to stderr.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_COMPILER_DIAGNOSTICCOLLECTOR_H
#define GEFLOW_COMPILER_DIAGNOSTICCOLLECTOR_H

#include "geflow/runtime/Status.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace geflow {

/// "file:line:col: name" for the locations the builder and frontends make
/// (a NameLoc around a FileLineColLoc), "" for an unknown location, MLIR's
/// own form for anything else.
inline std::string formatLocation(mlir::Location loc) {
  std::string out;
  llvm::raw_string_ostream os(out);
  if (auto named = llvm::dyn_cast<mlir::NameLoc>(loc)) {
    std::string child = formatLocation(named.getChildLoc());
    os << child << (child.empty() ? "" : ": ") << named.getName().getValue();
  } else if (auto file = llvm::dyn_cast<mlir::FileLineColLoc>(loc)) {
    os << file.getFilename().getValue() << ":" << file.getLine() << ":"
       << file.getColumn();
  } else if (auto fused = llvm::dyn_cast<mlir::FusedLoc>(loc)) {
    if (!fused.getLocations().empty())
      os << formatLocation(fused.getLocations().front());
  } else if (!llvm::isa<mlir::UnknownLoc>(loc)) {
    os << loc;
  }
  return out;
}

class DiagnosticCollector {
public:
  explicit DiagnosticCollector(mlir::MLIRContext &context)
      : handler_(&context, [this](mlir::Diagnostic &d) {
          if (d.getSeverity() != mlir::DiagnosticSeverity::Error)
            return;
          std::string s;
          llvm::raw_string_ostream os(s);
          auto located = [&](const mlir::Diagnostic &diag) {
            std::string where = formatLocation(diag.getLocation());
            os << where << (where.empty() ? "" : ": ") << diag;
          };
          located(d);
          for (const mlir::Diagnostic &note : d.getNotes()) {
            os << "\n  note: ";
            located(note);
          }
          messages_ += (messages_.empty() ? "" : "\n") + s;
        }) {}

  bool empty() const { return messages_.empty(); }
  const std::string &messages() const { return messages_; }

  /// `what`, followed by every collected error.
  rt::Status status(rt::ErrorCode code, const std::string &what) const {
    return rt::Status(code,
                      messages_.empty() ? what : what + ":\n" + messages_);
  }

private:
  std::string messages_;
  mlir::ScopedDiagnosticHandler handler_;
};

} // namespace geflow

#endif // GEFLOW_COMPILER_DIAGNOSTICCOLLECTOR_H
