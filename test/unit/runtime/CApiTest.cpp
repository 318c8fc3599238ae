#include "geflow/runtime/gfrt.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::string lastError() { return gfrtGetLastErrorMessage(); }

bool lastErrorHas(const std::string &text) {
  return lastError().find(text) != std::string::npos;
}

/// Opens device 0 with 2 AI cores and a 16 MiB limit for each test.
class CApi : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(gfrtConfigureDevice(0, 2, 16 << 20), GFRT_SUCCESS) << lastError();
    ASSERT_EQ(gfrtSetDevice(0), GFRT_SUCCESS) << lastError();
  }
  void TearDown() override {
    EXPECT_EQ(gfrtResetDevice(0), GFRT_SUCCESS) << lastError();
    EXPECT_EQ(gfrtConfigureDevice(0, 0, 0), GFRT_SUCCESS) << lastError();
  }
};

struct ScaleArgs {
  float factor;
  uint32_t n;
};

int32_t scaleKernel(const gfrtKernelArgs *args, uint32_t blockIdx,
                    uint32_t blockDim) {
  if (args->tilingSize != sizeof(ScaleArgs) || args->numInputs != 1 ||
      args->numOutputs != 1)
    return 1;
  ScaleArgs t;
  std::memcpy(&t, args->tiling, sizeof(t));
  const float *in = static_cast<const float *>(args->inputs[0]);
  float *out = static_cast<float *>(args->outputs[0]);
  for (uint32_t i = blockIdx; i < t.n; i += blockDim)
    out[i] = in[i] * t.factor;
  return 0;
}

int32_t failKernel(const gfrtKernelArgs *, uint32_t, uint32_t) { return 42; }

int32_t countCallback(void *user) {
  ++*static_cast<std::atomic<int> *>(user);
  return 0;
}

int32_t failCallback(void *) { return 5; }

} // namespace

TEST_F(CApi, DeviceQueries) {
  uint32_t count = 0;
  ASSERT_EQ(gfrtGetDeviceCount(&count), GFRT_SUCCESS);
  EXPECT_EQ(count, 1u);
  int32_t id = -1;
  ASSERT_EQ(gfrtGetDevice(&id), GFRT_SUCCESS);
  EXPECT_EQ(id, 0);
  gfrtDeviceProperties props;
  ASSERT_EQ(gfrtGetDeviceProperties(0, &props), GFRT_SUCCESS);
  EXPECT_STREQ(props.socName, "host");
  EXPECT_EQ(props.aiCoreCount, 2u);
  EXPECT_EQ(props.totalMemory, uint64_t(16) << 20);
  size_t freeBytes = 0, total = 0;
  void *p = nullptr;
  ASSERT_EQ(gfrtMalloc(&p, 1 << 20), GFRT_SUCCESS);
  ASSERT_EQ(gfrtGetMemInfo(&freeBytes, &total), GFRT_SUCCESS);
  EXPECT_EQ(total, size_t(16) << 20);
  EXPECT_EQ(freeBytes, size_t(15) << 20);
  ASSERT_EQ(gfrtFree(p), GFRT_SUCCESS);
}

TEST_F(CApi, KernelRoundTrip) {
  constexpr uint32_t n = 1000;
  std::vector<float> host(n), result(n, 0.0f);
  for (uint32_t i = 0; i < n; ++i)
    host[i] = float(i);
  void *in = nullptr, *out = nullptr, *pinned = nullptr;
  ASSERT_EQ(gfrtMalloc(&in, n * 4), GFRT_SUCCESS);
  ASSERT_EQ(gfrtMalloc(&out, n * 4), GFRT_SUCCESS);
  ASSERT_EQ(gfrtMallocHost(&pinned, n * 4), GFRT_SUCCESS);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(in) % 64, 0u);
  gfrtStream stream = nullptr;
  ASSERT_EQ(gfrtCreateStream(&stream), GFRT_SUCCESS);
  ASSERT_NE(stream, nullptr);

  ScaleArgs tiling{2.5f, n};
  const void *inputs[1] = {in};
  void *outputs[1] = {out};
  gfrtKernelArgs args{};
  args.tiling = reinterpret_cast<const uint8_t *>(&tiling);
  args.tilingSize = sizeof(tiling);
  args.inputs = inputs;
  args.numInputs = 1;
  args.outputs = outputs;
  args.numOutputs = 1;
  ASSERT_EQ(gfrtMemcpyAsync(in, n * 4, host.data(), n * 4,
                            GFRT_MEMCPY_HOST_TO_DEVICE, stream),
            GFRT_SUCCESS);
  ASSERT_EQ(gfrtLaunchKernel(scaleKernel, 8, &args, "scale", stream),
            GFRT_SUCCESS);
  ASSERT_EQ(gfrtMemcpyAsync(pinned, n * 4, out, n * 4,
                            GFRT_MEMCPY_DEVICE_TO_HOST, stream),
            GFRT_SUCCESS);
  ASSERT_EQ(gfrtSynchronizeStream(stream), GFRT_SUCCESS) << lastError();
  EXPECT_EQ(lastError(), "");
  ASSERT_EQ(
      gfrtMemcpy(result.data(), n * 4, pinned, n * 4, GFRT_MEMCPY_HOST_TO_HOST),
      GFRT_SUCCESS);
  for (uint32_t i = 0; i < n; ++i)
    ASSERT_EQ(result[i], 2.5f * float(i));

  ASSERT_EQ(gfrtDestroyStream(stream), GFRT_SUCCESS);
  ASSERT_EQ(gfrtFree(in), GFRT_SUCCESS);
  ASSERT_EQ(gfrtFree(out), GFRT_SUCCESS);
  ASSERT_EQ(gfrtFreeHost(pinned), GFRT_SUCCESS);
}

