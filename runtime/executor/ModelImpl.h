//===- ModelImpl.h - What a loaded Model holds ----------------------------===//
#ifndef GEFLOW_RUNTIME_EXECUTOR_MODELIMPL_H
#define GEFLOW_RUNTIME_EXECUTOR_MODELIMPL_H

#include "Context.h"
#include "ExternalWeights.h"
#include "Padding.h"
#include "Plan.h"
#include "Ranged.h"
#include "WeightSets.h"

#include "geflow/runtime/Dump.h"
#include "geflow/runtime/Gfm.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/Profiler.h"
#include "geflow/runtime/SharedArena.h"

#include <atomic>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace geflow::rt {

struct Model::Impl {
  std::unique_ptr<GfmFile> file;
  /// Mapped external weight files (kernels read them, so they outlive the
  /// pool below).
  std::unique_ptr<exec::ExternalWeights> external;
  std::shared_ptr<Device> device;
  std::string name;
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
  std::vector<GearInfo> gears;
  /// Control-flow subgraphs (Model.subgraphs), run by control tasks;
  /// declared before the pool so that they outlive its in-flight runs.
  std::vector<std::shared_ptr<Model>> subgraphs;
  std::vector<std::unique_ptr<exec::GearPlan>> plans;
  /// Shared by the gears; declared after `plans` (it refers to them) so
  /// that it is destroyed, waiting for in-flight runs, first.
  std::unique_ptr<exec::ContextPool> pool;

  /// Set for a shape-ranged model (its only gear): the re-tiled programs
  /// by symbol values.
  std::unique_ptr<exec::InstanceCache> instances;
  /// Set when the model was compiled with gear_padding.
  std::optional<exec::BatchPadding> padding;

  /// Set when the model's runs use a session's shared arena.
  std::shared_ptr<SharedArena> sharedArena;
  /// With a shared arena: takes the run's turn on it (after the runs begun
  /// before, on any model) and aims `state` at its block. Null without.
  StatusOr<std::shared_ptr<SharedArena::Turn>>
  takeArena(Stream &stream, const exec::GearPlan &plan,
            exec::GearState &state) const;
  /// What a run holds until its end: its weight version and arena turn.
  static std::shared_ptr<const void>
  runHold(std::shared_ptr<const exec::WeightVersion> weights,
          std::shared_ptr<SharedArena::Turn> turn);

  /// Set for a model with updatable weights: the versioned weight sets.
  std::unique_ptr<exec::WeightSets> weights;
  /// Aims `state` at the current weight version and returns it: the run
  /// holds it until its end (see holdWeights). Null without variables.
  std::shared_ptr<const exec::WeightVersion>
  bindWeights(size_t gear, exec::GearState &state) const;

  /// Set by setProfiler (held here; runs test the raw pointer only).
  std::shared_ptr<Profiler> profiler;
  Profiler *profiling = nullptr;
  /// Set by setDumper, with the model's number in it and its run count.
  std::shared_ptr<Dumper> dumper;
  uint32_t dumpModelId = 0;
  std::atomic<uint64_t> dumpSteps{0};

  /// Idle streams for run().
  std::mutex runMu;
  std::vector<std::unique_ptr<Stream>> runStreams;

  struct Binding {
    size_t gear = 0;
    /// A shape-ranged run: the program re-tiled for its shapes.
    std::shared_ptr<const exec::RangedInstance> instance;
  };
  /// Checks the bindings and returns the gear they select.
  StatusOr<Binding> bind(const std::vector<TensorRef> &inputs,
                         const std::vector<TensorRef> &outputs) const;
  /// The gear for these input shapes, and for a shape-ranged model the
  /// symbol values they give.
  StatusOr<size_t>
  findGear(const std::vector<const std::vector<int64_t> *> &shapes,
           std::vector<int64_t> *values = nullptr) const;
  /// The profiling and dump records of a run of `gear` (empty when neither
  /// is attached); `padding` notes a gear_padding run.
  exec::RunDebug beginDebug(size_t gear, const std::string &padding = "");
  /// Closes the run's trace: its host enqueue span.
  static void endDebug(exec::RunDebug &debug, uint64_t enqueueStart);
  /// gear_padding: runs a batch no gear has in the next bigger gear.
  Status executePadded(Stream &stream, const std::vector<TensorRef> &inputs,
                       const std::vector<TensorRef> &outputs,
                       const Status &noGear, uint64_t enqueueStart);
};

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_EXECUTOR_MODELIMPL_H
