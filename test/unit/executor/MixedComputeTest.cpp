// Mixed compute (GE 5.2) end to end: a graph with ops on the device and on
// the host CPU engine equals the all-device compile (rtol = atol = 1e-6:
// the host runs the same kernels tiled for one thread), the copies between
// the engines are memcpy tasks of the program with host memory on one side,
// host tasks run on host streams, and runs from several threads at once
// keep their ordering.
#include "geflow/Compiler/Compile.h"
#include "geflow/runtime/Device.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/Stream.h"
#include "proto/gfm.pb.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>

using namespace geflow;
using namespace geflow::rt;

namespace {

// Pre-processing (pre_scale, pre_shift), main part (main_mm, main_relu),
// post-processing (post_softmax, post_scan).
const char *kPipeline = R"mlir(
func.func @pipeline(%x: tensor<4x64xf32> {ge.name = "image"}) -> tensor<4x32xf32> {
  %s = ge.Const dense<0.5> : tensor<4x64xf32> loc("scale_value")
  %w = ge.Const dense<0.03125> : tensor<64x32xf32> loc("w")
  %a = ge.Mul %x, %s : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x64xf32> loc("pre_scale")
  %b = ge.Add %a, %s : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x64xf32> loc("pre_shift")
  %m = ge.MatMulV2 %b, %w : (tensor<4x64xf32>, tensor<64x32xf32>) -> tensor<4x32xf32> loc("main_mm")
  %r = ge.Relu %m : (tensor<4x32xf32>) -> tensor<4x32xf32> loc("main_relu")
  %p = ge.Softmax %r : (tensor<4x32xf32>) -> tensor<4x32xf32> loc("post_softmax")
  return %p : tensor<4x32xf32>
}
)mlir";

const char *kScan = R"mlir(
func.func @scan(%x: tensor<4x32xf32> {ge.name = "x"}) -> tensor<4x32xf32> {
  %r = ge.Relu %x : (tensor<4x32xf32>) -> tensor<4x32xf32> loc("relu")
  %c = ge.Cumsum %r {axis = 1 : i64} : (tensor<4x32xf32>) -> tensor<4x32xf32> loc("scan")
  %y = ge.Sigmoid %c : (tensor<4x32xf32>) -> tensor<4x32xf32> loc("post")
  return %y : tensor<4x32xf32>
}
)mlir";

struct Compiled {
  std::vector<uint8_t> bytes;
  CompileSummary summary;
  std::string error;
};

Compiled compile(const char *source,
                 const std::map<std::string, std::string> &opts) {
  Compiled out;
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    out.error += d.str() + "\n";
    return mlir::success();
  });
  auto module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module)
    return out;
  std::optional<Options> options =
      OptionsRegistry::get().parse(opts, &out.error);
  if (!options)
    return out;
  std::optional<CompileConfig> config = parseCompileConfig(*options, out.error);
  if (!config)
    return out;
  auto bytes = compileModule(*module, *config, "m", &out.summary);
  if (succeeded(bytes))
    out.bytes = *bytes;
  return out;
}

std::shared_ptr<Device> makeDevice() {
  DeviceOptions options;
  options.aiCoreCount = 2;
  options.hostCpuCount = 2;
  return Device::create(0, options).value();
}

std::unique_ptr<Model> load(const std::vector<uint8_t> &bytes,
                            std::shared_ptr<Device> device) {
  auto model = Model::loadFromBytes(bytes.data(), bytes.size(), device, "m");
  EXPECT_TRUE(model.ok()) << model.status().toString();
  return model.ok() ? std::move(model.value()) : nullptr;
}

std::vector<float> random(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::vector<float> v(n);
  for (float &x : v)
    x = float(gen() % 2001) / 1000.0f - 1.0f;
  return v;
}

std::vector<float> run(Model &model, std::vector<float> x,
                       std::vector<int64_t> inShape,
                       std::vector<int64_t> outShape, size_t outCount) {
  std::vector<float> y(outCount, -1);
  Status st =
      model.run({{x.data(), x.size() * sizeof(float), DType::F32, inShape}},
                {{y.data(), y.size() * sizeof(float), DType::F32, outShape}});
  EXPECT_TRUE(st.ok()) << st.toString();
  return y;
}

