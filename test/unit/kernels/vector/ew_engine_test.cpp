//===- ew_engine_test.cpp - vec_fused programs (UB fusion) ----------------===//
//
// Programs the compiler fuses (x*sigmoid(x), normalization tails, conv
// bias/residual/relu tails, a hand-written gelu, multi-output, bool and
// f16 operands, NC1HWC0) against a per-element reference interpreter in
// double that rounds each instruction to float like the kernel. Tolerance:
// rtol 1e-5, atol 1e-6 (a few ulp per instruction). Also: the tiling
// choices, in-place operation, and the error for each malformed program.
//
//===----------------------------------------------------------------------===//
#include "geflow/kernels/Elementwise.h"
#include "geflow/runtime/Half.h"
#include "kernels/vector/ew_engine.h"
#include "vector/vec_test_util.h"

#include <cmath>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using namespace geflow::kernels::ewoperand;

namespace {

using Shape = std::vector<int64_t>;

struct Program {
  std::vector<int64_t> code;
  std::vector<double> consts;
  void add(EwOp op, int32_t dst, int32_t a, int32_t b = kNone,
           int32_t c = kNone) {
    code.insert(code.end(), {int64_t(op), dst, a, b, c});
  }
};

double refOp(EwOp op, double a, double b, double c) {
  switch (op) {
  case EwOp::Copy:
    return a;
  case EwOp::Neg:
    return -a;
  case EwOp::Abs:
    return std::fabs(a);
  case EwOp::Relu:
    return a > 0 ? a : 0;
  case EwOp::Relu6:
    return std::min(std::max(a, 0.0), 6.0);
  case EwOp::Sigmoid:
    return 1 / (1 + std::exp(-a));
  case EwOp::Tanh:
    return std::tanh(a);
  case EwOp::Gelu:
    return 0.5 * a * std::erfc(-a / std::sqrt(2.0));
  case EwOp::Exp:
    return std::exp(a);
  case EwOp::Log:
    return std::log(a);
  case EwOp::Sqrt:
    return std::sqrt(a);
  case EwOp::Rsqrt:
    return 1 / std::sqrt(a);
  case EwOp::Reciprocal:
    return 1 / a;
  case EwOp::Erf:
    return std::erf(a);
  case EwOp::LeakyRelu:
    return a >= 0 ? a : b * a;
  case EwOp::Add:
    return a + b;
  case EwOp::Sub:
    return a - b;
  case EwOp::Mul:
    return a * b;
  case EwOp::Div:
    return a / b;
  case EwOp::Max:
    return std::max(a, b);
  case EwOp::Min:
    return std::min(a, b);
  case EwOp::Pow:
    return std::pow(a, b);
  case EwOp::Less:
    return a < b;
  case EwOp::Greater:
    return a > b;
  case EwOp::Equal:
    return a == b;
  case EwOp::Select:
    return a != 0 ? b : c;
  case EwOp::MulAdd:
    return a * b + c;
  case EwOp::Clip:
    return std::min(std::max(a, b), c);
  default:
    ADD_FAILURE() << "reference lacks op " << int(op);
    return 0;
  }
}

/// Runs `p` on element `f` of the output: inputs[i] is read through numpy
/// broadcasting of shapes[i] against `out`.
std::vector<double> refProgram(const Program &p,
                               const std::vector<std::vector<float>> &inputs,
                               const std::vector<Shape> &shapes,
                               const Shape &out, int64_t f, size_t numOutputs) {
  std::vector<double> regs(kEwMaxRegs), outs(numOutputs);
  auto idx = unflatten(f, out);
  auto value = [&](int64_t v) -> double {
    if (v < kInputBase)
      return regs[size_t(v)];
    if (v < kConstBase) {
      size_t i = size_t(v - kInputBase);
      return inputs[i][size_t(broadcastIndex(idx, shapes[i], out))];
    }
    return double(float(p.consts[size_t(v - kConstBase)]));
  };
  for (size_t n = 0; n < p.code.size(); n += 5) {
    EwOp op = EwOp(p.code[n]);
    double a = value(p.code[n + 2]);
    double b = p.code[n + 3] >= 0 ? value(p.code[n + 3]) : 0;
    double c = p.code[n + 4] >= 0 ? value(p.code[n + 4]) : 0;
    double r = double(float(refOp(op, a, b, c)));
    int64_t dst = p.code[n + 1];
    if (dst >= kOutputBase)
      outs[size_t(dst - kOutputBase)] = r;
    else
      regs[size_t(dst)] = r;
  }
  return outs;
}

TilingContext fusedCtx(const Program &p, const std::vector<Shape> &inShapes,
                       const Shape &out, size_t numOutputs = 1) {
  TilingContext ctx;
  for (const Shape &s : inShapes)
    ctx.inputs.push_back(f32(s));
  for (size_t k = 0; k < numOutputs; ++k)
    ctx.outputs.push_back(f32(out));
  ctx.attrs.set("program", p.code);
  if (!p.consts.empty())
    ctx.attrs.set("constants", p.consts);
  return ctx;
}

/// Checks an f32 program on every ISA and tiling.
void checkProgram(const std::string &what, const Program &p,
                  const std::vector<Shape> &inShapes, const Shape &out,
                  size_t numOutputs = 1, float lo = -3, float hi = 3) {
  std::vector<std::vector<float>> inputs;
  for (size_t i = 0; i < inShapes.size(); ++i)
    inputs.push_back(randomFloats(size_t(geflow::rt::numElements(inShapes[i])),
                                  uint32_t(17 + i), lo, hi));
  int64_t n = geflow::rt::numElements(out);
  std::vector<std::vector<double>> ref(numOutputs,
                                       std::vector<double>(size_t(n)));
  for (int64_t f = 0; f < n; ++f) {
    auto r = refProgram(p, inputs, inShapes, out, f, numOutputs);
    for (size_t k = 0; k < numOutputs; ++k)
      ref[k][size_t(f)] = r[k];
  }
  TilingContext ctx = fusedCtx(p, inShapes, out, numOutputs);
  std::vector<const void *> ins;
  for (auto &v : inputs)
    ins.push_back(v.data());
  forEachTiling("vec_fused", ctx,
                [&](const TilingContext &tc, Isa isa,
                    const TilingResult *forced, const std::string &where) {
                  std::vector<std::vector<float>> ys(
                      numOutputs, std::vector<float>(size_t(n), -999.f));
                  std::vector<void *> outs;
                  for (auto &y : ys)
                    outs.push_back(y.data());
                  Status st =
                      runKernel("vec_fused", tc, ins, outs, isa, forced);
                  ASSERT_TRUE(st.ok()) << what << ": " << st.toString();
                  for (size_t k = 0; k < numOutputs; ++k)
                    EXPECT_TRUE(allClose(ys[k], ref[k], 1e-5, 1e-6))
                        << what << " output " << k << " " << where;
                });
}

} // namespace

