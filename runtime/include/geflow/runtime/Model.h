//===- Model.h - Loading and executing .gfm task programs -------*- C++ -*-===//
//
// A Model is a loaded .gfm executable: the signature, one pre-decoded task
// program per gear (every kernel already resolved to its entry point for
// this CPU), and the weights (memory-mapped, read-only). A Model is shared
// read-only by every execution; each in-flight execution gets its own
// execution context (arena, internal streams, events, kernel arguments)
// from a per-gear pool, so any number of threads may execute one Model on
// different streams at once.
//
//   auto model = Model::load("m.gfm", device).value();
//   std::vector<TensorRef> in = {{x, xBytes, DType::F32, {1, 3, 224, 224}}};
//   std::vector<TensorRef> out = {{y, yBytes, DType::F32, {1, 1000}}};
//   model->execute(*stream, in, out);  // enqueue only
//   stream->synchronize();             // failures of the run surface here
//
// Binding is zero-copy: kernels read the caller's input buffers and write
// the caller's output buffers directly (device memory is host memory), so
// the buffers must stay valid, and inputs unchanged, until the run has
// finished on the stream.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_MODEL_H
#define GEFLOW_RUNTIME_MODEL_H

#include "geflow/runtime/Gfm.h"
#include "geflow/runtime/SharedArena.h"
#include "geflow/runtime/Status.h"
#include "geflow/runtime/Strings.h"
#include "geflow/runtime/Types.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace geflow::rt {

class Device;
class Dumper;
class Profiler;
class Stream;
using SharedArenaShapes = SharedArena::Shapes;

/// One input or output of a model's signature.
struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  Format format = Format::ND;
  /// Logical shape; -1 marks a dim that differs between gears (only in
  /// Model::inputs()/outputs(), never in a gear's signature).
  std::vector<int64_t> shape;
  /// Bytes the tensor occupies in its format (0 when the shape has -1).
  uint64_t bytes = 0;
};

/// A dim of a shape-ranged gear (input_shape_range): any size in
/// [min, max] runs, re-tiled for it.
struct DimRange {
  uint32_t input = 0, dim = 0;
  int64_t min = 0, max = 0;
};

/// One gear: the task program for one set of static input shapes, or, for
/// a shape-ranged gear, for the upper bounds of `ranges`.
struct GearInfo {
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
  /// The ranged input dims (empty for a static gear).
  std::vector<DimRange> ranges;
  uint64_t arenaSize = 0;
  /// Mixed compute: the host memory the host-engine tasks use per run.
  uint64_t hostArenaSize = 0;
  uint32_t numStreams = 1;
  /// Mixed compute: the program streams that run on the host CPU engine.
  std::vector<uint32_t> hostStreams;
  uint32_t numEvents = 0;
  uint32_t numTasks = 0;
};

/// A caller's buffer bound to a model input or output (not owned). `size`
/// is the number of bytes available at `data`; it must cover the tensor's
/// storage bytes (its physical shape in its format).
struct TensorRef {
  void *data = nullptr;
  uint64_t size = 0;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  /// String tensors (DType::String, Strings.h): an output's strings are
  /// copied here at the end of the run, and its elements point here (the
  /// run first clears the store). Required for string outputs, unused
  /// otherwise; not owned, and must not be shared with another run in
  /// flight.
  StringStore *strings = nullptr;
};

/// A new value for one updatable weight (Model::updateWeights): `size`
/// bytes at `data` (not owned; read before updateWeights returns), in the
/// variable's dtype and shape.
struct WeightUpdate {
  std::string name;
  const void *data = nullptr;
  uint64_t size = 0;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
};

struct ModelLoadOptions {
  GfmLimits limits;
  /// static_memory_policy: when set and `sharedArenaShapes` covers the
  /// model (SharedArena::serves), its runs use the shared arena's block
  /// for their feature maps instead of arenas of the model's own.
  std::shared_ptr<SharedArena> sharedArena;
  SharedArenaShapes sharedArenaShapes = SharedArenaShapes::All;
};

class Model {
public:
  /// Opens, validates and prepares a .gfm file for `device`. Errors name
  /// the file and the task (an unknown kernel, a kernel without an
  /// implementation for the dtype on this CPU, an unknown host op, ...).
  static StatusOr<std::unique_ptr<Model>>
  load(const std::string &path, std::shared_ptr<Device> device,
       const ModelLoadOptions &options = {});
  /// The same for .gfm bytes in memory (copied).
  static StatusOr<std::unique_ptr<Model>>
  loadFromBytes(const void *data, size_t size, std::shared_ptr<Device> device,
                const std::string &name = "<memory>",
                const ModelLoadOptions &options = {});
  /// Prepares an already opened file.
  static StatusOr<std::unique_ptr<Model>>
  fromFile(std::unique_ptr<GfmFile> file, std::shared_ptr<Device> device,
           const ModelLoadOptions &options = {});

