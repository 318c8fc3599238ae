//===- geflow-opt.cpp - mlir-opt style driver for geflow ------------------===//
//
// Parses .mlir, runs any registered pass or pipeline and prints the result.
// Every geflow pass is lit-tested through this tool.
//
//===----------------------------------------------------------------------===//
#include "dialects/ge/IR/GEDialect.h"
#include "dialects/ge/Transforms/Passes.h"
#include "dialects/npu/IR/NPUDialect.h"
#include "dialects/npu/Transforms/Passes.h"
#include "geflow/Compiler/Pipeline.h"
#include "geflow/Support/InputLimits.h"
#include "lib/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"

#include "ToolSupport.h"

int main(int argc, char **argv) {
  // The options registered so far are LLVM's (backends, Polly...) and a few
  // of MLIR's; MlirOptMain registers the pass and driver options after
  // this. LLVM's are dropped: not listed, suggested or accepted.
  llvm::cl::SetVersionPrinter(
      [](llvm::raw_ostream &os) { os << geflow::tools::versionText(); });
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::StringRef name = entry.first;
    if (name.starts_with("mlir-") || name.starts_with("help") ||
        name == "version" || name.starts_with("print-"))
      continue;
    entry.second->setHiddenFlag(llvm::cl::ReallyHidden);
  }
  geflow::tools::dropForeignOptions();
  mlir::DialectRegistry registry;
  registry.insert<geflow::ge::GEDialect, geflow::npu::NPUDialect,
                  mlir::func::FuncDialect, mlir::arith::ArithDialect>();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  mlir::registerInlinerPass();
  geflow::ge::registerGEPasses();
  geflow::npu::registerNPUPasses();
  geflow::registerConversionPasses();
  geflow::registerCompilePipeline();
  auto [input, output] = mlir::registerAndParseCLIOptions(
      argc, argv, "geflow optimizer driver\n", registry);
  // The MLIR parser recurses per nesting level: refuse a file nested deep
  // enough to overflow the stack before parsing it. (Standard input is not
  // scanned: it could be read only once.)
  std::string error;
  if (input != "-")
    if (auto buffer =
            geflow::readInputFile(input, geflow::kMaxMlirFileBytes, error)) {
      error = geflow::checkNesting(buffer->getBuffer(),
                                   geflow::NestingSyntax::Mlir);
      if (!error.empty()) {
        llvm::errs() << input << ": error: " << error << "\n";
        return 1;
      }
    }
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, input, output, registry));
}