TEST_F(CApi, NullStreamIsTheDefaultStream) {
  std::atomic<int> count{0};
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(gfrtLaunchCallback(countCallback, &count, "count", nullptr),
              GFRT_SUCCESS);
  ASSERT_EQ(gfrtSynchronizeStream(nullptr), GFRT_SUCCESS);
  EXPECT_EQ(count.load(), 10);
  EXPECT_EQ(gfrtQueryStream(nullptr), GFRT_SUCCESS);
  EXPECT_EQ(gfrtDestroyStream(nullptr), GFRT_ERROR_INVALID_ARGUMENT);
}

TEST_F(CApi, EventsAcrossStreams) {
  gfrtStream a, b;
  gfrtEvent start, end;
  ASSERT_EQ(gfrtCreateStream(&a), GFRT_SUCCESS);
  ASSERT_EQ(gfrtCreateStream(&b), GFRT_SUCCESS);
  ASSERT_EQ(gfrtCreateEvent(&start), GFRT_SUCCESS);
  ASSERT_EQ(gfrtCreateEvent(&end), GFRT_SUCCESS);
  std::atomic<int> count{0};
  ASSERT_EQ(gfrtRecordEvent(start, a), GFRT_SUCCESS);
  ASSERT_EQ(gfrtLaunchCallback(countCallback, &count, nullptr, a),
            GFRT_SUCCESS);
  ASSERT_EQ(gfrtRecordEvent(end, a), GFRT_SUCCESS);
  ASSERT_EQ(gfrtStreamWaitEvent(b, end), GFRT_SUCCESS);
  ASSERT_EQ(gfrtLaunchCallback(countCallback, &count, nullptr, b),
            GFRT_SUCCESS);
  ASSERT_EQ(gfrtSynchronizeStream(b), GFRT_SUCCESS);
  EXPECT_EQ(count.load(), 2);
  gfrtEventStatus status = GFRT_EVENT_STATUS_NOT_READY;
  ASSERT_EQ(gfrtQueryEvent(end, &status), GFRT_SUCCESS);
  EXPECT_EQ(status, GFRT_EVENT_STATUS_COMPLETE);
  ASSERT_EQ(gfrtSynchronizeEvent(end), GFRT_SUCCESS);
  float ms = -1.0f;
  ASSERT_EQ(gfrtEventElapsedTime(&ms, start, end), GFRT_SUCCESS);
  EXPECT_GE(ms, 0.0f);
  ASSERT_EQ(gfrtDestroyEvent(start), GFRT_SUCCESS);
  ASSERT_EQ(gfrtDestroyEvent(end), GFRT_SUCCESS);
  ASSERT_EQ(gfrtDestroyStream(a), GFRT_SUCCESS);
  ASSERT_EQ(gfrtDestroyStream(b), GFRT_SUCCESS);
}