void expectClose(const std::vector<float> &a, const std::vector<float> &b,
                 double tol) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_NEAR(a[i], b[i], tol + tol * std::fabs(b[i])) << "element " << i;
}

/// Tasks of gear 0 whose copy has host memory on exactly one side.
int countEngineCopies(const Model &model, bool toHost) {
  int n = 0;
  for (const gfm::Task &t : model.file().model().gears(0).tasks())
    if (t.has_memcpy()) {
      bool src = t.memcpy().src().region() == gfm::HOST;
      bool dst = t.memcpy().dst().region() == gfm::HOST;
      n += toHost ? (dst && !src) : (src && !dst);
    }
  return n;
}

} // namespace

// in_out_pair in both directions: the named range on the device (flag true,
// the rest on the host) or on the host (flag false). The two pre-processing
// ops share an engine, so they fuse into one host task.
TEST(MixedCompute, InOutPairBothDirectionsEqualTheDevice) {
  auto device = makeDevice();
  Compiled reference = compile(kPipeline, {});
  ASSERT_FALSE(reference.bytes.empty()) << reference.error;
  std::unique_ptr<Model> all = load(reference.bytes, device);
  std::vector<float> x = random(4 * 64, 7);
  std::vector<float> expected = run(*all, x, {4, 64}, {4, 32}, 4 * 32);

  struct Case {
    const char *flag, *pair;
    std::vector<std::string> host;
  };
  for (const Case &c : {Case{"true",
                             "[[['main_mm'], ['main_relu']]]",
                             {"pre_shift, pre_scale", "post_softmax"}},
                        Case{"false",
                             "[['pre_scale'], ['pre_shift']]",
                             {"pre_shift, pre_scale"}}}) {
    SCOPED_TRACE(c.flag);
    Compiled mixed = compile(kPipeline, {{"mix_compile_mode", "true"},
                                         {"in_out_pair", c.pair},
                                         {"in_out_pair_flag", c.flag}});
    ASSERT_FALSE(mixed.bytes.empty()) << mixed.error;
    std::vector<std::string> host;
    for (const auto &op : mixed.summary.hostOps)
      host.push_back(op.name);
    EXPECT_EQ(host, c.host);
    EXPECT_NE(
        mixed.summary.str().find(
            "host CPU engine: " + std::to_string(c.host.size()) + " task(s)"),
        std::string::npos)
        << mixed.summary.str();
    std::unique_ptr<Model> model = load(mixed.bytes, device);
    ASSERT_TRUE(model);
    const gfm::Program &p = model->file().model().gears(0);
    EXPECT_GT(p.host_arena_size(), 0u);
    ASSERT_EQ(p.host_streams_size(), 1);
    // The input goes to the host, the host result comes back.
    EXPECT_GE(countEngineCopies(*model, true), 1);
    EXPECT_GE(countEngineCopies(*model, false), 1);
    EXPECT_EQ(countEngineCopies(*model, true) +
                  countEngineCopies(*model, false),
              mixed.summary.engineCopies);
    for (const gfm::Task &t : p.tasks())
      if (t.has_kernel() && t.stream() == p.host_streams(0))
        EXPECT_EQ(t.kernel().block_dim(), 1u) << t.name();
    for (int i = 0; i < 3; ++i)
      expectClose(run(*model, x, {4, 64}, {4, 32}, 4 * 32), expected, 1e-6);
  }
}

// Ordering: runs from 4 threads on streams of their own, each with the
// device part, the copies and the host part, all give the right answer.
TEST(MixedCompute, ConcurrentRunsKeepTheirOrder) {
  auto device = makeDevice();
  Compiled mixed =
      compile(kPipeline, {{"mix_compile_mode", "true"},
                          {"in_out_pair", "[[['main_mm'], ['main_relu']]]"}});
  ASSERT_FALSE(mixed.bytes.empty()) << mixed.error;
  std::unique_ptr<Model> model = load(mixed.bytes, device);
  Compiled reference = compile(kPipeline, {});
  std::unique_ptr<Model> all = load(reference.bytes, device);
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      auto stream = device->createStream().value();
      for (int i = 0; i < 10; ++i) {
        std::vector<float> x = random(4 * 64, 100 * t + i);
        std::vector<float> want = run(*all, x, {4, 64}, {4, 32}, 4 * 32);
        std::vector<float> y(4 * 32, -1);
        Status st = model->execute(
            *stream, {{x.data(), x.size() * 4, DType::F32, {4, 64}}},
            {{y.data(), y.size() * 4, DType::F32, {4, 32}}});
        st = st.ok() ? stream->synchronize() : st;
        bool same = st.ok();
        for (size_t k = 0; same && k < y.size(); ++k)
          same = std::fabs(y[k] - want[k]) <= 1e-6 + 1e-6 * std::fabs(want[k]);
        bad += !same;
      }
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(bad.load(), 0);
}

