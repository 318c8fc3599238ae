//===- OnnxImportFuzzer.cpp - Fuzz target: ONNX model import --------------===//
//
// Any bytes as a .onnx model: importONNXModelFromBytes() returns a verified
// module or fails with at least one diagnostic, never crashes or hangs. The
// libFuzzer build mutates parsed ModelProtos (ProtoMutator.h) with the
// supported operator types and attribute names as its dictionary.
//
//===----------------------------------------------------------------------===//
#include "ImportFuzzSupport.h"

#include "geflow/Frontend/ONNXImporter.h"

#include "mlir/IR/DialectRegistry.h"

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
  fuzz::checkImport(context(), data, size,
                    [](mlir::MLIRContext &ctx, llvm::StringRef bytes,
                       const frontend::ImportOptions &options) {
                      return frontend::importONNXModelFromBytes(
                          ctx, bytes, "fuzz.onnx", /*modelDir=*/"", options);
                    });
  return 0;
}

#ifdef GEFLOW_LIBFUZZER
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w;
    for (llvm::StringRef op : frontend::getSupportedONNXOperators())
      w.push_back(op.str());
    for (const char *s : {"axis",
                          "axes",
                          "perm",
                          "shape",
                          "kernel_shape",
                          "strides",
                          "pads",
                          "dilations",
                          "group",
                          "auto_pad",
                          "SAME_UPPER",
                          "VALID",
                          "to",
                          "keepdims",
                          "transA",
                          "transB",
                          "alpha",
                          "beta",
                          "epsilon",
                          "mode",
                          "value",
                          "split",
                          "starts",
                          "ends",
                          "",
                          "x",
                          "y",
                          "ai.onnx",
                          "com.microsoft",
                          "location",
                          "offset",
                          "length",
                          "hidden_size",
                          "direction",
                          "bidirectional",
                          "layout",
                          "output_shape",
                          "output_padding",
                          "blocksize"})
      w.push_back(s);
    return w;
  }();
  onnx::ModelProto scratch;
  return fuzz::mutateSerialized(scratch, data, size, maxSize, seed, words);
}
#endif
