// Several virtual devices in one process: the host's CPUs split between
// them (each device's AI cores pinned to its own CPUs), memory accounted per
// device, copies between devices explicit, and two models running at once,
// one per device, each on its own cores. Each test leaves the table as it
// found it: one device, closed.
#include "ExecutorTestUtil.h"

#include "geflow/runtime/Profiler.h"
#include "geflow/runtime/gfrt.h"

#include <algorithm>
#include <set>
#include <thread>

using namespace geflow;
using namespace geflow::rt;
using namespace geflow::rt::testing;

namespace {

/// Two devices of one CPU each (the first two CPUs the process may use),
/// configured on the process-wide table; restores one default device.
class TwoDevices : public ::testing::Test {
protected:
  void SetUp() override {
    std::vector<int32_t> cpus = availableCpus();
    if (cpus.size() < 2)
      GTEST_SKIP() << "needs two host CPUs, the process may use "
                   << formatCpuList(cpus);
    cpu0 = cpus[0];
    cpu1 = cpus[1];
    std::string spec = std::to_string(cpu0) + "," + std::to_string(cpu1);
    StatusOr<std::vector<DeviceOptions>> split =
        planDeviceSplit(0, spec, "test split");
    ASSERT_TRUE(split.ok()) << split.status().toString();
    ASSERT_OK(configureDevices(*split));
    ASSERT_OK(setDevice(0));
    ASSERT_OK(setDevice(1)); // the thread's current device: 1
    dev0 = getOpenDevice(0).value();
    dev1 = getOpenDevice(1).value();
    configured = true;
  }
  void TearDown() override {
    if (!configured)
      return;
    dev0.reset();
    dev1.reset();
    ASSERT_OK(resetDevice(0));
    ASSERT_OK(resetDevice(1));
    ASSERT_OK(configureDevices({DeviceOptions{}}));
  }

  int32_t cpu0 = -1, cpu1 = -1;
  std::shared_ptr<Device> dev0, dev1;
  bool configured = false;
};

} // namespace

TEST(DeviceSplit, ParsesCoreListsAndCounts) {
  std::vector<int32_t> cpus = availableCpus();
  ASSERT_FALSE(cpus.empty());
  // Every available CPU in one device.
  auto one = planDeviceSplit(1, "");
  ASSERT_TRUE(one.ok()) << one.status().toString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].cpus, cpus);
  EXPECT_GT((*one)[0].memoryLimit, 0u);
  EXPECT_EQ(formatCpuList({0, 1, 2, 5, 7, 8}), "0-2+5+7-8");
  if (cpus.size() < 2)
    GTEST_SKIP() << "the rest needs two host CPUs";
  // A count splits the CPUs into contiguous groups; memory is shared out.
  auto two = planDeviceSplit(2, "");
  ASSERT_TRUE(two.ok()) << two.status().toString();
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].cpus.size() + (*two)[1].cpus.size(), cpus.size());
  EXPECT_EQ((*two)[0].cpus.front(), cpus.front());
  EXPECT_EQ((*two)[1].cpus.back(), cpus.back());
  EXPECT_EQ((*two)[0].memoryLimit, (*one)[0].memoryLimit / 2);
  // Explicit lists, a device's ranges joined by '+'.
  std::string a = std::to_string(cpus[0]), b = std::to_string(cpus[1]);
  auto listed = planDeviceSplit(0, b + "," + a);
  ASSERT_TRUE(listed.ok()) << listed.status().toString();
  EXPECT_EQ((*listed)[0].cpus, std::vector<int32_t>{cpus[1]});
  EXPECT_EQ((*listed)[1].cpus, std::vector<int32_t>{cpus[0]});
  auto joined = planDeviceSplit(1, a + "+" + b);
  ASSERT_TRUE(joined.ok()) << joined.status().toString();
  EXPECT_EQ((*joined)[0].cpus.size(), 2u);
}

