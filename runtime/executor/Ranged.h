//===- Ranged.h - Running shape-ranged programs ---------------------------===//
//
// A shape-ranged gear (input_shape_range) was planned for its upper bounds;
// a run with smaller shapes reuses the plan (every buffer fits) and
// re-tiles every kernel for the actual shapes with the kernel's own tiling
// function. The result, a RangedInstance, depends only on the symbol values,
// so it is computed once per set of values and cached.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_EXECUTOR_RANGED_H
#define GEFLOW_RUNTIME_EXECUTOR_RANGED_H

#include "Plan.h"

#include <map>
#include <mutex>

namespace geflow::rt::exec {

struct RangedInstance {
  std::vector<int64_t> values; // the symbols
  /// Per step: the block count to launch with.
  std::vector<uint32_t> blockDims;
  /// Per ranged kernel (RangeInfo::kernels order): its tiling data.
  std::vector<std::vector<uint8_t>> tilings;
  /// Per ranged copy: its split.
  std::vector<CopyTiling> copies;
  std::vector<TensorInfo> inputs, outputs; // actual shapes
};

/// The symbol values `shapes` give a ranged gear, or an error saying why
/// they do not fit it.
StatusOr<std::vector<int64_t>>
matchRange(const GearPlan &plan,
           const std::vector<const std::vector<int64_t> *> &shapes);

/// Re-tiles `plan` for `values` on `soc`.
StatusOr<std::shared_ptr<const RangedInstance>>
instantiate(const GearPlan &plan, const std::vector<int64_t> &values,
            const kernels::SocInfo &soc);

/// Instances of one gear by symbol values (bounded; the least recently made
/// goes first).
class InstanceCache {
public:
  StatusOr<std::shared_ptr<const RangedInstance>>
  get(const GearPlan &plan, const std::vector<int64_t> &values,
      const kernels::SocInfo &soc);

private:
  static constexpr size_t kCapacity = 64;
  std::mutex mu_;
  std::map<std::vector<int64_t>, std::shared_ptr<const RangedInstance>>
      byValues_;
  std::vector<std::vector<int64_t>> order_;
};

struct ExecContext;
struct GearState;

/// Points the kernels of `state` at `instance`'s tiling data; `ctx` keeps
/// the instance alive until its run has finished.
void useInstance(const GearPlan &plan,
                 std::shared_ptr<const RangedInstance> instance,
                 ExecContext &ctx, GearState &state);

} // namespace geflow::rt::exec

#endif
