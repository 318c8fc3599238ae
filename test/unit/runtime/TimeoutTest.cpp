//===- TimeoutTest.cpp - stream/event/op execution timeouts ---------------===//
//
// A stuck task or wait ends in a kTimeout error that names it, quickly, and
// the stream, the event and the device work normally afterwards.
//
//===----------------------------------------------------------------------===//
#include "RuntimeTestUtil.h"

#include "geflow/runtime/Timeouts.h"

#include <atomic>
#include <chrono>
#include <thread>

using namespace geflow::rt;
using namespace geflow::rt::testing;

namespace {

using Clock = std::chrono::steady_clock;

int64_t msSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() -
                                                               start)
      .count();
}

/// Restores "no timeouts" when a test ends, whatever it set.
struct TimeoutsScope {
  explicit TimeoutsScope(const SyncTimeouts &t) { setSyncTimeouts(t); }
  ~TimeoutsScope() { setSyncTimeouts({}); }
};

} // namespace

TEST(Timeouts, DefaultIsNoLimit) {
  SyncTimeouts t = getSyncTimeouts();
  EXPECT_EQ(t.opExecuteMs, -1);
  EXPECT_EQ(t.streamSyncMs, -1);
  EXPECT_EQ(t.eventSyncMs, -1);
}

TEST(Timeouts, StreamSyncTimeoutNamesTheStuckTask) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  Gate gate;
  ASSERT_OK(stream->launchCallback("stuck_op", [&] {
    gate.wait();
    return Status::OK();
  }));
  {
    TimeoutsScope scope({-1, 50, -1});
    Clock::time_point start = Clock::now();
    Status st = stream->synchronize();
    EXPECT_EQ(st.code(), ErrorCode::kTimeout);
    EXPECT_NE(st.message().find("stream_sync_timeout"), std::string::npos)
        << st.message();
    EXPECT_NE(st.message().find("'stuck_op'"), std::string::npos)
        << st.message();
    EXPECT_LT(msSince(start), 5000);
  }
  // Nothing failed: once the task is let go the stream is fine.
  gate.open();
  ASSERT_OK(stream->synchronize());
  std::atomic<bool> ran{false};
  ASSERT_OK(stream->launchCallback("after", [&] {
    ran = true;
    return Status::OK();
  }));
  ASSERT_OK(stream->synchronize());
  EXPECT_TRUE(ran);
}

TEST(Timeouts, StreamSyncTimeoutOnAnEventWait) {
  auto device = makeDevice(2);
  auto producer = makeStream(device);
  auto consumer = makeStream(device);
  Gate gate;
  Event event;
  ASSERT_OK(producer->launchCallback("slow_producer", [&] {
    gate.wait();
    return Status::OK();
  }));
  ASSERT_OK(producer->recordEvent(event));
  ASSERT_OK(consumer->waitEvent(event));
  {
    TimeoutsScope scope({-1, 30, -1});
    Status st = consumer->synchronize();
    EXPECT_EQ(st.code(), ErrorCode::kTimeout);
    EXPECT_NE(st.message().find("event wait"), std::string::npos)
        << st.message();
  }
  gate.open();
  ASSERT_OK(producer->synchronize());
  ASSERT_OK(consumer->synchronize());
}

TEST(Timeouts, OpExecuteTimeoutFailsTheStreamWithoutWaiting) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  Gate gate;
  std::atomic<bool> laterRan{false};
  ASSERT_OK(stream->launchCallback("endless_kernel", [&] {
    gate.wait();
    return Status::OK();
  }));
  ASSERT_OK(stream->launchCallback("later", [&] {
    laterRan = true;
    return Status::OK();
  }));
  {
    TimeoutsScope scope({40, -1, -1});
    Clock::time_point start = Clock::now();
    Status st = stream->synchronize();
    EXPECT_EQ(st.code(), ErrorCode::kTimeout);
    EXPECT_NE(st.message().find("op_execute_timeout"), std::string::npos)
        << st.message();
    EXPECT_NE(st.message().find("'endless_kernel'"), std::string::npos)
        << st.message();
    EXPECT_LT(msSince(start), 5000);
    // Still stuck: asking again answers again instead of hanging.
    EXPECT_EQ(stream->synchronize().code(), ErrorCode::kTimeout);
  }
  // Once the task returns, the failure is reported once (the later task was
  // skipped) and the stream runs new work.
  gate.open();
  Status failure = stream->synchronize();
  EXPECT_EQ(failure.code(), ErrorCode::kTimeout);
  EXPECT_NE(failure.message().find("skipped"), std::string::npos)
      << failure.message();
  EXPECT_FALSE(laterRan);
  std::atomic<bool> ran{false};
  ASSERT_OK(stream->launchCallback("after", [&] {
    ran = true;
    return Status::OK();
  }));
  ASSERT_OK(stream->synchronize());
  EXPECT_TRUE(ran);
}

