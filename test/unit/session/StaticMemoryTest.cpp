// static_memory_policy / GE_USE_STATIC_MEMORY (docs/static-memory.md): the
// graphs of a Session run their feature maps out of one shared arena sized
// by the largest run, growing when a bigger graph or gear comes, with the
// same outputs as graphs with arenas of their own, from several threads.
#include "SessionTestUtil.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <thread>

using namespace geflow;

namespace {

// y = relu(x . W1 - 1) . W2 on f32[n, k] (W1 = 0.5, W2 = 0.25 everywhere):
// the hidden activation h lives in the feature-map arena.
std::string mlpText(const std::string &n, int64_t k) {
  std::string K = std::to_string(k), x = "tensor<" + n + "x" + K + "xf32>";
  std::string w = "tensor<" + K + "x" + K + "xf32>";
  return "func.func @mlp(%x: " + x + " {ge.name = \"x\"}) -> (" + x +
         " {ge.name = \"y\"}) {\n"
         "  %w1 = ge.Const dense<0.5> : " +
         w + "\n  %w2 = ge.Const dense<0.25> : " + w +
         "\n  %one = ge.Const dense<1.0> : tensor<1xf32>\n"
         "  %h = ge.MatMulV2 %x, %w1 : (" +
         x + ", " + w + ") -> " + x + "\n  %s = ge.Sub %h, %one : (" + x +
         ", tensor<1xf32>) -> " + x + "\n  %r = ge.Relu %s : (" + x + ") -> " +
         x + "\n  %y = ge.MatMulV2 %r, %w2 : (" + x + ", " + w + ") -> " + x +
         "\n  return %y : " + x + "\n}";
}

Tensor mlpInput(int64_t n, int64_t k, float seed) {
  Tensor t = Tensor::allocate({"x", DType::F32, {n, k}});
  for (int64_t i = 0; i < n * k; ++i)
    t.as<float>()[i] = std::sin(seed + 0.37f * float(i));
  return t;
}

// The reference in double: every row of y is one value.
void expectMlp(const Tensor &x, const Tensor &y, int64_t n, int64_t k) {
  ASSERT_EQ(y.size(), size_t(n * k) * sizeof(float));
  for (int64_t i = 0; i < n; ++i) {
    double sum = 0;
    for (int64_t j = 0; j < k; ++j)
      sum += x.as<float>()[i * k + j];
    double r = std::max(0.5 * sum - 1.0, 0.0);
    double expected = 0.25 * r * double(k);
    for (int64_t j = 0; j < k; ++j)
      EXPECT_NEAR(y.as<float>()[i * k + j], expected,
                  1e-5 * std::abs(expected) + 1e-5)
          << "row " << i;
  }
}

struct Graphs {
  std::vector<std::pair<int64_t, int64_t>> shapes = {{2, 16}, {8, 64}, {4, 32}};
};

void addMlps(Session &session, const Graphs &g, const OptionMap &options = {}) {
  for (size_t i = 0; i < g.shapes.size(); ++i) {
    auto [n, k] = g.shapes[i];
    auto graph = Graph::fromMLIR(mlpText(std::to_string(n), k), "mlp");
    ASSERT_TRUE(graph.ok()) << graph.status().toString();
    Status st = session.AddGraph(uint32_t(i + 1), *graph, options);
    ASSERT_TRUE(st.ok()) << st.toString();
  }
}

std::vector<Tensor> runAll(Session &session, const Graphs &g, float seed) {
  std::vector<Tensor> outputs;
  for (size_t i = 0; i < g.shapes.size(); ++i) {
    auto [n, k] = g.shapes[i];
    Tensor x = mlpInput(n, k, seed + float(i));
    std::vector<Tensor> out;
    Status st = session.RunGraph(uint32_t(i + 1), {x}, out);
    EXPECT_TRUE(st.ok()) << st.toString();
    if (!st.ok())
      return {};
    expectMlp(x, out[0], n, k);
    outputs.push_back(out[0]);
  }
  return outputs;
}

bool sameBytes(const Tensor &a, const Tensor &b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace

TEST_F(SessionTest, StaticMemoryGraphsShareOneArenaSizedByTheLargest) {
  Graphs g;
  Session own({});
  addMlps(own, g);
  std::vector<Tensor> expected = runAll(own, g, 0.f);
  auto ownInfo = own.GetMemoryInfo();
  ASSERT_TRUE(ownInfo.ok());
  EXPECT_EQ(ownInfo->policy, 0);
  EXPECT_EQ(ownInfo->sharedArenaBytes, 0u);

  Session shared(OptionMap{{"static_memory_policy", "2"}});
  ASSERT_TRUE(shared.status().ok()) << shared.status().toString();
  addMlps(shared, g);
  std::vector<Tensor> got = runAll(shared, g, 0.f);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_TRUE(sameBytes(got[i], expected[i])) << "graph " << i + 1;

  auto info = shared.GetMemoryInfo();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->policy, 2);
  ASSERT_EQ(info->graphs.size(), 3u);
  uint64_t most = 0, sum = 0;
  for (const auto &[id, graph] : info->graphs) {
    EXPECT_TRUE(graph.shared) << id;
    EXPECT_GT(graph.arenaBytes, 0u) << id;
    EXPECT_EQ(graph.arenaBytes, ownInfo->graphs.at(id).arenaBytes) << id;
    most = std::max(most, graph.arenaBytes);
    sum += graph.arenaBytes;
  }
  EXPECT_LT(most, sum);
  EXPECT_EQ(info->sharedArenaBytes, most);
  EXPECT_EQ(info->sharedArenaPeakBytes, most);
  // Graph 1 (the smallest) ran first; graph 2 grew the arena once.
  EXPECT_EQ(info->sharedArenaGrowths, 1u);
  EXPECT_EQ(info->sharedArenaRuns, 3u);

  // Again, in another order: nothing grows, outputs stay equal.
  for (int round = 0; round < 2; ++round) {
    std::vector<Tensor> again = runAll(shared, g, 0.f);
    ASSERT_EQ(again.size(), expected.size());
    for (size_t i = 0; i < again.size(); ++i)
      EXPECT_TRUE(sameBytes(again[i], expected[i])) << "graph " << i + 1;
  }
  info = shared.GetMemoryInfo();
  EXPECT_EQ(info->sharedArenaGrowths, 1u);
  EXPECT_EQ(info->sharedArenaPeakBytes, most);
}

TEST_F(SessionTest, StaticMemoryGrowsForABiggerGear) {
  auto graph = Graph::fromMLIR(mlpText("?", 32), "geared");
  ASSERT_TRUE(graph.ok());
  OptionMap gears = {{"input_shape", "x:-1,32"},
                     {"dynamic_batch_size", "1,16"}};
  Session own({});
  ASSERT_TRUE(own.AddGraph(1, *graph, gears).ok());
  Session shared(
      OptionMap{{"ge.exec.staticMemoryPolicy", "1"}}); // GE: 1 means 2
  ASSERT_TRUE(shared.AddGraph(1, *graph, gears).ok());
  uint64_t previous = 0;
  for (int64_t batch : {1, 16, 1}) {
    Tensor x = mlpInput(batch, 32, float(batch));
    std::vector<Tensor> a, b;
    ASSERT_TRUE(own.RunGraph(1, {x}, a).ok());
    Status st = shared.RunGraph(1, {x}, b);
    ASSERT_TRUE(st.ok()) << st.toString();
    expectMlp(x, b[0], batch, 32);
    EXPECT_TRUE(sameBytes(a[0], b[0])) << "batch " << batch;
    auto info = shared.GetMemoryInfo();
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->policy, 2);
    // The arena holds the most a run so far needed: batch 1's, then 16's.
    EXPECT_GE(info->sharedArenaBytes, previous);
    previous = info->sharedArenaBytes;
    if (batch == 16)
      EXPECT_EQ(info->sharedArenaBytes, info->graphs.at(1).arenaBytes);
  }
  auto info = shared.GetMemoryInfo();
  EXPECT_EQ(info->sharedArenaGrowths, 1u);
  EXPECT_EQ(info->sharedArenaPeakBytes, info->sharedArenaBytes);
  // The model's own contexts hold no arena.
  EXPECT_TRUE(info->graphs.at(1).shared);
}

