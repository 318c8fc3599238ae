// Weight update (GE 5.5) on compiled models: updateWeights re-derives every
// stored form (fp16 copies, pre-packed conv and matmul panels) so that the
// outputs equal, bit for bit, a fresh compile with the new values; every
// mismatch is reported at once; runs enqueued before an update see the old
// weights and runs after it the new ones, never a mix, and an old version is
// freed when its last run ends.
#include "geflow/Compiler/Compile.h"
#include "geflow/runtime/Device.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/Stream.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <map>
#include <random>
#include <sstream>
#include <thread>

using namespace geflow;
using namespace geflow::rt;

namespace {

using Weights = std::map<std::string, std::vector<float>>;

const std::map<std::string, std::vector<int64_t>> kShapes = {
    {"conv.w", {16, 3, 3, 3}}, {"conv.b", {16}}, {"fc.w", {16, 10}}};

int64_t count(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Weights randomWeights(uint32_t seed) {
  std::mt19937 gen(seed);
  Weights w;
  for (const auto &[name, shape] : kShapes) {
    std::vector<float> v(count(shape));
    for (float &x : v)
      x = float(gen() % 2001) / 1000.0f - 1.0f;
    w[name] = v;
  }
  return w;
}

std::string hex(const std::vector<float> &v) {
  std::string out = "dense<\"0x";
  const char *digits = "0123456789ABCDEF";
  for (float f : v) {
    uint8_t bytes[4];
    std::memcpy(bytes, &f, 4);
    for (uint8_t b : bytes) {
      out += digits[b >> 4];
      out += digits[b & 15];
    }
  }
  return out + "\">";
}

std::string type(const std::vector<int64_t> &shape) {
  std::string t = "tensor<";
  for (int64_t d : shape)
    t += std::to_string(d) + "x";
  return t + "f32>";
}

std::string variable(const Weights &w, const std::string &name) {
  std::string t = type(kShapes.at(name));
  return "ge.Variable \"" + name + "\" = " + hex(w.at(name)) + " : " + t +
         " : " + t;
}

// x[2,3,16,16] -> conv 3x3 (16) + bias -> relu -> global average pool ->
// [2,16] -> matmul [16,10] -> y[2,10]; the three weights are variables.
std::string cnnSource(const Weights &w) {
  std::ostringstream os;
  os << "func.func @cnn(%x: tensor<2x3x16x16xf32>) -> tensor<2x10xf32> {\n"
     << "  %w = " << variable(w, "conv.w") << "\n"
     << "  %b = " << variable(w, "conv.b") << "\n"
     << "  %c = ge.Conv2D %x, %w, %b {pads = array<i64: 1, 1, 1, 1>}"
     << " : (tensor<2x3x16x16xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>)"
     << " -> tensor<2x16x16x16xf32>\n"
     << "  %r = ge.Relu %c : (tensor<2x16x16x16xf32>) -> "
        "tensor<2x16x16x16xf32>\n"
     << "  %g = ge.GlobalAvgPool %r : (tensor<2x16x16x16xf32>) -> "
        "tensor<2x16x1x1xf32>\n"
     << "  %s = ge.Const dense<[2, 16]> : tensor<2xi64>\n"
     << "  %f = ge.Reshape %g, %s : (tensor<2x16x1x1xf32>, tensor<2xi64>) -> "
        "tensor<2x16xf32>\n"
     << "  %wf = " << variable(w, "fc.w") << "\n"
     << "  %y = ge.MatMulV2 %f, %wf : (tensor<2x16xf32>, tensor<16x10xf32>) -> "
        "tensor<2x10xf32>\n"
     << "  return %y : tensor<2x10xf32>\n"
     << "}\n";
  return os.str();
}

std::vector<uint8_t> compile(const std::string &source,
                             const std::map<std::string, std::string> &opts) {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  EXPECT_TRUE(module);
  if (!module)
    return {};
  std::string error;
  std::optional<Options> options = OptionsRegistry::get().parse(opts, &error);
  EXPECT_TRUE(options.has_value()) << error;
  std::optional<CompileConfig> config = parseCompileConfig(*options, error);
  EXPECT_TRUE(config.has_value()) << error;
  if (!config)
    return {};
  auto bytes = compileModule(*module, *config, "cnn");
  EXPECT_TRUE(succeeded(bytes));
  return succeeded(bytes) ? *bytes : std::vector<uint8_t>{};
}

std::shared_ptr<Device> makeDevice() {
  DeviceOptions options;
  options.aiCoreCount = 2;
  return Device::create(0, options).value();
}

std::unique_ptr<Model> load(const std::vector<uint8_t> &bytes,
                            std::shared_ptr<Device> device) {
  auto model = Model::loadFromBytes(bytes.data(), bytes.size(), device, "cnn");
  EXPECT_TRUE(model.ok()) << model.status().toString();
  return model.ok() ? std::move(model.value()) : nullptr;
}

std::vector<WeightUpdate> updatesOf(const Weights &w) {
  std::vector<WeightUpdate> out;
  for (const auto &[name, v] : w)
    out.push_back({name, v.data(), v.size() * sizeof(float), DType::F32,
                   kShapes.at(name)});
  return out;
}

std::vector<float> input(uint32_t seed) {
  std::mt19937 gen(seed);
  std::vector<float> v(2 * 3 * 16 * 16);
  for (float &x : v)
    x = float(gen() % 2001) / 1000.0f - 1.0f;
  return v;
}

TensorRef ref(std::vector<float> &v, std::vector<int64_t> shape) {
  return {v.data(), v.size() * sizeof(float), DType::F32, std::move(shape)};
}

std::vector<float> runOnce(Model &model, std::vector<float> &x) {
  std::vector<float> y(20, -1);
  Status st = model.run({ref(x, {2, 3, 16, 16})}, {ref(y, {2, 10})});
  EXPECT_TRUE(st.ok()) << st.toString();
  return y;
}

} // namespace

// The reference document's loop (5.5): 10 rounds of "update, then 20
// inferences"; every inference equals a fresh compile with the round's
// weights, in fp32 and under force_fp16 (fp16 copies of the weights).
TEST(WeightUpdate, DocumentLoopEqualsFreshCompile) {
  auto device = makeDevice();
  for (const char *mode : {"must_keep_origin_dtype", "force_fp16"}) {
    SCOPED_TRACE(mode);
    std::map<std::string, std::string> opts = {{"precision_mode", mode}};
    std::unique_ptr<Model> model =
        load(compile(cnnSource(randomWeights(1)), opts), device);
    ASSERT_TRUE(model);
    ASSERT_EQ(model->variables().size(), 3u);
    std::vector<float> x = input(7);
    std::vector<float> before = runOnce(*model, x);
    for (int round = 0; round < 10; ++round) {
      Weights w = randomWeights(100 + round);
      Status st = model->updateWeights(updatesOf(w));
      ASSERT_TRUE(st.ok()) << st.toString();
      EXPECT_EQ(model->weightVersion(), uint64_t(round + 1));
      std::unique_ptr<Model> fresh = load(compile(cnnSource(w), opts), device);
      ASSERT_TRUE(fresh);
      std::vector<float> expected = runOnce(*fresh, x);
      EXPECT_NE(expected, before) << "the new weights change the output";
      for (int i = 0; i < 20; ++i)
        ASSERT_EQ(runOnce(*model, x), expected) << "round " << round;
      std::vector<float> back(w["fc.w"].size());
      ASSERT_TRUE(model->readWeight("fc.w", back.data(), back.size() * 4).ok());
      EXPECT_EQ(back, w["fc.w"]);
      before = expected;
    }
  }
}

TEST(WeightUpdate, EveryMismatchIsReportedAtOnceAndNothingChanges) {
  auto device = makeDevice();
  std::unique_ptr<Model> model =
      load(compile(cnnSource(randomWeights(1)), {}), device);
  ASSERT_TRUE(model);
  std::vector<float> x = input(3);
  std::vector<float> y0 = runOnce(*model, x);
  Weights w = randomWeights(2);
  std::vector<float> small(4);
  std::vector<WeightUpdate> bad = {
      {"fc.w", w["fc.w"].data(), w["fc.w"].size() * 4, DType::F32, {10, 16}},
      {"conv.b", w["conv.b"].data(), 64, DType::F16, {16}},
      {"nope", small.data(), 16, DType::F32, {4}},
      {"conv.w", small.data(), 16, DType::F32, {16, 3, 3, 3}},
      {"fc.w", w["fc.w"].data(), w["fc.w"].size() * 4, DType::F32, {16, 10}}};
  Status st = model->updateWeights(bad);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  const std::string &m = st.message();
  EXPECT_NE(m.find("5 problem(s)"), std::string::npos) << m;
  EXPECT_NE(m.find("'fc.w' is float32[16,10], got float32[10,16]"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("'conv.b' is float32[16], got float16[16]"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("'nope' is not an updatable weight"), std::string::npos)
      << m;
  EXPECT_NE(m.find("'conv.w' needs 1728 bytes, got 16"), std::string::npos)
      << m;
  EXPECT_NE(m.find("'fc.w' is given twice"), std::string::npos) << m;
  EXPECT_NE(m.find("updatable weights: conv.b, conv.w, fc.w"),
            std::string::npos)
      << m;
  EXPECT_EQ(model->weightVersion(), 0u);
  EXPECT_EQ(runOnce(*model, x), y0);
}

TEST(WeightUpdate, PartialUpdateKeepsTheOtherWeights) {
  auto device = makeDevice();
  Weights w = randomWeights(1);
  std::unique_ptr<Model> model = load(compile(cnnSource(w), {}), device);
  ASSERT_TRUE(model);
  Weights next = randomWeights(9);
  w["fc.w"] = next["fc.w"];
  std::vector<WeightUpdate> one = {{"fc.w",
                                    next["fc.w"].data(),
                                    next["fc.w"].size() * 4,
                                    DType::F32,
                                    {16, 10}}};
  ASSERT_TRUE(model->updateWeights(one).ok());
  std::unique_ptr<Model> fresh = load(compile(cnnSource(w), {}), device);
  std::vector<float> x = input(5);
  EXPECT_EQ(runOnce(*model, x), runOnce(*fresh, x));
}

TEST(WeightUpdate, ModelWithoutVariablesSaysHowToGetThem) {
  auto device = makeDevice();
  std::string source = cnnSource(randomWeights(1));
  // The same graph with constants instead of variables.
  for (size_t at; (at = source.find("ge.Variable \"")) != std::string::npos;) {
    size_t eq = source.find("= ", at);
    source.replace(at, eq + 2 - at, "ge.Const ");
    size_t colon = source.find(" : tensor", at);
    source.erase(source.find(" : tensor", colon + 1),
                 source.find('\n', colon + 1) -
                     source.find(" : tensor", colon + 1));
  }
  std::unique_ptr<Model> model = load(compile(source, {}), device);
  ASSERT_TRUE(model);
  EXPECT_TRUE(model->variables().empty());
  Status st = model->updateWeights({});
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("updatable_weights"), std::string::npos)
      << st.message();
}

// Updates race with runs on 4 threads x 2 streams: every output equals the
// output of one whole weight version (never a mix of two), and once every
// stream is synchronized only the current version is alive.
TEST(WeightUpdate, ConcurrentRunsSeeOneWholeVersion) {
  auto device = makeDevice();
  constexpr int kVersions = 4;
  std::vector<Weights> versions;
  for (int v = 0; v < kVersions; ++v)
    versions.push_back(randomWeights(200 + v));
  std::unique_ptr<Model> model =
      load(compile(cnnSource(versions[0]), {}), device);
  ASSERT_TRUE(model);
  std::vector<float> x = input(11);
  std::vector<std::vector<float>> expected;
  for (const Weights &w : versions) {
    std::unique_ptr<Model> fresh = load(compile(cnnSource(w), {}), device);
    expected.push_back(runOnce(*fresh, x));
  }
  for (int a = 0; a < kVersions; ++a)
    for (int b = a + 1; b < kVersions; ++b)
      ASSERT_NE(expected[a], expected[b]);

  constexpr int kThreads = 4, kStreams = 2, kRounds = 25;
  std::atomic<bool> running{true};
  std::atomic<int> updates{0}, errors{0}, mixed{0};
  std::thread updater([&] {
    for (int i = 1; running.load(); ++i) {
      errors += !model->updateWeights(updatesOf(versions[i % kVersions])).ok();
      ++updates;
      std::this_thread::yield();
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      std::vector<std::unique_ptr<Stream>> streams;
      for (int s = 0; s < kStreams; ++s)
        streams.push_back(std::move(device->createStream().value()));
      for (int round = 0; round < kRounds; ++round) {
        std::vector<std::vector<float>> outputs(kStreams,
                                                std::vector<float>(20, -1));
        for (int s = 0; s < kStreams; ++s)
          errors += !model
                         ->execute(*streams[s], {ref(x, {2, 3, 16, 16})},
                                   {ref(outputs[s], {2, 10})})
                         .ok();
        for (int s = 0; s < kStreams; ++s) {
          errors += !streams[s]->synchronize().ok();
          bool whole = false;
          for (const auto &e : expected)
            whole |= outputs[s] == e;
          mixed += !whole;
        }
      }
    });
  for (auto &t : threads)
    t.join();
  running = false;
  updater.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(mixed.load(), 0) << "outputs that match no single weight version";
  EXPECT_GT(updates.load(), 0);
  EXPECT_EQ(model->liveWeightVersions(), 1u);
}

// A run enqueued before an update keeps the old weights (and keeps them
// alive) until it ends; the next run sees the new ones.
TEST(WeightUpdate, RunEnqueuedBeforeUpdateUsesOldVersionUntilItEnds) {
  auto device = makeDevice();
  Weights w0 = randomWeights(1), w1 = randomWeights(2);
  std::unique_ptr<Model> model = load(compile(cnnSource(w0), {}), device);
  ASSERT_TRUE(model);
  std::vector<float> x = input(4);
  std::vector<float> old = runOnce(*model, x);
  auto stream = device->createStream().value();
  std::atomic<bool> release{false};
  // Holds the stream until the update has happened.
  ASSERT_TRUE(stream
                  ->launchCallback("gate",
                                   [&] {
                                     while (!release.load())
                                       std::this_thread::yield();
                                     return Status::OK();
                                   })
                  .ok());
  std::vector<float> y(20, -1);
  ASSERT_TRUE(
      model->execute(*stream, {ref(x, {2, 3, 16, 16})}, {ref(y, {2, 10})})
          .ok());
  ASSERT_TRUE(model->updateWeights(updatesOf(w1)).ok());
  EXPECT_EQ(model->liveWeightVersions(), 2u);
  release = true;
  ASSERT_TRUE(stream->synchronize().ok());
  EXPECT_EQ(y, old);
  EXPECT_EQ(model->liveWeightVersions(), 1u);
  EXPECT_NE(runOnce(*model, x), old);
}
