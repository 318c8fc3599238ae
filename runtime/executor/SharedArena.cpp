//===- SharedArena.cpp - One feature-map arena shared by models -----------===//
//
// Turns are numbered by the generations of one event: a run's stream waits
// for the previous generation, and a turn's generation is reached once the
// run has ended. A run skipped on a failed stream can end before the run
// ahead of it, so ends are published in order: generation n is reached only
// when every turn up to n has ended, and a wait never lets a run overlap an
// earlier one that is still running.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/SharedArena.h"

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Event.h"
#include "geflow/runtime/Stream.h"

#include <algorithm>
#include <mutex>
#include <set>

namespace geflow::rt {

namespace {

/// Byte counts shared by the arena and its blocks (a block may outlive the
/// arena in a run still in flight).
struct Usage {
  std::mutex mu;
  uint64_t held = 0, peak = 0;
};

/// One allocation of the arena.
struct Block {
  Block(std::shared_ptr<Device> device, std::shared_ptr<Usage> usage)
      : device(std::move(device)), usage(std::move(usage)) {}
  ~Block() {
    if (!data)
      return;
    (void)device->allocator().free(data);
    std::lock_guard<std::mutex> lock(usage->mu);
    usage->held -= size;
  }
  std::shared_ptr<Device> device;
  std::shared_ptr<Usage> usage;
  void *data = nullptr;
  uint64_t size = 0;
};

} // namespace

struct SharedArena::Impl {
  std::shared_ptr<Device> device;
  std::shared_ptr<Usage> usage = std::make_shared<Usage>();

  mutable std::mutex mu;
  std::shared_ptr<Block> block;
  uint64_t growths = 0, runs = 0;
  /// Generation n is reached when turn n has ended and every earlier turn.
  Event order;
  uint64_t published = 0;
  std::set<uint64_t> ended; // turns past `published` that have ended

  /// Marks turn `gen` over and reaches every generation whose turns are.
  void end(uint64_t gen) {
    uint64_t reach = 0;
    {
      std::lock_guard<std::mutex> lock(mu);
      ended.insert(gen);
      while (!ended.empty() && *ended.begin() == published + 1) {
        ended.erase(ended.begin());
        reach = ++published;
      }
    }
    if (reach)
      Event::completeHostRecord(order.state(), reach, Status::OK());
  }
};

struct SharedArena::Turn::State {
  std::shared_ptr<SharedArena::Impl> arena;
  std::shared_ptr<Block> block;
  uint64_t gen = 0;
};

SharedArena::Turn::Turn(std::unique_ptr<State> state)
    : state_(std::move(state)) {}

SharedArena::Turn::~Turn() {
  // The block first: a run that follows may replace it and should find it
  // released.
  state_->block.reset();
  state_->arena->end(state_->gen);
}

void *SharedArena::Turn::base() const {
  return state_->block ? state_->block->data : nullptr;
}

SharedArena::SharedArena(std::shared_ptr<Device> device)
    : impl_(std::make_shared<Impl>()) {
  impl_->device = std::move(device);
}

SharedArena::~SharedArena() = default;

Device &SharedArena::device() const { return *impl_->device; }
bool SharedArena::serves(Shapes shapes, bool shapeRanged) {
  return shapes == Shapes::All || (shapes == Shapes::Ranged) == shapeRanged;
}

uint64_t SharedArena::bytes() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->block ? impl_->block->size : 0;
}

uint64_t SharedArena::peakBytes() const {
  std::lock_guard<std::mutex> lock(impl_->usage->mu);
  return impl_->usage->peak;
}

uint64_t SharedArena::growths() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->growths;
}

uint64_t SharedArena::runs() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->runs;
}

StatusOr<std::shared_ptr<SharedArena::Turn>> SharedArena::begin(Stream &stream,
                                                                uint64_t need) {
  Impl &a = *impl_;
  if (&stream.device() != a.device.get())
    return invalidArgument(
        "the session's shared feature-map arena is on device " +
        std::to_string(a.device->id()) + ", the run's stream on device " +
        std::to_string(stream.device().id()));
  std::lock_guard<std::mutex> lock(a.mu);
  if (need > 0 && (!a.block || a.block->size < need)) {
    // GE: "when the current graph needs more than the previous one, the
    // previous memory is released and the current graph's size allocated".
    // Runs still reading the old block hold it until they end.
    bool replacing = a.block != nullptr;
    a.block.reset();
    auto block = std::make_shared<Block>(a.device, a.usage);
    StatusOr<void *> data = a.device->allocator().allocate(need);
    if (!data.ok())
      return Status(data.status().code(),
                    "cannot grow the session's shared feature-map arena "
                    "(static_memory_policy) to " +
                        std::to_string(need) +
                        " bytes: " + data.status().message());
    block->data = *data;
    block->size = need;
    {
      std::lock_guard<std::mutex> usage(a.usage->mu);
      a.usage->held += need;
      a.usage->peak = std::max(a.usage->peak, a.usage->held);
    }
    if (replacing)
      ++a.growths;
    a.block = std::move(block);
  }
  // Wait for the turn before, then take the next generation: a wait
  // enqueued later (the next run's) waits for this one.
  GEFLOW_RETURN_IF_ERROR(stream.waitEvent(a.order));
  auto state = std::make_unique<Turn::State>();
  state->arena = impl_;
  state->block = a.block;
  state->gen = a.order.reserveHostRecord();
  ++a.runs;
  return std::shared_ptr<Turn>(new Turn(std::move(state)));
}

} // namespace geflow::rt
