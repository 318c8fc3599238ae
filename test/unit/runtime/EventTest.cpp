#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace geflow::rt;
using namespace geflow::rt::testing;

TEST(Event, OrdersWorkAcrossStreams) {
  for (uint32_t cores : {1u, 2u}) {
    auto device = makeDevice(cores);
    auto producer = makeStream(device), consumer = makeStream(device);
    Event ready;
    Gate gate;
    int data = 0; // written on one stream, read on the other: no lock
    int seen = -1;
    ASSERT_OK(producer->launchCallback("gate", [&] {
      gate.wait();
      return Status::OK();
    }));
    ASSERT_OK(
        producer->launchBlocks("produce", 1, [&](uint32_t) { data = 42; }));
    ASSERT_OK(producer->recordEvent(ready));
    ASSERT_OK(consumer->waitEvent(ready));
    ASSERT_OK(
        consumer->launchBlocks("consume", 1, [&](uint32_t) { seen = data; }));
    // The producer is held at the gate, so the consumer cannot have run.
    EXPECT_EQ(consumer->query().code(), ErrorCode::kNotReady);
    EXPECT_EQ(ready.query().code(), ErrorCode::kNotReady);
    if (cores > 1) {
      // Let the free core run everything that is runnable (streams are
      // taken in FIFO order, so the consumer would come first): the
      // consumer must still not have run.
      auto other = makeStream(device);
      ASSERT_OK(other->launchBlocks("flush", 1, [](uint32_t) {}));
      ASSERT_OK(other->synchronize());
      EXPECT_EQ(seen, -1);
    }
    gate.open();
    ASSERT_OK(consumer->synchronize());
    EXPECT_EQ(seen, 42);
    EXPECT_OK(ready.query());
    ASSERT_OK(producer->synchronize());
  }
}

TEST(Event, ReusedEventsPingPongBetweenStreams) {
  // The executor pattern: the same events recorded every iteration. A
  // single buffer is written on one stream and read on the other, so both
  // directions (read-after-write and write-after-read) need the events.
  auto device = makeDevice(2);
  auto a = makeStream(device), b = makeStream(device);
  Event written, consumed;
  int64_t buffer = 0, sum = 0;
  constexpr int kIters = 500;
  for (int i = 1; i <= kIters; ++i) {
    ASSERT_OK(a->waitEvent(consumed));
    ASSERT_OK(
        a->launchBlocks("write", 1, [&buffer, i](uint32_t) { buffer = i; }));
    ASSERT_OK(a->recordEvent(written));
    ASSERT_OK(b->waitEvent(written));
    ASSERT_OK(b->launchBlocks("read", 1, [&](uint32_t) { sum += buffer; }));
    ASSERT_OK(b->recordEvent(consumed));
  }
  ASSERT_OK(b->synchronize());
  ASSERT_OK(a->synchronize());
  EXPECT_EQ(sum, int64_t(kIters) * (kIters + 1) / 2);
}

TEST(Event, WaitsCaptureTheLatestRecordAtEnqueueTime) {
  auto device = makeDevice(2);
  auto a = makeStream(device), b = makeStream(device);
  Event e;
  Gate first, second;
  std::atomic<int> stage{0};
  int seenStage = -1;
  ASSERT_OK(a->launchCallback("first", [&] {
    first.wait();
    stage = 1;
    return Status::OK();
  }));
  ASSERT_OK(a->recordEvent(e));
  // b waits for record #1 only.
  ASSERT_OK(b->waitEvent(e));
  ASSERT_OK(
      b->launchBlocks("observe", 1, [&](uint32_t) { seenStage = stage; }));
  ASSERT_OK(a->launchCallback("second", [&] {
    second.wait();
    stage = 2;
    return Status::OK();
  }));
  ASSERT_OK(a->recordEvent(e)); // record #2, after b's wait was enqueued
  first.open();
  // b finishes although record #2 is held at the second gate.
  ASSERT_OK(b->synchronize());
  EXPECT_EQ(seenStage, 1);
  EXPECT_EQ(e.query().code(), ErrorCode::kNotReady);
  second.open();
  ASSERT_OK(e.synchronize());
  EXPECT_EQ(stage.load(), 2);
  ASSERT_OK(a->synchronize());
}