TEST(VecFused, Swish) {
  Program p;
  p.add(EwOp::Sigmoid, reg(0), input(0));
  p.add(EwOp::Mul, output(0), input(0), reg(0));
  checkProgram("x*sigmoid(x)", p, {{3, 1000}}, {3, 1000});
  checkProgram("x*sigmoid(x) odd", p, {{7, 1, 13}}, {7, 1, 13});
}

TEST(VecFused, NormalizationTail) {
  // (x - mean) * rstd * gamma + beta with per-row mean/rstd and
  // per-column gamma/beta: chunk tiles read gamma in place, row tiles
  // gather it.
  Program p;
  p.add(EwOp::Sub, reg(0), input(0), input(1));
  p.add(EwOp::Mul, reg(0), reg(0), input(2));
  p.add(EwOp::MulAdd, output(0), reg(0), input(3), input(4));
  checkProgram("layernorm tail", p,
               {{4, 6, 33}, {4, 6, 1}, {4, 6, 1}, {33}, {33}}, {4, 6, 33});
  checkProgram("layernorm tail wide", p,
               {{2, 1200}, {2, 1}, {2, 1}, {1200}, {1200}}, {2, 1200});
}

TEST(VecFused, ConvBiasResidualRelu) {
  Program p;
  p.add(EwOp::Add, reg(0), input(0), input(1));
  p.add(EwOp::Add, reg(0), reg(0), input(2));
  p.add(EwOp::Relu, output(0), reg(0));
  checkProgram("bias+res+relu 7x7", p,
               {{2, 16, 7, 7}, {16, 1, 1}, {2, 16, 7, 7}}, {2, 16, 7, 7});
  checkProgram("bias+res+relu 56x56", p,
               {{1, 3, 56, 56}, {1, 3, 1, 1}, {1, 3, 56, 56}}, {1, 3, 56, 56});
  // Per-channel chain: all-scalar instructions stay scalars.
  Program q;
  q.add(EwOp::Add, reg(0), input(1),
        constant(0)); // var + eps (scalar per channel)
  q.add(EwOp::Rsqrt, reg(0), reg(0));
  q.add(EwOp::Mul, reg(0), reg(0), input(2));   // * gamma
  q.add(EwOp::Sub, reg(1), input(0), input(3)); // x - mean
  q.add(EwOp::Mul, output(0), reg(1), reg(0));
  q.consts = {1e-5};
  checkProgram("batchnorm as a program", q,
               {{2, 5, 9, 11}, {5, 1, 1}, {5, 1, 1}, {5, 1, 1}}, {2, 5, 9, 11},
               1, 0.1f, 3);
}

