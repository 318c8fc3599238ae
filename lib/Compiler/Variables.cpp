//===- Variables.cpp - updatable_weights, frozen_variable -----------------===//
#include "Variables.h"

#include "dialects/ge/IR/GEOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>

using namespace mlir;

namespace geflow {

namespace {

/// The weight name of a constant: the initializer it came from (ONNX), or
/// its location's name (MLIR and builder graphs).
std::string weightName(ge::ConstOp cst) {
  if (auto init = cst->getAttrOfType<StringAttr>("onnx.initializer"))
    return init.str();
  Location loc = cst.getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      loc = fused.getLocations().front();
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  return "";
}

bool isFloatWeight(Type t) {
  Type e = getElementTypeOrSelf(t);
  return e.isF32() || e.isF16() || e.isBF16();
}

LogicalResult freeze(ModuleOp module) {
  WalkResult walked = module.walk([&](ge::VariableOp var) {
    if (!var.getValueAttr()) {
      var.emitError() << "frozen_variable: variable '" << var.getVarName()
                      << "' has no initial value to become a constant";
      return WalkResult::interrupt();
    }
    OpBuilder b(var);
    auto cst = ge::ConstOp::create(b, var.getLoc(), var.getValueAttr());
    var.getResult().replaceAllUsesWith(cst.getResult());
    var.erase();
    return WalkResult::advance();
  });
  return failure(walked.wasInterrupted());
}

LogicalResult markUpdatable(ModuleOp module, const VariableConfig &config) {
  bool fromInitializers = false;
  module.walk([&](ge::ConstOp c) {
    fromInitializers |= c->hasAttr("onnx.initializer");
  });
  llvm::StringSet<> wanted;
  for (const std::string &n : config.updatable)
    wanted.insert(n);
  llvm::StringSet<> found;
  std::vector<std::string> known;
  module.walk([&](ge::VariableOp var) { found.insert(var.getVarName()); });
  SmallVector<ge::ConstOp> consts;
  module.walk([&](ge::ConstOp c) { consts.push_back(c); });
  for (ge::ConstOp cst : consts) {
    std::string name = weightName(cst);
    bool initializer = cst->hasAttr("onnx.initializer");
    cst->removeAttr("onnx.initializer");
    if (name.empty() || (fromInitializers && !initializer))
      continue;
    known.push_back(name);
    bool make = config.allUpdatable ? isFloatWeight(cst.getType())
                                    : wanted.contains(name);
    if (!make)
      continue;
    auto type = dyn_cast<RankedTensorType>(cst.getType());
    if (!type || !type.hasStaticShape())
      return cst.emitError() << "updatable weight '" << name
                             << "' needs a static shape, got " << cst.getType();
    OpBuilder b(cst);
    auto var = ge::VariableOp::create(b, cst.getLoc(), type,
                                      b.getStringAttr(name), cst.getValue());
    cst.getResult().replaceAllUsesWith(var.getResult());
    cst.erase();
    found.insert(name);
  }
  std::vector<std::string> missing;
  for (const std::string &n : config.updatable)
    if (!found.contains(n))
      missing.push_back(n);
  if (missing.empty())
    return success();
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());
  std::string list;
  for (size_t i = 0; i < known.size() && i < 20; ++i)
    list += (i ? ", " : "") + known[i];
  if (known.size() > 20)
    list += ", ... (" + std::to_string(known.size()) + " in all)";
  return emitError(module.getLoc())
         << "updatable_weights: " << llvm::join(missing, ", ")
         << (missing.size() == 1 ? " is not a weight" : " are not weights")
         << " of the graph; its weights are: "
         << (list.empty() ? "(none)" : list);
}

LogicalResult checkVariableMemory(ModuleOp module, uint64_t maxBytes) {
  llvm::MapVector<StringRef, uint64_t> bytes;
  module.walk([&](ge::VariableOp var) {
    auto type = cast<RankedTensorType>(var.getType());
    unsigned bits = type.getElementTypeBitWidth();
    bytes[var.getVarName()] =
        uint64_t(type.getNumElements()) * ((bits + 7) / 8);
  });
  uint64_t total = 0;
  for (auto &[name, b] : bytes)
    total += b;
  if (total <= maxBytes)
    return success();
  std::vector<std::pair<uint64_t, StringRef>> bySize;
  for (auto &[name, b] : bytes)
    bySize.push_back({b, name});
  std::sort(bySize.begin(), bySize.end(),
            [](auto &a, auto &b) { return a.first > b.first; });
  std::string largest;
  for (size_t i = 0; i < bySize.size() && i < 5; ++i)
    largest += std::string(i ? ", " : "") + bySize[i].second.str() + " (" +
               std::to_string(bySize[i].first) + " bytes)";
  return emitError(module.getLoc())
         << "the " << bytes.size() << " variables need " << total
         << " bytes, more than variable_memory_max_size=" << maxBytes
         << "; the largest: " << largest;
}

} // namespace

LogicalResult applyVariableOptions(ModuleOp module,
                                   const VariableConfig &config) {
  if (config.frozen) {
    if (failed(freeze(module)))
      return failure();
  } else if (config.allUpdatable || !config.updatable.empty()) {
    if (failed(markUpdatable(module, config)))
      return failure();
  }
  return checkVariableMemory(module, config.maxBytes);
}

} // namespace geflow