TEST_F(SessionTest, StaticMemoryRunsFromSeveralThreadsNeverOverlap) {
  Graphs g;
  Session own({});
  addMlps(own, g);
  Session shared(OptionMap{{"static_memory_policy", "4"}});
  addMlps(shared, g);
  constexpr int kThreads = 4, kRuns = 32;
  // Expected outputs per (thread, run) from the session with own arenas.
  std::vector<std::vector<Tensor>> inputs(kThreads), expected(kThreads);
  for (int t = 0; t < kThreads; ++t)
    for (int r = 0; r < kRuns; ++r) {
      auto [n, k] = g.shapes[(t + r) % 3];
      inputs[t].push_back(mlpInput(n, k, float(t * 100 + r)));
      std::vector<Tensor> out;
      ASSERT_TRUE(
          own.RunGraph(uint32_t((t + r) % 3 + 1), {inputs[t][r]}, out).ok());
      expected[t].push_back(out[0]);
    }
  std::atomic<int> mismatches{0}, failures{0};
  std::vector<std::thread> threads;
  // Even threads run synchronously; odd ones enqueue all their runs on a
  // stream of their own and synchronize once, so runs of several graphs
  // are in flight on several streams at once.
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      gfrtStream stream = nullptr;
      if (t % 2 && (gfrtSetDevice(0) != GFRT_SUCCESS ||
                    gfrtCreateStream(&stream) != GFRT_SUCCESS)) {
        ++failures;
        return;
      }
      std::vector<std::vector<Tensor>> outs(kRuns);
      for (int r = 0; r < kRuns; ++r) {
        uint32_t id = uint32_t((t + r) % 3 + 1);
        Status st;
        if (stream) {
          outs[r] = {Tensor::allocate(expected[t][r].desc())};
          st = shared.RunGraphWithStreamAsync(id, stream, {inputs[t][r]},
                                              outs[r]);
        } else {
          st = shared.RunGraph(id, {inputs[t][r]}, outs[r]);
        }
        if (!st.ok())
          ++failures;
      }
      if (stream && (gfrtSynchronizeStream(stream) != GFRT_SUCCESS ||
                     gfrtDestroyStream(stream) != GFRT_SUCCESS))
        ++failures;
      for (int r = 0; r < kRuns; ++r)
        if (outs[r].empty() || !sameBytes(outs[r][0], expected[t][r]))
          ++mismatches;
    });
  for (auto &thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mismatches.load(), 0);
  auto info = shared.GetMemoryInfo();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->sharedArenaRuns, uint64_t(kThreads * kRuns));
  uint64_t most = 0;
  for (const auto &[id, graph] : info->graphs)
    most = std::max(most, graph.arenaBytes);
  EXPECT_EQ(info->sharedArenaBytes, most);
}

