//===- DeviceTable.cpp - Process-wide devices (setDevice / resetDevice) ---===//
//
// ACL semantics: setDevice opens a device or takes another reference to it
// and makes it the calling thread's current device; resetDevice drops a
// reference and closes the device at zero. The table starts with the split
// GEFLOW_DEVICE_COUNT / GEFLOW_DEVICE_CORES ask for, or one device.
//
//===----------------------------------------------------------------------===//

#include "geflow/runtime/Device.h"

#include "Handles.h"

#include <cstdlib>
#include <mutex>
#include <vector>

namespace geflow::rt {

namespace {

constexpr int32_t kMaxDevices = 64;

struct Slot {
  std::shared_ptr<Device> device;
  int32_t refs = 0;
  DeviceOptions options;
};

/// GEFLOW_DEVICE_COUNT (a decimal count) or -1 when unset; `error` is set
/// on a malformed value.
int32_t deviceCountFromEnv(std::string *error) {
  const char *text = std::getenv("GEFLOW_DEVICE_COUNT");
  if (!text || !*text)
    return -1;
  std::string value = text;
  bool digits = value.size() <= 3 &&
                value.find_first_not_of("0123456789") == std::string::npos;
  int32_t count = digits ? std::atoi(text) : 0;
  if (count < 1) {
    *error = "GEFLOW_DEVICE_COUNT=\"" + value +
             "\": expected the number of devices, 1 or more";
    return -1;
  }
  return count;
}

struct Table {
  std::mutex mu;
  std::vector<Slot> slots = std::vector<Slot>(1);
  /// Why the environment's split was refused.
  Status envStatus;

  Table() {
    std::string error;
    int32_t count = deviceCountFromEnv(&error);
    const char *cores = std::getenv("GEFLOW_DEVICE_CORES");
    if (!error.empty()) {
      envStatus = invalidArgument(error);
      return;
    }
    if (count < 0 && (!cores || !*cores))
      return; // the default: one device, all cores, unpinned
    StatusOr<std::vector<DeviceOptions>> split = planDeviceSplit(
        count < 0 ? 0 : count, cores ? cores : "",
        cores && *cores ? "GEFLOW_DEVICE_CORES" : "GEFLOW_DEVICE_COUNT");
    if (!split.ok()) {
      envStatus = split.status();
      return;
    }
    slots.assign(split->size(), Slot{});
    for (size_t i = 0; i < split->size(); ++i)
      slots[i].options = (*split)[i];
  }

