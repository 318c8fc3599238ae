#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <thread>

using namespace geflow::rt;
using namespace geflow::rt::testing;

TEST(Device, PropertiesFollowTheOptions) {
  DeviceOptions options;
  options.aiCoreCount = 3;
  options.memoryLimit = 64 << 20;
  StatusOr<std::shared_ptr<Device>> device = Device::create(5, options);
  ASSERT_TRUE(device.ok()) << device.status().toString();
  const DeviceProperties &p = (*device)->properties();
  EXPECT_EQ(p.id, 5);
  EXPECT_EQ(p.socName, "host");
  EXPECT_EQ(p.aiCoreCount, 3u);
  EXPECT_EQ(p.soc.aiCoreCount, 3u);
  EXPECT_EQ(p.totalMemory, uint64_t(64) << 20);
  EXPECT_EQ((*device)->allocator().limit(), uint64_t(64) << 20);
}

TEST(Device, DefaultsToHostCoresAndMemory) {
  StatusOr<std::shared_ptr<Device>> device = Device::create(0, {});
  ASSERT_TRUE(device.ok());
  unsigned hw = std::thread::hardware_concurrency();
  EXPECT_EQ((*device)->properties().aiCoreCount, hw > 0 ? hw : 1u);
  EXPECT_GT((*device)->properties().totalMemory, uint64_t(64) << 20);
}

TEST(Device, RejectsNonsenseOptions) {
  DeviceOptions tooMany;
  tooMany.aiCoreCount = 100000;
  EXPECT_EQ(Device::create(0, tooMany).status().code(),
            ErrorCode::kInvalidArgument);
  DeviceOptions spin;
  spin.spinMicros = 5000000;
  EXPECT_EQ(Device::create(0, spin).status().code(),
            ErrorCode::kInvalidArgument);
  DeviceOptions runSpin;
  runSpin.runSpinMicros = 5000000;
  Status st = Device::create(0, runSpin).status();
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("runSpinMicros 5000000 exceeds"),
            std::string::npos)
      << st.message();
  DeviceOptions idleSpin;
  idleSpin.idleSpinMicros = 5000000;
  st = Device::create(0, idleSpin).status();
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("idleSpinMicros 5000000 exceeds"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(Device::create(-1, {}).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(Device, WorksWithoutPolling) {
  // spinMicros = 0 (with and without polling during runs): idle cores sleep
  // at once outside runs; work must still flow.
  for (uint32_t runSpin : {0u, 2000u}) {
    DeviceOptions options;
    options.aiCoreCount = 2;
    options.spinMicros = 0;
    options.runSpinMicros = runSpin;
    auto device = Device::create(0, options).value();
    auto a = makeStream(device), b = makeStream(device);
    Event e;
    std::atomic<int> ran{0};
    for (int i = 0; i < 200; ++i) {
      ASSERT_OK(a->launchBlocks("x", 3, [&](uint32_t) { ++ran; }));
      ASSERT_OK(a->recordEvent(e));
      ASSERT_OK(b->waitEvent(e));
      ASSERT_OK(b->launchBlocks("y", 1, [&](uint32_t) { ++ran; }));
    }
    ASSERT_OK(b->synchronize());
    ASSERT_OK(a->synchronize());
    EXPECT_EQ(ran.load(), 800);
  }
}

/// CPU seconds the process has used (every thread).
static double processCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval &t) { return t.tv_sec + t.tv_usec * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

TEST(Device, ExpectWorkWakesSleepingCores) {
  // Cores that sleep at once when idle (spinMicros 0) poll after
  // expectWork() for runSpinMicros: they use CPU without any work queued,
  // then work flows as usual. (Two cores polling for 40 ms use far more
  // than 2 ms of CPU even on a busy machine; asleep they use none.)
  DeviceOptions options;
  options.aiCoreCount = 2;
  options.spinMicros = 0;
  options.runSpinMicros = 40000;
  auto device = Device::create(0, options).value();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  double before = processCpuSeconds();
  device->expectWork();
  device->expectWork(); // back to back: the second is a cheap no-op
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_GT(processCpuSeconds() - before, 0.002);
  auto stream = makeStream(device);
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) {
    device->expectWork();
    ASSERT_OK(stream->launchBlocks("x", 2, [&](uint32_t) { ++ran; }));
  }
  ASSERT_OK(stream->synchronize());
  EXPECT_EQ(ran.load(), 100);
}

/// Summed over the cores.
static CoreStats total(const std::vector<CoreStats> &stats) {
  CoreStats sum;
  for (const CoreStats &c : stats) {
    sum.busyNs += c.busyNs;
    sum.workItems += c.workItems;
    sum.pickupNs += c.pickupNs;
    sum.sleeps += c.sleeps;
    sum.wakeNs += c.wakeNs;
  }
  return sum;
}

TEST(Device, CoreStatsCountWorkAndSleeps) {
  DeviceOptions options;
  options.aiCoreCount = 2;
  options.spinMicros = 0;
  options.runSpinMicros = 0;
  options.idleSpinMicros = 0;
  auto device = Device::create(0, options).value();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::vector<CoreStats> before = device->coreStats();
  ASSERT_EQ(before.size(), 2u);
  // Nothing ran yet: both cores went to sleep at once.
  for (const CoreStats &c : before) {
    EXPECT_EQ(c.busyNs, 0u);
    EXPECT_EQ(c.workItems, 0u);
    EXPECT_GE(c.sleeps, 1u);
  }
  auto stream = makeStream(device);
  std::atomic<int> ran{0};
  for (int i = 0; i < 20; ++i)
    ASSERT_OK(stream->launchBlocks("x", 4, [&](uint32_t) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      ++ran;
    }));
  ASSERT_OK(stream->synchronize());
  EXPECT_EQ(ran.load(), 80);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CoreStats after = total(device->coreStats());
  CoreStats was = total(before);
  // 80 blocks of at least 200 us each ran on the cores.
  EXPECT_GE(after.busyNs - was.busyNs, uint64_t(80 * 200000));
  EXPECT_GE(after.workItems - was.workItems, 1u);
  // Without any polling the cores slept again after the run, and were woken
  // for it (each wake-up counted with its latency).
  EXPECT_GT(after.sleeps, was.sleeps);
  EXPECT_GE(after.wakeNs, was.wakeNs);
}

