//===- SessionInternal.h - Shared pieces of the Session API -----*- C++ -*-===//
#ifndef GEFLOW_LIB_SESSION_SESSIONINTERNAL_H
#define GEFLOW_LIB_SESSION_SESSIONINTERNAL_H

#include "geflow/Session.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <mutex>

namespace geflow {

struct Graph::Impl {
  static std::unique_ptr<Impl> create(const std::string &name);
  std::unique_ptr<mlir::MLIRContext> context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::string name;
  /// Compiling modifies a clone of the module; one compile at a time.
  std::mutex mu;
};

/// Collects the errors MLIR reports while alive, for a Status message.
class DiagnosticCollector {
public:
  explicit DiagnosticCollector(mlir::MLIRContext &context)
      : handler_(&context, [this](mlir::Diagnostic &d) {
          if (d.getSeverity() != mlir::DiagnosticSeverity::Error)
            return;
          std::string s;
          llvm::raw_string_ostream os(s);
          os << d.getLocation() << ": " << d;
          for (const mlir::Diagnostic &note : d.getNotes())
            os << "\n  note: " << note;
          messages_ += (messages_.empty() ? "" : "\n") + s;
        }) {}

  /// `what`, followed by every collected error.
  rt::Status status(rt::ErrorCode code, const std::string &what) const {
    return rt::Status(code, messages_.empty() ? what : what + ":\n" + messages_);
  }

private:
  std::string messages_;
  mlir::ScopedDiagnosticHandler handler_;
};

} // namespace geflow

#endif