  bool anyOpen() const {
    for (const Slot &slot : slots)
      if (slot.device)
        return true;
    return false;
  }
  Status checkId(int32_t id) const {
    if (id < 0 || id >= static_cast<int32_t>(slots.size()))
      return invalidArgument("device id " + std::to_string(id) +
                             " is out of range: " +
                             std::to_string(slots.size()) + " device(s) exist");
    return Status::OK();
  }
};

Table &table() {
  // Never destroyed: open devices (and their AI cores) live until exit, so
  // static destructors elsewhere may still use them.
  static Table *t = new Table();
  return *t;
}

thread_local int32_t tlsCurrentDevice = -1;

} // namespace

int32_t getDeviceCount() {
  Table &t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  return static_cast<int32_t>(t.slots.size());
}

Status setDeviceCount(int32_t count) {
  if (count < 1 || count > kMaxDevices)
    return invalidArgument("device count must be in [1, " +
                           std::to_string(kMaxDevices) + "], got " +
                           std::to_string(count));
  Table &t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  if (t.anyOpen())
    return invalidArgument("cannot change the device count while a device is "
                           "open; reset every device first");
  t.slots.resize(count);
  t.envStatus = Status::OK();
  return Status::OK();
}

Status configureDevice(int32_t id, const DeviceOptions &options) {
  Table &t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  GEFLOW_RETURN_IF_ERROR(t.checkId(id));
  if (t.slots[id].device)
    return invalidArgument("device " + std::to_string(id) +
                           " is open; configure it before setDevice or after "
                           "its last resetDevice");
  t.slots[id].options = options;
  return Status::OK();
}

StatusOr<DeviceOptions> getDeviceOptions(int32_t id) {
  Table &t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  GEFLOW_RETURN_IF_ERROR(t.checkId(id));
  return t.slots[id].options;
}

Status configureDevices(const std::vector<DeviceOptions> &devices) {
  if (devices.empty() || devices.size() > size_t(kMaxDevices))
    return invalidArgument("configureDevices: expected 1 to " +
                           std::to_string(kMaxDevices) + " devices, got " +
                           std::to_string(devices.size()));
  for (size_t i = 0; i < devices.size(); ++i) {
    StatusOr<DeviceProperties> props =
        Device::describe(static_cast<int32_t>(i), devices[i]);
    if (!props.ok())
      return props.status();
  }
  Table &t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  if (t.anyOpen())
    return invalidArgument("cannot reconfigure the devices while a device is "
                           "open; reset every device first");
  t.slots.assign(devices.size(), Slot{});
  for (size_t i = 0; i < devices.size(); ++i)
    t.slots[i].options = devices[i];
  t.envStatus = Status::OK(); // the caller's split replaces the environment's
  return Status::OK();
}

Status deviceEnvironmentStatus() {
  Table &t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  return t.envStatus;
}

namespace {
/// Opens device `id` or takes another reference to it (table lock held).
StatusOr<std::shared_ptr<Device>> acquireLocked(Table &t, int32_t id) {
  GEFLOW_RETURN_IF_ERROR(t.envStatus);
  GEFLOW_RETURN_IF_ERROR(t.checkId(id));
  Slot &slot = t.slots[id];
  if (!slot.device) {
    StatusOr<std::shared_ptr<Device>> device = Device::create(id, slot.options);
    if (!device.ok())
      return device.status();
    slot.device = std::move(device.value());
  }
  ++slot.refs;
  return slot.device;
}
} // namespace

Status setDevice(int32_t id) {
  Table &t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  StatusOr<std::shared_ptr<Device>> device = acquireLocked(t, id);
  if (!device.ok())
    return device.status();
  tlsCurrentDevice = id;
  return Status::OK();
}

StatusOr<std::shared_ptr<Device>> retainDevice(int32_t id) {
  Table &t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  return acquireLocked(t, id);
}

Status resetDevice(int32_t id) {
  // Closing may stop the AI cores; one of them cannot wait for itself.
  if (currentAiCore() >= 0)
    return invalidArgument("resetDevice cannot be called from a task running "
                           "on an AI core");
  std::shared_ptr<Device> closing;
  {
    Table &t = table();
    std::lock_guard<std::mutex> lock(t.mu);
    GEFLOW_RETURN_IF_ERROR(t.checkId(id));
    Slot &slot = t.slots[id];
    if (!slot.device)
      return invalidArgument("device " + std::to_string(id) + " is not open");
    if (--slot.refs > 0)
      return Status::OK();
    closing = std::move(slot.device);
  }
  // Outside the table's lock: destroying streams waits for their work.
  detail::Handles::global().closeDevice(closing.get());
  return Status::OK();
}

StatusOr<int32_t> getCurrentDeviceId() {
  if (tlsCurrentDevice < 0)
    return invalidArgument("no device is set on this thread; call setDevice");
  return tlsCurrentDevice;
}

StatusOr<std::shared_ptr<Device>> getOpenDevice(int32_t id) {
  Table &t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  GEFLOW_RETURN_IF_ERROR(t.checkId(id));
  if (!t.slots[id].device)
    return invalidArgument("device " + std::to_string(id) +
                           " is not open; call setDevice");
  return t.slots[id].device;
}

StatusOr<DeviceProperties> getDeviceProperties(int32_t id) {
  Table &t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  GEFLOW_RETURN_IF_ERROR(t.checkId(id));
  if (t.slots[id].device)
    return t.slots[id].device->properties();
  return Device::describe(id, t.slots[id].options);
}

StatusOr<std::shared_ptr<Device>> getCurrentDevice() {
  StatusOr<int32_t> id = getCurrentDeviceId();
  if (!id.ok())
    return id.status();
  return getOpenDevice(*id);
}

} // namespace geflow::rt
