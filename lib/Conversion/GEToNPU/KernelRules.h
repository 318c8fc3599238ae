//===- KernelRules.h - Which kernel runs each ge op, with which attrs -*- C++
//-*-//
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
#include "mlir/Support/TypeID.h"
#include "llvm/ADT/DenseMap.h"

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
using KernelRule = std::function<mlir::LogicalResult(mlir::Operation *op,
                                                     KernelLowering &out)>;

/// The rules keyed by op class: a rule is added for a C++ op type, so an op
/// renamed or removed in ODS is a compile error here, never a rule silently
/// lost.
class RuleTable {
public:
  template <typename OpT> void add(KernelRule rule) {
    [[maybe_unused]] bool inserted =
        rules_.try_emplace(mlir::TypeID::get<OpT>(), std::move(rule)).second;
    assert(inserted && "two kernel rules for one op");
  }
  /// The rule for `op`'s type, or null.
  const KernelRule *find(mlir::Operation *op) const {
    auto it = rules_.find(op->getName().getTypeID());
    return it == rules_.end() ? nullptr : &it->second;
  }
  size_t size() const { return rules_.size(); }

private:
  llvm::DenseMap<mlir::TypeID, KernelRule> rules_;
};

void addElementwiseRules(RuleTable &rules);
void addNNRules(RuleTable &rules);
void addShapeRules(RuleTable &rules);
void addIndexRules(RuleTable &rules);

/// Every rule, keyed by op type.
const RuleTable &getKernelRules();

/// Spatial attribute helpers: GE 4-entry data-format lists to the kernels'
/// 2-entry (H, W) lists.
std::vector<int64_t> spatialHW(llvm::ArrayRef<int64_t> four,
                               llvm::StringRef dataFormat);

} // namespace geflow::conversion

#endif
