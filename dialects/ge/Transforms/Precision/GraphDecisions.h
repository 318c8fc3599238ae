//===- GraphDecisions.h - The precision decisions of one graph -----*- C++
//-*-===//
//
// Decides each op's dtypes (PrecisionRules.h) in graph order, so gray ops
// under mixed precision see their producers' decisions: the graph's settings
// come from its attributes, the per-op overrides (modify_mixlist,
// customize_dtypes, keep_dtype, keep_tensors_dtypes) from their files. The
// ge-apply-precision pass then rewrites the graph from these decisions.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_DIALECTS_GE_TRANSFORMS_PRECISION_GRAPHDECISIONS_H
#define GEFLOW_DIALECTS_GE_TRANSFORMS_PRECISION_GRAPHDECISIONS_H

#include "dialects/ge/Transforms/Precision/MixList.h"
#include "dialects/ge/Transforms/Precision/PrecisionRules.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

#include <map>

namespace geflow::ge::precision {

/// The graph's precision settings (ge.precision_mode, ge.precision_config).
struct GraphConfig {
  std::string soc = "host";
  std::string modeName; // the precision_mode value in force
  std::string v2Name;   // the precision_mode_v2 value the user gave, if any
  Mode mode = Mode::MustKeepOriginDtype;
  bool modeIsDefault = false;
  std::optional<std::string> mixlist, keepDtype, customize;
  std::vector<std::string> keepTensors;

  /// The mode as the user named it, for messages.
  std::string spelled() const { return v2Name.empty() ? modeName : v2Name; }
};

/// Reads ge.precision_mode and ge.precision_config from the graph (the
/// config may also sit on the module, for every graph) and looks up the
/// soc's profile.
mlir::LogicalResult readGraphConfig(mlir::func::FuncOp func,
                                    GraphConfig &config,
                                    const SocProfile *&profile);

/// One op's decision.
struct Decision {
  mlir::Operation *op;
  Choice choice;
  rt::DType origin;
  std::string text; // "<verdict>: <reason>"
};

/// What the decisions and the rewrite did, for the table's summary line.
struct PrecisionStats {
  /// Decided ops by the first word of their verdict (kept, reduced, raised,
  /// converted) or "widened" for f16-in/f32-out Cube ops.
  std::map<std::string, int> verdicts;
  int casts = 0, constants = 0, cancelled = 0;
};

class GraphDecider {
public:
  GraphDecider(mlir::func::FuncOp func, const GraphConfig &config,
               const SocProfile &profile)
      : func_(func), config_(config), profile_(profile) {}

  /// Reads the override files, checks the names they give and decides every
  /// op of the graph; errors are emitted on the graph or the op.
  mlir::LogicalResult decideAll(PrecisionStats &stats);

  /// The decision for `op`, null for an op the precision mode leaves alone.
  const Decision *lookup(mlir::Operation *op) const;

  /// Prints the decision table of the graph to stderr.
  void printTable(const PrecisionStats &stats) const;

private:
  mlir::LogicalResult loadOverrides();
  mlir::LogicalResult checkNames();
  mlir::LogicalResult decide(mlir::Operation *op, PrecisionStats &stats);
  GrayProducers grayProducers(mlir::Operation *op) const;

  mlir::func::FuncOp func_;
  const GraphConfig &config_;
  const SocProfile &profile_;
  MixListEdits mixEdits_;
  std::optional<CustomizeDtypes> customize_;
  std::optional<KeepDtype> keepDtype_;
  llvm::StringSet<> keepTensors_;
  bool overridesApply_ = true;
  /// Node name -> ops of that name (frontends may give several ops one name).
  llvm::StringMap<llvm::SmallVector<mlir::Operation *>> byName_;
  std::vector<Decision> decisions_;
  llvm::DenseMap<mlir::Operation *, size_t> decisionOf_;
  /// The table's rows in graph order: op and decision text.
  std::vector<std::pair<mlir::Operation *, std::string>> rows_;
};

} // namespace geflow::ge::precision

#endif
