//===- SharedArena.h - One feature-map arena shared by models ---*- C++ -*-===//
//
// GE's static_memory_policy (docs/static-memory.md): instead of every
// execution context of every model holding an arena of its own, the models
// of one Session run their feature maps out of one block of device memory,
// sized by the largest run so far. A run that needs more than the block
// holds replaces it by a bigger one (the old block is freed when the last
// run reading it ends); every model's pointer tables are re-aimed at the
// new block on their next run. Runs on the arena never overlap in time:
// each waits, on its stream, for the end of the run enqueued before it,
// whichever model, thread or stream that was.
//
//   auto arena = std::make_shared<SharedArena>(device);
//   ModelLoadOptions options;
//   options.sharedArena = arena;   // sharedArenaShapes: which models use it
//   auto a = Model::load("a.gfm", device, options).value();
//   auto b = Model::load("b.gfm", device, options).value();
//   ... a->run(...), b->run(...) ...
//   arena->bytes();   // max(a->arenaBytes(), b->arenaBytes()), not the sum
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_SHAREDARENA_H
#define GEFLOW_RUNTIME_SHAREDARENA_H

#include "geflow/runtime/Status.h"

#include <cstdint>
#include <memory>

namespace geflow::rt {

class Device;
class Stream;

class SharedArena {
public:
  /// The models that use the arena (others keep arenas of their own):
  /// static-shape ones (one program per input shape, gears included),
  /// shape-ranged ones (input_shape_range), or both.
  enum class Shapes { Static, Ranged, All };

  /// Whether a model of this kind (shape-ranged or not) uses an arena
  /// offered for `shapes`.
  static bool serves(Shapes shapes, bool shapeRanged);

  explicit SharedArena(std::shared_ptr<Device> device);
  /// Blocks still read by runs in flight live until those runs end.
  ~SharedArena();
  SharedArena(const SharedArena &) = delete;
  SharedArena &operator=(const SharedArena &) = delete;

  Device &device() const;

  /// Bytes of the current block: the most any run so far has needed (0
  /// before the first run).
  uint64_t bytes() const;
  /// The most bytes the arena's blocks ever held at once (a bigger block is
  /// allocated once the old one is released; runs still reading the old one
  /// keep it alive until they end).
  uint64_t peakBytes() const;
  /// How often the block was replaced by a bigger one.
  uint64_t growths() const;
  /// Runs that used the arena.
  uint64_t runs() const;

  /// One run's use of the arena: the block it reads (`base()`), kept alive
  /// and reserved for the run while the turn lives. The executor holds the
  /// turn until every stream of the run has passed its last task.
  class Turn {
  public:
    ~Turn();
    void *base() const;

  private:
    friend class SharedArena;
    struct State;
    explicit Turn(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
  };

  /// For the executor: orders a run needing `need` bytes after every run
  /// begun before it. Grows the block if it is smaller than `need` and
  /// enqueues on `stream` (where the run starts) a wait for the end of the
  /// previous turn. The run's work must be enqueued after this wait.
  StatusOr<std::shared_ptr<Turn>> begin(Stream &stream, uint64_t need);

  struct Impl;

private:
  std::shared_ptr<Impl> impl_;
};

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_SHAREDARENA_H
