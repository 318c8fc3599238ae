// Models compiled by the compiler, run by the executor: a small CNN (conv
// with a workspace, pooling, matmul) whose outputs depend on every input
// value, run concurrently from several threads and streams, must give
// exactly the results of sequential runs.
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
#include <random>
#include <sstream>
#include <thread>

using namespace geflow;
using namespace geflow::rt;

namespace {

// "dense<"0x...">": `n` float32 values in [-scale, scale) as the hex
// string MLIR accepts for a tensor of any shape.
std::string denseValues(int64_t n, uint32_t seed, double scale) {
  std::mt19937 gen(seed);
  std::string hex = "dense<\"0x";
  const char *digits = "0123456789ABCDEF";
  for (int64_t i = 0; i < n; ++i) {
    float v = static_cast<float>((double(gen() % 2001) / 1000.0 - 1.0) * scale);
    uint8_t bytes[4];
    std::memcpy(bytes, &v, 4);
    for (uint8_t b : bytes) {
      hex += digits[b >> 4];
      hex += digits[b & 15];
    }
  }
  return hex + "\">";
}

// x[2,3,16,16] -> conv 3x3 (16) + bias -> relu -> maxpool 2x2 ->
// global average pool -> [2,16] -> matmul [16,10] -> y[2,10].
std::string cnnSource() {
  std::ostringstream os;
  os << "func.func @cnn(%x: tensor<2x3x16x16xf32>) -> tensor<2x10xf32> {\n"
     << "  %w = ge.Const " << denseValues(16 * 3 * 3 * 3, 1, 0.3)
     << " : tensor<16x3x3x3xf32>\n"
     << "  %b = ge.Const " << denseValues(16, 2, 0.1) << " : tensor<16xf32>\n"
     << "  %c = ge.Conv2D %x, %w, %b {pads = array<i64: 1, 1, 1, 1>}"
     << " : (tensor<2x3x16x16xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>)"
     << " -> tensor<2x16x16x16xf32>\n"
     << "  %r = ge.Relu %c : (tensor<2x16x16x16xf32>) -> "
        "tensor<2x16x16x16xf32>\n"
     << "  %p = ge.MaxPool %r {ksize = array<i64: 1, 1, 2, 2>, strides = "
        "array<i64: 1, 1, 2, 2>} : (tensor<2x16x16x16xf32>) -> "
        "tensor<2x16x8x8xf32>\n"
     << "  %g = ge.GlobalAvgPool %p : (tensor<2x16x8x8xf32>) -> "
        "tensor<2x16x1x1xf32>\n"
     << "  %s = ge.Const dense<[2, 16]> : tensor<2xi64>\n"
     << "  %f = ge.Reshape %g, %s : (tensor<2x16x1x1xf32>, tensor<2xi64>) -> "
        "tensor<2x16xf32>\n"
     << "  %wf = ge.Const " << denseValues(16 * 10, 3, 0.5)
     << " : tensor<16x10xf32>\n"
     << "  %y = ge.MatMulV2 %f, %wf : (tensor<2x16xf32>, tensor<16x10xf32>) -> "
        "tensor<2x10xf32>\n"
     << "  return %y : tensor<2x10xf32>\n"
     << "}\n";
  return os.str();
}

std::vector<uint8_t> compileSource(const std::string &source) {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  EXPECT_TRUE(module);
  if (!module)
    return {};
  std::string error;
  std::optional<Options> options = OptionsRegistry::get().parse({}, &error);
  EXPECT_TRUE(options.has_value()) << error;
  std::optional<CompileConfig> config = parseCompileConfig(*options, error);
  EXPECT_TRUE(config.has_value()) << error;
  if (!config)
    return {};
  auto bytes = compileModule(*module, *config, "cnn");
  EXPECT_TRUE(succeeded(bytes));
  return succeeded(bytes) ? *bytes : std::vector<uint8_t>{};
}

std::vector<float> randomInput(uint32_t seed) {
  std::mt19937 gen(seed);
  std::vector<float> v(2 * 3 * 16 * 16);
  for (float &x : v)
    x = float(gen() % 2001) / 1000.0f - 1.0f;
  return v;
}

TensorRef ref(std::vector<float> &v, std::vector<int64_t> shape) {
  return {v.data(), v.size() * sizeof(float), DType::F32, std::move(shape)};
}

} // namespace

TEST(CompiledModel, ConcurrentRunsMatchSequentialRuns) {
  std::vector<uint8_t> bytes = compileSource(cnnSource());
  ASSERT_FALSE(bytes.empty());
  DeviceOptions deviceOptions;
  deviceOptions.aiCoreCount = 3;
  auto device = Device::create(0, deviceOptions);
  ASSERT_TRUE(device.ok()) << device.status().toString();
  auto loaded =
      Model::loadFromBytes(bytes.data(), bytes.size(), *device, "cnn");
  ASSERT_TRUE(loaded.ok()) << loaded.status().toString();
  Model &model = **loaded;
  ASSERT_EQ(model.inputs().size(), 1u);
  EXPECT_EQ(model.inputs()[0].shape, (std::vector<int64_t>{2, 3, 16, 16}));
  EXPECT_EQ(model.outputs()[0].shape, (std::vector<int64_t>{2, 10}));

  constexpr int kThreads = 4, kStreams = 4, kRounds = 5;
  constexpr int kInputs = kThreads * kStreams;
  std::vector<std::vector<float>> inputs, expected;
  for (int i = 0; i < kInputs; ++i) {
    inputs.push_back(randomInput(100 + i));
    std::vector<float> y(20);
    Status st = model.run({ref(inputs[i], {2, 3, 16, 16})}, {ref(y, {2, 10})});
    ASSERT_TRUE(st.ok()) << st.toString();
    expected.push_back(y);
  }
  // Different inputs give different outputs (so a mix-up would show).
  EXPECT_NE(expected[0], expected[1]);

  std::atomic<int> wrong{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      std::vector<std::unique_ptr<Stream>> streams;
      for (int s = 0; s < kStreams; ++s)
        streams.push_back(std::move((*device)->createStream().value()));
      for (int round = 0; round < kRounds; ++round) {
        std::vector<std::vector<float>> outputs(kStreams,
                                                std::vector<float>(20, -1));
        for (int s = 0; s < kStreams; ++s) {
          // Rotate the inputs so every stream sees several of them.
          int i = t * kStreams + (s + round) % kStreams;
          errors += !model
                         .execute(*streams[s], {ref(inputs[i], {2, 3, 16, 16})},
                                  {ref(outputs[s], {2, 10})})
                         .ok();
        }
        for (int s = 0; s < kStreams; ++s) {
          errors += !streams[s]->synchronize().ok();
          int i = t * kStreams + (s + round) % kStreams;
          wrong += outputs[s] != expected[i];
        }
      }
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(wrong.load(), 0)
      << "runs whose output differs from the sequential run";
  EXPECT_LE(model.numContexts(), size_t(kThreads * kStreams));
}