TEST(Timeouts, OpExecuteTimeoutSparesTasksThatFinishInTime) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  TimeoutsScope scope({1000, -1, -1});
  std::atomic<int> ran{0};
  for (int i = 0; i < 100; ++i)
    ASSERT_OK(stream->launchCallback("quick", [&] {
      ++ran;
      return Status::OK();
    }));
  ASSERT_OK(stream->synchronize());
  EXPECT_EQ(ran, 100);
}

TEST(Timeouts, EventSyncTimeout) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  Gate gate;
  Event event;
  ASSERT_OK(stream->launchCallback("slow", [&] {
    gate.wait();
    return Status::OK();
  }));
  ASSERT_OK(stream->recordEvent(event));
  {
    TimeoutsScope scope({-1, -1, 30});
    Clock::time_point start = Clock::now();
    Status st = event.synchronize();
    EXPECT_EQ(st.code(), ErrorCode::kTimeout);
    EXPECT_NE(st.message().find("event_sync_timeout"), std::string::npos)
        << st.message();
    EXPECT_LT(msSince(start), 5000);
  }
  gate.open();
  ASSERT_OK(event.synchronize());
  ASSERT_OK(stream->synchronize());
}

// op_execute_timeout covers the task a synchronized stream waits behind on
// another stream (an executor's model spans several streams joined by
// events): the wait fails at once, naming the overdue task and its stream.
TEST(Timeouts, OpExecuteTimeoutFollowsEventWaitsToOtherStreams) {
  auto device = makeDevice(2);
  auto producer = makeStream(device);
  auto consumer = makeStream(device);
  Gate gate;
  Event event;
  std::atomic<bool> laterRan{false};
  ASSERT_OK(producer->launchCallback("stuck_on_producer", [&] {
    gate.wait();
    return Status::OK();
  }));
  ASSERT_OK(producer->recordEvent(event));
  ASSERT_OK(consumer->waitEvent(event));
  ASSERT_OK(consumer->launchCallback("later", [&] {
    laterRan = true;
    return Status::OK();
  }));
  {
    TimeoutsScope scope({40, -1, -1});
    Clock::time_point start = Clock::now();
    Status st = consumer->synchronize();
    EXPECT_EQ(st.code(), ErrorCode::kTimeout);
    EXPECT_NE(st.message().find("event wait"), std::string::npos)
        << st.message();
    EXPECT_NE(st.message().find("'stuck_on_producer' on stream " +
                                std::to_string(producer->id())),
              std::string::npos)
        << st.message();
    EXPECT_NE(st.message().find("op_execute_timeout"), std::string::npos)
        << st.message();
    EXPECT_LT(msSince(start), 5000);
    // The event's own waiters get the same answer.
    Status ev = event.synchronize();
    EXPECT_EQ(ev.code(), ErrorCode::kTimeout);
    EXPECT_NE(ev.message().find("'stuck_on_producer'"), std::string::npos)
        << ev.message();
  }
  // Once the task returns each stream reports its failure once (the
  // producer's the timeout, the consumer's the timeout it waited behind;
  // its later task was skipped) and both run new work.
  gate.open();
  EXPECT_EQ(producer->synchronize().code(), ErrorCode::kTimeout);
  Status consumerFailure = consumer->synchronize();
  EXPECT_EQ(consumerFailure.code(), ErrorCode::kTimeout);
  EXPECT_FALSE(laterRan);
  for (Stream *s : {producer.get(), consumer.get()}) {
    std::atomic<bool> ran{false};
    ASSERT_OK(s->launchCallback("after", [&] {
      ran = true;
      return Status::OK();
    }));
    ASSERT_OK(s->synchronize());
    EXPECT_TRUE(ran);
  }
}