// An op only the host has a kernel for: a clear error without mixed
// compute, the host under it (exact against a sequential reference).
TEST(MixedCompute, HostOnlyOpNeedsMixCompileMode) {
  Compiled plain = compile(kScan, {});
  EXPECT_TRUE(plain.bytes.empty());
  EXPECT_NE(plain.error.find("Cumsum run on the host CPU engine: compile with "
                             "mix_compile_mode=true"),
            std::string::npos)
      << plain.error;

  Compiled mixed = compile(kScan, {{"mix_compile_mode", "true"}});
  ASSERT_FALSE(mixed.bytes.empty()) << mixed.error;
  ASSERT_EQ(mixed.summary.hostOps.size(), 1u);
  EXPECT_EQ(mixed.summary.hostOps[0].name, "scan");
  EXPECT_EQ(mixed.summary.hostOps[0].reason, "no device kernel");
  auto device = makeDevice();
  std::unique_ptr<Model> model = load(mixed.bytes, device);
  std::vector<float> x = random(4 * 32, 3);
  std::vector<float> y = run(*model, x, {4, 32}, {4, 32}, 4 * 32);
  for (int r = 0; r < 4; ++r) {
    float sum = 0;
    for (int c = 0; c < 32; ++c) {
      sum += std::max(x[r * 32 + c], 0.0f);
      EXPECT_NEAR(y[r * 32 + c], 1.0 / (1.0 + std::exp(-double(sum))), 1e-6);
    }
  }
}

// Bad placement options are errors naming the option and the node.
TEST(MixedCompute, BadOptionsNameTheOptionAndNode) {
  auto error = [](std::map<std::string, std::string> opts) {
    return compile(kPipeline, opts).error;
  };
  EXPECT_NE(error({{"in_out_pair", "[[['a'], ['b']]]"}})
                .find("option 'in_out_pair' places ops for mixed compute; it "
                      "needs mix_compile_mode=true"),
            std::string::npos);
  EXPECT_NE(error({{"mix_compile_mode", "true"},
                   {"in_out_pair", "[[['pre_scale'], ['main_rleu']]]"}})
                .find("in_out_pair 0 names out node 'main_rleu', which is no "
                      "op or input of the graph (did you mean 'main_relu'?)"),
            std::string::npos);
  EXPECT_NE(error({{"mix_compile_mode", "true"}, {"in_out_pair", "[['a']"}})
                .find("option 'in_out_pair' has value '[['a']'"),
            std::string::npos);
  EXPECT_NE(error({{"mix_compile_mode", "true"},
                   {"input_shape_range", "image:[1~4,64]"}})
                .find("options 'mix_compile_mode' and 'input_shape_range' "
                      "cannot be used together"),
            std::string::npos);
}

// stream_max_parallel_num counts host streams under GE's host engine names.
TEST(MixedCompute, StreamMaxParallelNumCountsTheHostEngine) {
  std::string error;
  auto options = OptionsRegistry::get().parse(
      {{"stream_max_parallel_num", "AIcoreEngine:3,DNN_VM_HOST_CPU:2"}},
      &error);
  ASSERT_TRUE(options) << error;
  auto config = parseCompileConfig(*options, error);
  ASSERT_TRUE(config) << error;
  EXPECT_EQ(config->pipeline.maxStreams, 3);
  EXPECT_EQ(config->pipeline.mixed.maxHostStreams, 2);
  options = OptionsRegistry::get().parse(
      {{"stream_max_parallel_num", "DNN_VM_AICPU:10,AIcoreEngine:1"}}, &error);
  config = parseCompileConfig(*options, error);
  EXPECT_EQ(config->pipeline.maxStreams, 1);
  EXPECT_EQ(config->pipeline.mixed.maxHostStreams, 10);
}
