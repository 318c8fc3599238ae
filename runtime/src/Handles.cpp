//===- Handles.cpp - Checked handles of the C API -------------------------===//

#include "Handles.h"
#include "geflow/runtime/Interop.h"

#include <cinttypes>
#include <cstdio>
#include <vector>

namespace geflow::rt::detail {

namespace {
constexpr uint64_t kStreamTag = 0x5354; // "ST"
constexpr uint64_t kEventTag = 0x4556;  // "EV"
constexpr int kTagShift = 48;

uint64_t handleValue(const void *handle) {
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(handle));
}

const char *tagName(uint64_t value) {
  switch (value >> kTagShift) {
  case kStreamTag:
    return "a stream";
  case kEventTag:
    return "an event";
  default:
    return nullptr;
  }
}
} // namespace

Handles &Handles::global() {
  // Never destroyed: handles may be used by static destructors elsewhere.
  static Handles *handles = new Handles();
  return *handles;
}

Status Handles::badHandle(const char *what, uint64_t value) const {
  char hex[32];
  std::snprintf(hex, sizeof(hex), "0x%" PRIx64, value);
  if (value == 0)
    return Status(ErrorCode::kInvalidHandle,
                  std::string("null ") + what + " handle");
  const char *actual = tagName(value);
  std::string wanted = std::string(what) == "event" ? "an event" : "a stream";
  if (actual && wanted != actual)
    return Status(ErrorCode::kInvalidHandle, std::string("handle ") + hex +
                                                 " is " + actual +
                                                 " handle, not " + wanted);
  return Status(ErrorCode::kInvalidHandle,
                std::string(what) + " handle " + hex + " is not a live " +
                    what +
                    " (destroyed, from a reset device, or never created)");
}

gfrtStream Handles::addStream(std::shared_ptr<Stream> stream) {
  const Device *device = &stream->device();
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t value = (kStreamTag << kTagShift) | nextSerial_++;
  streams_.emplace(value, StreamEntry{std::move(stream), device});
  return reinterpret_cast<gfrtStream>(static_cast<uintptr_t>(value));
}

StatusOr<std::shared_ptr<Stream>> Handles::stream(gfrtStream handle) {
  if (!handle) {
    StatusOr<std::shared_ptr<Device>> device = getCurrentDevice();
    if (!device.ok())
      return device.status();
    std::lock_guard<std::mutex> lock(mu_);
    std::shared_ptr<Stream> &slot = defaultStreams_[device->get()];
    if (!slot) {
      StatusOr<std::unique_ptr<Stream>> created = Stream::create(*device);
      if (!created.ok())
        return created.status();
      slot = std::move(created.value());
    }
    return slot;
  }
  uint64_t value = handleValue(handle);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = streams_.find(value);
  if (it == streams_.end())
    return badHandle("stream", value);
  return it->second.stream;
}

StatusOr<std::shared_ptr<Stream>> Handles::removeStream(gfrtStream handle) {
  if (!handle)
    return invalidArgument("the default (NULL) stream cannot be destroyed");
  uint64_t value = handleValue(handle);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = streams_.find(value);
  if (it == streams_.end())
    return badHandle("stream", value);
  std::shared_ptr<Stream> stream = std::move(it->second.stream);
  streams_.erase(it);
  return stream;
}

gfrtEvent Handles::addEvent(std::shared_ptr<Event> event,
                            const Device *device) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t value = (kEventTag << kTagShift) | nextSerial_++;
  events_.emplace(value, EventEntry{std::move(event), device});
  return reinterpret_cast<gfrtEvent>(static_cast<uintptr_t>(value));
}

StatusOr<std::shared_ptr<Event>> Handles::event(gfrtEvent handle) {
  uint64_t value = handleValue(handle);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = events_.find(value);
  if (it == events_.end())
    return badHandle("event", value);
  return it->second.event;
}

StatusOr<std::shared_ptr<Event>> Handles::removeEvent(gfrtEvent handle) {
  uint64_t value = handleValue(handle);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = events_.find(value);
  if (it == events_.end())
    return badHandle("event", value);
  std::shared_ptr<Event> event = std::move(it->second.event);
  events_.erase(it);
  return event;
}

void Handles::closeDevice(const Device *device) {
  // Moved out under the lock and destroyed after it: a stream's destructor
  // waits for its work, which may itself call into the C API.
  std::vector<std::shared_ptr<Stream>> streams;
  std::vector<std::shared_ptr<Event>> events;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = streams_.begin(); it != streams_.end();) {
      if (it->second.device == device) {
        streams.push_back(std::move(it->second.stream));
        it = streams_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = events_.begin(); it != events_.end();) {
      if (it->second.device == device) {
        events.push_back(std::move(it->second.event));
        it = events_.erase(it);
      } else {
        ++it;
      }
    }
    auto it = defaultStreams_.find(device);
    if (it != defaultStreams_.end()) {
      streams.push_back(std::move(it->second));
      defaultStreams_.erase(it);
    }
  }
}

} // namespace geflow::rt::detail

namespace geflow::rt {
StatusOr<std::shared_ptr<Stream>> streamFromHandle(gfrtStream handle) {
  return detail::Handles::global().stream(handle);
}
} // namespace geflow::rt
