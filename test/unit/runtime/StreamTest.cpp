#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

using namespace geflow;
using namespace geflow::rt;
using namespace geflow::rt::testing;

TEST(Stream, TasksRunInEnqueueOrder) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  // Plain (non-atomic) state touched by consecutive tasks: only correct if
  // each task happens-after the previous one (ThreadSanitizer checks this
  // even when the tasks run on different AI cores).
  std::vector<int> order;
  int lanes[4] = {0, 0, 0, 0};
  constexpr int kTasks = 5000;
  for (int i = 0; i < kTasks; ++i) {
    if (i % 50 == 0) {
      // A multi-block task in the middle: the next task must see all of
      // its blocks' writes.
      ASSERT_OK(stream->launchBlocks(
          "lanes", 4, [&lanes, i](uint32_t b) { lanes[b] = i; }));
      ASSERT_OK(stream->launchBlocks("check", 1, [&, i](uint32_t) {
        for (int lane : lanes)
          if (lane != i)
            order.push_back(-1);
      }));
    }
    ASSERT_OK(stream->launchBlocks(
        "append", 1, [&order, i](uint32_t) { order.push_back(i); }));
  }
  ASSERT_OK(stream->synchronize());
  ASSERT_EQ(order.size(), size_t(kTasks));
  for (int i = 0; i < kTasks; ++i)
    ASSERT_EQ(order[i], i);
}

static int32_t countBlocksKernel(const kernels::KernelArgs &args,
                                 uint32_t blockIdx, uint32_t blockDim) {
  uint32_t expectedDim = 0;
  if (!kernels::decodeTiling(args, &expectedDim) || expectedDim != blockDim ||
      blockIdx >= blockDim)
    return 3;
  auto *counts = static_cast<std::atomic<uint32_t> *>(args.outputs[0]);
  counts[blockIdx].fetch_add(1);
  return 0;
}

TEST(Stream, EveryBlockIndexRunsExactlyOnce) {
  for (uint32_t cores : {1u, 2u, 3u}) {
    auto device = makeDevice(cores);
    auto stream = makeStream(device);
    for (uint32_t blockDim : {1u, 2u, 3u, 7u, 64u, 257u, 4096u}) {
      std::vector<std::atomic<uint32_t>> counts(blockDim);
      std::vector<uint8_t> tiling = kernels::encodeTiling(blockDim);
      void *outputs[1] = {counts.data()};
      kernels::KernelArgs args;
      args.tiling = tiling.data();
      args.tilingSize = tiling.size();
      args.outputs = outputs;
      args.numOutputs = 1;
      // Several launches back to back reuse the same arguments.
      for (int rep = 0; rep < 3; ++rep)
        ASSERT_OK(
            stream->launchKernel("count", countBlocksKernel, args, blockDim));
      ASSERT_OK(stream->synchronize());
      for (uint32_t b = 0; b < blockDim; ++b)
        ASSERT_EQ(counts[b].load(), 3u) << "block " << b << " of " << blockDim
                                        << " on " << cores << " cores";
    }
  }
}

TEST(Stream, BlocksOfOneKernelRunOnSeveralCores) {
  // Each block waits until both have started, which only terminates if the
  // two blocks really run at the same time on the two AI cores.
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  std::atomic<int> arrived{0};
  std::atomic<bool> metPartner[2] = {false, false};
  ASSERT_OK(stream->launchBlocks("rendezvous", 2, [&](uint32_t b) {
    arrived.fetch_add(1);
    // Deadlock guard only: a correct runtime meets the partner at once.
    auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (arrived.load() < 2 && std::chrono::steady_clock::now() < giveUp)
      std::this_thread::yield();
    metPartner[b] = arrived.load() == 2;
    EXPECT_GE(currentAiCore(), 0);
  }));
  ASSERT_OK(stream->synchronize());
  EXPECT_TRUE(metPartner[0]);
  EXPECT_TRUE(metPartner[1]);
}

TEST(Stream, ConcurrencyIsBoundedByTheCoreCount) {
  constexpr uint32_t kCores = 2;
  auto device = makeDevice(kCores);
  std::vector<std::unique_ptr<Stream>> streams;
  for (int i = 0; i < 64; ++i)
    streams.push_back(makeStream(device));
  std::atomic<int> running{0}, maxRunning{0}, blocksRun{0};
  std::atomic<int> badCore{0};
  auto body = [&](uint32_t) {
    int now = running.fetch_add(1) + 1;
    int seen = maxRunning.load();
    while (now > seen && !maxRunning.compare_exchange_weak(seen, now)) {
    }
    int core = currentAiCore();
    if (core < 0 || core >= int(kCores))
      badCore.fetch_add(1);
    // Stay a little (a few microseconds of work) so that blocks of other
    // streams would overlap if the runtime let them.
    for (volatile int i = 0; i < 2000; ++i) {
    }
    blocksRun.fetch_add(1);
    running.fetch_sub(1);
  };
  for (int round = 0; round < 10; ++round)
    for (auto &s : streams) {
      ASSERT_OK(s->launchBlocks("wide", 4, body));
      ASSERT_OK(s->launchBlocks("narrow", 1, body));
    }
  for (auto &s : streams)
    ASSERT_OK(s->synchronize());
  EXPECT_EQ(blocksRun.load(), 10 * 64 * 5);
  EXPECT_LE(maxRunning.load(), int(kCores));
  EXPECT_GE(maxRunning.load(), 1);
  EXPECT_EQ(badCore.load(), 0);
}