  /// Waits for the executions still in flight (they use the model's
  /// contexts), then frees the contexts. Not to be called from a task.
  ~Model();
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  /// The model's name (from the file) and signature (-1: geared dims).
  const std::string &name() const;
  const std::vector<TensorInfo> &inputs() const;
  const std::vector<TensorInfo> &outputs() const;
  const std::vector<GearInfo> &gears() const;
  const GfmFile &file() const;
  Device &device() const;

  /// The gear whose input shapes equal `inputShapes` exactly; the error
  /// names the input and lists the gears.
  StatusOr<size_t>
  selectGear(const std::vector<std::vector<int64_t>> &inputShapes) const;

  /// How a run with these input shapes executes: the gear, whether it runs
  /// padded (gear_padding, a batch between gears), and the outputs it
  /// produces (with the inputs' batch when padded). Allocate outputs from
  /// this.
  struct Selection {
    size_t gear = 0;
    bool padded = false;
    std::vector<TensorInfo> outputs;
  };
  StatusOr<Selection>
  select(const std::vector<std::vector<int64_t>> &inputShapes) const;

  /// Enqueues one execution on `stream` (program stream 0) and the model's
  /// internal streams, joined by events: returns once enqueued. Inputs and
  /// outputs are checked first (count, dtype, shape against the selected
  /// gear, buffer size, no output overlapping another binding); a failure
  /// of a task reaches `stream` and shows at its next synchronize, naming
  /// the task and its kernel.
  Status execute(Stream &stream, const std::vector<TensorRef> &inputs,
                 const std::vector<TensorRef> &outputs);

  /// execute() on a stream of the model's own, then waits for it.
  Status run(const std::vector<TensorRef> &inputs,
             const std::vector<TensorRef> &outputs);

  /// The updatable weights (compiled with updatable_weights): the model's
  /// initializer names, dtypes and shapes. Empty for other models.
  const std::vector<TensorInfo> &variables() const;
  /// Replaces the values of the named updatable weights without reloading:
  /// every stored form (fp16/bf16 copies, pre-packed panels) is derived
  /// again exactly as the compiler derived it, so results equal a fresh
  /// compile with the new values. Names, dtypes, shapes and sizes are
  /// checked first and every mismatch is reported in one error (then
  /// nothing changes). Runs enqueued before the call finish with the old
  /// weights, runs enqueued after it use the new ones; safe to call while
  /// other threads execute.
  Status updateWeights(const std::vector<WeightUpdate> &updates);
  /// The error updateWeights would report for `updates`, with `more`
  /// problems a caller found itself (one line each) listed too; OK when
  /// there are none. Changes nothing.
  Status checkWeightUpdates(const std::vector<WeightUpdate> &updates,
                            const std::vector<std::string> &more = {}) const;
  /// Copies the current value of updatable weight `name` (`size` bytes).
  Status readWeight(const std::string &name, void *out, uint64_t size) const;
  /// 0 for the file's weights; every successful updateWeights adds one.
  uint64_t weightVersion() const;
  /// Weight versions alive: the current one and older ones runs still in
  /// flight read (an old version is freed when its last run ends).
  size_t liveWeightVersions() const;

  /// Records every later run into `profiler` (null: stop recording). Set
  /// it while no thread is enqueueing a run of this model. Runs padded by
  /// gear_padding are not recorded.
  void setProfiler(std::shared_ptr<Profiler> profiler);
  const std::shared_ptr<Profiler> &profiler() const;
  /// Dumps tensors / checks for overflow in every later run as `dumper`
  /// says (null: stop); the runs are numbered (data_index) from 0 on. Same
  /// rules as setProfiler.
  void setDumper(std::shared_ptr<Dumper> dumper);
  const std::shared_ptr<Dumper> &dumper() const;

  /// Execution contexts created so far (each holds an arena); at most the
  /// number of executions that were in flight at once.
  size_t numContexts() const;
  /// Bytes of feature-map arena a run needs: the largest gear's (the gears
  /// share contexts). Each context holds that much, unless the model runs
  /// on a shared arena.
  uint64_t arenaBytes() const;
  /// The shared arena the model's runs use (static_memory_policy), or null
  /// when its contexts hold arenas of their own.
  const std::shared_ptr<SharedArena> &sharedArena() const;

  struct Impl;

private:
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// "[1,3,224,224]".
std::string shapeToString(const std::vector<int64_t> &shape);

/// For a model compiled with gear_padding: checks that its gears differ only
/// in dim 0 (the batch) of every input and output and that every dim 0
/// equals the gear's batch, so a smaller batch can run padded in a bigger
/// gear. The error names the tensor and gear that break the condition.
Status checkGearPadding(const GfmFile &file);

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_MODEL_H
