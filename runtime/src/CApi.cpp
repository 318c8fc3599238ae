//===- CApi.cpp - The gfrt C API over the C++ runtime ---------------------===//
//
// Every entry point validates its arguments, converts the Status to the
// numeric code, remembers the message for gfrtGetLastErrorMessage, and
// never lets a C++ exception cross into C.
//
//===----------------------------------------------------------------------===//

#include "geflow/runtime/gfrt.h"

#include "Handles.h"
#include "StreamCore.h"

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Event.h"
#include "geflow/runtime/Memory.h"
#include "geflow/runtime/Stream.h"

#include <cstring>
#include <new>
#include <type_traits>

using namespace geflow::rt;
using geflow::rt::detail::Handles;

// gfrtKernelArgs mirrors kernels::KernelArgs field by field.
static_assert(sizeof(gfrtKernelArgs) == sizeof(geflow::kernels::KernelArgs));
static_assert(offsetof(gfrtKernelArgs, workspace) ==
              offsetof(geflow::kernels::KernelArgs, workspace));
static_assert(GFRT_ERROR_INVALID_ARGUMENT ==
              static_cast<int32_t>(ErrorCode::kInvalidArgument));
static_assert(GFRT_ERROR_INVALID_HANDLE ==
              static_cast<int32_t>(ErrorCode::kInvalidHandle));
static_assert(GFRT_ERROR_OUT_OF_MEMORY ==
              static_cast<int32_t>(ErrorCode::kOutOfMemory));
static_assert(GFRT_ERROR_TASK_FAILED ==
              static_cast<int32_t>(ErrorCode::kTaskFailed));
static_assert(GFRT_ERROR_NOT_READY ==
              static_cast<int32_t>(ErrorCode::kNotReady));
static_assert(GFRT_ERROR_TIMEOUT == static_cast<int32_t>(ErrorCode::kTimeout));
static_assert(GFRT_ERROR_INTERNAL ==
              static_cast<int32_t>(ErrorCode::kInternal));

namespace {

thread_local std::string tlsLastError;

// A C caller may pass any int as the kind; loading a value outside the
// enum's range through the C++ enum type is undefined, so the bytes are
// copied (the copy checks the kind).
MemcpyKind fromCKind(const gfrtMemcpyKind &kind) {
  std::underlying_type_t<gfrtMemcpyKind> raw;
  std::memcpy(&raw, &kind, sizeof(raw));
  return static_cast<MemcpyKind>(raw);
}

gfrtError report(const Status &status) {
  if (status.ok()) {
    tlsLastError.clear();
    return GFRT_SUCCESS;
  }
  tlsLastError = status.toString();
  return static_cast<gfrtError>(status.code());
}

/// Runs `body` (returning a Status) and reports its result; exceptions
/// become errors.
template <typename Body> gfrtError guarded(Body &&body) {
  try {
    return report(body());
  } catch (const std::bad_alloc &) {
    return report(Status(ErrorCode::kOutOfMemory, "host allocation failed"));
  } catch (const std::exception &e) {
    return report(internalError(e.what()));
  } catch (...) {
    return report(internalError("unknown exception"));
  }
}

Status nullArgument(const char *call, const char *arg) {
  return invalidArgument(std::string(call) + ": " + arg + " is null");
}

std::string nameOr(const char *name, const char *dflt) {
  return name ? std::string(name) : std::string(dflt);
}

} // namespace

