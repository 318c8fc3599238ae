//===- Device.cpp - The virtual NPU device --------------------------------===//

#include "geflow/runtime/Device.h"

#include "CorePool.h"
#include "HostCpus.h"
#include "Memcpy.h"

#include "geflow/runtime/Stream.h"

#include <cstring>

namespace geflow::rt {

/// Upper bounds that catch nonsense options (a negative number cast to
/// unsigned) before they spawn thousands of threads.
static constexpr uint32_t kMaxAiCores = 1024;
static constexpr uint32_t kMaxSpinMicros = 1000000;

StatusOr<DeviceProperties> Device::describe(int32_t id,
                                            const DeviceOptions &options) {
  if (id < 0)
    return invalidArgument("device id must be >= 0, got " + std::to_string(id));
  if (options.aiCoreCount > kMaxAiCores)
    return invalidArgument("device " + std::to_string(id) + ": aiCoreCount " +
                           std::to_string(options.aiCoreCount) +
                           " exceeds the maximum " +
                           std::to_string(kMaxAiCores));
  if (options.spinMicros > kMaxSpinMicros)
    return invalidArgument("device " + std::to_string(id) + ": spinMicros " +
                           std::to_string(options.spinMicros) +
                           " exceeds the maximum " +
                           std::to_string(kMaxSpinMicros));
  if (options.runSpinMicros > kMaxSpinMicros)
    return invalidArgument("device " + std::to_string(id) + ": runSpinMicros " +
                           std::to_string(options.runSpinMicros) +
                           " exceeds the maximum " +
                           std::to_string(kMaxSpinMicros));
  if (options.idleSpinMicros > kMaxSpinMicros)
    return invalidArgument(
        "device " + std::to_string(id) + ": idleSpinMicros " +
        std::to_string(options.idleSpinMicros) + " exceeds the maximum " +
        std::to_string(kMaxSpinMicros));
  GEFLOW_RETURN_IF_ERROR(detail::checkDeviceCpus(id, options.cpus));
  DeviceProperties props;
  props.id = id;
  // A pinned device has as many AI cores as CPUs unless told otherwise:
  // tiling then splits kernels for the cores the device really has.
  uint32_t cores = options.aiCoreCount;
  if (cores == 0 && !options.cpus.empty())
    cores = static_cast<uint32_t>(options.cpus.size());
  props.soc = kernels::SocInfo::host(cores);
  props.socName = props.soc.name;
  props.aiCoreCount = props.soc.aiCoreCount;
  props.cpus = options.cpus;
  props.totalMemory =
      options.memoryLimit > 0 ? options.memoryLimit : detail::hostMemoryBytes();
  return props;
}

StatusOr<std::shared_ptr<Device>> Device::create(int32_t id,
                                                 const DeviceOptions &options) {
  StatusOr<DeviceProperties> props = describe(id, options);
  if (!props.ok())
    return props.status();
  return std::shared_ptr<Device>(new Device(std::move(props.value()), options));
}

static detail::PollPolicy pollPolicy(const DeviceOptions &options) {
  return {options.spinMicros, options.runSpinMicros, options.idleSpinMicros};
}

Device::Device(DeviceProperties props, const DeviceOptions &options)
    : props_(std::move(props)), options_(options),
      allocator_(
          std::make_unique<DeviceAllocator>(props_.id, props_.totalMemory)),
      pool_(std::make_unique<detail::CorePool>(
          props_.id, props_.aiCoreCount, pollPolicy(options), props_.cpus)) {}

// The pools are declared last, so the AI cores and the host engine stop
// before the memory goes.
Device::~Device() = default;

StatusOr<std::unique_ptr<Stream>> Device::createStream() {
  return Stream::create(shared_from_this());
}

void Device::expectWork() { pool_->expectWork(); }

std::vector<CoreStats> Device::coreStats() const { return pool_->stats(); }

detail::CorePool &Device::hostPool() {
  std::call_once(hostPoolOnce_, [this] {
    uint32_t threads = options_.hostCpuCount;
    if (threads == 0)
      threads = std::max(1u, std::thread::hardware_concurrency());
    hostPool_ = std::make_unique<detail::CorePool>(props_.id, threads,
                                                   pollPolicy(options_));
  });
  return *hostPool_;
}

StatusOr<std::unique_ptr<Stream>> Device::createHostStream() {
  return Stream::createOn(shared_from_this(), hostPool());
}

Status Device::memcpy(void *dst, size_t destMax, const void *src, size_t count,
                      MemcpyKind kind) {
  MemcpyKind resolved;
  GEFLOW_RETURN_IF_ERROR(detail::checkCopy(*allocator_, dst, destMax, src,
                                           count, kind, &resolved));
  if (count > 0)
    std::memcpy(dst, src, count);
  return Status::OK();
}

Status Device::memset(void *dst, size_t destMax, int value, size_t count) {
  GEFLOW_RETURN_IF_ERROR(detail::checkSet(*allocator_, dst, destMax, count));
  if (count > 0)
    std::memset(dst, value, count);
  return Status::OK();
}

int32_t currentAiCore() { return detail::CorePool::currentCore(); }

int32_t currentAiCoreDevice() {
  const detail::CorePool *pool = detail::CorePool::currentPool();
  return pool ? pool->deviceId() : -1;
}

} // namespace geflow::rt
