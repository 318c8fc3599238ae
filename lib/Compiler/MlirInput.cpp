//===- MlirInput.cpp - Reading a .mlir model file -------------------------===//
#include "MlirInput.h"
#include "geflow/Support/InputLimits.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace geflow {

FailureOr<OwningOpRef<ModuleOp>> parseMlirModelFile(MLIRContext &context,
                                                    StringRef path) {
  Location loc = FileLineColLoc::get(&context, path, 0, 0);
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      readInputFile(path, kMaxMlirFileBytes, error);
  if (!buffer)
    return emitError(loc) << "cannot read '" << path << "': " << error,
           failure();
  // The MLIR parser recurses per nesting level: too deep a file would
  // overflow the stack instead of failing.
  error = checkNesting(buffer->getBuffer(), NestingSyntax::Mlir);
  if (!error.empty())
    return emitError(loc) << "cannot parse '" << path << "': " << error,
           failure();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return failure();
  // Gears come from the gear options, never from extra functions.
  SmallVector<std::string> names;
  for (func::FuncOp f : module->getOps<func::FuncOp>())
    names.push_back("@" + f.getSymName().str());
  if (names.size() != 1)
    return emitError(loc)
               << "'" << path << "' has " << names.size() << " functions"
               << (names.empty() ? "" : " (" + llvm::join(names, ", ") + ")")
               << "; a model is one graph function (gears come from "
                  "dynamic_batch_size, dynamic_dims or dynamic_image_size)",
           failure();
  return module;
}

} // namespace geflow