TEST(Timeouts, OpExecuteTimeoutFollowsAChainOfStreams) {
  auto device = makeDevice(2);
  auto first = makeStream(device), middle = makeStream(device),
       last = makeStream(device);
  Gate gate;
  Event firstDone, middleDone;
  ASSERT_OK(first->launchCallback("stuck_at_the_source", [&] {
    gate.wait();
    return Status::OK();
  }));
  ASSERT_OK(first->recordEvent(firstDone));
  ASSERT_OK(middle->waitEvent(firstDone));
  ASSERT_OK(middle->recordEvent(middleDone));
  ASSERT_OK(last->waitEvent(middleDone));
  {
    TimeoutsScope scope({30, -1, -1});
    Status st = last->synchronize();
    EXPECT_EQ(st.code(), ErrorCode::kTimeout);
    EXPECT_NE(st.message().find("'stuck_at_the_source' on stream " +
                                std::to_string(first->id())),
              std::string::npos)
        << st.message();
  }
  gate.open();
  EXPECT_EQ(first->synchronize().code(), ErrorCode::kTimeout);
  EXPECT_EQ(middle->synchronize().code(), ErrorCode::kTimeout);
  EXPECT_EQ(last->synchronize().code(), ErrorCode::kTimeout);
  ASSERT_OK(first->synchronize());
  ASSERT_OK(last->synchronize());
}

TEST(Timeouts, OpExecuteTimeoutSparesOtherStreamsTasksThatFinishInTime) {
  auto device = makeDevice(2);
  auto producer = makeStream(device);
  auto consumer = makeStream(device);
  TimeoutsScope scope({1000, -1, -1});
  std::atomic<int> ran{0};
  for (int round = 0; round < 20; ++round) {
    Event event;
    ASSERT_OK(producer->launchCallback("quick", [&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      ++ran;
      return Status::OK();
    }));
    ASSERT_OK(producer->recordEvent(event));
    ASSERT_OK(consumer->waitEvent(event));
    ASSERT_OK(consumer->launchCallback("quick", [&] {
      ++ran;
      return Status::OK();
    }));
  }
  ASSERT_OK(consumer->synchronize());
  ASSERT_OK(producer->synchronize());
  EXPECT_EQ(ran, 40);
}

// A task already running when op_execute_timeout is set is timed from the
// moment a waiter first sees it, not left untimed.
TEST(Timeouts, OpExecuteTimeoutCoversATaskStartedBeforeItWasSet) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  Gate gate;
  std::atomic<bool> started{false};
  ASSERT_OK(stream->launchCallback("early_kernel", [&] {
    started = true;
    gate.wait();
    return Status::OK();
  }));
  while (!started)
    std::this_thread::yield();
  {
    TimeoutsScope scope({40, -1, -1});
    Clock::time_point start = Clock::now();
    Status st = stream->synchronize();
    EXPECT_EQ(st.code(), ErrorCode::kTimeout);
    EXPECT_NE(st.message().find("'early_kernel'"), std::string::npos)
        << st.message();
    EXPECT_GE(msSince(start), 40);
    EXPECT_LT(msSince(start), 5000);
  }
  gate.open();
  EXPECT_EQ(stream->synchronize().code(), ErrorCode::kTimeout);
  ASSERT_OK(stream->synchronize());
}

TEST(Timeouts, WaitUntilIdleOutlastsATimedOutSynchronize) {
  // What Model::run does after a timed-out wait: the tasks still own the
  // caller's buffers until waitUntilIdle() returns, with no timeout of its
  // own, and the stream is clean afterwards.
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  Gate gate;
  std::atomic<int> written{0};
  ASSERT_OK(stream->launchCallback("slow_writer", [&] {
    gate.wait();
    written = 1;
    return Status::OK();
  }));
  ASSERT_OK(stream->launchCallback("fails_later", [&] {
    written = 2;
    return Status(ErrorCode::kInternal, "reported after the timeout");
  }));
  TimeoutsScope scope({-1, 20, -1});
  EXPECT_EQ(stream->synchronize().code(), ErrorCode::kTimeout);
  EXPECT_EQ(written.load(), 0);
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    gate.open();
  });
  stream->waitUntilIdle(); // longer than stream_sync_timeout
  release.join();
  EXPECT_EQ(written.load(), 2);
  EXPECT_OK(stream->query());
  // The failure of a task after the timeout is dropped with it.
  EXPECT_OK(stream->synchronize());
}
