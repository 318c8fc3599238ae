//===- Context.h - Per-execution state and its pool -----------------------===//
//
// An execution context is everything one in-flight run owns: the arena, an
// internal stream per program stream > 0, the program's events, the
// fork/join events, and the pointer table and KernelArgs the queued tasks
// point to (they must live until the tasks finish, so they cannot be on the
// enqueuing thread's stack).
//
// One pool serves every gear of a model: a context's arena is sized for the
// largest gear's plan, so a model with many gears needs one arena per run
// in flight, not one per gear. The per-gear parts (pointer table, kernel
// arguments, gear_padding's staging buffers) are made the first time a
// context runs that gear.
//
// Reuse: a context goes back to work only once its previous run is over,
// which is observed rather than signalled: the run ends with a record of
// `done` on the caller's stream after the joins, and a context is over when
// `done` has been reached and its internal streams are idle. Records
// complete even on a failed stream, so a failed run is reclaimed exactly
// like a successful one (a completion callback would be skipped after a
// failure and leak the context). An internal stream keeps a failure until
// its own synchronize(), so reclaiming clears it (see ContextPool).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_EXECUTOR_CONTEXT_H
#define GEFLOW_RUNTIME_EXECUTOR_CONTEXT_H

#include "DumpRun.h"
#include "Plan.h"

#include "geflow/runtime/Event.h"
#include "geflow/runtime/Stream.h"

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace geflow::rt {
class Device;
} // namespace geflow::rt

namespace geflow::rt::exec {

/// A context's state for one gear.
struct GearState {
  std::vector<void *> pointers;
  std::vector<kernels::KernelArgs> kernelArgs;
  std::vector<HostCallArgs> hostArgs;
  /// gear_padding's staging copies of the gear's inputs then outputs
  /// (allocated on first use).
  std::vector<void *> staging;
  /// The weight version the pointers into updatable weights are aimed at
  /// (WeightSets::bind).
  uint64_t weightVersion = 0;
  /// The arena the pointers and workspaces into the arena are aimed at
  /// (the context's own, or a shared arena's current block: aimArena).
  void *arenaBase = nullptr;
};

/// Re-aims the pointer-table entries and kernel workspaces of `state` that
/// lie in the arena at `base` (a shared arena's block, which moves when it
/// grows).
void aimArena(const GearPlan &plan, GearState &state, void *base);

struct RangedInstance;

struct ExecContext {
  ~ExecContext();

