//===- ew_program.cpp - Elementwise op table and program validation -------===//
#include "kernels/vector/ew_engine.h"

#include <set>

namespace geflow::kernels {

namespace {
struct OpInfo {
  EwOp op;
  const char *name;
  int arity;
};
constexpr OpInfo kOps[] = {
    {EwOp::Copy, "copy", 1},
    {EwOp::Neg, "neg", 1},
    {EwOp::Abs, "abs", 1},
    {EwOp::Relu, "relu", 1},
    {EwOp::Relu6, "relu6", 1},
    {EwOp::Sigmoid, "sigmoid", 1},
    {EwOp::Tanh, "tanh", 1},
    {EwOp::Gelu, "gelu", 1},
    {EwOp::GeluTanh, "gelu_tanh", 1},
    {EwOp::HardSwish, "hardswish", 1},
    {EwOp::Exp, "exp", 1},
    {EwOp::Log, "log", 1},
    {EwOp::Sqrt, "sqrt", 1},
    {EwOp::Rsqrt, "rsqrt", 1},
    {EwOp::Reciprocal, "reciprocal", 1},
    {EwOp::Erf, "erf", 1},
    {EwOp::Floor, "floor", 1},
    {EwOp::Ceil, "ceil", 1},
    {EwOp::Round, "round", 1},
    {EwOp::Sin, "sin", 1},
    {EwOp::Cos, "cos", 1},
    {EwOp::Tan, "tan", 1},
    {EwOp::Asin, "asin", 1},
    {EwOp::Acos, "acos", 1},
    {EwOp::Atan, "atan", 1},
    {EwOp::Sinh, "sinh", 1},
    {EwOp::Cosh, "cosh", 1},
    {EwOp::Asinh, "asinh", 1},
    {EwOp::Acosh, "acosh", 1},
    {EwOp::Atanh, "atanh", 1},
    {EwOp::LeakyRelu, "leaky_relu", 2},
    {EwOp::HardSigmoid, "hardsigmoid", 3},
    {EwOp::Add, "add", 2},
    {EwOp::Sub, "sub", 2},
    {EwOp::Mul, "mul", 2},
    {EwOp::Div, "div", 2},
    {EwOp::Max, "max", 2},
    {EwOp::Min, "min", 2},
    {EwOp::Pow, "pow", 2},
    {EwOp::Mod, "mod", 2},
    {EwOp::FloorMod, "floor_mod", 2},
    {EwOp::Equal, "equal", 2},
    {EwOp::NotEqual, "not_equal", 2},
    {EwOp::Less, "less", 2},
    {EwOp::LessEqual, "less_equal", 2},
    {EwOp::Greater, "greater", 2},
    {EwOp::GreaterEqual, "greater_equal", 2},
    {EwOp::Select, "select", 3},
    {EwOp::MulAdd, "muladd", 3},
    {EwOp::Clip, "clip", 3},
};

const OpInfo *findOp(int32_t code) {
  for (const OpInfo &info : kOps)
    if (static_cast<int32_t>(info.op) == code)
      return &info;
  return nullptr;
}
} // namespace

int ewOpArity(EwOp op) {
  const OpInfo *info = findOp(static_cast<int32_t>(op));
  return info ? info->arity : 0;
}

const char *ewOpName(EwOp op) {
  const OpInfo *info = findOp(static_cast<int32_t>(op));
  return info ? info->name : nullptr;
}

std::optional<EwOp> parseEwOp(std::string_view name) {
  for (const OpInfo &info : kOps)
    if (name == info.name)
      return info.op;
  return std::nullopt;
}

bool isKnownEwOp(int32_t code) { return findOp(code) != nullptr; }

namespace vec {

namespace {
std::string operandStr(int32_t v) {
  using namespace ewoperand;
  if (v < 0)
    return "none";
  const char *kinds[] = {"r", "in", "c", "out"};
  int kind = v / kKindSpan;
  if (kind > 3)
    return std::to_string(v);
  return kinds[kind] + std::to_string(v % kKindSpan);
}
} // namespace

Status parseEwProgram(const std::string &kernel, const TilingContext &ctx,
                      std::vector<EwInstr> *program,
                      std::vector<float> *consts) {
  using namespace ewoperand;
  std::vector<int64_t> code = ctx.attrs.getInts("program");
  if (code.empty() || code.size() % 5 != 0)
    return invalidArgument(kernel +
                           ": attribute `program` must hold 5 ints per "
                           "instruction [op, dst, src0, src1, src2], got " +
                           std::to_string(code.size()) + " ints");
  size_t count = code.size() / 5;
  if (count > static_cast<size_t>(kEwMaxInstrs))
    return unsupported(kernel + ": " + std::to_string(count) +
                       " instructions exceed the limit of " +
                       std::to_string(kEwMaxInstrs));
  consts->clear();
  for (double v : ctx.attrs.getFloats("constants"))
    consts->push_back(static_cast<float>(v));
  if (consts->size() > static_cast<size_t>(kEwMaxConsts))
    return unsupported(kernel + ": " + std::to_string(consts->size()) +
                       " constants exceed the limit of " +
                       std::to_string(kEwMaxConsts));
  size_t numInputs = ctx.inputs.size(), numOutputs = ctx.outputs.size();
  std::set<int32_t> defined;
  std::vector<int> outputWrites(numOutputs, 0);
  program->clear();
  for (size_t n = 0; n < count; ++n) {
    const int64_t *w = &code[n * 5];
    std::string where = kernel + ": instruction " + std::to_string(n);
    if (!isKnownEwOp(static_cast<int32_t>(w[0])) || w[0] != int32_t(w[0]))
      return invalidArgument(where + " has unknown opcode " +
                             std::to_string(w[0]));
    EwOp op = static_cast<EwOp>(w[0]);
    where += " (" + std::string(ewOpName(op)) + ")";
    int arity = ewOpArity(op);
    EwInstr ins{static_cast<int32_t>(op), 0, {kNone, kNone, kNone}};
    for (int s = 0; s < 3; ++s) {
      int64_t v = w[2 + s];
      if (s >= arity) {
        if (v != kNone)
          return invalidArgument(where + " takes " + std::to_string(arity) +
                                 " sources but src" + std::to_string(s) +
                                 " is " + std::to_string(v) +
                                 " (unused slots are -1)");
        continue;
      }
      bool ok = false;
      if (v >= kRegBase && v < kRegBase + kEwMaxRegs) {
        ok = defined.count(static_cast<int32_t>(v)) != 0;
        if (!ok)
          return invalidArgument(where + " reads register r" +
                                 std::to_string(v) +
                                 " before any instruction writes it");
      } else if (v >= kInputBase && v < kInputBase + kKindSpan) {
        ok = static_cast<size_t>(v - kInputBase) < numInputs;
      } else if (v >= kConstBase && v < kConstBase + kKindSpan) {
        ok = static_cast<size_t>(v - kConstBase) < consts->size();
      }
      if (!ok)
        return invalidArgument(
            where + ": src" + std::to_string(s) + " = " + std::to_string(v) +
            " is not a register < " + std::to_string(kEwMaxRegs) +
            ", an input (100+i, " + std::to_string(numInputs) +
            " inputs) or a constant (200+k, " + std::to_string(consts->size()) +
            " constants)");
      ins.src[s] = static_cast<int32_t>(v);
    }
    if ((op == EwOp::LeakyRelu || op == EwOp::HardSigmoid))
      for (int s = 1; s < arity; ++s)
        if (ins.src[s] < kConstBase || ins.src[s] >= kConstBase + kKindSpan)
          return invalidArgument(where + ": parameter src" + std::to_string(s) +
                                 " must be a constant, got " +
                                 operandStr(ins.src[s]));
    int64_t d = w[1];
    if (d >= kRegBase && d < kRegBase + kEwMaxRegs) {
      defined.insert(static_cast<int32_t>(d));
    } else if (d >= kOutputBase &&
               static_cast<size_t>(d - kOutputBase) < numOutputs) {
      if (++outputWrites[d - kOutputBase] > 1)
        return invalidArgument(where + " writes output " +
                               std::to_string(d - kOutputBase) +
                               " a second time; each output is written once");
    } else {
      return invalidArgument(
          where + ": dst = " + std::to_string(d) + " is not a register < " +
          std::to_string(kEwMaxRegs) + " or an output (300+k, " +
          std::to_string(numOutputs) + " outputs)");
    }
    ins.dst = static_cast<int32_t>(d);
    program->push_back(ins);
  }
  for (size_t k = 0; k < numOutputs; ++k)
    if (outputWrites[k] == 0)
      return invalidArgument(kernel + ": no instruction writes output " +
                             std::to_string(k));
  return Status::OK();
}

} // namespace vec
} // namespace geflow::kernels
