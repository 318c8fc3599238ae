//===- Handles.h - Checked handles of the C API ------------------*- C++
//-*-===//
//
// A C handle is a tagged serial number, never an address: a destroyed,
// foreign or made-up handle is looked up, not dereferenced, and serial
// numbers are never reused, so a stale handle cannot alias a new object.
// Lookups hand out shared ownership, so destroying a handle while another
// thread is inside a call with it is safe.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_SRC_HANDLES_H
#define GEFLOW_RUNTIME_SRC_HANDLES_H

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Event.h"
#include "geflow/runtime/Stream.h"
#include "geflow/runtime/gfrt.h"

#include <memory>
#include <mutex>
#include <unordered_map>

namespace geflow::rt::detail {

class Handles {
public:
  static Handles &global();

  gfrtStream addStream(std::shared_ptr<Stream> stream);
  /// The stream of `handle`; NULL means the current device's default
  /// stream (created on first use).
  StatusOr<std::shared_ptr<Stream>> stream(gfrtStream handle);
  /// Removes the handle and returns the stream (destroy it outside locks).
  StatusOr<std::shared_ptr<Stream>> removeStream(gfrtStream handle);

  gfrtEvent addEvent(std::shared_ptr<Event> event, const Device *device);
  StatusOr<std::shared_ptr<Event>> event(gfrtEvent handle);
  StatusOr<std::shared_ptr<Event>> removeEvent(gfrtEvent handle);

  /// Destroys every stream (after its queued work) and event created on
  /// `device` through the C API; called when the device is closed.
  void closeDevice(const Device *device);

private:
  Handles() = default;
  Status badHandle(const char *what, uint64_t value) const;

  struct StreamEntry {
    std::shared_ptr<Stream> stream;
    const Device *device;
  };
  struct EventEntry {
    std::shared_ptr<Event> event;
    const Device *device;
  };

  std::mutex mu_;
  uint64_t nextSerial_ = 1;
  std::unordered_map<uint64_t, StreamEntry> streams_;
  std::unordered_map<uint64_t, EventEntry> events_;
  std::unordered_map<const Device *, std::shared_ptr<Stream>> defaultStreams_;
};

} // namespace geflow::rt::detail

#endif // GEFLOW_RUNTIME_SRC_HANDLES_H