TEST(DeviceSplit, BadSplitsAreClearErrors) {
  auto message = [](int32_t count, const std::string &cores) {
    auto split = planDeviceSplit(count, cores, "GEFLOW_DEVICE_CORES");
    EXPECT_FALSE(split.ok()) << "accepted " << count << " '" << cores << "'";
    return split.ok() ? std::string() : split.status().message();
  };
  EXPECT_NE(message(0, "x").find("expected CPU numbers or ranges"),
            std::string::npos);
  EXPECT_NE(message(0, "3-1").find("\"3-1\""), std::string::npos);
  EXPECT_NE(message(0, "0,,1").find("device 1"), std::string::npos);
  EXPECT_NE(message(0, "0,0").find("already belongs to another device"),
            std::string::npos);
  EXPECT_NE(message(3, "0").find("lists 1 device(s), but the device count "
                                 "is 3"),
            std::string::npos);
  EXPECT_NE(message(0, "1000").find("not available to this process"),
            std::string::npos);
  EXPECT_NE(message(100000, "").find("must be in [1, 64]"), std::string::npos);
  int32_t tooMany = static_cast<int32_t>(availableCpus().size()) + 1;
  EXPECT_NE(message(tooMany, "").find("host CPUs, but this process may use"),
            std::string::npos);
  // A device's own options are checked the same way.
  DeviceOptions twice;
  twice.cpus = {availableCpus()[0], availableCpus()[0]};
  EXPECT_NE(Device::describe(0, twice).status().message().find("listed twice"),
            std::string::npos);
}

TEST_F(TwoDevices, EachDeviceOwnsItsCoresAndMemory) {
  EXPECT_EQ(getDeviceCount(), 2);
  EXPECT_EQ(dev0->properties().aiCoreCount, 1u);
  EXPECT_EQ(dev0->properties().cpus, std::vector<int32_t>{cpu0});
  EXPECT_EQ(dev1->properties().cpus, std::vector<int32_t>{cpu1});
  EXPECT_EQ(dev0->properties().soc.aiCoreCount, 1u); // tiling sees 1 core
  // Tasks of a device run on its AI cores, pinned to its CPU.
  for (const auto &device : {dev0, dev1}) {
    auto stream = makeStream(device);
    int32_t ranOn = -2, cpu = -2;
    ASSERT_OK(stream->launchBlocks("where", 1, [&](uint32_t) {
      ranOn = currentAiCoreDevice();
      cpu = sched_getcpu();
    }));
    ASSERT_OK(stream->synchronize());
    EXPECT_EQ(ranOn, device->id());
    EXPECT_EQ(cpu, device->properties().cpus[0]);
  }
  // Memory is accounted per device; ACL's GetMemInfo reports the current
  // device's (device 1 here).
  void *p = dev0->allocator().allocate(1 << 20).value();
  EXPECT_EQ(dev0->allocator().stats().inUse, uint64_t(1) << 20);
  EXPECT_EQ(dev1->allocator().stats().inUse, 0u);
  size_t freeBytes = 0, total = 0;
  ASSERT_EQ(gfrtGetMemInfo(&freeBytes, &total), GFRT_SUCCESS);
  EXPECT_EQ(total, dev1->allocator().limit());
  EXPECT_EQ(freeBytes, total);
  // Freeing device 0's memory through device 1 is an error.
  EXPECT_EQ(gfrtFree(p), GFRT_ERROR_INVALID_ARGUMENT);
  ASSERT_OK(dev0->allocator().free(p));
}

