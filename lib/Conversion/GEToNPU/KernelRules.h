//===- KernelRules.h - Which kernel runs each ge op, with which attrs -*- C++ -*-//
//
// One rule per ge op type, grouped by family in Rules*.cpp. A rule names the
// kernel (docs/kernels.md is the contract), turns the op's GE attributes into
// the kernel's AttrMap and lists the operands the kernel takes. Rules only
// describe; the pass does tiling, packing and IR construction.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_CONVERSION_GETONPU_KERNELRULES_H
#define GEFLOW_LIB_CONVERSION_GETONPU_KERNELRULES_H

#include "geflow/kernels/Kernel.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <string>

namespace geflow::conversion {

struct KernelLowering {
  std::string kernel;
  kernels::AttrMap attrs;
  llvm::SmallVector<mlir::Value> inputs;
  /// Inputs the kernel may overwrite with its result (elementwise kernels).
  llvm::SmallVector<int64_t> inplaceInputs;
};

/// Fills `out` for `op`, or emits an error on `op` naming what the kernel
/// cannot do and fails.
using KernelRule = std::function<mlir::LogicalResult(mlir::Operation *op, KernelLowering &out)>;
using RuleTable = llvm::StringMap<KernelRule>;

void addElementwiseRules(RuleTable &rules);
void addNNRules(RuleTable &rules);
void addShapeRules(RuleTable &rules);
void addIndexRules(RuleTable &rules);

/// Every rule, keyed by op name ("ge.Conv2D").
const RuleTable &getKernelRules();

/// Spatial attribute helpers: GE 4-entry data-format lists to the kernels'
/// 2-entry (H, W) lists.
std::vector<int64_t> spatialHW(llvm::ArrayRef<int64_t> four, llvm::StringRef dataFormat);

} // namespace geflow::conversion

#endif