TEST(VecFused, GeluTanhByHand) {
  Program p;
  p.add(EwOp::Mul, reg(0), input(0), input(0));
  p.add(EwOp::Mul, reg(0), reg(0), input(0));
  p.add(EwOp::MulAdd, reg(0), reg(0), constant(0), input(0));
  p.add(EwOp::Mul, reg(0), reg(0), constant(1));
  p.add(EwOp::Tanh, reg(0), reg(0));
  p.add(EwOp::Add, reg(0), reg(0), constant(2));
  p.add(EwOp::Mul, reg(0), reg(0), input(0));
  p.add(EwOp::Mul, output(0), reg(0), constant(3));
  p.consts = {0.044715, std::sqrt(2 / M_PI), 1.0, 0.5};
  checkProgram("gelu tanh chain", p, {{5, 301}}, {5, 301});
}

TEST(VecFused, ScalarsConstantsAndManyRegisters) {
  Program p;
  p.add(EwOp::Exp, reg(3), input(1)); // scalar input: a scalar
  p.add(EwOp::Add, reg(5), constant(0), constant(1));
  p.add(EwOp::Clip, reg(2), input(0), constant(2), reg(5));
  p.add(EwOp::LeakyRelu, reg(2), reg(2), constant(3));
  p.add(EwOp::MulAdd, reg(7), reg(2), reg(3), input(2));
  p.add(EwOp::Max, reg(7), reg(7), constant(2));
  p.add(EwOp::Div, output(0), reg(7), reg(5));
  p.consts = {0.5, 1.0, -2.0, 0.2};
  checkProgram("scalar chain", p, {{9, 17}, {}, {17}}, {9, 17});
  Program c;
  c.add(EwOp::Add, output(0), constant(0), constant(1)); // no input at all
  c.consts = {1.5, 2.0};
  checkProgram("constant fill", c, {}, {3, 7});
  Program s;
  s.add(EwOp::Sqrt, output(0), input(0));
  checkProgram("rank 0", s, {{}}, {}, 1, 0, 4);
}

TEST(VecFused, MultipleOutputsAndSelect) {
  Program p;
  p.add(EwOp::Relu, output(0), input(0));
  p.add(EwOp::Greater, reg(0), input(0), input(1));
  p.add(EwOp::Select, output(1), reg(0), input(0), input(1));
  checkProgram("two outputs", p, {{4, 50}, {50}}, {4, 50}, 2);
}

TEST(VecFused, InPlaceOutputAliasingAnInput) {
  // out0 is written before in0's last read; with out0 and in0 in the same
  // memory (in-place planning) the result must still be right.
  Program p;
  p.add(EwOp::Neg, output(0), input(0));
  p.add(EwOp::Mul, output(1), input(0), constant(0));
  p.consts = {3.0};
  Shape shape = {3, 3000};
  TilingContext ctx = fusedCtx(p, {shape}, shape, 2);
  for (Isa isa : isasToTest()) {
    for (const SocVariant &v : socVariants()) {
      ctx.soc = &v.soc;
      std::vector<float> x = randomFloats(9000, 5), y1(9000);
      std::vector<float> orig = x;
      ASSERT_TRUE(
          runKernel("vec_fused", ctx, {x.data()}, {x.data(), y1.data()}, isa)
              .ok());
      for (size_t i = 0; i < x.size(); ++i) {
        ASSERT_EQ(x[i], -orig[i]) << v.name;
        ASSERT_EQ(y1[i], orig[i] * 3.f) << v.name;
      }
    }
  }
}

