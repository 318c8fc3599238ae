//===- MixedCompute.cpp - Mixed compute checks and summary ----------------===//
#include "MixedCompute.h"

#include "dialects/ge/IR/GEDialect.h"
#include "dialects/ge/IR/GEUtils.h"
#include "dialects/ge/Transforms/Passes.h"
#include "dialects/npu/IR/NPUOps.h"
#include "geflow/Compiler/Options.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace geflow {

LogicalResult checkInOutPairNames(ModuleOp module,
                                  const MixedComputeConfig &config) {
  if (config.inOutPair.empty())
    return success();
  std::string error;
  auto pairs = ge::parseInOutPairs(config.inOutPair, error);
  if (!pairs)
    return module.emitError() << "in_out_pair: " << error;
  llvm::StringSet<> known;
  module.walk([&](Operation *op) {
    for (StringRef n : ge::nodeNames(op->getLoc()))
      known.insert(n);
  });
  for (func::FuncOp f : module.getOps<func::FuncOp>())
    for (unsigned i = 0; i < f.getNumArguments(); ++i)
      if (auto name = f.getArgAttrOfType<StringAttr>(i, "ge.name"))
        known.insert(name.getValue());
  std::vector<std::string> candidates;
  for (const auto &entry : known)
    candidates.push_back(entry.getKey().str());
  for (auto [index, pair] : llvm::enumerate(*pairs))
    for (const auto *side : {&pair.inNodes, &pair.outNodes})
      for (const std::string &name : *side)
        if (!known.contains(name)) {
          std::string near = suggestNearest(name, candidates);
          return module.emitError()
                 << "in_out_pair " << index << " names "
                 << (side == &pair.inNodes ? "in" : "out") << " node '" << name
                 << "', which is no op or input of the graph"
                 << (near.empty() ? "" : " (did you mean '" + near + "'?)");
        }
  return success();
}

void summarizeMixedCompute(ModuleOp module, CompileSummary &summary) {
  // The first program stands for the others (one placement, every gear).
  for (npu::ProgramOp p : module.getOps<npu::ProgramOp>()) {
    p.walk([&](Operation *op) {
      if (auto m = dyn_cast<npu::MemcpyOp>(op); m && m.getDirection())
        ++summary.engineCopies;
      if (!npu::isHostTask(op))
        return;
      auto names = ge::nodeNames(op->getLoc());
      auto type = op->getAttrOfType<StringAttr>("ge.op_type");
      auto reason =
          op->getAttrOfType<StringAttr>(ge::GEDialect::kEngineReasonAttr);
      // A fused task lists every op it covers.
      summary.hostOps.push_back(
          {names.empty() ? "<unnamed>" : llvm::join(names, ", "),
           type ? type.str() : "", reason ? reason.str() : ""});
    });
    break;
  }
}

} // namespace geflow
