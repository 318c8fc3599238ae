//===- RuntimeTestUtil.h - Helpers shared by the runtime tests ---*- C++
//-*-===//
#ifndef GEFLOW_TEST_RUNTIMETESTUTIL_H
#define GEFLOW_TEST_RUNTIMETESTUTIL_H

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Event.h"
#include "geflow/runtime/Stream.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>

namespace geflow::rt::testing {

/// A private device (not in the process-wide table) with `cores` AI cores.
inline std::shared_ptr<Device> makeDevice(uint32_t cores, uint64_t limit = 0) {
  DeviceOptions options;
  options.aiCoreCount = cores;
  options.memoryLimit = limit;
  StatusOr<std::shared_ptr<Device>> device = Device::create(0, options);
  EXPECT_TRUE(device.ok()) << device.status().toString();
  return device.value();
}

inline std::unique_ptr<Stream>
makeStream(const std::shared_ptr<Device> &device) {
  StatusOr<std::unique_ptr<Stream>> stream = device->createStream();
  EXPECT_TRUE(stream.ok()) << stream.status().toString();
  return std::move(stream.value());
}

/// A latch the host opens: tasks that wait on it hold their stream (and
/// their AI core) until the test lets them go, which makes "has not run
/// yet" observable without any timing.
class Gate {
public:
  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return open_; });
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

#define ASSERT_OK(expr)                                                        \
  do {                                                                         \
    ::geflow::rt::Status _s = (expr);                                          \
    ASSERT_TRUE(_s.ok()) << _s.toString();                                     \
  } while (0)
#define EXPECT_OK(expr)                                                        \
  do {                                                                         \
    ::geflow::rt::Status _s = (expr);                                          \
    EXPECT_TRUE(_s.ok()) << _s.toString();                                     \
  } while (0)

} // namespace geflow::rt::testing

#endif // GEFLOW_TEST_RUNTIMETESTUTIL_H
