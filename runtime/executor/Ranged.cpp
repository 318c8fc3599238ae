//===- Ranged.cpp - Running shape-ranged programs -------------------------===//
#include "Ranged.h"

#include "Context.h"

#include <algorithm>

namespace geflow::rt::exec {

StatusOr<std::vector<int64_t>>
matchRange(const GearPlan &plan,
           const std::vector<const std::vector<int64_t> *> &shapes) {
  const std::vector<DimRange> &symbols = plan.info.ranges;
  if (shapes.size() != plan.info.inputs.size())
    return invalidArgument("the model has " +
                           std::to_string(plan.info.inputs.size()) +
                           " inputs, got " + std::to_string(shapes.size()));
  std::vector<int64_t> values(symbols.size(), 0);
  for (size_t i = 0; i < shapes.size(); ++i) {
    const std::vector<int64_t> &shape = *shapes[i];
    const TensorInfo &upper = plan.info.inputs[i];
    if (shape.size() != upper.shape.size())
      return invalidArgument("input '" + upper.name + "' has rank " +
                             std::to_string(shape.size()) + ", expected " +
                             std::to_string(upper.shape.size()));
    for (size_t d = 0; d < shape.size(); ++d) {
      auto symbol =
          std::find_if(symbols.begin(), symbols.end(), [&](const DimRange &s) {
            return s.input == i && s.dim == d;
          });
      if (symbol == symbols.end()) {
        if (shape[d] != upper.shape[d])
          return invalidArgument("input '" + upper.name + "' has dim " +
                                 std::to_string(d) + " = " +
                                 std::to_string(shape[d]) + ", expected " +
                                 std::to_string(upper.shape[d]));
        continue;
      }
      if (shape[d] < symbol->min || shape[d] > symbol->max)
        return invalidArgument(
            "input '" + upper.name + "' has dim " + std::to_string(d) + " = " +
            std::to_string(shape[d]) + ", outside its range " +
            std::to_string(symbol->min) + "~" + std::to_string(symbol->max));
      values[symbol - symbols.begin()] = shape[d];
    }
  }
  return values;
}

StatusOr<std::shared_ptr<const RangedInstance>>
instantiate(const GearPlan &plan, const std::vector<int64_t> &values,
            const kernels::SocInfo &soc) {
  const RangeInfo &range = *plan.range;
  auto inst = std::make_shared<RangedInstance>();
  inst->values = values;
  inst->blockDims.reserve(plan.steps.size());
  for (const Step &step : plan.steps)
    inst->blockDims.push_back(step.blockDim);
  auto info = [&](const TensorInfo &upper, const RangedShape &shape) {
    TensorInfo t = upper;
    t.shape = evalShape(shape, values);
    t.bytes = storageBytes(t.dtype, t.format, t.shape);
    return t;
  };
  for (size_t i = 0; i < range.inputs.size(); ++i)
    inst->inputs.push_back(info(plan.info.inputs[i], range.inputs[i]));
  for (size_t i = 0; i < range.outputs.size(); ++i)
    inst->outputs.push_back(info(plan.info.outputs[i], range.outputs[i]));

  for (const RangedKernel &k : range.kernels) {
    kernels::TilingContext ctx = k.ctx;
    ctx.soc = &soc;
    for (size_t i = 0; i < ctx.inputs.size() && i < k.inputShapes.size(); ++i)
      ctx.inputs[i].shape = evalShape(k.inputShapes[i], values);
    for (size_t i = 0; i < ctx.outputs.size() && i < k.outputShapes.size(); ++i)
      ctx.outputs[i].shape = evalShape(k.outputShapes[i], values);
    kernels::TilingResult tiling;
    Status st = k.def->tiling(ctx, &tiling);
    if (!st.ok())
      return Status(st.code(),
                    plan.steps[k.step].label +
                        ": re-tiling for the run's shapes: " + st.message());
    if (tiling.workspaceSize > k.workspaceCapacity)
      return internalError(
          plan.steps[k.step].label + ": needs " +
          std::to_string(tiling.workspaceSize) +
          " workspace bytes for the run's shapes, more than the " +
          std::to_string(k.workspaceCapacity) + " planned");
    if (!tiling.packedInputs.empty())
      return internalError(
          plan.steps[k.step].label +
          ": asks for pre-packed weights in a shape-ranged program");
    if (k.def->checkTiling) {
      // The run's tiling must keep the kernel inside the buffers planned
      // for the upper bounds, like a stored tiling at load.
      kernels::TilingCheck check;
      check.ctx = &ctx;
      check.fresh = &tiling;
      check.blockDim = std::clamp<uint32_t>(tiling.blockDim, 1, kMaxBlockDim);
      check.tiling = tiling.tilingData.data();
      check.tilingSize = tiling.tilingData.size();
      check.inputBytes = k.inputBytes;
      check.outputBytes = k.outputBytes;
      check.workspaceBytes = k.workspaceCapacity;
      st = k.def->checkTiling(check);
      if (!st.ok())
        return internalError(
            plan.steps[k.step].label +
            ": the tiling for the run's shapes fails its check: " +
            st.message());
    }
    inst->blockDims[k.step] =
        std::clamp<uint32_t>(tiling.blockDim, 1, kMaxBlockDim);
    inst->tilings.push_back(std::move(tiling.tilingData));
  }
  for (const RangedCopy &c : range.copies) {
    uint32_t blocks;
    inst->copies.push_back(
        copyTiling(storageBytes(c.dtype, c.format, evalShape(c.shape, values)),
                   /*overlap=*/false, soc.aiCoreCount, &blocks));
    inst->blockDims[c.step] = blocks;
  }
  return std::shared_ptr<const RangedInstance>(std::move(inst));
}

StatusOr<std::shared_ptr<const RangedInstance>>
InstanceCache::get(const GearPlan &plan, const std::vector<int64_t> &values,
                   const kernels::SocInfo &soc) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = byValues_.find(values);
    if (it != byValues_.end())
      return it->second;
  }
  StatusOr<std::shared_ptr<const RangedInstance>> made =
      instantiate(plan, values, soc);
  if (!made.ok())
    return made;
  std::lock_guard<std::mutex> lock(mu_);
  if (byValues_.emplace(values, *made).second) {
    order_.push_back(values);
    if (order_.size() > kCapacity) {
      byValues_.erase(order_.front());
      order_.erase(order_.begin());
    }
  }
  return made;
}

void useInstance(const GearPlan &plan,
                 std::shared_ptr<const RangedInstance> instance,
                 ExecContext &ctx, GearState &state) {
  const RangedInstance &r = *instance;
  for (size_t i = 0; i < plan.range->kernels.size(); ++i) {
    kernels::KernelArgs &args = state.kernelArgs[plan.range->kernels[i].kernel];
    args.tiling = r.tilings[i].data();
    args.tilingSize = r.tilings[i].size();
  }
  for (size_t i = 0; i < plan.range->copies.size(); ++i) {
    kernels::KernelArgs &args = state.kernelArgs[plan.range->copies[i].kernel];
    args.tiling = reinterpret_cast<const uint8_t *>(&r.copies[i]);
    args.tilingSize = sizeof(CopyTiling);
  }
  ctx.instance = std::move(instance);
}

} // namespace geflow::rt::exec
