//===- SessionInternal.h - Shared pieces of the Session API -----*- C++ -*-===//
#ifndef GEFLOW_LIB_SESSION_SESSIONINTERNAL_H
#define GEFLOW_LIB_SESSION_SESSIONINTERNAL_H

#include "geflow/Compiler/DiagnosticCollector.h"
#include "geflow/Session.h"

#include "mlir/IR/BuiltinOps.h"
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

} // namespace geflow

#endif
