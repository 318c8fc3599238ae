// Many streams, many tasks, dependencies through events: the results must be
// exact. Values are computed with wrapping 64-bit arithmetic, so any task
// that runs too early (reading a neighbour's slot before it is written) or
// twice changes the final numbers.

#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using namespace geflow::rt;
using namespace geflow::rt::testing;

namespace {

/// Block b's share of x[s][r]; the value is the sum over the blocks.
uint64_t part(uint64_t own, uint64_t next, uint64_t prev, uint64_t r,
              uint64_t b) {
  return own * (b + 1) + next + prev * 5 + r * b;
}

} // namespace

TEST(Stress, SixtyFourStreamsWithCrossStreamDependencies) {
  constexpr int kStreams = 64, kRounds = 1000;
  auto device = makeDevice(0); // every host core
  std::vector<std::unique_ptr<Stream>> streams;
  std::vector<Event> done(kStreams);
  for (int s = 0; s < kStreams; ++s)
    streams.push_back(makeStream(device));

  // x[s * (kRounds + 1) + r] is stream s's value after round r.
  const size_t count = size_t(kStreams) * (kRounds + 1);
  auto *x = static_cast<uint64_t *>(
      device->allocator().allocate(count * sizeof(uint64_t)).value());
  std::vector<uint64_t> init(count, 0);
  for (int s = 0; s < kStreams; ++s)
    init[s * (kRounds + 1)] = 1000003ull * (s + 1);
  ASSERT_OK(device->memcpy(x, count * 8, init.data(), count * 8,
                           MemcpyKind::HostToDevice));
  auto at = [&](int s, int r) -> uint64_t & {
    return x[s * (kRounds + 1) + r];
  };

  std::vector<uint64_t> snapshots(kStreams * (kRounds / 100), 0);
  for (int r = 1; r <= kRounds; ++r) {
    for (int s = 0; s < kStreams; ++s) {
      int next = (s + 1) % kStreams, prev = (s + kStreams - 1) % kStreams;
      Stream &st = *streams[s];
      // Round r reads round r-1 of both neighbours.
      ASSERT_OK(st.waitEvent(done[next]));
      ASSERT_OK(st.waitEvent(done[prev]));
      uint32_t blocks = 1 + (r + s) % 4;
      ASSERT_OK(
          st.launchBlocks("round", blocks, [&at, s, r, next, prev](uint32_t b) {
            uint64_t v =
                part(at(s, r - 1), at(next, r - 1), at(prev, r - 1), r, b);
            __atomic_fetch_add(&at(s, r), v, __ATOMIC_RELAXED);
          }));
      ASSERT_OK(st.recordEvent(done[s]));
      if (r % 100 == 0)
        ASSERT_OK(st.memcpyAsync(&snapshots[s * (kRounds / 100) + r / 100 - 1],
                                 8, &at(s, r), 8, MemcpyKind::DeviceToHost));
    }
  }
  for (auto &st : streams)
    ASSERT_OK(st->synchronize());

  // The same computation, sequentially.
  std::vector<uint64_t> ref(init);
  auto refAt = [&](int s, int r) -> uint64_t & {
    return ref[s * (kRounds + 1) + r];
  };
  for (int r = 1; r <= kRounds; ++r)
    for (int s = 0; s < kStreams; ++s) {
      int next = (s + 1) % kStreams, prev = (s + kStreams - 1) % kStreams;
      uint64_t v = 0;
      for (uint32_t b = 0; b < uint32_t(1 + (r + s) % 4); ++b)
        v +=
            part(refAt(s, r - 1), refAt(next, r - 1), refAt(prev, r - 1), r, b);
      refAt(s, r) = v;
    }
  for (int s = 0; s < kStreams; ++s) {
    for (int r = 0; r <= kRounds; ++r)
      ASSERT_EQ(at(s, r), refAt(s, r)) << "stream " << s << " round " << r;
    for (int k = 0; k < kRounds / 100; ++k)
      ASSERT_EQ(snapshots[s * (kRounds / 100) + k], refAt(s, (k + 1) * 100));
  }
  ASSERT_OK(device->allocator().free(x));
}

TEST(Stress, HostThreadsEachDriveAForkJoinOfStreams) {
  // What an executor does: 8 host threads, each running its own "model"
  // over 4 streams (fork on one event, join on three) many times, all on
  // one device.
  constexpr int kThreads = 8, kIters = 300;
  auto device = makeDevice(0);
  std::vector<int64_t> totals(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      std::unique_ptr<Stream> s[4];
      for (auto &st : s)
        st = makeStream(device);
      Event fork, join[3];
      int64_t a = 0, b[3] = {0, 0, 0}, total = 0;
      for (int i = 1; i <= kIters; ++i) {
        for (Event &j : join)
          EXPECT_OK(s[0]->waitEvent(j));
        EXPECT_OK(s[0]->launchBlocks(
            "sum", 1, [&](uint32_t) { total += b[0] + b[1] + b[2]; }));
        EXPECT_OK(s[0]->launchBlocks("a", 1, [&a, i](uint32_t) { a = i; }));
        EXPECT_OK(s[0]->recordEvent(fork));
        for (int k = 0; k < 3; ++k) {
          EXPECT_OK(s[k + 1]->waitEvent(fork));
          EXPECT_OK(s[k + 1]->launchBlocks("b", 2, [&, k](uint32_t blk) {
            if (blk == 0)
              b[k] = a * (k + 1);
          }));
          EXPECT_OK(s[k + 1]->recordEvent(join[k]));
        }
      }
      for (Event &j : join)
        EXPECT_OK(s[0]->waitEvent(j));
      EXPECT_OK(s[0]->launchBlocks(
          "sum", 1, [&](uint32_t) { total += b[0] + b[1] + b[2]; }));
      for (auto &st : s)
        EXPECT_OK(st->synchronize());
      totals[t] = total;
    });
  for (auto &th : threads)
    th.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(totals[t], 6 * int64_t(kIters) * (kIters + 1) / 2) << t;
}