TEST(Stream, ManyThreadsLaunchOntoOneStream) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  int64_t counter = 0; // serialized by the stream, not by a lock
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        EXPECT_OK(stream->launchBlocks("inc", 1, [&](uint32_t) { ++counter; }));
    });
  for (auto &t : threads)
    t.join();
  ASSERT_OK(stream->synchronize());
  EXPECT_EQ(counter, 4000);
}

TEST(Stream, CallbacksRunInOrderOnAnAiCore) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  EXPECT_EQ(currentAiCore(), -1);
  std::vector<int> seen;
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK(stream->launchCallback("cb", [&seen, i] {
      if (currentAiCore() < 0)
        return internalError("callback ran off the AI cores");
      seen.push_back(i);
      return Status::OK();
    }));
  }
  ASSERT_OK(stream->synchronize());
  ASSERT_EQ(seen.size(), 10u);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(seen[i], i);
}

TEST(Stream, TasksMayLaunchOntoOtherStreams) {
  auto device = makeDevice(2);
  auto a = makeStream(device), b = makeStream(device);
  std::atomic<int> ran{0};
  ASSERT_OK(a->launchCallback("spawn", [&] {
    for (int i = 0; i < 100; ++i)
      GEFLOW_RETURN_IF_ERROR(
          b->launchBlocks("child", 2, [&](uint32_t) { ++ran; }));
    return Status::OK();
  }));
  ASSERT_OK(a->synchronize());
  ASSERT_OK(b->synchronize());
  EXPECT_EQ(ran.load(), 200);
}

TEST(Stream, QueryReportsUnfinishedWork) {
  auto device = makeDevice(1);
  auto stream = makeStream(device);
  EXPECT_OK(stream->query());
  Gate gate;
  ASSERT_OK(stream->launchCallback("gate", [&] {
    gate.wait();
    return Status::OK();
  }));
  EXPECT_EQ(stream->query().code(), ErrorCode::kNotReady);
  gate.open();
  ASSERT_OK(stream->synchronize());
  EXPECT_OK(stream->query());
}

TEST(Stream, DestroyWaitsForQueuedWork) {
  auto device = makeDevice(2);
  std::atomic<int> ran{0};
  {
    auto stream = makeStream(device);
    for (int i = 0; i < 500; ++i)
      ASSERT_OK(stream->launchBlocks("w", 1 + i % 3, [&](uint32_t) { ++ran; }));
  }
  int expected = 0;
  for (int i = 0; i < 500; ++i)
    expected += 1 + i % 3;
  EXPECT_EQ(ran.load(), expected);
}

TEST(Stream, StreamsKeepTheirDeviceAlive) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  std::weak_ptr<Device> weak = device;
  device.reset();
  ASSERT_FALSE(weak.expired());
  std::atomic<int> ran{0};
  ASSERT_OK(stream->launchBlocks("w", 4, [&](uint32_t) { ++ran; }));
  ASSERT_OK(stream->synchronize());
  EXPECT_EQ(ran.load(), 4);
  stream.reset();
  EXPECT_TRUE(weak.expired());
}

