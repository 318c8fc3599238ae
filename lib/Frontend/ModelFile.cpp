//===- ModelFile.cpp - Importing a model from its file --------------------===//
#include "geflow/Frontend/ModelFile.h"

#include "geflow/Support/InputLimits.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace geflow::frontend {

FailureOr<OwningOpRef<ModuleOp>>
importModelFile(MLIRContext &context, StringRef path, uint64_t maxBytes,
                StringRef kind, ModelBytesImporter import) {
  std::string error;
  auto buffer = readInputFile(path, maxBytes, error,
                              /*requiresNullTerminator=*/false);
  if (!buffer) {
    emitError(UnknownLoc::get(&context))
        << "cannot open " << kind << " model '" << path << "': " << error;
    return failure();
  }
  StringRef dir = llvm::sys::path::parent_path(path);
  return import(buffer->getBuffer(), dir.empty() ? "." : dir);
}

} // namespace geflow::frontend