TEST(VecFused, BoolAndHalfOperands) {
  // select(cond:bool, a:f16, b:f32) -> f16, and less(a, b) -> bool.
  Shape shape = {3, 41};
  std::vector<uint8_t> cond(123);
  std::vector<uint16_t> a(123);
  std::vector<float> af = randomFloats(123, 1), b = randomFloats(41, 2);
  for (size_t i = 0; i < 123; ++i) {
    cond[i] = uint8_t(i % 3 == 0);
    a[i] = geflow::rt::floatToHalf(af[i]);
  }
  Program p;
  p.add(EwOp::Select, output(0), input(0), input(1), input(2));
  p.add(EwOp::Less, output(1), input(1), input(2));
  TilingContext ctx;
  ctx.inputs = {desc(DType::Bool, shape), desc(DType::F16, shape), f32({41})};
  ctx.outputs = {desc(DType::F16, shape), desc(DType::Bool, shape)};
  ctx.attrs.set("program", p.code);
  forEachTiling("vec_fused", ctx,
                [&](const TilingContext &tc, Isa isa,
                    const TilingResult *forced, const std::string &w) {
                  std::vector<uint16_t> y(123);
                  std::vector<uint8_t> lt(123, 9);
                  ASSERT_TRUE(runKernel("vec_fused", tc,
                                        {cond.data(), a.data(), b.data()},
                                        {y.data(), lt.data()}, isa, forced)
                                  .ok());
                  for (size_t i = 0; i < 123; ++i) {
                    float ai = geflow::rt::halfToFloat(a[i]), bi = b[i % 41];
                    uint16_t want =
                        cond[i] ? a[i] : geflow::rt::floatToHalf(bi);
                    ASSERT_EQ(y[i], want) << i << " " << w;
                    ASSERT_EQ(lt[i], uint8_t(ai < bi)) << i << " " << w;
                  }
                });
}

TEST(VecFused, Nc1hwc0KeepsPaddedChannelsZero) {
  // sigmoid(x + bias) maps the zero padding to 0.5: the kernel must zero
  // the padded channels of the last C1 block again.
  const int64_t N = 2, C = 20, H = 3, W = 5, C1 = 2;
  Shape phys = {N, C1, H, W, 16};
  std::vector<float> x(size_t(N * C1 * H * W * 16), 0.f),
      bias(size_t(C1 * 16), 0.f);
  std::vector<float> xr = randomFloats(x.size(), 3),
                     br = randomFloats(bias.size(), 4);
  for (size_t i = 0; i < x.size(); ++i)
    if ((i / size_t(H * W * 16)) % C1 * 16 + i % 16 < size_t(C))
      x[i] = xr[i];
  for (size_t i = 0; i < bias.size(); ++i)
    if (i < size_t(C))
      bias[i] = br[i];
  Program p;
  p.add(EwOp::Add, reg(0), input(0), input(1));
  p.add(EwOp::Sigmoid, output(0), reg(0));
  TilingContext ctx;
  ctx.inputs = {desc(DType::F32, {N, C, H, W}, Format::NC1HWC0),
                desc(DType::F32, {1, C, 1, 1}, Format::NC1HWC0)};
  ctx.outputs = {desc(DType::F32, {N, C, H, W}, Format::NC1HWC0)};
  ctx.attrs.set("program", p.code);
  forEachTiling(
      "vec_fused", ctx,
      [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
          const std::string &w) {
        std::vector<float> y(x.size(), -1.f);
        ASSERT_TRUE(runKernel("vec_fused", tc, {x.data(), bias.data()},
                              {y.data()}, isa, forced)
                        .ok());
        for (size_t i = 0; i < y.size(); ++i) {
          size_t c = (i / size_t(H * W * 16)) % C1 * 16 + i % 16;
          double want =
              c < size_t(C) ? 1 / (1 + std::exp(-(double(x[i]) + bias[c]))) : 0;
          ASSERT_NEAR(y[i], want, 1e-6)
              << "element " << i << " channel " << c << " " << w;
        }
      });
}