TEST(Stream, LaunchArgumentsAreValidated) {
  auto device = makeDevice(1);
  auto stream = makeStream(device);
  kernels::KernelArgs args;
  Status s = stream->launchKernel("k0", countBlocksKernel, args, 0);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("'k0'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("blockDim"), std::string::npos);
  EXPECT_EQ(stream->launchKernel("k", countBlocksKernel, args, kMaxBlockDim + 1)
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(stream->launchKernel("k", nullptr, args, 1).code(),
            ErrorCode::kInvalidArgument);
  args.numInputs = 2; // but no array
  s = stream->launchKernel("k", countBlocksKernel, args, 1);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("inputs is null"), std::string::npos);
  EXPECT_EQ(stream->launchBlocks("b", 1, nullptr).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(stream->launchCallback("c", nullptr).code(),
            ErrorCode::kInvalidArgument);
  // Nothing was enqueued by the failed launches.
  EXPECT_OK(stream->query());
  EXPECT_OK(stream->synchronize());
}

TEST(Stream, AsyncCopiesAndMemset) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  // 12 MiB is split across the AI cores; 4 KiB is not.
  for (size_t bytes : {size_t(4096), size_t(12) << 20}) {
    std::vector<uint8_t> src(bytes), back(bytes, 0);
    for (size_t i = 0; i < bytes; ++i)
      src[i] = static_cast<uint8_t>(i * 7 + i / 4096);
    void *d0 = device->allocator().allocate(bytes).value();
    void *d1 = device->allocator().allocate(bytes).value();
    ASSERT_OK(stream->memcpyAsync(d0, bytes, src.data(), bytes,
                                  MemcpyKind::HostToDevice));
    ASSERT_OK(
        stream->memcpyAsync(d1, bytes, d0, bytes, MemcpyKind::DeviceToDevice));
    ASSERT_OK(stream->memsetAsync(d0, bytes, 0x5a, bytes / 2));
    ASSERT_OK(stream->memcpyAsync(back.data(), bytes, d1, bytes,
                                  MemcpyKind::DeviceToHost));
    ASSERT_OK(stream->synchronize());
    EXPECT_EQ(std::memcmp(back.data(), src.data(), bytes), 0) << bytes;
    ASSERT_OK(stream->memcpyAsync(back.data(), bytes, d0, bytes,
                                  MemcpyKind::Default));
    ASSERT_OK(stream->synchronize());
    EXPECT_EQ(back[0], 0x5a);
    EXPECT_EQ(back[bytes / 2 - 1], 0x5a);
    EXPECT_EQ(back[bytes / 2], src[bytes / 2]);
    ASSERT_OK(device->allocator().free(d0));
    ASSERT_OK(device->allocator().free(d1));
  }
}

TEST(Stream, CopiesAreValidatedAtLaunch) {
  auto device = makeDevice(1);
  auto stream = makeStream(device);
  char host[256] = {};
  char *dev = static_cast<char *>(device->allocator().allocate(128).value());
  auto code = [](Status s) { return s.code(); };

  Status s = stream->memcpyAsync(dev, 64, host, 128, MemcpyKind::HostToDevice);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("exceeds destMax 64"), std::string::npos);
  // Host destination for a host-to-device copy.
  s = stream->memcpyAsync(host, 256, host + 128, 64, MemcpyKind::HostToDevice);
  EXPECT_NE(s.message().find("is not memory of device"), std::string::npos)
      << s.message();
  // Device source for a host-to-device copy.
  EXPECT_EQ(code(stream->memcpyAsync(dev, 128, dev + 64, 64,
                                     MemcpyKind::HostToDevice)),
            ErrorCode::kInvalidArgument);
  // Overruns the allocation.
  s = stream->memcpyAsync(host, 256, dev + 64, 100, MemcpyKind::DeviceToHost);
  EXPECT_NE(s.message().find("run past the end"), std::string::npos)
      << s.message();
  // Overlap.
  s = stream->memcpyAsync(dev + 8, 120, dev, 64, MemcpyKind::DeviceToDevice);
  EXPECT_NE(s.message().find("overlap"), std::string::npos) << s.message();
  EXPECT_EQ(
      code(stream->memcpyAsync(dev, 128, host, 64, static_cast<MemcpyKind>(9))),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      code(stream->memcpyAsync(nullptr, 128, host, 64, MemcpyKind::HostToHost)),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(stream->memsetAsync(host, 256, 0, 16)),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(stream->memsetAsync(dev, 128, 0, 129)),
            ErrorCode::kInvalidArgument);
  // Valid: zero bytes, and a host-to-host copy.
  EXPECT_OK(stream->memcpyAsync(dev, 128, host, 0, MemcpyKind::HostToDevice));
  host[0] = 9;
  EXPECT_OK(
      stream->memcpyAsync(host + 128, 128, host, 64, MemcpyKind::HostToHost));
  ASSERT_OK(stream->synchronize());
  EXPECT_EQ(host[128], 9);
  ASSERT_OK(device->allocator().free(dev));
}

TEST(Stream, SynchronousDeviceCopies) {
  auto device = makeDevice(1);
  int values[4] = {1, 2, 3, 4}, back[4] = {};
  void *dev = device->allocator().allocate(sizeof(values)).value();
  ASSERT_OK(device->memcpy(dev, 16, values, 16, MemcpyKind::HostToDevice));
  ASSERT_OK(device->memset(dev, 16, 0, 4));
  ASSERT_OK(device->memcpy(back, 16, dev, 16, MemcpyKind::Default));
  EXPECT_EQ(back[0], 0);
  EXPECT_EQ(back[3], 4);
  EXPECT_EQ(device->memcpy(back, 8, dev, 16, MemcpyKind::DeviceToHost).code(),
            ErrorCode::kInvalidArgument);
  ASSERT_OK(device->allocator().free(dev));
}
