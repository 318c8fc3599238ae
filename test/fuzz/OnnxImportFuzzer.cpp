//===- OnnxImportFuzzer.cpp - Fuzz target: ONNX model import --------------===//
//
// Any bytes as a .onnx model: importONNXModelFromBytes() returns a verified
// module or fails with at least one diagnostic, never crashes or hangs. The
// libFuzzer build mutates parsed ModelProtos (ProtoMutator.h) with the
// supported operator types and attribute names as its dictionary.
//
//===----------------------------------------------------------------------===//
#include "geflow/Frontend/ONNXImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <cstdio>
#include <cstdlib>

#ifdef GEFLOW_LIBFUZZER
#include "ProtoMutator.h"
#include "onnx/onnx_pb.h"
#endif

using namespace geflow;

static mlir::MLIRContext &context() {
  static mlir::MLIRContext *ctx = [] {
    mlir::DialectRegistry registry;
    frontend::registerONNXImporterDialects(registry);
    auto *c =
        new mlir::MLIRContext(registry, mlir::MLIRContext::Threading::DISABLED);
    c->loadAllAvailableDialects();
    return c;
  }();
  return *ctx;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = context();
  unsigned errors = 0;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &diag) {
    errors += diag.getSeverity() == mlir::DiagnosticSeverity::Error;
    return mlir::success();
  });
  frontend::ImportOptions options;
  auto module = frontend::importONNXModelFromBytes(
      ctx, llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx", /*modelDir=*/"", options);
  if (failed(module) && errors == 0) {
    std::fprintf(stderr, "the import failed without an error\n");
    std::abort();
  }
  return 0;
}

#ifdef GEFLOW_LIBFUZZER
extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w;
    for (llvm::StringRef op : frontend::getSupportedONNXOperators())
      w.push_back(op.str());
    for (const char *s :
         {"axis",       "axes",  "perm",      "shape",         "kernel_shape",
          "strides",    "pads",  "dilations", "group",         "auto_pad",
          "SAME_UPPER", "VALID", "to",        "keepdims",      "transA",
          "transB",     "alpha", "beta",      "epsilon",       "mode",
          "value",      "split", "starts",    "ends",          "",
          "x",          "y",     "ai.onnx",   "com.microsoft", "location",
          "offset",     "length"})
      w.push_back(s);
    return w;
  }();
  onnx::ModelProto model;
  // One in eight mutations works on the bytes (the parser's own edge
  // cases); the rest on the parsed model.
  if (seed % 8 == 0 || !model.ParseFromArray(data, int(size)))
    return LLVMFuzzerMutate(data, size, maxSize);
  geflow::fuzz::ProtoMutator mutator(seed, words);
  for (unsigned i = 0, n = 1 + seed % 3; i < n; ++i)
    mutator.mutate(model);
  std::string out = model.SerializeAsString();
  if (out.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
#endif
