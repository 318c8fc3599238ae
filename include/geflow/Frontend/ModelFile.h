//===- ModelFile.h - Importing a model from its file ------------*- C++ -*-===//
//
// Every frontend reads its model the same way before parsing the bytes: a
// regular file of bounded size (geflow/Support/InputLimits.h), whose
// directory is where relative weight paths resolve.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_FRONTEND_MODELFILE_H
#define GEFLOW_FRONTEND_MODELFILE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace geflow::frontend {

using ModelBytesImporter =
    llvm::function_ref<llvm::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>(
        llvm::StringRef bytes, llvm::StringRef modelDir)>;

/// Reads the model file `path` (at most `maxBytes`) and imports its bytes
/// with `import`, giving it the file's directory ("." for a bare name). An
/// unreadable file is an error "cannot open <kind> model '<path>': why".
llvm::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importModelFile(mlir::MLIRContext &context, llvm::StringRef path,
                uint64_t maxBytes, llvm::StringRef kind,
                ModelBytesImporter import);

} // namespace geflow::frontend

#endif // GEFLOW_FRONTEND_MODELFILE_H