extern "C" {

gfrtError gfrtGetDeviceCount(uint32_t *count) {
  return guarded([&] {
    if (!count)
      return nullArgument("gfrtGetDeviceCount", "count");
    *count = static_cast<uint32_t>(getDeviceCount());
    return Status::OK();
  });
}

gfrtError gfrtConfigureDevice(int32_t deviceId, uint32_t aiCoreCount,
                              uint64_t memoryLimit) {
  return guarded([&] {
    DeviceOptions options;
    options.aiCoreCount = aiCoreCount;
    options.memoryLimit = memoryLimit;
    // Validate now rather than at the next gfrtSetDevice.
    StatusOr<DeviceProperties> props = Device::describe(deviceId, options);
    if (!props.ok())
      return props.status();
    return configureDevice(deviceId, options);
  });
}

gfrtError gfrtSetDevice(int32_t deviceId) {
  return guarded([&] { return setDevice(deviceId); });
}

gfrtError gfrtResetDevice(int32_t deviceId) {
  return guarded([&] { return resetDevice(deviceId); });
}

gfrtError gfrtGetDevice(int32_t *deviceId) {
  return guarded([&] {
    if (!deviceId)
      return nullArgument("gfrtGetDevice", "deviceId");
    StatusOr<int32_t> id = getCurrentDeviceId();
    if (!id.ok())
      return id.status();
    *deviceId = *id;
    return Status::OK();
  });
}

gfrtError gfrtGetDeviceProperties(int32_t deviceId,
                                  gfrtDeviceProperties *props) {
  return guarded([&] {
    if (!props)
      return nullArgument("gfrtGetDeviceProperties", "props");
    StatusOr<DeviceProperties> p = getDeviceProperties(deviceId);
    if (!p.ok())
      return p.status();
    std::memset(props, 0, sizeof(*props));
    std::strncpy(props->socName, p->socName.c_str(),
                 sizeof(props->socName) - 1);
    props->aiCoreCount = p->aiCoreCount;
    props->totalMemory = p->totalMemory;
    return Status::OK();
  });
}

gfrtError gfrtGetMemInfo(size_t *freeBytes, size_t *totalBytes) {
  return guarded([&] {
    if (!freeBytes || !totalBytes)
      return nullArgument("gfrtGetMemInfo",
                          freeBytes ? "totalBytes" : "freeBytes");
    StatusOr<std::shared_ptr<Device>> device = getCurrentDevice();
    if (!device.ok())
      return device.status();
    MemoryStats stats = (*device)->allocator().stats();
    uint64_t used = stats.inUse + stats.cached;
    *totalBytes = stats.limit;
    *freeBytes = stats.limit > used ? stats.limit - used : 0;
    return Status::OK();
  });
}

gfrtError gfrtMalloc(void **devPtr, size_t size) {
  return guarded([&] {
    if (!devPtr)
      return nullArgument("gfrtMalloc", "devPtr");
    StatusOr<std::shared_ptr<Device>> device = getCurrentDevice();
    if (!device.ok())
      return device.status();
    StatusOr<void *> ptr = (*device)->allocator().allocate(size);
    if (!ptr.ok())
      return ptr.status();
    *devPtr = *ptr;
    return Status::OK();
  });
}

gfrtError gfrtFree(void *devPtr) {
  return guarded([&] {
    StatusOr<std::shared_ptr<Device>> device = getCurrentDevice();
    if (!device.ok())
      return device.status();
    return (*device)->allocator().free(devPtr);
  });
}

gfrtError gfrtMallocHost(void **hostPtr, size_t size) {
  return guarded([&] {
    if (!hostPtr)
      return nullArgument("gfrtMallocHost", "hostPtr");
    StatusOr<void *> ptr = HostAllocator::global().allocate(size);
    if (!ptr.ok())
      return ptr.status();
    *hostPtr = *ptr;
    return Status::OK();
  });
}

gfrtError gfrtFreeHost(void *hostPtr) {
  return guarded([&] { return HostAllocator::global().free(hostPtr); });
}

gfrtError gfrtMemcpy(void *dst, size_t destMax, const void *src, size_t count,
                     gfrtMemcpyKind kind) {
  return guarded([&] {
    StatusOr<std::shared_ptr<Device>> device = getCurrentDevice();
    if (!device.ok())
      return device.status();
    return (*device)->memcpy(dst, destMax, src, count, fromCKind(kind));
  });
}

gfrtError gfrtMemcpyAsync(void *dst, size_t destMax, const void *src,
                          size_t count, gfrtMemcpyKind kind,
                          gfrtStream stream) {
  return guarded([&] {
    StatusOr<std::shared_ptr<Stream>> s = Handles::global().stream(stream);
    if (!s.ok())
      return s.status();
    return (*s)->memcpyAsync(dst, destMax, src, count, fromCKind(kind));
  });
}

gfrtError gfrtMemset(void *devPtr, size_t maxCount, int32_t value,
                     size_t count) {
  return guarded([&] {
    StatusOr<std::shared_ptr<Device>> device = getCurrentDevice();
    if (!device.ok())
      return device.status();
    return (*device)->memset(devPtr, maxCount, value, count);
  });
}

gfrtError gfrtMemsetAsync(void *devPtr, size_t maxCount, int32_t value,
                          size_t count, gfrtStream stream) {
  return guarded([&] {
    StatusOr<std::shared_ptr<Stream>> s = Handles::global().stream(stream);
    if (!s.ok())
      return s.status();
    return (*s)->memsetAsync(devPtr, maxCount, value, count);
  });
}

gfrtError gfrtCreateStream(gfrtStream *stream) {
  return guarded([&] {
    if (!stream)
      return nullArgument("gfrtCreateStream", "stream");
    StatusOr<std::shared_ptr<Device>> device = getCurrentDevice();
    if (!device.ok())
      return device.status();
    StatusOr<std::unique_ptr<Stream>> created = (*device)->createStream();
    if (!created.ok())
      return created.status();
    *stream = Handles::global().addStream(std::move(created.value()));
    return Status::OK();
  });
}

gfrtError gfrtDestroyStream(gfrtStream stream) {
  return guarded([&] {
    StatusOr<std::shared_ptr<Stream>> s =
        Handles::global().removeStream(stream);
    // The stream is destroyed (after its work) when `s` goes out of scope,
    // unless another thread is inside a call with it.
    return s.status();
  });
}

gfrtError gfrtSynchronizeStream(gfrtStream stream) {
  return guarded([&] {
    StatusOr<std::shared_ptr<Stream>> s = Handles::global().stream(stream);
    if (!s.ok())
      return s.status();
    return (*s)->synchronize();
  });
}

gfrtError gfrtQueryStream(gfrtStream stream) {
  return guarded([&] {
    StatusOr<std::shared_ptr<Stream>> s = Handles::global().stream(stream);
    if (!s.ok())
      return s.status();
    return (*s)->query();
  });
}

gfrtError gfrtLaunchKernel(gfrtKernelFn fn, uint32_t blockDim,
                           const gfrtKernelArgs *args, const char *name,
                           gfrtStream stream) {
  return guarded([&] {
    StatusOr<std::shared_ptr<Stream>> s = Handles::global().stream(stream);
    if (!s.ok())
      return s.status();
    gfrtKernelArgs none{};
    return geflow::rt::detail::launchCKernel(**s, nameOr(name, "kernel"), fn,
                                             args ? *args : none, blockDim);
  });
}

gfrtError gfrtLaunchCallback(gfrtCallback fn, void *userData, const char *name,
                             gfrtStream stream) {
  return guarded([&] {
    if (!fn)
      return nullArgument("gfrtLaunchCallback", "fn");
    StatusOr<std::shared_ptr<Stream>> s = Handles::global().stream(stream);
    if (!s.ok())
      return s.status();
    return (*s)->launchCallback(nameOr(name, "callback"), [fn, userData] {
      int32_t code = fn(userData);
      if (code != 0)
        return Status(ErrorCode::kTaskFailed,
                      "callback returned " + std::to_string(code));
      return Status::OK();
    });
  });
}

gfrtError gfrtCreateEvent(gfrtEvent *event) {
  return guarded([&] {
    if (!event)
      return nullArgument("gfrtCreateEvent", "event");
    StatusOr<std::shared_ptr<Device>> device = getCurrentDevice();
    if (!device.ok())
      return device.status();
    *event =
        Handles::global().addEvent(std::make_shared<Event>(), device->get());
    return Status::OK();
  });
}

gfrtError gfrtDestroyEvent(gfrtEvent event) {
  return guarded([&] { return Handles::global().removeEvent(event).status(); });
}

gfrtError gfrtRecordEvent(gfrtEvent event, gfrtStream stream) {
  return guarded([&] {
    StatusOr<std::shared_ptr<Event>> e = Handles::global().event(event);
    if (!e.ok())
      return e.status();
    StatusOr<std::shared_ptr<Stream>> s = Handles::global().stream(stream);
    if (!s.ok())
      return s.status();
    return (*s)->recordEvent(**e);
  });
}

gfrtError gfrtStreamWaitEvent(gfrtStream stream, gfrtEvent event) {
  return guarded([&] {
    StatusOr<std::shared_ptr<Event>> e = Handles::global().event(event);
    if (!e.ok())
      return e.status();
    StatusOr<std::shared_ptr<Stream>> s = Handles::global().stream(stream);
    if (!s.ok())
      return s.status();
    return (*s)->waitEvent(**e);
  });
}

gfrtError gfrtSynchronizeEvent(gfrtEvent event) {
  return guarded([&] {
    StatusOr<std::shared_ptr<Event>> e = Handles::global().event(event);
    if (!e.ok())
      return e.status();
    return (*e)->synchronize();
  });
}

gfrtError gfrtQueryEvent(gfrtEvent event, gfrtEventStatus *status) {
  return guarded([&] {
    if (!status)
      return nullArgument("gfrtQueryEvent", "status");
    StatusOr<std::shared_ptr<Event>> e = Handles::global().event(event);
    if (!e.ok())
      return e.status();
    *status = (*e)->query().ok() ? GFRT_EVENT_STATUS_COMPLETE
                                 : GFRT_EVENT_STATUS_NOT_READY;
    return Status::OK();
  });
}

gfrtError gfrtEventElapsedTime(float *ms, gfrtEvent start, gfrtEvent end) {
  return guarded([&] {
    if (!ms)
      return nullArgument("gfrtEventElapsedTime", "ms");
    StatusOr<std::shared_ptr<Event>> a = Handles::global().event(start);
    if (!a.ok())
      return a.status();
    StatusOr<std::shared_ptr<Event>> b = Handles::global().event(end);
    if (!b.ok())
      return b.status();
    StatusOr<float> elapsed = Event::elapsedMs(**a, **b);
    if (!elapsed.ok())
      return elapsed.status();
    *ms = *elapsed;
    return Status::OK();
  });
}

const char *gfrtGetLastErrorMessage(void) { return tlsLastError.c_str(); }

} // extern "C"
