#include "RuntimeTestUtil.h"

#include "geflow/runtime/Memory.h"

#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <vector>

using namespace geflow::rt;
using namespace geflow::rt::testing;

TEST(Memory, SizeClasses) {
  EXPECT_EQ(DeviceAllocator::sizeClass(1), 64u);
  EXPECT_EQ(DeviceAllocator::sizeClass(64), 64u);
  EXPECT_EQ(DeviceAllocator::sizeClass(65), 128u);
  EXPECT_EQ(DeviceAllocator::sizeClass(1000), 1024u);
  EXPECT_EQ(DeviceAllocator::sizeClass(1024), 1024u);
  EXPECT_EQ(DeviceAllocator::sizeClass(1025), 1280u);
  EXPECT_EQ(DeviceAllocator::sizeClass(3000), 3072u);
  EXPECT_EQ(DeviceAllocator::sizeClass(1 << 20), size_t(1) << 20);
  EXPECT_EQ(DeviceAllocator::sizeClass((1 << 20) + 1), (size_t(5) << 20) / 4);
  // Every class is a multiple of the alignment and wastes at most 25%.
  for (size_t n = 1; n < (1 << 22); n = n * 3 / 2 + 7) {
    size_t cls = DeviceAllocator::sizeClass(n);
    EXPECT_GE(cls, n);
    EXPECT_EQ(cls % kMemoryAlignment, 0u) << n;
    if (n > 1024)
      EXPECT_LE(cls, n + n / 4 + 1) << n;
  }
}

TEST(Memory, AllocationsAreAlignedAndUsable) {
  DeviceAllocator alloc(0, uint64_t(1) << 30);
  std::vector<void *> ptrs;
  for (size_t size : {1u, 63u, 64u, 100u, 4096u, 70000u, 3000000u}) {
    StatusOr<void *> p = alloc.allocate(size);
    ASSERT_TRUE(p.ok()) << p.status().toString();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(*p) % kMemoryAlignment, 0u) << size;
    std::memset(*p, 0xab, size);
    ptrs.push_back(*p);
  }
  for (void *p : ptrs)
    EXPECT_OK(alloc.free(p));
}

TEST(Memory, StatisticsTrackUsePeakAndCache) {
  DeviceAllocator alloc(3, uint64_t(1) << 30);
  MemoryStats s = alloc.stats();
  EXPECT_EQ(s.inUse, 0u);
  EXPECT_EQ(s.limit, uint64_t(1) << 30);

  void *a = alloc.allocate(1000).value(); // class 1024
  void *b = alloc.allocate(5000).value(); // class 5120
  s = alloc.stats();
  EXPECT_EQ(s.inUse, 1024u + 5120u);
  EXPECT_EQ(s.requested, 6000u);
  EXPECT_EQ(s.peakInUse, 1024u + 5120u);
  EXPECT_EQ(s.liveAllocations, 2u);
  EXPECT_EQ(s.cached, 0u);

  ASSERT_OK(alloc.free(b));
  s = alloc.stats();
  EXPECT_EQ(s.inUse, 1024u);
  EXPECT_EQ(s.cached, 5120u);
  EXPECT_EQ(s.peakInUse, 1024u + 5120u);

  // Same class: served from the cache, same block.
  void *c = alloc.allocate(4900).value();
  EXPECT_EQ(c, b);
  s = alloc.stats();
  EXPECT_EQ(s.cacheHits, 1u);
  EXPECT_EQ(s.cached, 0u);
  EXPECT_EQ(s.numAllocs, 3u);
  EXPECT_EQ(s.numFrees, 1u);

  ASSERT_OK(alloc.free(a));
  ASSERT_OK(alloc.free(c));
  s = alloc.stats();
  EXPECT_EQ(s.inUse, 0u);
  EXPECT_EQ(s.requested, 0u);
  EXPECT_EQ(s.cached, 1024u + 5120u);
  alloc.emptyCache();
  EXPECT_EQ(alloc.stats().cached, 0u);
  alloc.resetPeak();
  EXPECT_EQ(alloc.stats().peakInUse, 0u);
}

