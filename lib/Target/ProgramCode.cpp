//===- ProgramCode.cpp - A .gfm's task programs as C code -----------------===//
//
// Each gear becomes `static gfaot_status gear_<g>(gfaot_exec *x)`: for every
// kernel task, in task order, its operand addresses (arena + offset, weights
// + offset, an input or output slot + offset), its tiling bytes as a
// constant array and one gfaot_program_launch call; a memcpy task is a
// memmove; records and waits of several program streams vanish, since task
// order already satisfies them (a wait always follows its record). The
// tiling is the one the compiler stored, computed for this machine's CPU
// (the library records which ISA; the runtime refuses another).
//
//===----------------------------------------------------------------------===//
#include "ProgramCode.h"

#include "geflow/kernels/Soc.h"

#include "proto/gfm.pb.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <map>

using namespace llvm;

namespace geflow {

std::string programCodeObstacle(const gfm::Model &model) {
  if (model.external_weights_size() > 0)
    return "its weights are external files (external_weight)";
  auto padding = model.options().find("gear_padding");
  if (padding != model.options().end() && !padding->second.empty() &&
      padding->second != "false" && padding->second != "0")
    return "it runs other batches padded into gears (gear_padding)";
  for (int g = 0; g < model.gears_size(); ++g) {
    const gfm::Program &p = model.gears(g);
    if (p.symbols_size() > 0)
      return "gear " + std::to_string(g) +
             " is shape-ranged (re-tiled for every run's shapes)";
    for (const gfm::Task &t : p.tasks())
      if (t.has_host_call())
        return "gear " + std::to_string(g) + " calls host op '" +
               t.host_call().callee() + "'";
  }
  return "";
}

namespace {

/// A C string literal.
std::string quoted(StringRef text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\')
      out += '\\', out += char(c);
    else if (c >= 0x20 && c < 0x7f && c != '?')
      out += char(c);
    else {
      char octal[8];
      snprintf(octal, sizeof octal, "\\%03o", unsigned(c));
      out += octal;
    }
  }
  return out + "\"";
}

/// The planner's task label: "conv1 (Conv2D, kernel conv2d)".
std::string taskLabel(const gfm::Task &t) {
  switch (t.kind_case()) {
  case gfm::Task::kKernel: {
    const std::string &k = t.kernel().kernel();
    return (t.name().empty() ? k : t.name()) + " (" +
           (t.op_type().empty() ? "" : t.op_type() + ", kernel ") + k + ")";
  }
  case gfm::Task::kMemcpy:
    return (t.name().empty() ? "memcpy" : t.name()) + " (memcpy)";
  case gfm::Task::kRecord:
    return "record event " + std::to_string(t.record().event());
  case gfm::Task::kWait:
    return "wait for event " + std::to_string(t.wait().event());
  default:
    return t.name();
  }
}

/// The address of `b` in a gear function (A: arena, W: weights, I/O: the
/// caller's buffers).
std::string address(const gfm::Buffer &b) {
  std::string base;
  switch (b.region()) {
  case gfm::ARENA:
    base = "A";
    break;
  case gfm::WEIGHT:
    base = "W";
    break;
  case gfm::INPUT:
    base = "(const uint8_t *)I[" + std::to_string(b.slot()) + "]";
    break;
  case gfm::OUTPUT:
    base = "(const uint8_t *)O[" + std::to_string(b.slot()) + "]";
    break;
  default:
    base = "0 /* unsupported region */";
  }
  return b.offset() ? base + " + " + std::to_string(b.offset()) : base;
}

void tensorTable(
    raw_ostream &os, StringRef prefix,
    const google::protobuf::RepeatedPtrField<gfm::TensorSig> &sigs) {
  for (int i = 0; i < sigs.size(); ++i) {
    if (sigs.Get(i).shape_size() == 0)
      continue;
    os << "static const int64_t " << prefix << "_shape" << i << "[] = {";
    for (int d = 0; d < sigs.Get(i).shape_size(); ++d)
      os << (d ? ", " : "") << sigs.Get(i).shape(d);
    os << "};\n";
  }
  if (sigs.empty())
    return;
  os << "static const gfaot_program_tensor " << prefix << "[] = {\n";
  for (int i = 0; i < sigs.size(); ++i) {
    const gfm::TensorSig &s = sigs.Get(i);
    os << "    {" << quoted(s.name()) << ", " << int(s.dtype()) << ", "
       << int(s.format()) << ", " << s.shape_size() << ", "
       << (s.shape_size() ? (prefix + "_shape" + Twine(i)).str()
                          : std::string("0"))
       << "},\n";
  }
  os << "};\n";
}

class Emitter {
public:
  Emitter(const gfm::Model &model) : model_(model) {}