TEST(Device, IdleSpinKeepsCoresAwakeAfterARun) {
  // With idleSpinMicros, the cores poll after the last run ends instead of
  // sleeping; the run's start woke both, though its one kernel used one.
  for (uint32_t idleSpin : {0u, 1000000u}) {
    DeviceOptions options;
    options.aiCoreCount = 2;
    options.spinMicros = 0;
    options.runSpinMicros = 0;
    options.idleSpinMicros = idleSpin;
    auto device = Device::create(0, options).value();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    uint64_t sleepsBeforeRun = total(device->coreStats()).sleeps;
    auto stream = makeStream(device);
    std::atomic<int> ran{0};
    ASSERT_OK(stream->launchBlocks("x", 1, [&](uint32_t) { ++ran; }));
    ASSERT_OK(stream->synchronize());
    uint64_t sleepsAfterRun = total(device->coreStats()).sleeps;
    double before = processCpuSeconds();
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    double used = processCpuSeconds() - before;
    uint64_t sleepsLater = total(device->coreStats()).sleeps;
    EXPECT_EQ(ran.load(), 1);
    if (idleSpin > 0) {
      // Still polling 40 ms after the run: no core went back to sleep, and
      // the polling used CPU (two cores for 40 ms: far more than 2 ms).
      EXPECT_EQ(sleepsLater, sleepsAfterRun);
      EXPECT_GT(used, 0.002);
    } else {
      // The run's start woke both sleeping cores at once (two wake-ups
      // though one kernel of one block ran), and each slept again: the
      // sleeps grew by two since the cores first fell asleep.
      EXPECT_EQ(sleepsLater - sleepsBeforeRun, 2u);
      EXPECT_LT(used, 0.02);
    }
  }
}