  /// The re-tiled program a shape-ranged run uses; held until the context
  /// runs again, since the queued kernels read its tiling data.
  std::shared_ptr<const RangedInstance> instance;
  std::shared_ptr<Device> device;
  void *arena = nullptr;
  /// Mixed compute: host memory of the host-engine tasks (HostAllocator).
  void *hostArena = nullptr;
  /// Indexed by gear; null until the context first runs that gear.
  std::vector<std::unique_ptr<GearState>> gears;
  /// Indexed by program stream; [0] (the caller's stream) and streams no
  /// gear uses are null.
  std::vector<std::unique_ptr<Stream>> streams;
  /// Indexed by program stream: the host CPU engine's streams of the
  /// program streams some gear runs on the host (null elsewhere).
  std::vector<std::unique_ptr<Stream>> hostStreams;
  std::unique_ptr<Event[]> events;
  Event start;
  /// Indexed by program stream, like `streams`.
  std::unique_ptr<Event[]> joins;
  /// Indexed by collective task (GearPlan::collectives): reached when the
  /// collective completes (its stream waits for it).
  std::unique_ptr<Event[]> collectiveDone;
  /// Indexed by control task (GearPlan::controls): reached when its
  /// subgraphs have run (its stream waits for it).
  std::unique_ptr<Event[]> controlDone;
  Event done;
  /// The bytes of the strings the host kernels of the current run create
  /// (HostCallArgs::strings); cleared when the context is acquired again.
  StringStore strings;
  /// Under the pool's lock: an enqueuing thread owns the context.
  bool claimed = false;
  /// Whether a run was ever enqueued (then `done` marks its end).
  bool used = false;
};

/// The debug features one run records (profile, dumps, overflow checks);
/// null members are off, and a run without any takes the plain path.
struct RunDebug {
  std::shared_ptr<RunTrace> trace;
  std::shared_ptr<DumpRun> dump;
};

/// The stream of `ctx` that runs program stream `s` of `plan`: the
/// caller's for 0, else an internal stream of the engine the plan says.
inline Stream &streamFor(const GearPlan &plan, ExecContext &ctx, Stream &caller,
                         uint32_t s) {
  if (s == 0)
    return caller;
  return plan.hostStream[s] ? *ctx.hostStreams[s] : *ctx.streams[s];
}

/// Enqueues step `i` of `plan` on `stream` with the debug features on
/// (DebugSteps.cpp).
Status enqueueDebugStep(const GearPlan &plan, size_t i, Stream &stream,
                        ExecContext &ctx, GearState &gear, uint32_t blockDim,
                        const RunDebug &debug);

/// Work a step hands off the stream: `start` begins it and arranges for
/// `finish` to be called once, from any thread, with its status.
using HostWorkStart = std::function<void(std::function<void(Status)> finish)>;

/// Enqueues on `stream` a callback that runs `start`, then a wait on `done`
/// that `finish` completes: the stream's next task follows the host work
/// without an AI core waiting for it (collectives, If/While).
Status enqueueHostWork(Stream &stream, const std::string &label, Event &done,
                       HostWorkStart start);

/// Enqueues collective step `step` of `plan` on `stream`: a callback that
/// starts it, and a wait for its completion that holds no AI core.
Status enqueueCollective(const GearPlan &plan, const Step &step, Stream &stream,
                         ExecContext &ctx, GearState &gear);

/// Enqueues control step `step` (If, While) of `plan` on `stream`: a
/// callback that hands the subgraph runs to a control thread, and a wait for
/// their end that holds no AI core (ControlTasks.cpp).
Status enqueueControl(const GearPlan &plan, const Step &step, Stream &stream,
                      ExecContext &ctx, GearState &gear);

/// Enqueues one run of `plan` using `ctx` (with `gear` its state for the
/// plan) on `caller` and ctx's internal streams. The bound pointers must be
/// set. `beforeDone` enqueues work on `caller` that still belongs to the
/// run (it must finish before the context can be reused).
/// `blockDims`, when given, replaces each step's block count (shape-ranged
/// programs re-tile per run). `hold`, when given, is kept alive until every
/// stream of the run has passed its last task (a callback per stream holds
/// it), even when a stream fails: the weight version the run reads.
/// `debug`, when given, records the run.
Status enqueueRun(const GearPlan &plan, ExecContext &ctx, GearState &gear,
                  Stream &caller,
                  const std::function<Status(Stream &)> &beforeDone = nullptr,
                  const std::vector<uint32_t> *blockDims = nullptr,
                  const std::shared_ptr<const void> &hold = nullptr,
                  const RunDebug *debug = nullptr);

/// The contexts of one model, shared by its gears.
class ContextPool {
public:
  /// `weights` is the weight blob, `external` the mapped external weight
  /// files (by index); both must outlive the pool. With `sharedArena` the
  /// contexts hold no arena: each run aims its state at a shared arena's
  /// block (aimArena).
  ContextPool(const std::vector<std::unique_ptr<GearPlan>> &plans,
              std::shared_ptr<Device> device, const uint8_t *weights,
              std::vector<const uint8_t *> external = {},
              bool sharedArena = false);
  /// Waits for the runs still using the contexts.
  ~ContextPool();

  /// A context whose previous run (if any) is over, claimed for the
  /// caller; a new one when every context is busy.
  StatusOr<ExecContext *> acquire();
  /// The state of `ctx` for gear `g`, made on first use. `ctx` must be
  /// claimed.
  StatusOr<GearState *> gearState(ExecContext &ctx, size_t g);
  /// Marks `ctx` as enqueued (its run's end is its `done` record).
  void release(ExecContext *ctx);
  size_t size() const;
  /// The arena a run needs: the largest gear's (held by every context
  /// unless the arena is shared).
  uint64_t arenaSize() const { return arenaSize_; }
  bool sharedArena() const { return sharedArena_; }
  uint64_t hostArenaSize() const { return hostArenaSize_; }

private:
  StatusOr<std::unique_ptr<ExecContext>> create();
  /// True when the last run of an unclaimed context is over; then clears
  /// failures its internal streams kept.
  bool reclaim(ExecContext &ctx);

  const std::vector<std::unique_ptr<GearPlan>> &plans_;
  const std::shared_ptr<Device> device_;
  const uint8_t *weights_;
  const std::vector<const uint8_t *> external_;
  const bool sharedArena_;
  uint64_t arenaSize_ = 0, hostArenaSize_ = 0;
  uint32_t numStreams_ = 1, numEvents_ = 0, numCollectives_ = 0,
           numControls_ = 0;
  /// Program streams > 0 some gear runs on the AI cores, and the ones some
  /// gear runs on the host CPU engine.
  std::vector<uint32_t> internalStreams_, hostStreams_;
  /// Every internal stream of `ctx`, of both engines.
  std::vector<Stream *> allInternal(ExecContext &ctx) const;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<ExecContext>> contexts_;
  /// Round-robin start of the scan, so that the scan finds a finished
  /// context first instead of re-checking the ones in flight.
  size_t next_ = 0;
};

} // namespace geflow::rt::exec

#endif // GEFLOW_RUNTIME_EXECUTOR_CONTEXT_H
