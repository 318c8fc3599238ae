//===- geflow-compile.cpp - ATC-style offline model compiler --------------===//
//
// geflow-compile --model=m.onnx --framework=onnx --emit=mlir --output=m
// writes m.mlir. Flags follow ATC's names. The work happens in the
// libraries (frontends, compiler); this file only wires flags to them.
// Output is written to a temporary file and renamed, so a failed run leaves
// no partial output behind.
//
//===----------------------------------------------------------------------===//
#include "geflow/Compiler/ShapeOptions.h"
#include "geflow/Frontend/Frontend.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::OptionCategory category("geflow-compile options (ATC names)");
static cl::opt<std::string> modelPath("model", cl::desc("The model file"),
                                      cl::value_desc("path"),
                                      cl::cat(category));
static cl::opt<std::string>
    framework("framework", cl::desc("The model's framework: onnx (ATC code 5)"),
              cl::value_desc("name|code"), cl::cat(category));
static cl::opt<std::string>
    output("output",
           cl::desc("Output path; the extension of the --emit kind is added "
                    "unless present ('-' writes to stdout)"),
           cl::value_desc("path"), cl::cat(category));
static cl::opt<std::string> emit("emit",
                                 cl::desc("What to produce: mlir (the imported "
                                          "ge graph)"),
                                 cl::init("mlir"), cl::cat(category));
static cl::opt<std::string>
    inputShape("input_shape",
               cl::desc("Input shapes replacing the model's, "
                        "\"x:1,3,224,224;mask:1,128\" (-1: unknown dim)"),
               cl::value_desc("shapes"), cl::cat(category));

static int fail(const Twine &message) {
  errs() << "geflow-compile: error: " << message << "\n";
  return 1;
}

static StringRef severityName(mlir::DiagnosticSeverity severity) {
  switch (severity) {
  case mlir::DiagnosticSeverity::Error:
    return "error";
  case mlir::DiagnosticSeverity::Warning:
    return "warning";
  case mlir::DiagnosticSeverity::Note:
    return "note";
  case mlir::DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

static std::string outputFile() {
  if (output == "-" || StringRef(output).ends_with(".mlir"))
    return output;
  return output + ".mlir";
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "geflow offline model compiler (ATC-style)\n");
  if (modelPath.empty() || framework.empty() || output.empty())
    return fail("--model, --framework and --output are required");
  if (emit != "mlir")
    return fail("--emit=" + emit + " is not supported yet; accepted: mlir");
  std::string error;
  FailureOr<geflow::frontend::Framework> kind =
      geflow::frontend::parseFramework(framework, error);
  if (failed(kind))
    return fail(error);
  geflow::frontend::ImportOptions options;
  if (!inputShape.empty()) {
    auto shapes = geflow::parseInputShape(inputShape, &error);
    if (!shapes)
      return fail("--input_shape: " + error);
    options.inputShapes = std::move(*shapes);
  }

  mlir::DialectRegistry registry;
  geflow::frontend::registerFrontendDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::ScopedDiagnosticHandler diagnostics(&context, [](mlir::Diagnostic &d) {
    errs() << "geflow-compile: " << severityName(d.getSeverity()) << ": "
           << d.str() << "\n";
    return mlir::success();
  });
  auto module =
      geflow::frontend::importModel(context, *kind, modelPath, options);
  if (failed(module))
    return 1;
  if (Error e = writeToOutput(outputFile(), [&](raw_ostream &os) {
        (*module)->print(os);
        return Error::success();
      }))
    return fail("cannot write output: " + toString(std::move(e)));
  return 0;
}
