//===- elementwise.cpp - Named elementwise kernels and vec_fused ----------===//
//
// Each single-op kernel (add, relu, less, clip, ...) is a one-instruction
// program of the elementwise engine; vec_fused takes the program from its
// attributes. Integer add/sub/mul/div/max/min/pow and comparisons (also of
// bools) go to the exact integer kernel instead.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/kernel_families.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/int_elementwise.h"

#include <limits>

namespace geflow::kernels::vec {

namespace {

using namespace ewoperand;

bool isCompareOp(EwOp op) {
  return op >= EwOp::Equal && op <= EwOp::GreaterEqual;
}

/// Checks the single-op kernel's signature: `arity` inputs of one floating
/// dtype, one output of that dtype (bool for comparisons) and the broadcast
/// shape.
Status checkNamedOp(const std::string &name, EwOp op, int arity,
                    const TilingContext &ctx) {
  if (ctx.inputs.size() != static_cast<size_t>(arity) ||
      ctx.outputs.size() != 1)
    return invalidArgument(name + ": expects " + std::to_string(arity) +
                           " input(s) and 1 output, got " +
                           std::to_string(ctx.inputs.size()) + " and " +
                           std::to_string(ctx.outputs.size()));
  DType dt = ctx.inputs[0].dtype;
  if (!rt::isFloat(dt))
    return unsupported(name + ": input dtype " +
                       std::string(rt::dtypeName(dt)) +
                       " is not supported (float32, float16, bfloat16" +
                       (arity == 2 ? ", int8, uint8, int32, int64)" : ")"));
  for (size_t i = 1; i < ctx.inputs.size(); ++i)
    if (ctx.inputs[i].dtype != dt)
      return invalidArgument(name + ": input " + std::to_string(i) + " dtype " +
                             std::string(rt::dtypeName(ctx.inputs[i].dtype)) +
                             " differs from input 0 dtype " +
                             std::string(rt::dtypeName(dt)));
  DType want = isCompareOp(op) ? DType::Bool : dt;
  if (ctx.outputs[0].dtype != want)
    return invalidArgument(name + ": output dtype " +
                           std::string(rt::dtypeName(ctx.outputs[0].dtype)) +
                           ", expected " + std::string(rt::dtypeName(want)));
  std::vector<Shape> shapes;
  for (const TensorDesc &d : ctx.inputs)
    shapes.push_back(d.shape);
  Shape out;
  GEFLOW_RETURN_IF_ERROR(broadcastShapes(name, shapes, &out));
  if (out != ctx.outputs[0].shape)
    return invalidArgument(
        name + ": output shape " + shapeStr(ctx.outputs[0].shape) +
        " differs from the broadcast shape " + shapeStr(out));
  return Status::OK();
}

template <EwOp Op>
Status unaryTiling(const TilingContext &ctx, TilingResult *r) {
  std::string name = ewOpName(Op);
  GEFLOW_RETURN_IF_ERROR(checkNamedOp(name, Op, 1, ctx));
  EwInstr ins{static_cast<int32_t>(Op), output(0), {input(0), kNone, kNone}};
  std::vector<float> consts;
  if (Op == EwOp::LeakyRelu) {
    consts = {static_cast<float>(ctx.attrs.getFloat("alpha", 0.01))};
    ins.src[1] = constant(0);
  } else if (Op == EwOp::HardSigmoid) {
    consts = {static_cast<float>(ctx.attrs.getFloat("alpha", 0.2)),
              static_cast<float>(ctx.attrs.getFloat("beta", 0.5))};
    ins.src[1] = constant(0);
    ins.src[2] = constant(1);
  } else if (Op == EwOp::Clip) {
    const double inf = std::numeric_limits<double>::infinity();
    double lo = ctx.attrs.getFloat("min", -inf),
           hi = ctx.attrs.getFloat("max", inf);
    if (lo > hi)
      return invalidArgument("clip: min " + std::to_string(lo) +
                             " is greater than max " + std::to_string(hi));
    consts = {static_cast<float>(lo), static_cast<float>(hi)};
    ins.src[1] = constant(0);
    ins.src[2] = constant(1);
  }
  return tileEwProgram(name, ctx, {ins}, consts, r);
}

template <EwOp Op>
Status binaryTiling(const TilingContext &ctx, TilingResult *r) {
  std::string name = ewOpName(Op);
  if (ctx.inputs.size() == 2 && isIntEwDtype(ctx.inputs[0].dtype))
    return tileIntBinary(name, Op, ctx, r);
  GEFLOW_RETURN_IF_ERROR(checkNamedOp(name, Op, 2, ctx));
  EwInstr ins{static_cast<int32_t>(Op), output(0), {input(0), input(1), kNone}};
  return tileEwProgram(name, ctx, {ins}, {}, r);
}

Status vecFusedTiling(const TilingContext &ctx, TilingResult *r) {
  std::vector<EwInstr> program;
  std::vector<float> consts;
  GEFLOW_RETURN_IF_ERROR(parseEwProgram("vec_fused", ctx, &program, &consts));
  return tileEwProgram("vec_fused", ctx, std::move(program), std::move(consts),
                       r);
}

template <Isa I>
int32_t ewKernel(const KernelArgs &args, uint32_t blockIdx, uint32_t blockDim) {
  return runEwProgram(vecOps(I), args, blockIdx, blockDim);
}

void addEngineImpls(KernelDef *def, std::initializer_list<DType> dtypes) {
  for (DType dt : dtypes) {
    def->impls.push_back({dt, Isa::Portable, ewKernel<Isa::Portable>});
    def->impls.push_back({dt, Isa::AVX2, ewKernel<Isa::AVX2>});
    def->impls.push_back({dt, Isa::AVX512, ewKernel<Isa::AVX512>});
  }
}

template <EwOp Op> void addUnary(KernelRegistry &registry) {
  KernelDef def;
  def.name = ewOpName(Op);
  def.tiling = unaryTiling<Op>;
  addEngineImpls(&def, {DType::F32, DType::F16, DType::BF16});
  registry.add(std::move(def));
}

template <EwOp Op> void addBinary(KernelRegistry &registry) {
  KernelDef def;
  def.name = ewOpName(Op);
  def.tiling = binaryTiling<Op>;
  addEngineImpls(&def, {DType::F32, DType::F16, DType::BF16});
  for (DType dt : {DType::I8, DType::U8, DType::I32, DType::I64})
    def.impls.push_back({dt, Isa::Portable, runIntBinary});
  if (isCompareOp(Op))
    def.impls.push_back({DType::Bool, Isa::Portable, runIntBinary});
  registry.add(std::move(def));
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerElementwiseKernels(KernelRegistry &registry) {
  using namespace vec;
  addUnary<EwOp::Copy>(registry);
  addUnary<EwOp::Neg>(registry);
  addUnary<EwOp::Abs>(registry);
  addUnary<EwOp::Relu>(registry);
  addUnary<EwOp::Relu6>(registry);
  addUnary<EwOp::Sigmoid>(registry);
  addUnary<EwOp::Tanh>(registry);
  addUnary<EwOp::Gelu>(registry);
  addUnary<EwOp::GeluTanh>(registry);
  addUnary<EwOp::HardSwish>(registry);
  addUnary<EwOp::Exp>(registry);
  addUnary<EwOp::Log>(registry);
  addUnary<EwOp::Sqrt>(registry);
  addUnary<EwOp::Rsqrt>(registry);
  addUnary<EwOp::Reciprocal>(registry);
  addUnary<EwOp::Erf>(registry);
  addUnary<EwOp::Floor>(registry);
  addUnary<EwOp::Ceil>(registry);
  addUnary<EwOp::Round>(registry);
  addUnary<EwOp::Sin>(registry);
  addUnary<EwOp::Cos>(registry);
  addUnary<EwOp::Tan>(registry);
  addUnary<EwOp::Asin>(registry);
  addUnary<EwOp::Acos>(registry);
  addUnary<EwOp::Atan>(registry);
  addUnary<EwOp::Sinh>(registry);
  addUnary<EwOp::Cosh>(registry);
  addUnary<EwOp::Asinh>(registry);
  addUnary<EwOp::Acosh>(registry);
  addUnary<EwOp::Atanh>(registry);
  addUnary<EwOp::LeakyRelu>(registry);
  addUnary<EwOp::HardSigmoid>(registry);
  addUnary<EwOp::Clip>(registry);
  addBinary<EwOp::Add>(registry);
  addBinary<EwOp::Sub>(registry);
  addBinary<EwOp::Mul>(registry);
  addBinary<EwOp::Div>(registry);
  addBinary<EwOp::Max>(registry);
  addBinary<EwOp::Min>(registry);
  addBinary<EwOp::Pow>(registry);
  addBinary<EwOp::Mod>(registry);
  addBinary<EwOp::FloorMod>(registry);
  addBinary<EwOp::Equal>(registry);
  addBinary<EwOp::NotEqual>(registry);
  addBinary<EwOp::Less>(registry);
  addBinary<EwOp::LessEqual>(registry);
  addBinary<EwOp::Greater>(registry);
  addBinary<EwOp::GreaterEqual>(registry);

  KernelDef fused;
  fused.name = "vec_fused";
  fused.tiling = vecFusedTiling;
  addEngineImpls(&fused, {DType::F32, DType::F16, DType::BF16, DType::Bool});
  registry.add(std::move(fused));
}

} // namespace geflow::kernels