TEST(Memory, OutOfMemoryNamesSizeAndUse) {
  DeviceAllocator alloc(1, 1 << 20); // 1 MiB device
  void *a = alloc.allocate(600 * 1024).value();
  StatusOr<void *> b = alloc.allocate(600 * 1024);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), ErrorCode::kOutOfMemory);
  const std::string &msg = b.status().message();
  EXPECT_NE(msg.find("device 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("614400 bytes"), std::string::npos) << msg; // asked
  EXPECT_NE(msg.find("in use by 1 allocations"), std::string::npos) << msg;
  EXPECT_NE(msg.find("limit 1.00 MiB"), std::string::npos) << msg;
  // Larger than the whole device.
  EXPECT_EQ(alloc.allocate(2 << 20).status().code(), ErrorCode::kOutOfMemory);
  ASSERT_OK(alloc.free(a));
  // The cached block counts against the limit, but is released to make
  // room for a different class instead of failing.
  StatusOr<void *> c = alloc.allocate(900 * 1024);
  ASSERT_TRUE(c.ok()) << c.status().toString();
  EXPECT_EQ(alloc.stats().cached, 0u);
  ASSERT_OK(alloc.free(*c));
}

TEST(Memory, BadFreesAreErrors) {
  DeviceAllocator alloc(0, 1 << 20);
  void *a = alloc.allocate(256).value();
  Status interior = alloc.free(static_cast<char *>(a) + 64);
  EXPECT_EQ(interior.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(interior.message().find("not the start of a live allocation"),
            std::string::npos);
  int local = 0;
  EXPECT_EQ(alloc.free(&local).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(alloc.free(nullptr).code(), ErrorCode::kInvalidArgument);
  ASSERT_OK(alloc.free(a));
  EXPECT_EQ(alloc.free(a).code(), ErrorCode::kInvalidArgument); // double free
  EXPECT_EQ(alloc.allocate(0).status().code(), ErrorCode::kInvalidArgument);
}

TEST(Memory, ContainsChecksRequestedRange) {
  DeviceAllocator alloc(0, 1 << 20);
  char *a = static_cast<char *>(alloc.allocate(100).value());
  EXPECT_TRUE(alloc.contains(a, 100));
  EXPECT_TRUE(alloc.contains(a + 40, 60));
  EXPECT_FALSE(alloc.contains(a + 40, 61)); // past what was asked for
  EXPECT_FALSE(alloc.contains(a + 100, 1));
  EXPECT_FALSE(alloc.contains(a - 1, 1));
  EXPECT_TRUE(alloc.owns(a + 99));
  ASSERT_OK(alloc.free(a));
  EXPECT_FALSE(alloc.owns(a));
}

TEST(Memory, HostAllocations) {
  HostAllocator &host = HostAllocator::global();
  uint64_t before = host.stats().inUse;
  void *p = host.allocate(100).value();
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kMemoryAlignment, 0u);
  EXPECT_TRUE(host.owns(static_cast<char *>(p) + 99));
  EXPECT_EQ(host.stats().inUse, before + 128);
  std::memset(p, 1, 100);
  EXPECT_EQ(host.free(static_cast<char *>(p) + 1).code(),
            ErrorCode::kInvalidArgument);
  ASSERT_OK(host.free(p));
  EXPECT_EQ(host.free(p).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(host.stats().inUse, before);
  EXPECT_EQ(host.allocate(0).status().code(), ErrorCode::kInvalidArgument);
}

TEST(Memory, ConcurrentAllocationsKeepExactStatistics) {
  DeviceAllocator alloc(0, uint64_t(1) << 30);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      std::vector<void *> mine;
      for (int i = 0; i < 2000; ++i) {
        mine.push_back(alloc.allocate(64 * (1 + (i + t) % 20)).value());
        if (i % 3 == 0) {
          EXPECT_OK(alloc.free(mine.back()));
          mine.pop_back();
        }
      }
      for (void *p : mine)
        EXPECT_OK(alloc.free(p));
    });
  for (std::thread &t : threads)
    t.join();
  MemoryStats s = alloc.stats();
  EXPECT_EQ(s.inUse, 0u);
  EXPECT_EQ(s.liveAllocations, 0u);
  EXPECT_EQ(s.numAllocs, s.numFrees);
  EXPECT_EQ(s.numAllocs, 8000u);
}
