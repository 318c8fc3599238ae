//===- Memcpy.cpp - Validating and splitting copies -----------------------===//

#include "Memcpy.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace geflow::rt::detail {

static std::string pointerText(const void *ptr) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%p", ptr);
  return buf;
}

/// Which other device's memory `ptr` is, when several devices exist.
static DeviceAllocator::Owner otherOwner(const DeviceAllocator &alloc,
                                         const void *ptr, size_t count) {
  if (DeviceAllocator::liveAllocators() <= 1)
    return {};
  DeviceAllocator::Owner owner = DeviceAllocator::findOwner(ptr, count);
  return owner.allocator == &alloc ? DeviceAllocator::Owner{} : owner;
}

/// Checks one side of a copy; `what` is "source" or "destination". A
/// device-to-device copy may read or write another device's memory: that
/// is how data moves between devices, always explicitly.
static Status checkSide(const DeviceAllocator &alloc, const void *ptr,
                        size_t count, bool wantDevice, const char *what,
                        MemcpyKind kind) {
  std::string where = std::string(what) + " " + pointerText(ptr) + " of a " +
                      memcpyKindName(kind) + " copy";
  bool isDevice = alloc.owns(ptr);
  if (!isDevice) {
    DeviceAllocator::Owner other = otherOwner(alloc, ptr, count);
    if (other.allocator) {
      std::string whose = where + " is memory of device " +
                          std::to_string(other.deviceId) + ", not of device " +
                          std::to_string(alloc.deviceId());
      if (!wantDevice)
        return invalidArgument(whose + "; use a device kind");
      if (kind != MemcpyKind::DeviceToDevice)
        return invalidArgument(
            whose + " (whose stream or current device makes the copy); "
                    "copy between devices with a DeviceToDevice copy");
      if (!other.inside)
        return invalidArgument(where + ": " + std::to_string(count) +
                               " bytes run past the end of its allocation "
                               "on device " +
                               std::to_string(other.deviceId));
      return Status::OK();
    }
  }
  if (wantDevice && !isDevice)
    return invalidArgument(where + " is not memory of device " +
                           std::to_string(alloc.deviceId()));
  if (!wantDevice && isDevice)
    return invalidArgument(where + " is device memory; use a device kind");
  if (wantDevice && !alloc.contains(ptr, count))
    return invalidArgument(where + ": " + std::to_string(count) +
                           " bytes run past the end of its allocation");
  return Status::OK();
}

Status checkCopy(const DeviceAllocator &alloc, const void *dst, size_t destMax,
                 const void *src, size_t count, MemcpyKind kind,
                 MemcpyKind *resolved) {
  auto kindValue = static_cast<int32_t>(kind);
  if (kindValue < 0 || kindValue > static_cast<int32_t>(MemcpyKind::Default))
    return invalidArgument("unknown memcpy kind " + std::to_string(kindValue));
  if (count > destMax)
    return invalidArgument("memcpy of " + std::to_string(count) +
                           " bytes exceeds destMax " + std::to_string(destMax));
  if (kind == MemcpyKind::Default) {
    bool dstDevice = alloc.owns(dst) || otherOwner(alloc, dst, 1).allocator;
    bool srcDevice = alloc.owns(src) || otherOwner(alloc, src, 1).allocator;
    kind = srcDevice ? (dstDevice ? MemcpyKind::DeviceToDevice
                                  : MemcpyKind::DeviceToHost)
                     : (dstDevice ? MemcpyKind::HostToDevice
                                  : MemcpyKind::HostToHost);
  }
  *resolved = kind;
  if (count == 0)
    return Status::OK();
  if (!dst || !src)
    return invalidArgument(std::string("memcpy with a null ") +
                           (dst ? "source" : "destination"));
  bool srcDevice =
      kind == MemcpyKind::DeviceToHost || kind == MemcpyKind::DeviceToDevice;
  bool dstDevice =
      kind == MemcpyKind::HostToDevice || kind == MemcpyKind::DeviceToDevice;
  GEFLOW_RETURN_IF_ERROR(
      checkSide(alloc, src, count, srcDevice, "source", kind));
  GEFLOW_RETURN_IF_ERROR(
      checkSide(alloc, dst, count, dstDevice, "destination", kind));
  auto d = reinterpret_cast<uintptr_t>(dst),
       s = reinterpret_cast<uintptr_t>(src);
  if (d < s + count && s < d + count)
    return invalidArgument("memcpy source " + pointerText(src) +
                           " and destination " + pointerText(dst) +
                           " overlap over " + std::to_string(count) + " bytes");
  return Status::OK();
}

Status checkSet(const DeviceAllocator &alloc, const void *dst, size_t destMax,
                size_t count) {
  if (count > destMax)
    return invalidArgument("memset of " + std::to_string(count) +
                           " bytes exceeds maxCount " +
                           std::to_string(destMax));
  if (count == 0)
    return Status::OK();
  if (!dst)
    return invalidArgument("memset of a null pointer");
  if (!alloc.contains(dst, count))
    return invalidArgument("memset destination " + pointerText(dst) + ": " +
                           std::to_string(count) +
                           " bytes are not inside one allocation of device " +
                           std::to_string(alloc.deviceId()));
  return Status::OK();
}

size_t planChunks(size_t count, uint32_t cores, uint32_t *blocks) {
  constexpr size_t kMinChunk = size_t(2) << 20;
  if (cores <= 1 || count < 2 * kMinChunk) {
    *blocks = 1;
    return count;
  }
  size_t chunk = (count + cores - 1) / cores;
  chunk = std::max(chunk, kMinChunk);
  chunk = (chunk + 63) & ~size_t(63); // whole cache lines per core
  *blocks = static_cast<uint32_t>((count + chunk - 1) / chunk);
  return chunk;
}

} // namespace geflow::rt::detail
