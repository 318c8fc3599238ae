//===- Frontend.cpp - Framework names and frontend dispatch ---------------===//
#include "geflow/Frontend/Frontend.h"
#include "geflow/Frontend/AIR.h"
#include "geflow/Frontend/ONNXImporter.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace geflow::frontend {

namespace {
/// A framework ATC knows, whether or not geflow imports it yet.
enum class KnownFramework { ONNX, AIR, MLIR, Caffe, TensorFlow, Unknown };
} // namespace

static KnownFramework classify(StringRef value) {
  return llvm::StringSwitch<KnownFramework>(value.lower())
      .Cases({"onnx", "5"}, KnownFramework::ONNX)
      .Cases({"air", "mindspore", "1"}, KnownFramework::AIR)
      .Case("mlir", KnownFramework::MLIR)
      .Cases({"caffe", "0"}, KnownFramework::Caffe)
      .Cases({"tensorflow", "3"}, KnownFramework::TensorFlow)
      .Default(KnownFramework::Unknown);
}

FailureOr<Framework> parseFramework(StringRef value, std::string &error) {
  static constexpr const char *kAccepted =
      "accepted: onnx (or 5), air (or 1, mindspore)";
  switch (classify(value)) {
  case KnownFramework::ONNX:
    return Framework::ONNX;
  case KnownFramework::AIR:
    return Framework::AIR;
  case KnownFramework::MLIR:
  case KnownFramework::Caffe:
  case KnownFramework::TensorFlow:
    error =
        ("--framework=" + value + " is not supported yet; " + kAccepted).str();
    return failure();
  case KnownFramework::Unknown:
    break;
  }
  error = ("unknown --framework '" + value + "'; " + kAccepted).str();
  return failure();
}

FailureOr<OwningOpRef<ModuleOp>> importModel(MLIRContext &context,
                                             Framework framework,
                                             StringRef path,
                                             const ImportOptions &options) {
  switch (framework) {
  case Framework::ONNX:
    return importONNXModel(context, path, options);
  case Framework::AIR:
    return importAirModel(context, path, options);
  }
  llvm_unreachable("unhandled framework");
}

void registerFrontendDialects(DialectRegistry &registry) {
  registerONNXImporterDialects(registry);
}

} // namespace geflow::frontend