TEST_F(TwoDevices, CopiesBetweenDevicesAreExplicit) {
  constexpr size_t kBytes = 4096;
  std::vector<uint8_t> host(kBytes), back(kBytes, 0);
  for (size_t i = 0; i < kBytes; ++i)
    host[i] = static_cast<uint8_t>(i * 7 + 3);
  void *a = dev0->allocator().allocate(kBytes).value();
  void *b = dev1->allocator().allocate(kBytes).value();
  ASSERT_OK(
      dev0->memcpy(a, kBytes, host.data(), kBytes, MemcpyKind::HostToDevice));
  // Device 0 -> device 1 on a stream of device 1, as a DeviceToDevice task.
  auto s1 = makeStream(dev1);
  ASSERT_OK(s1->memcpyAsync(b, kBytes, a, kBytes, MemcpyKind::DeviceToDevice));
  ASSERT_OK(s1->memcpyAsync(back.data(), kBytes, b, kBytes,
                            MemcpyKind::DeviceToHost));
  ASSERT_OK(s1->synchronize());
  EXPECT_EQ(back, host);
  // Default infers DeviceToDevice from where both pointers live.
  ASSERT_OK(dev1->memcpy(b, kBytes, a, kBytes, MemcpyKind::Default));
  // Other kinds may not touch another device's memory.
  Status h2d =
      s1->memcpyAsync(a, kBytes, host.data(), kBytes, MemcpyKind::HostToDevice);
  EXPECT_EQ(h2d.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(h2d.message().find("is memory of device 0, not of device 1"),
            std::string::npos)
      << h2d.message();
  EXPECT_NE(h2d.message().find("DeviceToDevice"), std::string::npos);
  Status asHost =
      s1->memcpyAsync(back.data(), kBytes, a, kBytes, MemcpyKind::HostToHost);
  EXPECT_NE(asHost.message().find("use a device kind"), std::string::npos)
      << asHost.message();
  // A cross-device copy is bounded by the other device's allocation too.
  Status over = s1->memcpyAsync(b, kBytes, static_cast<uint8_t *>(a) + 64,
                                kBytes, MemcpyKind::DeviceToDevice);
  EXPECT_NE(over.message().find("past the end of its allocation on device 0"),
            std::string::npos)
      << over.message();
  ASSERT_OK(s1->synchronize());
  // The C API: gfrtMemcpy on the current device (1) between the devices.
  ASSERT_EQ(gfrtMemcpy(b, kBytes, a, kBytes, GFRT_MEMCPY_DEVICE_TO_DEVICE),
            GFRT_SUCCESS)
      << gfrtGetLastErrorMessage();
  ASSERT_OK(dev0->allocator().free(a));
  ASSERT_OK(dev1->allocator().free(b));
}

TEST_F(TwoDevices, AModelUsesOnlyItsOwnDevicesTensors) {
  Branchy model;
  auto on1 = loadModel(model.m, model.weights, dev1);
  ASSERT_TRUE(on1);
  Branchy::Buffers run(model, 5);
  // The input as a tensor of device 0: used in place it is an error.
  size_t bytes = run.x.size() * sizeof(float);
  void *x0 = dev0->allocator().allocate(bytes).value();
  ASSERT_OK(
      dev0->memcpy(x0, bytes, run.x.data(), bytes, MemcpyKind::HostToDevice));
  std::vector<TensorRef> in = run.inputs();
  in[0].data = x0;
  auto s1 = makeStream(dev1);
  Status st = on1->execute(*s1, in, run.outputs());
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("input 'x' is memory of device 0; copy it to "
                              "device 1 first"),
            std::string::npos)
      << st.message();
  // A stream of another device is refused as well.
  auto s0 = makeStream(dev0);
  st = on1->execute(*s0, run.inputs(), run.outputs());
  EXPECT_NE(st.message().find("is loaded on device 1, but stream"),
            std::string::npos)
      << st.message();
  // Copied explicitly, it runs and the results are right.
  void *x1 = dev1->allocator().allocate(bytes).value();
  ASSERT_OK(s1->memcpyAsync(x1, bytes, x0, bytes, MemcpyKind::DeviceToDevice));
  in[0].data = x1;
  ASSERT_OK(on1->execute(*s1, in, run.outputs()));
  ASSERT_OK(s1->synchronize());
  EXPECT_EQ(model.check(run), 0);
  on1.reset();
  ASSERT_OK(dev0->allocator().free(x0));
  ASSERT_OK(dev1->allocator().free(x1));
}

