//===- Plan.h - A gear's task program, decoded for cheap enqueueing -------===//
//
// Loading turns each gear's protobuf program into a GearPlan once: kernels
// resolved to entry points, task names formatted, and every buffer a task
// touches turned into one entry of a pointer table. An execution context
// instantiates the table for its own arena (see Context.h), so enqueueing
// a run only patches the input/output entries and walks `steps`.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_EXECUTOR_PLAN_H
#define GEFLOW_RUNTIME_EXECUTOR_PLAN_H

#include "geflow/kernels/Kernel.h"
#include "geflow/kernels/Registry.h"
#include "geflow/runtime/Collectives.h"
#include "geflow/runtime/HostOps.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/Profiler.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace geflow::gfm {
class Model;
class Task;
class TensorSig;
} // namespace geflow::gfm

namespace geflow::rt::exec {

/// Where a pointer-table entry points. The numbering matches gfm::Region.
enum class Region : uint8_t {
  Arena = 0,
  Weight = 1,
  Input = 2,
  Output = 3,
  External = 4,
  Host = 5
};

struct PointerSource {
  Region region;
  uint32_t slot;   // input/output slot, external weight file
  uint64_t offset; // within the region
};

enum class StepKind : uint8_t {
  Kernel,
  Record,
  Wait,
  HostCall,
  Collective,
  Control
};

struct Step {
  StepKind kind;
  /// Program stream: 0 is the caller's stream.
  uint32_t stream;
  /// Kernel: index into GearPlan::kernels; HostCall: into hostCalls;
  /// Collective: into collectives; Control: into controls;
  /// Record/Wait: the program event.
  uint32_t index;
  uint32_t blockDim;
  kernels::KernelFn fn;
  /// "conv1 (conv2d)": the op's name and the kernel, for task errors.
  std::string label;
};

/// The KernelArgs of one kernel (or copy) task, as pointer-table indices.
struct KernelLayout {
  uint32_t firstPointer; // inputs, then outputs
  uint32_t numInputs;
  uint32_t numOutputs;
  const uint8_t *tiling;
  size_t tilingSize;
  bool hasWorkspace;
  bool workspaceOnHost;     // in the host arena (host-engine kernels)
  uint64_t workspaceOffset; // in the arena (or the host arena)
};

struct HostCallLayout {
  HostOpFn fn;
  uint32_t firstPointer;
  uint32_t numInputs;
  uint32_t numOutputs;
  std::vector<kernels::TensorDesc> inputDescs;
  std::vector<kernels::TensorDesc> outputDescs;
  kernels::AttrMap attrs;
};

/// A collective task: the request without its buffers (which come from
/// the pointer table when it starts), and the backend checked at load.
struct CollectiveLayout {
  std::shared_ptr<CollectiveBackend> backend;
  CollectiveRequest request;
  uint32_t firstPointer;
  uint32_t numInputs;
  uint32_t numOutputs;
};

/// Checks collective task `task` against the installed backend (its group
/// exists and has this rank, its sizes fit the group) and decodes it; the
/// buffers' pointer-table entries start at `firstPointer`.
StatusOr<CollectiveLayout> decodeCollective(const gfm::Task &task,
                                            uint32_t firstPointer);

/// One tensor a control task hands to a subgraph executable.
struct ControlTensor {
  DType dtype;
  std::vector<int64_t> shape;
  uint64_t bytes;
};

/// A control-flow task (If, While): its two subgraph executables (then and
/// else, or cond and body), checked at load against the task's tensors;
/// the buffers come from the pointer table when it runs.
struct ControlLayout {
  bool isWhile = false;
  std::shared_ptr<Model> first, second;
  uint32_t firstPointer;
  uint32_t numInputs;
  uint32_t numOutputs;
  uint32_t numCarried = 0;
  std::vector<ControlTensor> inputs, outputs;
  /// While with scan outputs: the iterations their leading dim holds.
  int64_t scanLength = -1;
  /// "'loop' (While)": how errors name the task.
  std::string label;
};

/// Checks control task `task` against its subgraph executables (loaded
/// from Model.subgraphs) and decodes it; the buffers' pointer-table entries
/// start at `firstPointer`.
StatusOr<ControlLayout>
decodeControl(const gfm::Task &task, uint32_t firstPointer,
              const std::vector<std::shared_ptr<Model>> &subgraphs);

/// Tiling data of the executor's own copy kernel (memcpy tasks).
struct CopyTiling {
  uint64_t bytes;
  uint64_t chunk;   // bytes per block
  uint64_t overlap; // 1: source and destination overlap (one block, memmove)
};

/// The kernel memcpy tasks run as: block b copies [b * chunk, +chunk).
int32_t copyKernel(const kernels::KernelArgs &args, uint32_t blockIdx,
                   uint32_t blockDim);

/// A dim of a shape-ranged program: coeff * prod(symbol_k ^ exps[k]).
struct RangedDim {
  int64_t coeff = 0;
  std::vector<int32_t> exps;
};
using RangedShape = std::vector<RangedDim>;

/// A kernel of a shape-ranged program, re-tiled per run for the actual
/// shapes by the same tiling function the compiler called.
struct RangedKernel {
  uint32_t step;   // index into GearPlan::steps
  uint32_t kernel; // index into GearPlan::kernels
  const kernels::KernelDef *def;
  kernels::TilingContext ctx; // upper-bound descs (soc set at run time)
  std::vector<RangedShape> inputShapes, outputShapes;
  uint64_t workspaceCapacity;                    // bytes the plan reserved
  std::vector<uint64_t> inputBytes, outputBytes; // of the bound buffers
};

/// A copy of a shape-ranged program, whose byte count varies.
struct RangedCopy {
  uint32_t step, kernel;
  DType dtype;
  Format format;
  RangedShape shape;
};

/// What a shape-ranged program needs beyond its upper-bound plan; its
/// symbols are GearInfo::ranges, in order.
struct RangeInfo {
  std::vector<RangedShape> inputs, outputs;
  std::vector<RangedKernel> kernels;
  std::vector<RangedCopy> copies;
};

/// Evaluates a ranged shape at symbol values.
std::vector<int64_t> evalShape(const RangedShape &shape,
                               const std::vector<int64_t> &values);

struct GearPlan {
  GearInfo info;
  std::vector<Step> steps;
  std::vector<PointerSource> pointers;
  /// Indices of `pointers` entries in the Input/Output regions: the ones
  /// an execution binds.
  std::vector<uint32_t> boundPointers;
  std::vector<KernelLayout> kernels;
  std::vector<HostCallLayout> hostCalls;
  std::vector<CollectiveLayout> collectives;
  std::vector<ControlLayout> controls;
  /// Program streams other than 0 that have tasks: each gets an internal
  /// stream per context, forked from and joined into the caller's stream.
  std::vector<uint32_t> internalStreams;
  /// Indexed by program stream: whether it runs on the host CPU engine.
  std::vector<bool> hostStream;
  /// Tiling blobs of copy tasks (a deque: KernelLayout points into it).
  std::deque<CopyTiling> copyTilings;
  /// Tilings the runtime made for kernels it re-tiled at load (a deque:
  /// KernelLayout points into it).
  std::deque<std::vector<uint8_t>> tilings;
  /// Set for a shape-ranged program.
  std::unique_ptr<RangeInfo> range;
  /// What profiles, dumps and overflow reports say of each step (parallel
  /// to `steps`; shared with the runs that recorded them).
  std::shared_ptr<std::vector<TaskInfo>> tasks =
      std::make_shared<std::vector<TaskInfo>>();
};

/// The description of task `taskId` of a program, run with `blockDim`
/// blocks.
TaskInfo describeTask(const gfm::Task &task, uint32_t taskId,
                      uint32_t blockDim);

/// Splits a copy of `bytes` across the AI cores (blocks of 256 KiB or
/// more); `overlap` copies run as one memmove.
CopyTiling copyTiling(uint64_t bytes, bool overlap, uint32_t aiCores,
                      uint32_t *blocks);

/// The signature entry of `sig` (bytes = 0 when a dim is -1 or the shape
/// does not fit its format).
TensorInfo toTensorInfo(const gfm::TensorSig &sig);

/// Decodes gear `gear` of `model` for a device with `aiCores` cores whose
/// kernels are chosen for and tiled for `soc`. `file` prefixes errors (the
/// model's path).
/// `subgraphs` are the loaded Model.subgraphs that control tasks run.
StatusOr<std::unique_ptr<GearPlan>>
planGear(const gfm::Model &model, int gear, const kernels::SocInfo &soc,
         uint32_t aiCores, const std::string &file,
         const std::vector<std::shared_ptr<Model>> &subgraphs = {});

} // namespace geflow::rt::exec

#endif // GEFLOW_RUNTIME_EXECUTOR_PLAN_H