// The process-wide table (setDevice / resetDevice). Each test leaves every
// device closed again.

TEST(DeviceTable, SetUseAndReset) {
  EXPECT_EQ(getDeviceCount(), 1);
  DeviceOptions options;
  options.aiCoreCount = 2;
  options.memoryLimit = 32 << 20;
  ASSERT_OK(configureDevice(0, options));
  ASSERT_OK(setDevice(0));
  EXPECT_EQ(getCurrentDeviceId().value(), 0);
  std::shared_ptr<Device> device = getCurrentDevice().value();
  EXPECT_EQ(device->properties().aiCoreCount, 2u);
  EXPECT_EQ(getDeviceProperties(0).value().totalMemory, uint64_t(32) << 20);
  // Configuring an open device is refused.
  EXPECT_EQ(configureDevice(0, {}).code(), ErrorCode::kInvalidArgument);

  // Reference counted: a second setDevice needs a second reset.
  ASSERT_OK(setDevice(0));
  ASSERT_OK(resetDevice(0));
  EXPECT_TRUE(getOpenDevice(0).ok());
  ASSERT_OK(resetDevice(0));
  EXPECT_FALSE(getOpenDevice(0).ok());
  Status again = resetDevice(0);
  EXPECT_EQ(again.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(again.message().find("not open"), std::string::npos);
  // The thread's current id remains, but the device is gone.
  StatusOr<std::shared_ptr<Device>> gone = getCurrentDevice();
  EXPECT_FALSE(gone.ok());
  // Properties of a closed device come from its configuration.
  EXPECT_EQ(getDeviceProperties(0).value().aiCoreCount, 2u);
  ASSERT_OK(configureDevice(0, {}));
}

TEST(DeviceTable, IdsAreChecked) {
  Status s = setDevice(1);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("out of range"), std::string::npos);
  EXPECT_EQ(setDevice(-1).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(setDeviceCount(0).code(), ErrorCode::kInvalidArgument);
  ASSERT_OK(setDeviceCount(3));
  DeviceOptions one;
  one.aiCoreCount = 1;
  ASSERT_OK(configureDevice(2, one));
  ASSERT_OK(setDevice(2));
  EXPECT_EQ(getCurrentDeviceId().value(), 2);
  // The count cannot change under an open device.
  EXPECT_EQ(setDeviceCount(1).code(), ErrorCode::kInvalidArgument);
  ASSERT_OK(resetDevice(2));
  ASSERT_OK(configureDevice(2, {}));
  ASSERT_OK(setDeviceCount(1));
}

TEST(DeviceTable, ResetFromATaskIsRejected) {
  ASSERT_OK(setDevice(0));
  auto stream = makeStream(getCurrentDevice().value());
  Status inner;
  ASSERT_OK(stream->launchCallback("reset", [&] {
    inner = resetDevice(0);
    return Status::OK();
  }));
  ASSERT_OK(stream->synchronize());
  EXPECT_EQ(inner.code(), ErrorCode::kInvalidArgument);
  stream.reset();
  ASSERT_OK(resetDevice(0));
  EXPECT_FALSE(getOpenDevice(0).ok());
}

TEST(DeviceTable, CurrentDeviceIsPerThread) {
  ASSERT_OK(setDevice(0));
  std::thread other([] {
    StatusOr<int32_t> id = getCurrentDeviceId();
    EXPECT_FALSE(id.ok());
    EXPECT_NE(id.status().message().find("call setDevice"), std::string::npos);
  });
  other.join();
  ASSERT_OK(resetDevice(0));
}
