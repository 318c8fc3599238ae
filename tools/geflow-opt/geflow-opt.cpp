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
#include "lib/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<geflow::ge::GEDialect, geflow::npu::NPUDialect,
                  mlir::func::FuncDialect,
                  mlir::arith::ArithDialect>();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  mlir::registerInlinerPass();
  geflow::ge::registerGEPasses();
  geflow::npu::registerNPUPasses();
  geflow::registerConversionPasses();
  geflow::registerCompilePipeline();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "geflow optimizer driver\n", registry));
}