TEST_F(SessionTest, StaticMemoryPolicyErrorsNameTheOption) {
  Session bad(OptionMap{{"static_memory_policy", "5"}});
  EXPECT_NE(bad.status().message().find("static_memory_policy"),
            std::string::npos)
      << bad.status().toString();
  EXPECT_NE(bad.status().message().find("[0, 4]"), std::string::npos);
  Session word(OptionMap{{"static_memory_policy", "dynamic"}});
  EXPECT_NE(word.status().message().find("static_memory_policy"),
            std::string::npos);

  ::setenv("GE_USE_STATIC_MEMORY", "7", 1);
  Session env({});
  EXPECT_NE(env.status().message().find("GE_USE_STATIC_MEMORY='7'"),
            std::string::npos)
      << env.status().toString();
  ::setenv("GE_USE_STATIC_MEMORY", "2", 1);
  Session conflict(OptionMap{{"static_memory_policy", "0"}});
  EXPECT_NE(conflict.status().message().find(
                "static_memory_policy=0 and environment variable "
                "GE_USE_STATIC_MEMORY=2 conflict"),
            std::string::npos)
      << conflict.status().toString();
  // The environment alone sets the session's policy.
  Session fromEnv({});
  ASSERT_TRUE(fromEnv.status().ok()) << fromEnv.status().toString();
  Graphs g;
  addMlps(fromEnv, g);
  runAll(fromEnv, g, 1.f);
  auto info = fromEnv.GetMemoryInfo();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->policy, 2);
  EXPECT_GT(info->sharedArenaBytes, 0u);
  // A graph option that contradicts the environment names the graph.
  auto graph = Graph::fromMLIR(mlpText("2", 16));
  Status st = fromEnv.AddGraph(9, *graph, {{"static_memory_policy", "3"}});
  EXPECT_NE(st.message().find("graph 9: static_memory_policy=3"),
            std::string::npos)
      << st.toString();
  ::unsetenv("GE_USE_STATIC_MEMORY");
}

TEST_F(SessionTest, StaticMemoryGraphOptionChoosesPerGraph) {
  // Policy 3 shares only shape-ranged graphs: static ones keep their own.
  Graphs g;
  Session session(OptionMap{{"static_memory_policy", "3"}});
  addMlps(session, g);
  auto ranged = Graph::fromMLIR(mlpText("?", 16), "ranged");
  ASSERT_TRUE(ranged.ok());
  ASSERT_TRUE(
      session.AddGraph(7, *ranged, {{"input_shape_range", "x:[1~8,16]"}}).ok());
  runAll(session, g, 2.f);
  for (int64_t batch : {3, 8}) {
    Tensor x = mlpInput(batch, 16, 0.5f);
    std::vector<Tensor> out;
    Status st = session.RunGraph(7, {x}, out);
    ASSERT_TRUE(st.ok()) << st.toString();
    expectMlp(x, out[0], batch, 16);
  }
  auto info = session.GetMemoryInfo();
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->graphs.at(1).shared);
  EXPECT_TRUE(info->graphs.at(7).shared);
  EXPECT_EQ(info->sharedArenaBytes, info->graphs.at(7).arenaBytes);
  // A graph option overrides the session's for that graph.
  auto graph = Graph::fromMLIR(mlpText("2", 16));
  ASSERT_TRUE(
      session.AddGraph(8, *graph, {{"static_memory_policy", "2"}}).ok());
  Tensor x = mlpInput(2, 16, 0.f);
  std::vector<Tensor> out;
  ASSERT_TRUE(session.RunGraph(8, {x}, out).ok());
  expectMlp(x, out[0], 2, 16);
  info = session.GetMemoryInfo();
  EXPECT_TRUE(info->graphs.at(8).shared);
  EXPECT_EQ(info->graphs.at(8).policy, 2);
}
