// Task failures: reported at the next synchronize with the task named, later
// tasks skipped, the stream usable again afterwards, and failures carried
// to other streams through events.

#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

using namespace geflow;
using namespace geflow::rt;
using namespace geflow::rt::testing;

static int32_t failingKernel(const kernels::KernelArgs &, uint32_t blockIdx,
                             uint32_t) {
  return blockIdx == 9 ? 7 : 0;
}

static bool contains(const Status &s, const std::string &text) {
  return s.message().find(text) != std::string::npos;
}

TEST(Errors, KernelFailureSkipsLaterTasksUntilSynchronize) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  std::atomic<int> ran{0};
  auto inc = [&](uint32_t) { ++ran; };
  ASSERT_OK(stream->launchBlocks("before", 1, inc));
  ASSERT_OK(stream->launchKernel("bad_kernel", failingKernel, {}, 16));
  for (int i = 0; i < 5; ++i)
    ASSERT_OK(stream->launchBlocks("after", 2, inc));
  Status s = stream->synchronize();
  EXPECT_EQ(s.code(), ErrorCode::kTaskFailed);
  EXPECT_TRUE(contains(s, "kernel task 'bad_kernel' on stream")) << s.message();
  EXPECT_TRUE(contains(s, "kernel returned 7 in block 9 of 16")) << s.message();
  EXPECT_TRUE(contains(s, "5 later task(s) on the stream were skipped"))
      << s.message();
  EXPECT_EQ(ran.load(), 1);

  // Recovery: the failure was reported once, the stream runs again.
  EXPECT_OK(stream->synchronize());
  ASSERT_OK(stream->launchBlocks("again", 3, inc));
  EXPECT_OK(stream->synchronize());
  EXPECT_EQ(ran.load(), 4);
}

TEST(Errors, ExceptionsFailTheTask) {
  auto device = makeDevice(2);
  auto stream = makeStream(device);
  ASSERT_OK(stream->launchBlocks("throws", 4, [](uint32_t b) {
    if (b == 2)
      throw std::runtime_error("bad shape");
  }));
  Status s = stream->synchronize();
  EXPECT_EQ(s.code(), ErrorCode::kTaskFailed);
  EXPECT_TRUE(contains(s, "'throws'")) << s.message();
  EXPECT_TRUE(contains(s, "exception in block 2 of 4: bad shape"))
      << s.message();

  ASSERT_OK(stream->launchCallback(
      "throwing_cb", []() -> Status { throw std::logic_error("oops"); }));
  s = stream->synchronize();
  EXPECT_TRUE(contains(s, "callback task 'throwing_cb'")) << s.message();
  EXPECT_TRUE(contains(s, "oops")) << s.message();
}

TEST(Errors, CallbackErrorsKeepTheirCode) {
  auto device = makeDevice(1);
  auto stream = makeStream(device);
  ASSERT_OK(stream->launchCallback("alloc_cb", [] {
    return Status(ErrorCode::kOutOfMemory, "no room for the workspace");
  }));
  Status s = stream->synchronize();
  EXPECT_EQ(s.code(), ErrorCode::kOutOfMemory);
  EXPECT_TRUE(contains(s, "callback task 'alloc_cb'")) << s.message();
  EXPECT_TRUE(contains(s, "no room for the workspace")) << s.message();
}

TEST(Errors, OnlyTheFirstFailureIsReported) {
  auto device = makeDevice(1);
  auto stream = makeStream(device);
  ASSERT_OK(stream->launchCallback(
      "first", [] { return Status(ErrorCode::kTaskFailed, "one"); }));
  ASSERT_OK(stream->launchCallback(
      "second", [] { return Status(ErrorCode::kTaskFailed, "two"); }));
  Status s = stream->synchronize();
  EXPECT_TRUE(contains(s, "'first'")) << s.message();
  EXPECT_FALSE(contains(s, "'second'")) << s.message();
}

TEST(Errors, FailuresTravelThroughEvents) {
  auto device = makeDevice(2);
  auto a = makeStream(device), b = makeStream(device);
  Event e;
  std::atomic<int> bRan{0};
  ASSERT_OK(a->launchCallback(
      "conv1", [] { return Status(ErrorCode::kTaskFailed, "bad input"); }));
  ASSERT_OK(a->recordEvent(e)); // still completes, carrying the failure
  ASSERT_OK(b->waitEvent(e));
  ASSERT_OK(b->launchBlocks("downstream", 1, [&](uint32_t) { ++bRan; }));

  Status sb = b->synchronize();
  EXPECT_EQ(sb.code(), ErrorCode::kTaskFailed);
  // The cause comes first, then the way it travelled.
  std::string expected = "callback task 'conv1' on stream " +
                         std::to_string(a->id()) +
                         " failed: bad input (reached stream " +
                         std::to_string(b->id()) + " through an event)";
  EXPECT_EQ(sb.message().rfind(expected, 0), 0u) << sb.message();
  EXPECT_EQ(bRan.load(), 0);

  Status se = e.synchronize();
  EXPECT_TRUE(contains(se, "'conv1'")) << se.message();

  Status sa = a->synchronize();
  EXPECT_TRUE(contains(sa, "'conv1'")) << sa.message();
  EXPECT_TRUE(contains(sa, "bad input")) << sa.message();

  // Both recover; a clean record clears what the event carries.
  ASSERT_OK(a->recordEvent(e));
  ASSERT_OK(b->waitEvent(e));
  ASSERT_OK(b->launchBlocks("downstream", 1, [&](uint32_t) { ++bRan; }));
  EXPECT_OK(b->synchronize());
  EXPECT_OK(a->synchronize());
  EXPECT_OK(e.synchronize());
  EXPECT_EQ(bRan.load(), 1);
}

TEST(Errors, WaitingOnAnAlreadyFailedRecordFails) {
  auto device = makeDevice(1);
  auto a = makeStream(device), b = makeStream(device);
  Event e;
  ASSERT_OK(a->launchCallback(
      "early", [] { return Status(ErrorCode::kTaskFailed, "broken"); }));
  ASSERT_OK(a->recordEvent(e));
  EXPECT_FALSE(a->synchronize().ok());
  // The record was reached long ago, but it carries a failure.
  ASSERT_OK(b->waitEvent(e));
  Status s = b->synchronize();
  EXPECT_TRUE(contains(s, "'early'")) << s.message();
}

TEST(Errors, SynchronizeInsideATaskIsRejected) {
  auto device = makeDevice(2);
  auto a = makeStream(device), b = makeStream(device);
  Event e;
  Status inner, innerEvent;
  ASSERT_OK(a->launchCallback("nested", [&] {
    inner = b->synchronize();
    innerEvent = e.synchronize();
    return Status::OK();
  }));
  ASSERT_OK(a->synchronize());
  EXPECT_EQ(inner.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(inner, "from a task running on an AI core"));
  EXPECT_EQ(innerEvent.code(), ErrorCode::kInvalidArgument);
}