TEST_F(CApi, TaskFailuresAndRecovery) {
  gfrtStream s;
  ASSERT_EQ(gfrtCreateStream(&s), GFRT_SUCCESS);
  std::atomic<int> count{0};
  ASSERT_EQ(gfrtLaunchKernel(failKernel, 4, nullptr, "fails", s), GFRT_SUCCESS);
  ASSERT_EQ(gfrtLaunchCallback(countCallback, &count, "skipped", s),
            GFRT_SUCCESS);
  EXPECT_EQ(gfrtSynchronizeStream(s), GFRT_ERROR_TASK_FAILED);
  EXPECT_TRUE(lastErrorHas("kernel task 'fails'")) << lastError();
  EXPECT_TRUE(lastErrorHas("returned 42")) << lastError();
  EXPECT_EQ(count.load(), 0);
  // Recovered.
  ASSERT_EQ(gfrtLaunchCallback(countCallback, &count, "runs", s), GFRT_SUCCESS);
  EXPECT_EQ(gfrtSynchronizeStream(s), GFRT_SUCCESS);
  EXPECT_EQ(count.load(), 1);
  ASSERT_EQ(gfrtLaunchCallback(failCallback, nullptr, "cb", s), GFRT_SUCCESS);
  EXPECT_EQ(gfrtSynchronizeStream(s), GFRT_ERROR_TASK_FAILED);
  EXPECT_TRUE(lastErrorHas("callback task 'cb'")) << lastError();
  EXPECT_TRUE(lastErrorHas("callback returned 5")) << lastError();
  ASSERT_EQ(gfrtDestroyStream(s), GFRT_SUCCESS);
}

TEST_F(CApi, InvalidHandlesAreErrors) {
  gfrtStream s;
  gfrtEvent e;
  ASSERT_EQ(gfrtCreateStream(&s), GFRT_SUCCESS);
  ASSERT_EQ(gfrtCreateEvent(&e), GFRT_SUCCESS);
  ASSERT_EQ(gfrtDestroyStream(s), GFRT_SUCCESS);
  ASSERT_EQ(gfrtDestroyEvent(e), GFRT_SUCCESS);

  // Destroyed handles.
  EXPECT_EQ(gfrtSynchronizeStream(s), GFRT_ERROR_INVALID_HANDLE);
  EXPECT_TRUE(lastErrorHas("is not a live stream")) << lastError();
  EXPECT_EQ(gfrtDestroyStream(s), GFRT_ERROR_INVALID_HANDLE);
  EXPECT_EQ(gfrtRecordEvent(e, nullptr), GFRT_ERROR_INVALID_HANDLE);
  EXPECT_EQ(gfrtDestroyEvent(e), GFRT_ERROR_INVALID_HANDLE);
  // Garbage handles are looked up, never dereferenced.
  auto garbageStream = reinterpret_cast<gfrtStream>(uintptr_t(0xdeadbeef));
  auto garbageEvent = reinterpret_cast<gfrtEvent>(uintptr_t(0x1234));
  EXPECT_EQ(gfrtLaunchCallback(countCallback, nullptr, "x", garbageStream),
            GFRT_ERROR_INVALID_HANDLE);
  EXPECT_EQ(gfrtQueryStream(garbageStream), GFRT_ERROR_INVALID_HANDLE);
  EXPECT_EQ(gfrtSynchronizeEvent(garbageEvent), GFRT_ERROR_INVALID_HANDLE);
  EXPECT_EQ(gfrtSynchronizeEvent(nullptr), GFRT_ERROR_INVALID_HANDLE);
  EXPECT_TRUE(lastErrorHas("null event handle")) << lastError();
  // An event handle where a stream is expected.
  gfrtEvent live;
  ASSERT_EQ(gfrtCreateEvent(&live), GFRT_SUCCESS);
  EXPECT_EQ(gfrtSynchronizeStream(reinterpret_cast<gfrtStream>(live)),
            GFRT_ERROR_INVALID_HANDLE);
  EXPECT_TRUE(lastErrorHas("is an event handle, not a stream")) << lastError();
  ASSERT_EQ(gfrtDestroyEvent(live), GFRT_SUCCESS);
}

