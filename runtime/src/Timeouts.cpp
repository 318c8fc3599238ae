//===- Timeouts.cpp - GE's execution timeouts -----------------------------===//
#include "geflow/runtime/Timeouts.h"

#include "Timeouts.h"

#include <atomic>

namespace geflow::rt {

namespace {
std::atomic<int64_t> opExecuteMs{-1};
std::atomic<int64_t> streamSyncMs{-1};
std::atomic<int64_t> eventSyncMs{-1};
} // namespace

void setSyncTimeouts(const SyncTimeouts &timeouts) {
  opExecuteMs.store(timeouts.opExecuteMs, std::memory_order_relaxed);
  streamSyncMs.store(timeouts.streamSyncMs, std::memory_order_relaxed);
  eventSyncMs.store(timeouts.eventSyncMs, std::memory_order_relaxed);
}

SyncTimeouts getSyncTimeouts() {
  return {opExecuteMs.load(std::memory_order_relaxed),
          streamSyncMs.load(std::memory_order_relaxed),
          eventSyncMs.load(std::memory_order_relaxed)};
}

namespace detail {
bool opExecuteTimeoutSet() {
  return opExecuteMs.load(std::memory_order_relaxed) >= 0;
}
} // namespace detail

} // namespace geflow::rt