TEST(VecFused, TilingChoices) {
  Program p;
  p.add(EwOp::Relu, output(0), input(0));
  auto tile = [&](const Shape &in, const Shape &out, const SocInfo &soc,
                  TilingResult *r) {
    TilingContext ctx = fusedCtx(p, {in}, out);
    ctx.soc = &soc;
    Status st = KernelRegistry::global().find("vec_fused")->tiling(ctx, r);
    ASSERT_TRUE(st.ok()) << st.toString();
  };
  auto decode = [](const TilingResult &r) {
    geflow::kernels::vec::EwTiling t;
    EXPECT_EQ(r.tilingData.size(), sizeof(t));
    std::memcpy(&t, r.tilingData.data(), sizeof(t));
    return t;
  };
  SocInfo soc = SocInfo::host(2);
  soc.ubSize = 32 * 1024;
  soc.l3Size = 32 << 20;
  TilingResult r;
  // Small tensors stay on one core; big ones use every core.
  tile({1000}, {1000}, soc, &r);
  EXPECT_EQ(r.blockDim, 1u);
  tile({1 << 20}, {1 << 20}, soc, &r);
  EXPECT_EQ(r.blockDim, 2u);
  auto t = decode(r);
  EXPECT_EQ(t.rank, 1);
  EXPECT_EQ(t.rowsPerTile, 1);
  EXPECT_GT(t.chunksPerRow, 1);
  EXPECT_EQ(t.streamStores, 0);
  EXPECT_LE(t.numBuffers * t.tileElems * 4, int64_t(soc.ubSize));
  // Outputs beyond the last-level cache are streamed.
  tile({16 << 20}, {16 << 20}, soc, &r);
  EXPECT_EQ(decode(r).streamStores, 1);
  // Short rows (per-row broadcast) give whole-row tiles.
  tile({64, 1}, {64, 24}, soc, &r);
  t = decode(r);
  EXPECT_EQ(t.rank, 2);
  EXPECT_GT(t.rowsPerTile, 1);
  EXPECT_EQ(t.chunksPerRow, 1);
}