  std::string run(StringRef weightsExpr, uint64_t weightsSize);

private:
  uint32_t kernelIndex(const gfm::KernelTask &k);
  void gear(int g);
  void kernelTask(int g, int t, const gfm::KernelTask &k);

  const gfm::Model &model_;
  /// The tiling arrays, the gear functions and their tables: the arrays
  /// come first in the file but are found while writing the functions.
  std::string tilings_, functions_;
  raw_string_ostream os_{functions_};
  std::map<std::pair<std::string, int>, uint32_t> kernelIndex_;
  std::vector<std::pair<std::string, int>> kernels_;
};

uint32_t Emitter::kernelIndex(const gfm::KernelTask &k) {
  auto key = std::make_pair(k.kernel(), int(k.dtype()));
  auto [it, inserted] =
      kernelIndex_.try_emplace(key, uint32_t(kernels_.size()));
  if (inserted)
    kernels_.push_back(key);
  return it->second;
}

void Emitter::kernelTask(int g, int t, const gfm::KernelTask &k) {
  std::string tiling = "0";
  if (!k.tiling().empty()) {
    tiling = formatv("g{0}_t{1}", g, t).str();
    std::string bytes;
    raw_string_ostream b(bytes);
    for (size_t i = 0; i < k.tiling().size(); ++i)
      b << (i ? (i % 16 ? ", " : ",\n    ") : "    ")
        << unsigned(uint8_t(k.tiling()[i]));
    tilings_ += formatv("static const uint8_t {0}[] __attribute__((aligned(16)"
                        ")) = {{\n{1}};\n",
                        tiling, bytes)
                    .str();
  }
  os_ << "  {\n    const void *const i[] = {";
  for (int i = 0; i < k.inputs_size(); ++i)
    os_ << (i ? ", " : "") << address(k.inputs(i));
  if (k.inputs().empty())
    os_ << "0";
  os_ << "};\n    void *const o[] = {";
  for (int i = 0; i < k.outputs_size(); ++i)
    os_ << (i ? ", " : "") << "(void *)(" << address(k.outputs(i)) << ")";
  if (k.outputs().empty())
    os_ << "0";
  std::string workspace = k.workspace_size() > 0
                              ? "A + " + std::to_string(k.workspace().offset())
                              : "0";
  os_ << "};\n    const gfaot_kernel_args a = {" << tiling << ", "
      << k.tiling().size() << ", i, " << k.inputs_size() << ", o, "
      << k.outputs_size() << ", " << workspace << "};\n"
      << "    if ((s = gfaot_program_launch(x, " << t << ", " << kernelIndex(k)
      << ", &a, " << std::max<uint32_t>(k.block_dim(), 1)
      << ")) != GFAOT_OK)\n      return s;\n  }\n";
}

void Emitter::gear(int g) {
  const gfm::Program &p = model_.gears(g);
  os_ << "\n/* gear " << g << ": " << p.tasks_size() << " tasks, arena "
      << p.arena_size() << " bytes, " << p.num_streams()
      << " program stream(s) run in task order. */\n"
      << "static gfaot_status gear_" << g << "(gfaot_exec *x) {\n"
      << "  uint8_t *const A = x->arena;\n"
      << "  const uint8_t *const W = x->weights;\n"
      << "  void *const *const I = x->inputs;\n"
      << "  void *const *const O = x->outputs;\n"
      << "  gfaot_status s;\n"
      << "  (void)A, (void)W, (void)I, (void)O, (void)s;\n";
  for (int t = 0; t < p.tasks_size(); ++t) {
    const gfm::Task &task = p.tasks(t);
    std::string label = taskLabel(task);
    // No "*/" inside a comment.
    for (size_t at; (at = label.find("*/")) != std::string::npos;)
      label.replace(at, 2, "* /");
    os_ << "  /* " << t << ": " << label << " */\n";
    if (task.has_kernel()) {
      kernelTask(g, t, task.kernel());
    } else if (task.has_memcpy()) {
      const gfm::MemcpyTask &m = task.memcpy();
      os_ << "  memmove((void *)(" << address(m.dst()) << "), "
          << address(m.src()) << ", " << m.dst().size() << ");\n";
    }
  }
  os_ << "  return GFAOT_OK;\n}\n";
  os_ << "static const char *const gear_" << g << "_tasks[] = {\n";
  for (int t = 0; t < p.tasks_size(); ++t)
    os_ << "    " << quoted(taskLabel(p.tasks(t))) << ",\n";
  if (p.tasks().empty())
    os_ << "    0,\n";
  os_ << "};\n";
  tensorTable(os_, ("gear_" + Twine(g) + "_inputs").str(), p.inputs());
  tensorTable(os_, ("gear_" + Twine(g) + "_outputs").str(), p.outputs());
}

std::string Emitter::run(StringRef weightsExpr, uint64_t weightsSize) {
  for (int g = 0; g < model_.gears_size(); ++g)
    gear(g);
  tensorTable(os_, "model_inputs", model_.inputs());
  tensorTable(os_, "model_outputs", model_.outputs());
  os_ << "\nstatic const gfaot_program_gear gears[] = {\n";
  for (int g = 0; g < model_.gears_size(); ++g) {
    const gfm::Program &p = model_.gears(g);
    std::string gear = "gear_" + std::to_string(g);
    os_ << "    {" << (p.inputs().empty() ? "0" : gear + "_inputs") << ", "
        << (p.outputs().empty() ? "0" : gear + "_outputs") << ", "
        << p.arena_size() << "ull, " << gear << ", " << gear << "_tasks, "
        << p.tasks_size() << "},\n";
  }
  os_ << "};\n\nstatic const gfaot_program_kernel kernels[] = {\n";
  for (const auto &[kernel, dtype] : kernels_)
    os_ << "    {" << quoted(kernel) << ", " << dtype << "},\n";
  if (kernels_.empty())
    os_ << "    {0, 0},\n";
  os_ << "};\n\nstatic const gfaot_program program = {\n"
      << "    &library, " << quoted(model_.name()) << ", " << weightsExpr
      << ", " << weightsSize << "ull,\n    "
      << quoted(kernels::isaName(kernels::SocInfo::host().isa)) << ", "
      << model_.inputs_size() << ", " << model_.outputs_size() << ", "
      << model_.gears_size() << ", " << kernels_.size() << ",\n    "
      << (model_.inputs().empty() ? "0" : "model_inputs") << ", "
      << (model_.outputs().empty() ? "0" : "model_outputs")
      << ", gears, kernels};\n";
  return "/* Tiling data of the kernel tasks (g<gear>_t<task>). */\n" +
         tilings_ + functions_;
}

} // namespace

std::string programCode(const gfm::Model &model, StringRef weightsExpr,
                        uint64_t weightsSize) {
  return Emitter(model).run(weightsExpr, weightsSize);
}

} // namespace geflow
