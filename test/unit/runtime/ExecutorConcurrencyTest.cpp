// One loaded model, many executions in flight at once: 8 host threads each
// drive 4 streams, every run with its own input, and every output is
// checked. The model has three program streams and multi-block kernels, so
// runs overlap on the AI cores, on the caller streams and in the context
// pool (also run under TSan/ASan by `make test-tsan` / `make test-asan`).
#include "ExecutorTestUtil.h"

#include <atomic>
#include <thread>

using namespace geflow;
using namespace geflow::rt;
using namespace geflow::rt::testing;

namespace {

constexpr int kThreads = 8;
constexpr int kStreamsPerThread = 4;
constexpr int kRounds = 12;

} // namespace

TEST(ExecutorConcurrency, EightThreadsTimesFourStreamsShareOneModel) {
  auto device = makeDevice(4);
  Branchy model(/*rows=*/512); // relu/add on 8192 elements: several blocks
  auto loaded = loadModel(model.m, model.weights, device);
  ASSERT_TRUE(loaded);

  std::atomic<int> wrong{0}, errors{0};
  std::vector<std::string> firstError(kThreads);
  auto worker = [&](int thread) {
    std::vector<std::unique_ptr<Stream>> streams;
    for (int s = 0; s < kStreamsPerThread; ++s)
      streams.push_back(makeStream(device));
    for (int round = 0; round < kRounds; ++round) {
      // Distinct inputs per (thread, stream, round).
      std::vector<Branchy::Buffers> runs;
      runs.reserve(kStreamsPerThread);
      for (int s = 0; s < kStreamsPerThread; ++s)
        runs.emplace_back(model, 1000000 * thread + 1000 * s + round);
      for (int s = 0; s < kStreamsPerThread; ++s) {
        Status st =
            loaded->execute(*streams[s], runs[s].inputs(), runs[s].outputs());
        if (!st.ok() && errors.fetch_add(1) == 0)
          firstError[thread] = st.toString();
      }
      for (int s = 0; s < kStreamsPerThread; ++s) {
        Status st = streams[s]->synchronize();
        if (!st.ok() && errors.fetch_add(1) == 0)
          firstError[thread] = st.toString();
        wrong += model.check(runs[s]) != 0;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back(worker, t);
  for (auto &t : threads)
    t.join();
  for (const std::string &e : firstError)
    EXPECT_TRUE(e.empty()) << e;
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(wrong.load(), 0) << "runs with a wrong output";
  // A context is only created when every existing one is busy, and at most
  // 32 runs are in flight at once.
  EXPECT_GE(loaded->numContexts(), 1u);
  EXPECT_LE(loaded->numContexts(), size_t(kThreads * kStreamsPerThread));
}

TEST(ExecutorConcurrency, SynchronousRunsFromManyThreads) {
  auto device = makeDevice(2);
  Branchy model(/*rows=*/64);
  auto loaded = loadModel(model.m, model.weights, device);
  ASSERT_TRUE(loaded);
  std::atomic<int> wrong{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        Branchy::Buffers b(model, 7919 * t + round);
        errors += !loaded->run(b.inputs(), b.outputs()).ok();
        wrong += model.check(b) != 0;
      }
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(loaded->numContexts(), size_t(kThreads));
}
