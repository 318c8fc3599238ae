//===- AttachGears.cpp - GE's gear options to the graph's ge.gears --------===//
#include "lib/Compiler/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace geflow {
#define GEN_PASS_DEF_GEATTACHGEARS
#include "lib/Compiler/Transforms/Passes.h.inc"
} // namespace geflow

using namespace mlir;

namespace geflow {
namespace {

/// Position of each -1 in input_shape: (input index in the graph, dim).
struct UnknownDim {
  std::string input;
  size_t dim;
};

LogicalResult attachGears(ModuleOp module, const GearConfig &config) {
  const std::string &kind = config.kind;
  if (kind.empty()) {
    if (config.gearPadding)
      return module.emitError(
          "gear_padding needs gears (dynamic_batch_size, dynamic_dims "
          "or dynamic_image_size)");
    return success();
  }
  auto funcs = module.getOps<func::FuncOp>();
  if (std::distance(funcs.begin(), funcs.end()) != 1)
    return module.emitError()
           << kind << " needs a model with exactly one graph";
  func::FuncOp func = *funcs.begin();
  if (!config.inputShapes)
    return func.emitError()
           << kind << " needs input_shape with -1 marking the geared dims "
           << "(e.g. input_shape=\"x:-1,3,224,224\")";
  const std::vector<NamedShape> &shapes = *config.inputShapes;

  // Every graph input is listed (GE requires the fixed ones too), and only
  // graph inputs are.
  std::vector<std::string> names;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    auto name = func.getArgAttrOfType<StringAttr>(i, "ge.name");
    names.push_back(name ? name.str() : "input" + std::to_string(i));
  }
  for (const NamedShape &ns : shapes)
    if (llvm::find(names, ns.name) == names.end())
      return func.emitError() << "input_shape names '" << ns.name
                              << "', which is not an input of the graph";
  std::vector<UnknownDim> unknown;
  for (const std::string &name : names) {
    auto it = llvm::find_if(
        shapes, [&](const NamedShape &ns) { return ns.name == name; });
    if (it == shapes.end())
      return func.emitError() << "input_shape must list every input with "
                              << kind << "; '" << name << "' is missing";
    for (auto [d, size] : llvm::enumerate(it->dims))
      if (size == -1)
        unknown.push_back({name, d});
  }
  if (unknown.empty())
    return func.emitError() << kind << " is set but input_shape has no -1 dim";

  std::vector<std::vector<int64_t>> gears;
  if (kind == "dynamic_batch_size") {
    for (const UnknownDim &u : unknown)
      if (u.dim != 0)
        return func.emitError()
               << "dynamic_batch_size gears the batch dim only, but input '"
               << u.input << "' has -1 in dim " << u.dim;
    for (const auto &b : config.values)
      gears.push_back(std::vector<int64_t>(unknown.size(), b[0]));
  } else {
    if (kind == "dynamic_image_size" && unknown.size() != 2)
      return func.emitError()
             << "dynamic_image_size gears H and W: input_shape needs exactly "
             << "two -1 dims, got " << unknown.size();
    for (auto [i, gear] : llvm::enumerate(config.values))
      if (gear.size() != unknown.size())
        return func.emitError() << kind << " gear " << i << " has "
                                << gear.size() << " values but input_shape has "
                                << unknown.size() << " -1 dims";
    gears = config.values;
  }
  Builder b(module.getContext());
  SmallVector<Attribute> attrs;
  for (const auto &g : gears)
    attrs.push_back(b.getDenseI64ArrayAttr(g));
  func->setAttr(ge::GEDialect::kGearsAttr, b.getArrayAttr(attrs));
  return success();
}

struct GEAttachGears : public impl::GEAttachGearsBase<GEAttachGears> {
  using Base::Base;

  /// Textual options (geflow-opt) are parsed here, once; a pass made by
  /// createGEAttachGears(GearConfig) has its settings parsed already.
  LogicalResult initializeOptions(
      StringRef options,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    if (failed(Base::initializeOptions(options, errorHandler)))
      return failure();
    std::string error;
    std::optional<std::vector<NamedShape>> shapes;
    if (!inputShape.empty()) {
      shapes = parseInputShape(inputShape, &error);
      if (!shapes)
        return errorHandler("input-shape: " + error);
    }
    std::string kind, text;
    for (auto [name, value] : {std::pair<const char *, const std::string &>{
                                   "dynamic_dims", dynamicDims},
                               {"dynamic_batch_size", dynamicBatchSize},
                               {"dynamic_image_size", dynamicImageSize}})
      if (!value.empty()) {
        kind = name;
        text = value;
      }
    auto parsed =
        parseGearConfig(kind, text, std::move(shapes), gearPadding, error);
    if (!parsed)
      return errorHandler(error);
    config = std::move(*parsed);
    return success();
  }

  void runOnOperation() override {
    if (failed(attachGears(getOperation(), config)))
      signalPassFailure();
  }

  GearConfig config;
};

} // namespace

std::unique_ptr<Pass> createGEAttachGears(GearConfig config) {
  // The text options too, so that a printed pipeline shows the settings.
  GEAttachGearsOptions options;
  if (config.inputShapes)
    options.inputShape = formatInputShape(*config.inputShapes);
  std::string values = formatGearValues(config);
  if (config.kind == "dynamic_batch_size")
    options.dynamicBatchSize = values;
  else if (config.kind == "dynamic_dims")
    options.dynamicDims = values;
  else if (config.kind == "dynamic_image_size")
    options.dynamicImageSize = values;
  options.gearPadding = config.gearPadding;
  auto pass = std::make_unique<GEAttachGears>(options);
  pass->config = std::move(config);
  return pass;
}

} // namespace geflow
