//===- Bind.cpp - Checking a run's inputs/outputs and selecting the gear --===//
//
// Kernels read and write the caller's buffers directly and trust their
// tiling data, so every binding is checked before anything is enqueued:
// a wrong dtype, shape or a short buffer is an error naming the tensor,
// never a kernel reading past the end of a buffer.
//
//===----------------------------------------------------------------------===//
#include "ModelImpl.h"

#include "geflow/runtime/Binding.h"

#include "geflow/runtime/Device.h"

namespace geflow::rt {

StatusOr<size_t>
Model::Impl::findGear(const std::vector<const std::vector<int64_t> *> &shapes,
                      std::vector<int64_t> *values) const {
  if (!instances)
    return findExactGear(gears, inputs, shapes);
  StatusOr<std::vector<int64_t>> matched = exec::matchRange(*plans[0], shapes);
  if (!matched.ok())
    return matched.status();
  if (values)
    *values = std::move(matched.value());
  return size_t{0};
}

StatusOr<Model::Impl::Binding>
Model::Impl::bind(const std::vector<TensorRef> &in,
                  const std::vector<TensorRef> &out) const {
  GEFLOW_RETURN_IF_ERROR(checkBindingTypes(inputs, outputs, in, out));
  std::vector<const std::vector<int64_t> *> shapes;
  shapes.reserve(in.size());
  for (const TensorRef &r : in)
    shapes.push_back(&r.shape);
  Binding binding;
  std::vector<int64_t> values;
  StatusOr<size_t> gear = findGear(shapes, &values);
  if (!gear.ok())
    return gear.status();
  binding.gear = *gear;
  // The signature of this run: the gear's, or a shape-ranged program's at
  // the run's shapes.
  const std::vector<TensorInfo> *sigIn = &gears[*gear].inputs;
  const std::vector<TensorInfo> *sigOut = &gears[*gear].outputs;
  if (instances) {
    StatusOr<std::shared_ptr<const exec::RangedInstance>> instance =
        instances->get(*plans[*gear], values, device->properties().soc);
    if (!instance.ok())
      return instance.status();
    binding.instance = std::move(instance.value());
    sigIn = &binding.instance->inputs;
    sigOut = &binding.instance->outputs;
  }
  GEFLOW_RETURN_IF_ERROR(
      checkBindingBuffers(*sigIn, *sigOut, in, out, *gear, gears.size()));
  return binding;
}

StatusOr<size_t>
Model::selectGear(const std::vector<std::vector<int64_t>> &inputShapes) const {
  if (inputShapes.size() != impl_->inputs.size())
    return countError("input", impl_->inputs.size(), inputShapes.size());
  std::vector<const std::vector<int64_t> *> shapes;
  for (const auto &s : inputShapes)
    shapes.push_back(&s);
  return impl_->findGear(shapes);
}

} // namespace geflow::rt
