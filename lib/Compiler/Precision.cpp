//===- Precision.cpp - GE precision options to graph attributes -----------===//
#include "Precision.h"

#include "dialects/ge/IR/GEDialect.h"
#include "geflow/SocInfo/OpInfo.h"
#include "geflow/SocInfo/PrecisionMode.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace geflow {

std::string ResolvedPrecision::from() const {
  if (!v2.empty())
    return "precision_mode_v2 " + v2;
  if (fromGraph)
    return "graph attribute";
  return socDefault ? "soc default" : "option";
}

FailureOr<ResolvedPrecision>
resolvePrecision(const Options &options, std::string &error, ModuleOp module) {
  ResolvedPrecision r;
  if (auto mode = options.get("precision_mode")) {
    r.mode = *mode;
    return r;
  }
  if (auto v2 = options.get("precision_mode_v2")) {
    r.v2 = *v2;
    r.mode = ge::precision::precisionModeOfV2(*v2)->str();
    return r;
  }
  if (module)
    for (func::FuncOp f : module.getOps<func::FuncOp>())
      if (auto mode =
              f->getAttrOfType<StringAttr>(ge::GEDialect::kPrecisionModeAttr)) {
        r.mode = mode.str();
        r.fromGraph = true;
        return r;
      }
  std::string soc = options.get("soc_version").value_or("host");
  const ge::precision::SocProfile *profile =
      ge::precision::getSocProfile(soc, error);
  if (!profile)
    return failure();
  r.mode = profile->defaultMode;
  r.socDefault = true;
  return r;
}

LogicalResult attachPrecision(ModuleOp module, const Options &options) {
  Builder b(module.getContext());
  SmallVector<NamedAttribute> config;
  config.push_back(b.getNamedAttr(
      "soc", b.getStringAttr(options.get("soc_version").value_or("host"))));
  if (auto v2 = options.get("precision_mode_v2"))
    config.push_back(b.getNamedAttr("precision_mode_v2", b.getStringAttr(*v2)));
  for (const char *file : {"modify_mixlist", "keep_dtype", "customize_dtypes"})
    if (auto path = options.get(file))
      config.push_back(b.getNamedAttr(file, b.getStringAttr(*path)));
  if (auto tensors = options.get("keep_tensors_dtypes")) {
    SmallVector<Attribute> names;
    SmallVector<StringRef> parts;
    StringRef(*tensors).split(parts, ',', -1, /*KeepEmpty=*/false);
    for (StringRef p : parts)
      if (!p.trim().empty())
        names.push_back(b.getStringAttr(p.trim()));
    config.push_back(
        b.getNamedAttr("keep_tensors_dtypes", b.getArrayAttr(names)));
  }
  DictionaryAttr dict = b.getDictionaryAttr(config);
  // An MLIR graph's own precision config stays unless an option replaces it.
  bool anyOption = llvm::any_of(
      std::initializer_list<const char *>{
          "soc_version", "precision_mode_v2", "modify_mixlist", "keep_dtype",
          "customize_dtypes", "keep_tensors_dtypes"},
      [&](const char *name) { return options.has(name); });
  std::optional<std::string> mode = options.get("precision_mode");
  if (auto v2 = options.get("precision_mode_v2"))
    mode = ge::precision::precisionModeOfV2(*v2)->str();
  for (func::FuncOp f : module.getOps<func::FuncOp>()) {
    if (anyOption || !f->hasAttr(ge::GEDialect::kPrecisionConfigAttr))
      f->setAttr(ge::GEDialect::kPrecisionConfigAttr, dict);
    if (mode)
      f->setAttr(ge::GEDialect::kPrecisionModeAttr, b.getStringAttr(*mode));
  }
  return success();
}

} // namespace geflow