TEST_F(CApi, InvalidArgumentsAreErrors) {
  EXPECT_EQ(gfrtMalloc(nullptr, 16), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(lastErrorHas("gfrtMalloc: devPtr is null")) << lastError();
  void *p = nullptr;
  EXPECT_EQ(gfrtMalloc(&p, 0), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtMalloc(&p, 64 << 20), GFRT_ERROR_OUT_OF_MEMORY);
  EXPECT_TRUE(lastErrorHas("cannot allocate 64.00 MiB")) << lastError();
  EXPECT_TRUE(lastErrorHas("limit 16.00 MiB")) << lastError();
  int local = 0;
  EXPECT_EQ(gfrtFree(&local), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtFreeHost(&local), GFRT_ERROR_INVALID_ARGUMENT);

  ASSERT_EQ(gfrtMalloc(&p, 256), GFRT_SUCCESS);
  char host[512];
  EXPECT_EQ(gfrtMemcpy(p, 128, host, 256, GFRT_MEMCPY_HOST_TO_DEVICE),
            GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(lastErrorHas("exceeds destMax 128")) << lastError();
  EXPECT_EQ(gfrtMemcpy(host, 512, p, 256, GFRT_MEMCPY_HOST_TO_DEVICE),
            GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtMemcpy(p, 256, host, 256, static_cast<gfrtMemcpyKind>(17)),
            GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(lastErrorHas("unknown memcpy kind 17")) << lastError();
  EXPECT_EQ(
      gfrtMemcpyAsync(host, 512, p, 512, GFRT_MEMCPY_DEVICE_TO_HOST, nullptr),
      GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtMemset(p, 256, 0, 257), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtMemset(p, 256, 1, 256), GFRT_SUCCESS);
  EXPECT_EQ(gfrtMemsetAsync(host, 512, 1, 16, nullptr),
            GFRT_ERROR_INVALID_ARGUMENT);

  EXPECT_EQ(gfrtLaunchKernel(nullptr, 1, nullptr, "k", nullptr),
            GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtLaunchKernel(failKernel, 0, nullptr, "k", nullptr),
            GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(lastErrorHas("blockDim must be in [1, 65535], got 0"))
      << lastError();
  gfrtKernelArgs args{};
  args.numOutputs = 1;
  EXPECT_EQ(gfrtLaunchKernel(failKernel, 1, &args, "k", nullptr),
            GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtLaunchCallback(nullptr, nullptr, "cb", nullptr),
            GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtCreateStream(nullptr), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtCreateEvent(nullptr), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtQueryEvent(nullptr, nullptr), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtEventElapsedTime(nullptr, nullptr, nullptr),
            GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtGetDevice(nullptr), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtGetDeviceCount(nullptr), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtGetMemInfo(nullptr, nullptr), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtGetDeviceProperties(0, nullptr), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtSetDevice(7), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfrtConfigureDevice(0, 1, 0), GFRT_ERROR_INVALID_ARGUMENT); // open
  EXPECT_TRUE(lastErrorHas("device 0 is open")) << lastError();

  gfrtEvent a, b;
  ASSERT_EQ(gfrtCreateEvent(&a), GFRT_SUCCESS);
  ASSERT_EQ(gfrtCreateEvent(&b), GFRT_SUCCESS);
  float ms;
  EXPECT_EQ(gfrtEventElapsedTime(&ms, a, b), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(lastErrorHas("never recorded")) << lastError();
  ASSERT_EQ(gfrtDestroyEvent(a), GFRT_SUCCESS);
  ASSERT_EQ(gfrtDestroyEvent(b), GFRT_SUCCESS);
  ASSERT_EQ(gfrtFree(p), GFRT_SUCCESS);
  EXPECT_EQ(gfrtFree(p), GFRT_ERROR_INVALID_ARGUMENT);
  // A successful call clears the message.
  uint32_t count;
  ASSERT_EQ(gfrtGetDeviceCount(&count), GFRT_SUCCESS);
  EXPECT_EQ(lastError(), "");
}

TEST_F(CApi, ResetDestroysTheDevicesHandles) {
  gfrtStream s;
  gfrtEvent e;
  ASSERT_EQ(gfrtCreateStream(&s), GFRT_SUCCESS);
  ASSERT_EQ(gfrtCreateEvent(&e), GFRT_SUCCESS);
  std::atomic<int> count{0};
  for (int i = 0; i < 50; ++i)
    ASSERT_EQ(gfrtLaunchCallback(countCallback, &count, "c", s), GFRT_SUCCESS);
  ASSERT_EQ(gfrtResetDevice(0), GFRT_SUCCESS);
  // Queued work finished before the stream went away.
  EXPECT_EQ(count.load(), 50);
  EXPECT_EQ(gfrtSynchronizeStream(s), GFRT_ERROR_INVALID_HANDLE);
  EXPECT_EQ(gfrtSynchronizeEvent(e), GFRT_ERROR_INVALID_HANDLE);
  // No current device now.
  void *p;
  EXPECT_EQ(gfrtMalloc(&p, 64), GFRT_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(lastErrorHas("device 0 is not open")) << lastError();
  EXPECT_EQ(gfrtCreateStream(&s), GFRT_ERROR_INVALID_ARGUMENT);
  // Re-open for TearDown.
  ASSERT_EQ(gfrtSetDevice(0), GFRT_SUCCESS);
}