TEST(VecFused, MalformedProgramsGetClearErrors) {
  auto err = [](std::vector<int64_t> code, size_t inputs = 1,
                std::vector<double> consts = {}) {
    TilingContext ctx;
    for (size_t i = 0; i < inputs; ++i)
      ctx.inputs.push_back(f32({4}));
    ctx.outputs = {f32({4})};
    ctx.attrs.set("program", code);
    ctx.attrs.set("constants", consts);
    TilingResult r;
    Status st = KernelRegistry::global().find("vec_fused")->tiling(ctx, &r);
    return st.ok() ? std::string("ok") : st.message();
  };
  auto has = [](const std::string &msg, const std::string &part) {
    return msg.find(part) != std::string::npos
               ? ::testing::AssertionSuccess()
               : ::testing::AssertionFailure() << "message: " << msg;
  };
  const int64_t relu = int64_t(EwOp::Relu), add = int64_t(EwOp::Add);
  EXPECT_EQ(err({relu, 300, 100, -1, -1}), "ok");
  EXPECT_TRUE(has(err({relu, 300, 100, -1}), "5 ints per instruction"));
  EXPECT_TRUE(has(err({}), "5 ints per instruction"));
  EXPECT_TRUE(has(err({999, 300, 100, -1, -1}), "unknown opcode 999"));
  EXPECT_TRUE(has(err({relu, 300, 3, -1, -1}), "reads register r3 before"));
  EXPECT_TRUE(has(err({relu, 300, 101, -1, -1}), "src0 = 101"));
  EXPECT_TRUE(has(err({add, 300, 100, 200, -1}), "src1 = 200"));
  EXPECT_TRUE(has(err({relu, 300, 100, 100, -1}), "takes 1 sources but src1"));
  EXPECT_TRUE(has(err({relu, 301, 100, -1, -1}), "dst = 301"));
  EXPECT_TRUE(
      has(err({relu, 0, 100, -1, -1}), "no instruction writes output 0"));
  EXPECT_TRUE(has(err({relu, 300, 100, -1, -1, relu, 300, 100, -1, -1}),
                  "writes output 0 a second time"));
  EXPECT_TRUE(has(err({int64_t(EwOp::LeakyRelu), 300, 100, 100, -1}),
                  "parameter src1 must be a constant"));
  std::vector<int64_t> longProgram;
  for (int i = 0; i < 65; ++i)
    longProgram.insert(longProgram.end(),
                       {relu, i == 64 ? 300 : 0, 100, -1, -1});
  EXPECT_TRUE(has(err(longProgram), "exceed the limit of 64"));
  // Shapes and dtypes.
  TilingContext ctx;
  ctx.inputs = {f32({3, 4}), f32({5})};
  ctx.outputs = {f32({3, 4})};
  ctx.attrs.set("program", std::vector<int64_t>{add, 300, 100, 101, -1});
  TilingResult r;
  EXPECT_TRUE(
      has(KernelRegistry::global().find("vec_fused")->tiling(ctx, &r).message(),
          "input 1 shape [5] does not broadcast to the output shape [3, 4]"));
  ctx.inputs[1] = desc(DType::I32, {4});
  EXPECT_TRUE(
      has(KernelRegistry::global().find("vec_fused")->tiling(ctx, &r).message(),
          "input 1 has dtype int32"));
  ctx.inputs[1] = desc(DType::F32, {3, 4}, Format::NC1HWC0);
  EXPECT_TRUE(
      has(KernelRegistry::global().find("vec_fused")->tiling(ctx, &r).message(),
          "input 0 is ND [3, 4] but other operands are NC1HWC0"));
  ctx.inputs[0] = desc(DType::F32, {3, 4, 5}, Format::NC1HWC0);
  EXPECT_TRUE(
      has(KernelRegistry::global().find("vec_fused")->tiling(ctx, &r).message(),
          "input 0 shape [3, 4, 5] does not fit format NC1HWC0"));
}

TEST(VecFused, CorruptTilingDataFailsTheTask) {
  Program p;
  p.add(EwOp::Relu, output(0), input(0));
  TilingContext ctx = fusedCtx(p, {{64}}, {64});
  TilingResult r;
  ASSERT_TRUE(KernelRegistry::global().find("vec_fused")->tiling(ctx, &r).ok());
  std::vector<float> x(64, 1.f), y(64);
  auto corrupt = [&](auto mutate) {
    geflow::kernels::vec::EwTiling t;
    std::memcpy(&t, r.tilingData.data(), sizeof(t));
    mutate(t);
    TilingResult bad = r;
    std::memcpy(bad.tilingData.data(), &t, sizeof(t));
    return runKernel("vec_fused", ctx, {x.data()}, {y.data()},
                     SocInfo::host().isa, &bad)
        .code();
  };
  using geflow::kernels::vec::EwTiling;
  const auto failed = geflow::rt::ErrorCode::kTaskFailed;
  EXPECT_EQ(corrupt([](EwTiling &) {}), geflow::rt::ErrorCode::kSuccess);
  EXPECT_EQ(corrupt([](EwTiling &t) { t.numInstrs = 1000; }), failed);
  EXPECT_EQ(corrupt([](EwTiling &t) { t.instrs[0].src[0] = input(5); }),
            failed);
  EXPECT_EQ(corrupt([](EwTiling &t) { t.instrs[0].dst = reg(40); }), failed);
  EXPECT_EQ(corrupt([](EwTiling &t) { t.instrs[0].op = 12345; }), failed);
  EXPECT_EQ(corrupt([](EwTiling &t) { t.rank = 0; }), failed);
  EXPECT_EQ(corrupt([](EwTiling &t) { t.rowsPerTile = t.tileElems; }), failed);
  EXPECT_EQ(corrupt([](EwTiling &t) { t.outBuf[0] = 7; }), failed);
  TilingResult shortBlob = r;
  shortBlob.tilingData.resize(100);
  EXPECT_EQ(runKernel("vec_fused", ctx, {x.data()}, {y.data()},
                      SocInfo::host().isa, &shortBlob)
                .code(),
            failed);
}
