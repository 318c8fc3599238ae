//===- AttachPrecision.cpp - GE precision options to graph attributes -----===//
#include "lib/Compiler/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace geflow {
#define GEN_PASS_DEF_GEATTACHPRECISION
#include "lib/Compiler/Transforms/Passes.h.inc"
} // namespace geflow

using namespace mlir;

namespace geflow {
namespace {

struct GEAttachPrecision
    : public impl::GEAttachPrecisionBase<GEAttachPrecision> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Builder b(module.getContext());
    SmallVector<NamedAttribute> config;
    config.push_back(b.getNamedAttr("soc", b.getStringAttr(soc)));
    if (!modeV2.empty())
      config.push_back(
          b.getNamedAttr("precision_mode_v2", b.getStringAttr(modeV2)));
    for (auto [name, path] :
         {std::pair<StringRef, StringRef>{"modify_mixlist", modifyMixlist},
          {"keep_dtype", keepDtype},
          {"customize_dtypes", customizeDtypes}})
      if (!path.empty())
        config.push_back(b.getNamedAttr(name, b.getStringAttr(path)));
    if (keepTensors) {
      SmallVector<Attribute> names;
      for (const std::string &name : *keepTensors)
        names.push_back(b.getStringAttr(name));
      config.push_back(
          b.getNamedAttr("keep_tensors_dtypes", b.getArrayAttr(names)));
    }
    DictionaryAttr dict = b.getDictionaryAttr(config);
    for (func::FuncOp f : module.getOps<func::FuncOp>()) {
      if (replaceGraphConfig ||
          !f->hasAttr(ge::GEDialect::kPrecisionConfigAttr))
        f->setAttr(ge::GEDialect::kPrecisionConfigAttr, dict);
      if (!mode.empty())
        f->setAttr(ge::GEDialect::kPrecisionModeAttr, b.getStringAttr(mode));
    }
  }

  LogicalResult initialize(MLIRContext *) override {
    // A textual list has no "given but empty": no names, no attribute.
    if (!keepTensors && !keepTensorsDtypes.empty())
      keepTensors = std::vector<std::string>(keepTensorsDtypes.begin(),
                                             keepTensorsDtypes.end());
    return success();
  }

  /// keep_tensors_dtypes as given (set directly by createGEAttachPrecision).
  std::optional<std::vector<std::string>> keepTensors;
};

} // namespace

std::unique_ptr<Pass> createGEAttachPrecision(const PrecisionConfig &config,
                                              StringRef soc) {
  GEAttachPrecisionOptions options;
  options.soc = soc.str();
  options.mode = config.mode.value_or("");
  options.modeV2 = config.modeV2;
  options.modifyMixlist = config.modifyMixlist;
  options.keepDtype = config.keepDtype;
  options.customizeDtypes = config.customizeDtypes;
  if (config.keepTensorsDtypes)
    options.keepTensorsDtypes.assign(config.keepTensorsDtypes->begin(),
                                     config.keepTensorsDtypes->end());
  options.replaceGraphConfig = config.replaceGraphConfig;
  auto pass = std::make_unique<GEAttachPrecision>(options);
  pass->keepTensors = config.keepTensorsDtypes;
  return pass;
}

} // namespace geflow
