//===- Binding.cpp - Checks of a run's inputs and outputs -----------------===//
//
// Kernels read and write the caller's buffers directly and trust their
// tiling data, so every binding is checked before anything runs: a wrong
// dtype, shape or a short buffer is an error naming the tensor, never a
// kernel reading past the end of a buffer.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Binding.h"

namespace geflow::rt {

std::string shapeToString(const std::vector<int64_t> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

static std::string gearList(const std::vector<GearInfo> &gears, size_t input) {
  std::string out;
  for (size_t g = 0; g < gears.size(); ++g)
    out += (g ? ", " : "") + shapeToString(gears[g].inputs[input].shape);
  return out;
}

static std::string gearTuple(const std::vector<TensorInfo> &sigs) {
  std::string out = "(";
  for (size_t i = 0; i < sigs.size(); ++i)
    out += (i ? ", " : "") + sigs[i].name + ":" + shapeToString(sigs[i].shape);
  return out + ")";
}

// The gear whose every input shape equals `shapes`; the error explains the
// mismatch in terms of the input that cannot match.
StatusOr<size_t>
findExactGear(const std::vector<GearInfo> &gears,
              const std::vector<TensorInfo> &sigs,
              const std::vector<const std::vector<int64_t> *> &shapes) {
  for (size_t g = 0; g < gears.size(); ++g) {
    bool match = true;
    for (size_t i = 0; i < shapes.size() && match; ++i)
      match = *shapes[i] == gears[g].inputs[i].shape;
    if (match)
      return g;
  }
  if (gears.size() == 1) {
    for (size_t i = 0; i < shapes.size(); ++i)
      if (*shapes[i] != gears[0].inputs[i].shape)
        return invalidArgument("input '" + sigs[i].name + "' has shape " +
                               shapeToString(*shapes[i]) + ", expected " +
                               shapeToString(gears[0].inputs[i].shape));
  }
  for (size_t i = 0; i < shapes.size(); ++i) {
    bool any = false;
    for (const GearInfo &g : gears)
      any = any || *shapes[i] == g.inputs[i].shape;
    if (!any)
      return invalidArgument("input '" + sigs[i].name + "': shape " +
                             shapeToString(*shapes[i]) +
                             " matches no gear; gears: " + gearList(gears, i));
  }
  // Each shape belongs to some gear, but not all to the same one.
  std::string given, listed;
  for (size_t i = 0; i < shapes.size(); ++i)
    given += (i ? ", " : "") + sigs[i].name + ":" + shapeToString(*shapes[i]);
  for (size_t g = 0; g < gears.size(); ++g)
    listed += (g ? ", " : "") + gearTuple(gears[g].inputs);
  return invalidArgument("input shapes " + given +
                         " match no single gear; gears: " + listed);
}

Status countError(const char *what, size_t expected, size_t got) {
  return invalidArgument("the model has " + std::to_string(expected) + " " +
                         what + (expected == 1 ? "" : "s") + ", got " +
                         std::to_string(got));
}

static Status checkBuffer(const char *what, const TensorRef &ref,
                          const TensorInfo &info) {
  if (ref.size < info.bytes)
    return invalidArgument(std::string(what) + " '" + info.name +
                           "': buffer of " + std::to_string(ref.size) +
                           " bytes, needs " + std::to_string(info.bytes) +
                           " (" + std::string(dtypeName(info.dtype)) +
                           shapeToString(info.shape) + ")");
  if (!ref.data && info.bytes > 0)
    return invalidArgument(std::string(what) + " '" + info.name +
                           "' has no data (null pointer)");
  return Status::OK();
}

static bool overlaps(const TensorRef &a, uint64_t aBytes, const TensorRef &b,
                     uint64_t bBytes) {
  auto a0 = reinterpret_cast<uintptr_t>(a.data);
  auto b0 = reinterpret_cast<uintptr_t>(b.data);
  return aBytes > 0 && bBytes > 0 && a0 < b0 + bBytes && b0 < a0 + aBytes;
}

Status checkBindingTypes(const std::vector<TensorInfo> &inputs,
                         const std::vector<TensorInfo> &outputs,
                         const std::vector<TensorRef> &in,
                         const std::vector<TensorRef> &out) {
  if (in.size() != inputs.size())
    return countError("input", inputs.size(), in.size());
  if (out.size() != outputs.size())
    return countError("output", outputs.size(), out.size());
  for (size_t i = 0; i < in.size(); ++i)
    if (in[i].dtype != inputs[i].dtype)
      return invalidArgument("input '" + inputs[i].name + "' has dtype " +
                             std::string(dtypeName(in[i].dtype)) +
                             ", expected " +
                             std::string(dtypeName(inputs[i].dtype)));
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i].dtype != outputs[i].dtype)
      return invalidArgument("output '" + outputs[i].name + "' has dtype " +
                             std::string(dtypeName(out[i].dtype)) +
                             ", expected " +
                             std::string(dtypeName(outputs[i].dtype)));
  return Status::OK();
}

Status checkBindingBuffers(const std::vector<TensorInfo> &sigIn,
                           const std::vector<TensorInfo> &sigOut,
                           const std::vector<TensorRef> &in,
                           const std::vector<TensorRef> &out, size_t gear,
                           size_t numGears) {
  for (size_t i = 0; i < in.size(); ++i)
    GEFLOW_RETURN_IF_ERROR(checkBuffer("input", in[i], sigIn[i]));
  for (size_t i = 0; i < out.size(); ++i) {
    const TensorInfo &sig = sigOut[i];
    if (out[i].shape != sig.shape)
      return invalidArgument(
          "output '" + sig.name + "' has shape " + shapeToString(out[i].shape) +
          ", expected " + shapeToString(sig.shape) +
          (numGears > 1 ? " (gear " + std::to_string(gear) + ")"
                        : std::string()));
    GEFLOW_RETURN_IF_ERROR(checkBuffer("output", out[i], sig));
  }
  // Outputs are written while inputs and other outputs are still read.
  for (size_t i = 0; i < out.size(); ++i) {
    for (size_t j = 0; j < in.size(); ++j)
      if (overlaps(out[i], sigOut[i].bytes, in[j], sigIn[j].bytes))
        return invalidArgument("output '" + sigOut[i].name +
                               "' overlaps input '" + sigIn[j].name + "'");
    for (size_t j = 0; j < i; ++j)
      if (overlaps(out[i], sigOut[i].bytes, out[j], sigOut[j].bytes))
        return invalidArgument("output '" + sigOut[i].name +
                               "' overlaps output '" + sigOut[j].name + "'");
  }
  return Status::OK();
}

} // namespace geflow::rt
