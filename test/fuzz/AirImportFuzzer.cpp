//===- AirImportFuzzer.cpp - Fuzz target: GE IR (.air) model import -------===//
//
// Any bytes as a .air (a serialized ge.proto.ModelDef):
// importAirModelFromBytes() returns a verified module or fails with at least
// one diagnostic, never crashes or hangs. The model's directory is a scratch
// directory holding one weight file, so FileConstant nodes naming
// "weight.bin" reach the weight reader (offsets, lengths, dtypes against a
// real file). The libFuzzer build mutates parsed ModelDefs (ProtoMutator.h)
// with the GE op types, attribute names and formats as its dictionary.
//
//===----------------------------------------------------------------------===//
#include "ImportFuzzSupport.h"

#include "geflow/Frontend/AIR.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#ifdef GEFLOW_LIBFUZZER
#include "ProtoMutator.h"
#include "ge_ir.pb.h"
#endif

using namespace geflow;

static mlir::MLIRContext &context() {
  static mlir::MLIRContext *ctx = new mlir::MLIRContext(
      mlir::MLIRContext::Threading::DISABLED); // importer loads its dialects
  return *ctx;
}

/// A directory with "weight.bin": 4 KiB of float32 values 0, 1, 2, ...
static const std::string &modelDir() {
  static std::string dir = [] {
    char templ[] = "/tmp/geflow-fuzz-air-XXXXXX";
    if (!::mkdtemp(templ))
      std::abort();
    std::vector<float> values(1024);
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = float(i);
    std::ofstream out(std::string(templ) + "/weight.bin", std::ios::binary);
    out.write(reinterpret_cast<const char *>(values.data()),
              std::streamsize(values.size() * sizeof(float)));
    if (!out)
      std::abort();
    return std::string(templ);
  }();
  return dir;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz::checkImport(context(), data, size,
                    [](mlir::MLIRContext &ctx, llvm::StringRef bytes,
                       const frontend::ImportOptions &options) {
                      return frontend::importAirModelFromBytes(
                          ctx, bytes, "fuzz.air", modelDir(), options);
                    });
  return 0;
}

#ifdef GEFLOW_LIBFUZZER
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w = frontend::getSupportedAirOpTypes(context());
    for (const char *s : {"Data",
                          "Const",
                          "NetOutput",
                          "FileConstant",
                          "index",
                          "value",
                          "perm",
                          "axes",
                          "axis",
                          "keep_dims",
                          "strides",
                          "pads",
                          "dilations",
                          "groups",
                          "data_format",
                          "NCHW",
                          "NHWC",
                          "ND",
                          "dst_type",
                          "N",
                          "concat_dim",
                          "shape",
                          "dtype",
                          "file_path",
                          "file_id",
                          "offset",
                          "length",
                          "weight.bin",
                          "missing.bin",
                          "ksize",
                          "padding",
                          "SAME",
                          "VALID",
                          "begin",
                          "end",
                          "size",
                          "num_split",
                          "size_splits",
                          "multiples",
                          "x:0",
                          "x:1",
                          "x:-1",
                          ":0",
                          "",
                          "_output_names",
                          "begin_norm_axis",
                          "global_pooling"})
      w.push_back(s);
    return w;
  }();
  ::ge::proto::ModelDef scratch;
  return fuzz::mutateSerialized(scratch, data, size, maxSize, seed, words);
}
#endif
