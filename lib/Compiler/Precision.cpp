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

FailureOr<ResolvedPrecision> resolvePrecision(const PrecisionConfig &config,
                                              const std::string &soc,
                                              std::string &error,
                                              ModuleOp module) {
  ResolvedPrecision r;
  if (config.mode) {
    r.mode = *config.mode;
    r.v2 = config.modeV2;
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
  const ge::precision::SocProfile *profile =
      ge::precision::getSocProfile(soc, error);
  if (!profile)
    return failure();
  r.mode = profile->defaultMode;
  r.socDefault = true;
  return r;
}

} // namespace geflow
