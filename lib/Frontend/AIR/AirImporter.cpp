//===- AirImporter.cpp - The .air frontend's entry points -----------------===//
//
// Read (bounded, regular file) -> parse the ModelDef -> build the function
// from graph[0] -> canonicalize -> verify. Any problem ends in one error and
// no module.
//
//===----------------------------------------------------------------------===//
#include "geflow/Frontend/AIR.h"

#include "AirGraphImporter.h"
#include "AirOpForms.h"

#include "dialects/ge/IR/GEDialect.h"
#include "geflow/Frontend/ModelFile.h"
#include "geflow/Frontend/ProtoParse.h"
#include "geflow/Support/InputLimits.h"

#include "ge_ir.pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace geflow::frontend {

FailureOr<OwningOpRef<ModuleOp>> importAirModel(MLIRContext &context,
                                                StringRef path,
                                                const ImportOptions &options) {
  return importModelFile(context, path, kMaxAirFileBytes, "GE IR",
                         [&](StringRef bytes, StringRef modelDir) {
                           return importAirModelFromBytes(context, bytes, path,
                                                          modelDir, options);
                         });
}

/// Whether `bytes` is an ONNX ModelProto rather than a ModelDef: both are
/// protobuf messages with the graph in field 7, and a small ONNX file even
/// parses as a ModelDef, but ONNX's field 1 is the varint ir_version (a
/// ModelDef's is the name, a string) and its field 8 the opset imports (a
/// ModelDef has no field 8).
static bool looksLikeOnnx(StringRef bytes, uint64_t &irVersion) {
  using google::protobuf::internal::WireFormatLite;
  if (bytes.size() > static_cast<size_t>(INT32_MAX))
    return false;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t *>(bytes.data()),
      static_cast<int>(bytes.size()));
  bool varintOne = false, opsets = false;
  while (uint32_t tag = in.ReadTag()) {
    uint32_t field = WireFormatLite::GetTagFieldNumber(tag);
    auto wireType = WireFormatLite::GetTagWireType(tag);
    if (field == 1 && wireType == WireFormatLite::WIRETYPE_VARINT) {
      if (!in.ReadVarint64(&irVersion))
        return false;
      varintOne = true;
      continue;
    }
    opsets |=
        field == 8 && wireType == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    if (!WireFormatLite::SkipField(&in, tag))
      return false;
  }
  return in.ConsumedEntireMessage() && (varintOne || opsets);
}

static LogicalResult parseModelDef(StringRef bytes,
                                   ::ge::proto::ModelDef &model,
                                   std::string &error) {
  std::string detail;
  switch (parseProtoMessage(bytes, model, detail)) {
  case ProtoParseResult::TooLarge:
    error = "is larger than 2 GiB; protobuf cannot parse it (keep the "
            "weights in FileConstant files)";
    return failure();
  case ProtoParseResult::Malformed:
    error = detail.empty()
                ? "is not a GE IR ModelDef (protobuf parsing failed; the file "
                  "may be truncated, corrupt or another format)"
                : "is not a GE IR ModelDef: " + detail;
    return failure();
  case ProtoParseResult::Ok:
    break;
  }
  if (model.graph_size() == 0) {
    error = "has no graph (a .air holds a ModelDef whose graph[0] is the "
            "model; the file may be empty or another format)";
    return failure();
  }
  return success();
}

/// Folds constant subgraphs and applies the ge canonicalizations, as the
/// ONNX frontend does, so both frontends hand the same IR to the compiler.
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

FailureOr<OwningOpRef<ModuleOp>>
importAirModelFromBytes(MLIRContext &context, StringRef bytes,
                        StringRef displayName, StringRef modelDir,
                        const ImportOptions &options) {
  context.loadDialect<ge::GEDialect, func::FuncDialect>();
  Location loc = UnknownLoc::get(&context);
  ::ge::proto::ModelDef model;
  std::string error;
  if (uint64_t irVersion = 0; looksLikeOnnx(bytes, irVersion)) {
    emitError(loc) << "cannot import GE IR model '" << displayName
                   << "': it looks like an ONNX model (ir_version " << irVersion
                   << "), not a GE IR ModelDef; use --framework=5 (ONNX)";
    return failure();
  }
  if (failed(parseModelDef(bytes, model, error))) {
    emitError(loc) << "'" << displayName << "' " << error;
    return failure();
  }
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  air::ImportProblems problems;
  air::AirGraphImporter importer(&context, model.graph(0), modelDir, options,
                                 problems);
  if (failed(importer.importGraph(*module)) || !problems.empty())
    return problems.report(loc, displayName);
  if (!importer.ignoredAttrs.empty())
    emitWarning(loc) << "'" << displayName
                     << "': ignored GE attributes the ge dialect does not "
                        "model: "
                     << llvm::join(importer.ignoredAttrs, ", ");
  if (options.canonicalize)
    canonicalize(*module);
  if (failed(verify(*module))) {
    emitError(loc) << "internal error: the graph imported from '" << displayName
                   << "' does not verify";
    return failure();
  }
  return module;
}

std::vector<std::string> getSupportedAirOpTypes(MLIRContext &context) {
  context.loadDialect<ge::GEDialect>();
  auto names = air::getSupportedAirOpTypes(&context);
  return std::vector<std::string>(names.begin(), names.end());
}

} // namespace geflow::frontend
