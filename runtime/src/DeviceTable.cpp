//===- DeviceTable.cpp - Process-wide devices (setDevice / resetDevice) ---===//
//
// ACL semantics: setDevice opens a device or takes another reference to it
// and makes it the calling thread's current device; resetDevice drops a
// reference and closes the device at zero.
//
//===----------------------------------------------------------------------===//

#include "geflow/runtime/Device.h"

#include "Handles.h"

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

struct Table {
  std::mutex mu;
  std::vector<Slot> slots = std::vector<Slot>(1);

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

Status setDevice(int32_t id) {
  Table &t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  GEFLOW_RETURN_IF_ERROR(t.checkId(id));
  Slot &slot = t.slots[id];
  if (!slot.device) {
    StatusOr<std::shared_ptr<Device>> device = Device::create(id, slot.options);
    if (!device.ok())
      return device.status();
    slot.device = std::move(device.value());
  }
  ++slot.refs;
  tlsCurrentDevice = id;
  return Status::OK();
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