// The "two devices running two models concurrently": one host
// thread per device, each running its own model, every output checked
// against the host reference, and every kernel block recorded by the
// profiler as run by an AI core of the model's device on that device's CPU.
TEST_F(TwoDevices, TwoModelsRunConcurrentlyEachOnItsOwnCores) {
  constexpr int kRounds = 100;
  Branchy modelA(/*rows=*/64), modelB(/*rows=*/32);
  std::shared_ptr<Device> devices[2] = {dev0, dev1};
  const Branchy *models[2] = {&modelA, &modelB};
  std::unique_ptr<Model> loaded[2];
  std::shared_ptr<Profiler> profilers[2];
  for (int d = 0; d < 2; ++d) {
    loaded[d] = loadModel(models[d]->m, models[d]->weights, devices[d]);
    ASSERT_TRUE(loaded[d]);
    profilers[d] = std::make_shared<Profiler>();
    loaded[d]->setProfiler(profilers[d]);
  }
  int wrong[2] = {0, 0};
  std::string errors[2];
  // Each worker runs its rounds and then keeps going until it has finished
  // a run that began after the other device finished its first: so the two
  // devices' run intervals overlap however the scheduler starts the threads.
  std::atomic<bool> firstDone[2] = {false, false};
  auto worker = [&](int d) {
    auto stream = makeStream(devices[d]);
    bool overlapped = false;
    for (int round = 0; round < kRounds || !overlapped; ++round) {
      bool otherDone = firstDone[1 - d].load();
      Branchy::Buffers run(*models[d], 1000 * d + round);
      Status st = loaded[d]->execute(*stream, run.inputs(), run.outputs());
      if (st.ok())
        st = stream->synchronize();
      if (!st.ok()) {
        errors[d] = st.toString();
        firstDone[d] = true; // the other worker must not wait for this one
        return;
      }
      wrong[d] += models[d]->check(run) != 0;
      firstDone[d] = true;
      overlapped = otherDone;
    }
  };
  std::thread t0(worker, 0), t1(worker, 1);
  t0.join();
  t1.join();
  uint64_t firstStart[2] = {UINT64_MAX, UINT64_MAX}, lastEnd[2] = {0, 0};
  for (int d = 0; d < 2; ++d) {
    EXPECT_EQ(errors[d], "") << "device " << d;
    EXPECT_EQ(wrong[d], 0) << "device " << d;
    std::set<int32_t> devicesSeen, cpusSeen;
    size_t blocks = 0;
    for (const auto &trace : profilers[d]->runs())
      for (const TaskSpan &span : trace->spans)
        for (const BlockSpan &block : span.blocks) {
          firstStart[d] = std::min(firstStart[d], block.startNs);
          lastEnd[d] = std::max(lastEnd[d], block.endNs);
          devicesSeen.insert(block.device);
          cpusSeen.insert(block.cpu);
          ++blocks;
        }
    EXPECT_GE(profilers[d]->runs().size(), size_t(kRounds));
    EXPECT_GE(blocks, size_t(kRounds) * 4) << "device " << d;
    EXPECT_EQ(devicesSeen, std::set<int32_t>{d}) << "device " << d;
    EXPECT_EQ(cpusSeen, std::set<int32_t>{devices[d]->properties().cpus[0]})
        << "device " << d;
  }
  // The two devices ran at the same time.
  EXPECT_LT(std::max(firstStart[0], firstStart[1]),
            std::min(lastEnd[0], lastEnd[1]));
  loaded[0].reset();
  loaded[1].reset();
}

TEST(DeviceTable, RetainDeviceKeepsTheCurrentDevice) {
  ASSERT_OK(setDevice(0));
  StatusOr<std::shared_ptr<Device>> retained = retainDevice(0);
  ASSERT_TRUE(retained.ok());
  EXPECT_EQ(getCurrentDeviceId().value(), 0);
  ASSERT_OK(resetDevice(0)); // the retained reference
  EXPECT_TRUE(getOpenDevice(0).ok());
  ASSERT_OK(resetDevice(0));
  EXPECT_FALSE(getOpenDevice(0).ok());
  EXPECT_EQ(retainDevice(7).status().code(), ErrorCode::kInvalidArgument);
}
