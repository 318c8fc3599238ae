//===- Device.h - The virtual NPU device ------------------------*- C++ -*-===//
//
// A device is a pool of AI cores (worker threads, one per host core by
// default) plus its memory. Every task of every stream of a device runs on
// one of its AI cores, so the number of kernel blocks running at once never
// exceeds the core count however many streams there are.
//
// Several devices in one process split the host's CPUs between them: a
// device's AI cores are pinned to its own CPUs (DeviceOptions::cpus), so
// two devices never compete for a core. GEFLOW_DEVICE_COUNT /
// GEFLOW_DEVICE_CORES set the split of the process-wide table
// (docs/distributed.md#devices); by default there is one device with one
// unpinned AI core per host CPU.
//
// Devices are used two ways:
//  - ACL style: setDevice(id) opens device `id` of the process-wide table
//    (reference counted) and makes it the calling thread's current device;
//    resetDevice(id) drops the reference and closes the device at zero.
//  - Directly: Device::create() makes a private device (tests, embedding).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_DEVICE_H
#define GEFLOW_RUNTIME_DEVICE_H

#include "geflow/kernels/Soc.h"
#include "geflow/runtime/Memory.h"
#include "geflow/runtime/Status.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace geflow::rt {

class Stream;
namespace detail {
class CorePool;
} // namespace detail

struct DeviceOptions {
  /// AI cores (worker threads); 0 means one per host core.
  uint32_t aiCoreCount = 0;
  /// Host CPUs the AI cores are pinned to: AI core i runs on
  /// cpus[i % cpus.size()]. Empty: not pinned (the OS places them). With
  /// aiCoreCount 0 a pinned device has one AI core per listed CPU.
  std::vector<int32_t> cpus;
  /// Bytes of device memory; 0 means the host's physical memory.
  uint64_t memoryLimit = 0;
  /// How long an idle AI core polls for work before it sleeps, and how long
  /// host threads poll in synchronize() before they sleep. Polling is what
  /// makes back-to-back launches cheap (no futex wake-up per task). Only
  /// one idle core polls without yielding, and only for its first 2 us;
  /// after that polling yields the CPU to whatever else wants to run (the
  /// AI cores share the host's CPUs with the host threads). 0 disables it.
  uint32_t spinMicros = 50;
  /// How long an idle AI core keeps polling (yielding) while a stream of
  /// the device still has unfinished tasks, i.e. during a model run: the
  /// next kernel's blocks then find it awake instead of paying a futex
  /// wake-up per kernel. Bounded, so a stream that waits long (for an event
  /// of another device, or a host callback) does not hold cores spinning;
  /// once every stream is idle, `spinMicros` applies. 0 disables it.
  uint32_t runSpinMicros = 2000;
  /// How long AI cores keep polling (yielding) after the device's last run
  /// ended (every stream idle), before they sleep: the next run, or the
  /// next request of a server, then finds them awake instead of paying a
  /// thread wake-up per core (and the CPU's own wake-up from idle). The
  /// price is CPU: up to this long per core after every run, yielded to any
  /// other thread that wants the CPU (OpenMP runtimes call it blocktime;
  /// Intel's KMP_BLOCKTIME is 200 ms). 0: `spinMicros` applies.
  uint32_t idleSpinMicros = 2000;
  /// Threads of the host CPU engine (GE's DNN_VM_HOST_CPU / AICPU engine,
  /// which runs the ops a compile placed on the host); 0 means one per
  /// host core. They start with the first host stream.
  uint32_t hostCpuCount = 0;
};

/// What one AI core has done since its device was created
/// (Device::coreStats); all times in nanoseconds of the steady clock.
struct CoreStats {
  /// Running tasks or blocks (not polling, not sleeping).
  uint64_t busyNs = 0;
  /// Streams and kernels (a share of their blocks) taken from the queue.
  uint64_t workItems = 0;
  /// Summed time those items waited in the queue before this core took
  /// them: launch to pick-up.
  uint64_t pickupNs = 0;
  /// Times the core went to sleep (a futex wait) for want of work.
  uint64_t sleeps = 0;
  /// Summed time from the latest wake-up request to the core running
  /// again, over its wake-ups.
  uint64_t wakeNs = 0;
};

struct DeviceProperties {
  int32_t id = 0;
  /// "host": the kernels are tiled for the machine we run on.
  std::string socName;
  uint32_t aiCoreCount = 0;
  /// The host CPUs its AI cores are pinned to (empty: not pinned).
  std::vector<int32_t> cpus;
  uint64_t totalMemory = 0;
  /// What tiling functions need: caches, ISA, core count.
  kernels::SocInfo soc;
};

class Device : public std::enable_shared_from_this<Device> {
public:
  /// A device that is not in the process-wide table. Its AI cores start now
  /// and stop when the last reference (streams hold one) goes away.
  static StatusOr<std::shared_ptr<Device>> create(int32_t id,
                                                  const DeviceOptions &options);
  /// The properties a device with these options has (without opening it).
  static StatusOr<DeviceProperties> describe(int32_t id,
                                             const DeviceOptions &options);
  ~Device();
  Device(const Device &) = delete;
  Device &operator=(const Device &) = delete;