TEST(Event, NeverRecordedEvents) {
  auto device = makeDevice(1);
  auto stream = makeStream(device);
  Event e, other;
  EXPECT_FALSE(e.everRecorded());
  EXPECT_OK(e.query());
  EXPECT_OK(e.synchronize());
  EXPECT_OK(stream->waitEvent(e)); // no-op
  EXPECT_OK(stream->synchronize());
  StatusOr<float> ms = Event::elapsedMs(e, other);
  EXPECT_EQ(ms.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(ms.status().message().find("never recorded"), std::string::npos);
}

TEST(Event, SynchronizeWaitsForTheRecord) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  Event e;
  Gate gate;
  bool done = false; // read by the host after synchronize: no lock
  ASSERT_OK(stream->launchCallback("gate", [&] {
    gate.wait();
    return Status::OK();
  }));
  ASSERT_OK(stream->launchBlocks("work", 1, [&](uint32_t) { done = true; }));
  ASSERT_OK(stream->recordEvent(e));
  std::thread opener([&] { gate.open(); });
  ASSERT_OK(e.synchronize());
  EXPECT_TRUE(done);
  opener.join();
  ASSERT_OK(stream->synchronize());
}

TEST(Event, ElapsedTime) {
  auto device = makeDevice(1);
  auto stream = makeStream(device);
  Event start, end;
  Gate gate;
  ASSERT_OK(stream->recordEvent(start));
  ASSERT_OK(stream->launchCallback("gate", [&] {
    gate.wait();
    return Status::OK();
  }));
  ASSERT_OK(stream->recordEvent(end));
  EXPECT_EQ(Event::elapsedMs(start, end).status().code(), ErrorCode::kNotReady);
  gate.open();
  ASSERT_OK(stream->synchronize());
  StatusOr<float> forward = Event::elapsedMs(start, end);
  ASSERT_TRUE(forward.ok()) << forward.status().toString();
  // Same stream, so `end` was reached after `start`.
  EXPECT_GE(*forward, 0.0f);
  EXPECT_LE(Event::elapsedMs(end, start).value(), 0.0f);
}

TEST(Event, DestroyingAnEventWithPendingWaitsIsSafe) {
  auto device = makeDevice(2);
  auto a = makeStream(device), b = makeStream(device);
  Gate gate;
  int value = 0, seen = 0;
  {
    Event e;
    ASSERT_OK(a->launchCallback("gate", [&] {
      gate.wait();
      value = 7;
      return Status::OK();
    }));
    ASSERT_OK(a->recordEvent(e));
    ASSERT_OK(b->waitEvent(e));
    ASSERT_OK(b->launchBlocks("read", 1, [&](uint32_t) { seen = value; }));
  } // the Event object is gone; the tasks still hold its state
  gate.open();
  ASSERT_OK(b->synchronize());
  EXPECT_EQ(seen, 7);
  ASSERT_OK(a->synchronize());
}

TEST(Event, StreamsOfDifferentDevicesCanWaitOnEachOther) {
  auto d0 = makeDevice(1), d1 = makeDevice(1);
  auto a = makeStream(d0), b = makeStream(d1);
  Event e;
  Gate gate;
  int value = 0, seen = 0;
  std::thread::id coreOfA, coreOfB;
  ASSERT_OK(a->launchCallback("gate", [&] {
    gate.wait();
    value = 11;
    coreOfA = std::this_thread::get_id();
    return Status::OK();
  }));
  ASSERT_OK(a->recordEvent(e));
  ASSERT_OK(b->waitEvent(e));
  ASSERT_OK(b->launchBlocks("read", 1, [&](uint32_t) {
    seen = value;
    coreOfB = std::this_thread::get_id();
  }));
  EXPECT_EQ(b->query().code(), ErrorCode::kNotReady);
  gate.open();
  ASSERT_OK(b->synchronize());
  ASSERT_OK(a->synchronize());
  EXPECT_EQ(seen, 11);
  // b's tasks ran on d1's AI core, not on the d0 core that reached the
  // event b waited for.
  EXPECT_NE(coreOfA, coreOfB);
}
