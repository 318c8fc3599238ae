//===- einsum.cpp - Einsum on the host CPU engine -------------------------===//
//
// ONNX Einsum / ge.Einsum: one loop nest over every label of the equation
// (geflow/runtime/Einsum.h resolves it), output labels outside, summed
// labels inside. A label repeated in one term walks its diagonal (strides
// add up); an ellipsis dim of size 1 broadcasts (stride 0). Floats
// accumulate in double, f16/bf16 through float; integers in 64-bit
// unsigned arithmetic (wrapping like NumPy, without signed overflow).
//
//===----------------------------------------------------------------------===//
#include "kernels/host/host_kernels.h"
#include "kernels/host/typed.h"

#include "geflow/runtime/Einsum.h"
#include "geflow/runtime/Half.h"

#include <cstdint>
#include <type_traits>

namespace geflow::kernels::host {

namespace {

struct Plan {
  rt::EinsumSpec spec;
  std::vector<int64_t> labelSizes, outputShape;
};

std::string resolve(const std::vector<TensorDesc> &inputs, const AttrMap &attrs,
                    Plan &plan) {
  std::vector<int64_t> ranks;
  std::vector<std::vector<int64_t>> shapes;
  for (const TensorDesc &d : inputs) {
    ranks.push_back(static_cast<int64_t>(d.shape.size()));
    shapes.push_back(d.shape);
  }
  std::string err =
      rt::parseEinsum(attrs.getString("equation", ""), ranks, plan.spec);
  if (err.empty())
    err =
        rt::einsumShapes(plan.spec, shapes, plan.labelSizes, plan.outputShape);
  return err.empty()
             ? ""
             : "Einsum '" + attrs.getString("equation", "") + "': " + err;
}

template <typename T, typename Acc, typename Load, typename Store>
void run(const Plan &plan, const std::vector<TensorDesc> &descs,
         const std::vector<const void *> &inputs, void *output, Load load,
         Store store) {
  const rt::EinsumSpec &spec = plan.spec;
  size_t numInputs = descs.size();
  // Loop order: output labels, then the summed ones.
  std::vector<int> order = spec.outputLabels;
  std::vector<bool> inOutput(spec.numLabels(), false);
  for (int id : order)
    inOutput[id] = true;
  std::vector<bool> used(spec.numLabels(), false);
  for (const auto &labels : spec.inputLabels)
    for (int id : labels)
      used[id] = true;
  size_t numOutputLoops = order.size();
  for (int id = 0; id < spec.numLabels(); ++id)
    if (used[id] && !inOutput[id])
      order.push_back(id);
  // strides[i][l]: element stride of input i along loop l.
  std::vector<std::vector<int64_t>> strides(
      numInputs, std::vector<int64_t>(order.size(), 0));
  std::vector<int> loopOf(spec.numLabels(), -1);
  for (size_t l = 0; l < order.size(); ++l)
    loopOf[order[l]] = static_cast<int>(l);
  for (size_t i = 0; i < numInputs; ++i) {
    const auto &shape = descs[i].shape;
    int64_t stride = 1;
    for (size_t d = shape.size(); d-- > 0;) {
      if (shape[d] != 1 || plan.labelSizes[spec.inputLabels[i][d]] == 1)
        strides[i][loopOf[spec.inputLabels[i][d]]] += stride;
      stride *= shape[d];
    }
  }
  std::vector<int64_t> sizes;
  for (int id : order)
    sizes.push_back(plan.labelSizes[id]);
  int64_t outputCount = 1, sumCount = 1;
  for (size_t l = 0; l < order.size(); ++l)
    (l < numOutputLoops ? outputCount : sumCount) *= sizes[l];
  std::vector<const T *> in(numInputs);
  for (size_t i = 0; i < numInputs; ++i)
    in[i] = static_cast<const T *>(inputs[i]);
  T *out = static_cast<T *>(output);
  std::vector<int64_t> index(order.size(), 0), offset(numInputs, 0);
  // Odometer over all loops; the innermost loop is the last label.
  for (int64_t o = 0; o < outputCount; ++o) {
    Acc sum = Acc(0);
    for (int64_t s = 0; s < sumCount; ++s) {
      Acc product = Acc(1);
      for (size_t i = 0; i < numInputs; ++i)
        product *= load(in[i][offset[i]]);
      sum += product;
      for (size_t l = order.size(); l-- > 0;) {
        for (size_t i = 0; i < numInputs; ++i)
          offset[i] += strides[i][l];
        if (++index[l] < sizes[l])
          break;
        for (size_t i = 0; i < numInputs; ++i)
          offset[i] -= strides[i][l] * sizes[l];
        index[l] = 0;
      }
    }
    out[o] = store(sum);
  }
}

template <typename T>
void runNative(const Plan &plan, const std::vector<TensorDesc> &descs,
               const std::vector<const void *> &inputs, void *output) {
  if constexpr (std::is_floating_point_v<T>)
    run<T, double>(
        plan, descs, inputs, output, [](T v) { return static_cast<double>(v); },
        [](double v) { return static_cast<T>(v); });
  else
    run<T, uint64_t>(
        plan, descs, inputs, output,
        [](T v) { return static_cast<uint64_t>(v); },
        [](uint64_t v) { return static_cast<T>(v); });
}

} // namespace

rt::Status hostCheckEinsum(const std::vector<TensorDesc> &inputs,
                           const std::vector<TensorDesc> &outputs,
                           const AttrMap &attrs) {
  if (inputs.empty() || outputs.size() != 1)
    return hostError("Einsum takes one or more inputs and gives one output");
  rt::DType dtype = inputs[0].dtype;
  for (const TensorDesc &d : inputs) {
    if (d.dtype != dtype || outputs[0].dtype != dtype)
      return hostError("Einsum's inputs and output must share one dtype");
    if (!plainLayout(d))
      return hostUnsupported("Einsum on the host needs a plain layout");
  }
  if (dtype == rt::DType::Bool)
    return hostUnsupported("Einsum on the host does not take bool");
  Plan plan;
  std::string err = resolve(inputs, attrs, plan);
  if (!err.empty())
    return hostError(err);
  if (plan.outputShape != outputs[0].shape)
    return hostError("Einsum's output shape does not match the equation");
  return rt::Status::OK();
}

rt::Status hostRunEinsum(const rt::HostCallArgs &args) {
  const std::vector<TensorDesc> &descs = *args.inputDescs;
  Plan plan;
  std::string err = resolve(descs, *args.attrs, plan);
  if (!err.empty())
    return hostError(err);
  std::vector<const void *> inputs(args.inputs, args.inputs + args.numInputs);
  void *out = args.outputs[0];
  rt::DType dtype = descs[0].dtype;
  if (dtype == rt::DType::F16 || dtype == rt::DType::BF16) {
    bool half = dtype == rt::DType::F16;
    run<uint16_t, float>(
        plan, descs, inputs, out,
        [half](uint16_t v) {
          return half ? rt::halfToFloat(v) : rt::bf16ToFloat(v);
        },
        [half](float v) {
          return half ? rt::floatToHalf(v) : rt::floatToBf16(v);
        });
    return rt::Status::OK();
  }
  if (!visitNative(dtype, [&](auto t) {
        runNative<decltype(t)>(plan, descs, inputs, out);
      }))
    return hostUnsupported("Einsum: unchecked dtype");
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
