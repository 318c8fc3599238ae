//===- ONNXImporter.cpp - The ONNX frontend's entry points ----------------===//
//
// Load -> check opset -> apply --input_shape -> ONNX shape inference ->
// build the graph function -> canonicalize -> verify. Any problem ends in
// one error and no module.
//
//===----------------------------------------------------------------------===//
#include "geflow/Frontend/ONNXImporter.h"

#include "GraphImporter.h"
#include "ImportErrors.h"
#include "ModelLoader.h"
#include "OpTranslators.h"
#include "ShapeInference.h"

#include "dialects/ge/IR/GEDialect.h"
#include "geflow/Frontend/ModelFile.h"
#include "geflow/Support/InputLimits.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace geflow::frontend {

void registerONNXImporterDialects(DialectRegistry &registry) {
  registry.insert<ge::GEDialect, func::FuncDialect>();
}

FailureOr<OwningOpRef<ModuleOp>> importONNXModel(MLIRContext &context,
                                                 StringRef path,
                                                 const ImportOptions &options) {
  return importModelFile(context, path, kMaxOnnxFileBytes, "ONNX",
                         [&](StringRef bytes, StringRef modelDir) {
                           return importONNXModelFromBytes(context, bytes, path,
                                                           modelDir, options);
                         });
}

FailureOr<OwningOpRef<ModuleOp>>
importONNXModelFromBytes(MLIRContext &context, StringRef bytes,
                         StringRef displayName, StringRef modelDir,
                         const ImportOptions &options) {
  onnx::ModelProto model;
  std::string error;
  if (failed(onnximp::parseModel(bytes, model, error))) {
    emitError(UnknownLoc::get(&context)) << "'" << displayName << "' " << error;
    return failure();
  }
  return importONNXModel(context, model, displayName, modelDir, options);
}

/// Folds constant subgraphs, applies the ge canonicalization patterns and
/// merges duplicate ops (ONNX exporters repeat Shape and constant nodes).
static void canonicalize(ModuleOp module) {
  MLIRContext *context = module.getContext();
  RewritePatternSet patterns(context);
  for (Dialect *dialect : context->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : context->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, context);
  (void)applyPatternsGreedily(module, std::move(patterns));
  IRRewriter rewriter(context);
  DominanceInfo dominance;
  eliminateCommonSubExpressions(rewriter, dominance, module);
}

FailureOr<OwningOpRef<ModuleOp>> importONNXModel(MLIRContext &context,
                                                 onnx::ModelProto &model,
                                                 StringRef displayName,
                                                 StringRef modelDir,
                                                 const ImportOptions &options) {
  context.loadDialect<ge::GEDialect, func::FuncDialect>();
  Location loc = UnknownLoc::get(&context);
  std::string error;
  onnximp::ImportErrors errors;
  FailureOr<int64_t> opset = onnximp::getDefaultOpset(model, error);
  if (failed(opset)) {
    errors.unsupported("the model", error);
    return errors.report(loc, displayName);
  }
  if (failed(onnximp::applyInputShapes(model, options.inputShapes, error)) ||
      failed(onnximp::inferShapes(model, error))) {
    emitError(loc) << "cannot import ONNX model '" << displayName
                   << "': " << error;
    return failure();
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  onnximp::GraphImporter importer(&context, model.graph(), *opset, modelDir,
                                  options, errors);
  importer.setPreviewTrainingOpset(
      onnximp::getDomainOpset(model, onnximp::kPreviewTrainingDomain));
  if (failed(importer.importGraph(*module)) || !errors.empty())
    return errors.report(loc, displayName);
  if (options.canonicalize)
    canonicalize(*module);
  if (failed(verify(*module))) {
    emitError(loc) << "internal error: the graph imported from '" << displayName
                   << "' does not verify";
    return failure();
  }
  return module;
}

} // namespace geflow::frontend
