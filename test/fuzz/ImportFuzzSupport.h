//===- ImportFuzzSupport.h - What the model-import fuzz targets share -----===//
//
// The ONNX and .air targets check one property of any bytes: the import
// returns a module or fails with at least one error diagnostic, never
// crashes or hangs (the import itself verifies what it returns).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_FUZZ_IMPORTFUZZSUPPORT_H
#define GEFLOW_TEST_FUZZ_IMPORTFUZZSUPPORT_H

#include "geflow/Frontend/ImportOptions.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace geflow::fuzz {

using BytesImporter =
    llvm::function_ref<llvm::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>(
        mlir::MLIRContext &, llvm::StringRef bytes,
        const frontend::ImportOptions &)>;

/// Imports `data` with default options; aborts (a finding) when the import
/// fails without emitting an error.
inline void checkImport(mlir::MLIRContext &context, const uint8_t *data,
                        size_t size, BytesImporter import) {
  unsigned errors = 0;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    errors += diag.getSeverity() == mlir::DiagnosticSeverity::Error;
    return mlir::success();
  });
  frontend::ImportOptions options;
  auto module = import(
      context, llvm::StringRef(reinterpret_cast<const char *>(data), size),
      options);
  if (failed(module) && errors == 0) {
    std::fprintf(stderr, "the import failed without an error\n");
    std::abort();
  }
}

} // namespace geflow::fuzz

#endif // GEFLOW_TEST_FUZZ_IMPORTFUZZSUPPORT_H
