//===- Graph.cpp - ge graphs held in memory for the Session API -----------===//
#include "SessionInternal.h"

#include "geflow/Compiler/Compile.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"

using namespace mlir;

namespace geflow {

Graph::Graph() = default;
Graph::~Graph() = default;
Graph::Graph(Graph &&) = default;
Graph &Graph::operator=(Graph &&) = default;
Graph::Graph(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<Graph::Impl> Graph::Impl::create(const std::string &name) {
  auto impl = std::make_unique<Impl>();
  DialectRegistry registry;
  registerCompilerDialects(registry);
  impl->context = std::make_unique<MLIRContext>(registry);
  impl->context->loadAllAvailableDialects();
  impl->name = name;
  return impl;
}

rt::StatusOr<Graph> Graph::fromMLIR(const std::string &text,
                                    const std::string &name) {
  auto impl = Impl::create(name);
  DiagnosticCollector diags(*impl->context);
  impl->module = parseSourceString<ModuleOp>(text, impl->context.get());
  if (!impl->module)
    return diags.status(rt::ErrorCode::kInvalidArgument,
                        "cannot parse graph '" + name + "'");
  return Graph(std::move(impl));
}

rt::StatusOr<Graph> Graph::fromFile(const std::string &path,
                                    const OptionMap &raw) {
  std::string error;
  auto options = OptionsRegistry::get().parse(raw, &error);
  if (!options)
    return rt::invalidArgument(error);
  std::optional<CompileConfig> config = parseCompileConfig(*options, error);
  if (!config)
    return rt::invalidArgument(error);
  auto impl = Impl::create(path);
  DiagnosticCollector diags(*impl->context);
  auto module = importModelFile(*impl->context, path, "", *config);
  if (failed(module))
    return diags.status(rt::ErrorCode::kInvalidArgument,
                        "cannot import '" + path + "'");
  impl->module = std::move(*module);
  return Graph(std::move(impl));
}

Graph Graph::create(const std::string &name) {
  auto impl = Impl::create(name);
  impl->module = ModuleOp::create(UnknownLoc::get(impl->context.get()));
  return Graph(std::move(impl));
}

const std::string &Graph::name() const { return impl_->name; }

MLIRContext &Graph::context() const { return *impl_->context; }

ModuleOp Graph::module() const { return *impl_->module; }

std::string Graph::str() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  impl_->module->print(os);
  return s;
}

} // namespace geflow