  int32_t id() const { return props_.id; }
  const DeviceProperties &properties() const { return props_; }
  const DeviceOptions &options() const { return options_; }
  DeviceAllocator &allocator() { return *allocator_; }
  detail::CorePool &pool() { return *pool_; }
  /// The host CPU engine: worker threads apart from the AI cores that run
  /// host streams (mixed compute), started on first use.
  detail::CorePool &hostPool();

  /// Work is about to come (a server got a request it will run): sleeping
  /// AI cores wake now and poll for up to DeviceOptions::runSpinMicros, so
  /// the run's first kernels do not wait for a thread wake-up and the cores'
  /// caches are warm. Cheap when the cores are awake; does nothing with
  /// runSpinMicros 0.
  void expectWork();

  /// Per AI core (index = core): busy time, work taken, queue waits, sleeps
  /// and wake-up latency so far. Counters only grow; subtract two readings
  /// to look at one run.
  std::vector<CoreStats> coreStats() const;

  /// Shorthand for Stream::create(shared_from_this()).
  StatusOr<std::unique_ptr<Stream>> createStream();
  /// A stream of the host CPU engine: its tasks run on hostPool(), in
  /// order, and order against device streams through events as usual.
  StatusOr<std::unique_ptr<Stream>> createHostStream();

  /// Synchronous copy on the calling thread (aclrtMemcpy): validates the
  /// kind against where the pointers live and `count` against `destMax`.
  /// It does not wait for queued stream work.
  Status memcpy(void *dst, size_t destMax, const void *src, size_t count,
                MemcpyKind kind);
  /// Synchronous memset of device memory (aclrtMemset).
  Status memset(void *dst, size_t destMax, int value, size_t count);

private:
  Device(DeviceProperties props, const DeviceOptions &options);

  DeviceProperties props_;
  DeviceOptions options_;
  std::unique_ptr<DeviceAllocator> allocator_;
  std::unique_ptr<detail::CorePool> pool_;
  std::once_flag hostPoolOnce_;
  std::unique_ptr<detail::CorePool> hostPool_;
};

/// Number of device ids setDevice accepts (1 unless changed, or as
/// GEFLOW_DEVICE_COUNT / GEFLOW_DEVICE_CORES say).
int32_t getDeviceCount();
/// Changes the number of devices; only while no device of the table is open.
Status setDeviceCount(int32_t count);
/// Options device `id` opens with next time; only while it is closed.
Status configureDevice(int32_t id, const DeviceOptions &options);
/// The options device `id` opens (or was opened) with.
StatusOr<DeviceOptions> getDeviceOptions(int32_t id);
/// Replaces the whole table: one device per entry. Only while no device is
/// open; every entry is validated first (nothing changes on an error).
Status configureDevices(const std::vector<DeviceOptions> &devices);
/// Why the environment's device split (GEFLOW_DEVICE_COUNT,
/// GEFLOW_DEVICE_CORES) was refused, or OK. setDevice fails with it, so a
/// bad value is never silently replaced by the default.
Status deviceEnvironmentStatus();

/// The host CPUs this process may run on (its affinity mask), ascending.
std::vector<int32_t> availableCpus();
/// Splits host CPUs between devices. `cores` lists each device's CPUs,
/// devices separated by ',', a device's ranges joined by '+' ("0-3,4-7",
/// "0+2,1+3"); `count` is the number of devices (0: as many as `cores`
/// lists, or 1). Without `cores` the available CPUs are split into `count`
/// contiguous groups (the first groups take one more when it does not
/// divide). Each device gets host memory / count as its memory limit. Every
/// CPU must be available to the process and belong to one device only.
/// `what` names the source in errors (e.g. "GEFLOW_DEVICE_CORES").
StatusOr<std::vector<DeviceOptions>>
planDeviceSplit(int32_t count, const std::string &cores,
                const std::string &what = "device split");
/// "0-3", "0+2": a CPU list in planDeviceSplit's format.
std::string formatCpuList(const std::vector<int32_t> &cpus);

/// Opens device `id` (or takes another reference to it) and makes it the
/// calling thread's current device.
Status setDevice(int32_t id);
/// Drops one reference taken by setDevice; at zero the device is closed:
/// the C API's streams and events on it are destroyed (after their work
/// finishes) and its memory is released once no C++ Stream holds it.
Status resetDevice(int32_t id);
/// Takes a reference to device `id` (opening it) without making it the
/// calling thread's current device: a Session on a device other than the
/// thread's. resetDevice(id) drops it.
StatusOr<std::shared_ptr<Device>> retainDevice(int32_t id);
/// The calling thread's current device id.
StatusOr<int32_t> getCurrentDeviceId();
/// The calling thread's current device, if it is still open.
StatusOr<std::shared_ptr<Device>> getCurrentDevice();
/// Device `id` of the table, if it is open.
StatusOr<std::shared_ptr<Device>> getOpenDevice(int32_t id);
/// Properties of device `id` of the table (open or not).
StatusOr<DeviceProperties> getDeviceProperties(int32_t id);

/// Index of the AI core running the caller, or -1 on a host thread.
int32_t currentAiCore();
/// Id of the device whose AI core runs the caller, or -1 on a host thread.
int32_t currentAiCoreDevice();

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_DEVICE_H
