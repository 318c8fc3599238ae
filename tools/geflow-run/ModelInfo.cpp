//===- ModelInfo.cpp - What a compiled model holds, without running ------===//
#include "ModelInfo.h"

#include "geflow/runtime/Gfm.h"
#include "geflow/runtime/Memory.h"
#include "proto/gfm.pb.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

namespace geflow::run {

namespace {

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

/// Kernel tasks of gear `g` by kernel name, in name order.
std::map<std::string, int> kernelCounts(const rt::Model &model, size_t g) {
  std::map<std::string, int> counts;
  for (const gfm::Task &task : model.file().model().gears(g).tasks())
    if (task.has_kernel())
      ++counts[task.kernel().kernel()];
  return counts;
}

uint64_t externalWeightBytes(const rt::Model &model) {
  uint64_t total = 0;
  for (const gfm::ExternalWeight &w : model.file().model().external_weights())
    total += w.length();
  return total;
}

llvm::json::Array tensorsJson(const std::vector<rt::TensorInfo> &tensors) {
  llvm::json::Array out;
  for (const rt::TensorInfo &t : tensors) {
    llvm::json::Array shape;
    for (int64_t d : t.shape)
      shape.push_back(d);
    out.push_back(
        llvm::json::Object{{"name", t.name},
                           {"dtype", std::string(rt::dtypeName(t.dtype))},
                           {"format", std::string(rt::formatName(t.format))},
                           {"shape", std::move(shape)}});
  }
  return out;
}

} // namespace

std::string modelInfoText(const rt::Model &model) {
  const gfm::Model &file = model.file().model();
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "model '" << model.name() << "' (" << file.producer() << ")\n";
  os << "soc: " << (file.soc().empty() ? "host" : file.soc()) << "\n";
  os << "options:";
  if (file.options().empty())
    os << " (defaults)";
  std::map<std::string, std::string> options(file.options().begin(),
                                             file.options().end());
  for (const auto &[name, value] : options)
    os << " " << name << "=" << value;
  os << "\n";
  for (const char *side : {"inputs", "outputs"}) {
    const auto &tensors = side[0] == 'i' ? model.inputs() : model.outputs();
    os << side << ":\n";
    for (const rt::TensorInfo &t : tensors)
      os << "  " << t.name << ": " << rt::dtypeName(t.dtype) << " "
         << shapeText(t.shape)
         << (t.format == rt::Format::ND
                 ? ""
                 : " " + std::string(rt::formatName(t.format)))
         << "\n";
  }
  os << "weights: " << rt::formatBytes(model.file().weightsSize())
     << " in the file";
  if (uint64_t ext = externalWeightBytes(model))
    os << ", " << rt::formatBytes(ext) << " in " << file.external_weights_size()
       << " external file(s)";
  os << "\n";
  os << "gears: " << model.gears().size() << "\n";
  for (size_t g = 0; g < model.gears().size(); ++g) {
    const rt::GearInfo &gear = model.gears()[g];
    os << "  gear " << g << ":";
    for (const rt::TensorInfo &t : gear.inputs)
      os << " " << t.name << shapeText(t.shape);
    for (const rt::DimRange &r : gear.ranges)
      os << " (" << gear.inputs[r.input].name << " dim " << r.dim << " in ["
         << r.min << ", " << r.max << "])";
    os << "\n    arena " << rt::formatBytes(gear.arenaSize) << ", "
       << gear.numTasks << " tasks on " << gear.numStreams << " stream(s), "
       << gear.numEvents << " event(s)\n    kernels:";
    for (const auto &[kernel, n] : kernelCounts(model, g))
      os << " " << kernel << " x" << n;
    os << "\n";
  }
  return text;
}

std::string modelInfoJson(const rt::Model &model) {
  const gfm::Model &file = model.file().model();
  llvm::json::Object options;
  for (const auto &[name, value] : file.options())
    options[name] = value;
  llvm::json::Array gears;
  for (size_t g = 0; g < model.gears().size(); ++g) {
    const rt::GearInfo &gear = model.gears()[g];
    llvm::json::Array ranges;
    for (const rt::DimRange &r : gear.ranges)
      ranges.push_back(llvm::json::Object{{"input", gear.inputs[r.input].name},
                                          {"dim", r.dim},
                                          {"min", r.min},
                                          {"max", r.max}});
    llvm::json::Object kernels;
    for (const auto &[kernel, n] : kernelCounts(model, g))
      kernels[kernel] = n;
    gears.push_back(llvm::json::Object{{"inputs", tensorsJson(gear.inputs)},
                                       {"outputs", tensorsJson(gear.outputs)},
                                       {"ranges", std::move(ranges)},
                                       {"arena_bytes", gear.arenaSize},
                                       {"streams", gear.numStreams},
                                       {"events", gear.numEvents},
                                       {"tasks", gear.numTasks},
                                       {"kernels", std::move(kernels)}});
  }
  llvm::json::Object root{
      {"name", model.name()},
      {"producer", file.producer()},
      {"soc", file.soc().empty() ? "host" : file.soc()},
      {"options", std::move(options)},
      {"inputs", tensorsJson(model.inputs())},
      {"outputs", tensorsJson(model.outputs())},
      {"weights_bytes", model.file().weightsSize()},
      {"external_weights_bytes", externalWeightBytes(model)},
      {"gears", std::move(gears)}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  return text;
}

} // namespace geflow::run
