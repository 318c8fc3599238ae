//===- WeightSets.h - Versioned updatable weights of a Model ----*- C++ -*-===//
//
// A model compiled with updatable weights lists its variables and, for each,
// the stored forms kernels read (its own value, fp16/bf16 copies, panels
// packed for one kernel task). Weight update never writes bytes a run may
// be reading: it derives new forms into fresh buffers (deriveWeight, the
// compiler's own function) and publishes them as a new immutable version.
// A run binds the version current when it is enqueued: the pointer-table
// entries into stored forms are re-aimed at that version's buffers, and the
// run holds the version until its last task is done, so runs enqueued
// before an update see only old weights, runs after only new ones, and an
// old version is freed when the last run reading it ends. Forms an update
// does not touch are shared between versions.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_EXECUTOR_WEIGHTSETS_H
#define GEFLOW_RUNTIME_EXECUTOR_WEIGHTSETS_H

#include "Plan.h"

#include "geflow/kernels/Soc.h"
#include "geflow/runtime/Model.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace geflow::gfm {
class Model;
} // namespace geflow::gfm

namespace geflow::rt::exec {

struct GearState;
struct FormPool;

/// 64-byte aligned bytes of one stored form in one version.
class FormBytes {
public:
  explicit FormBytes(uint64_t size);
  ~FormBytes();
  FormBytes(const FormBytes &) = delete;
  FormBytes &operator=(const FormBytes &) = delete;
  uint8_t *data() const { return data_; }
  uint64_t size() const { return size_; }

private:
  uint8_t *data_ = nullptr;
  uint64_t size_ = 0;
};

/// One immutable set of weights. A null form is the file's bytes.
struct WeightVersion {
  uint64_t id = 0;
  std::vector<std::shared_ptr<const FormBytes>> forms;
  /// Counts live versions (WeightSets::liveVersions).
  std::shared_ptr<std::atomic<size_t>> live;
  ~WeightVersion();
};

/// A pointer-table entry of a gear that points into a stored form.
struct WeightRedirect {
  uint32_t pointer;
  uint32_t form;
  uint64_t delta; // offset of the entry inside the form
};

class WeightSets {
public:
  /// Null when the model has no variables. `weights` and `external` are
  /// the file's bytes (they outlive this).
  static StatusOr<std::unique_ptr<WeightSets>>
  create(const gfm::Model &model, const kernels::SocInfo &soc,
         const uint8_t *weights, const std::vector<const uint8_t *> &external,
         const std::vector<std::unique_ptr<GearPlan>> &plans);

  const std::vector<TensorInfo> &variables() const { return variables_; }
  /// Validates every update (all problems in one error), derives the new
  /// forms and publishes them as the current version.
  Status update(const std::vector<WeightUpdate> &updates,
                const std::string &model);
  /// The problems of `updates` (unknown or repeated names, dtype, shape or
  /// size mismatches), one line each; with `todo`, the valid updates by
  /// variable index.
  std::vector<std::string>
  check(const std::vector<WeightUpdate> &updates,
        std::vector<std::pair<size_t, const WeightUpdate *>> *todo =
            nullptr) const;
  /// One error listing `problems` (OK when there are none).
  Status reject(const std::vector<std::string> &problems,
                const std::string &model) const;
  /// Copies the current value of `name`.
  Status read(const std::string &name, void *out, uint64_t size) const;
  std::shared_ptr<const WeightVersion> current() const;
  size_t liveVersions() const { return live_->load(); }

  /// Aims gear `gear`'s stored-form entries of `state` at `version`'s
  /// bytes (skipped when they already are).
  void bind(size_t gear, const WeightVersion &version, GearState &state) const;

private:
  struct Form {
    Region region;
    uint32_t slot;
    uint64_t offset, size;
    DType dtype;
    /// Packed forms: the kernel, its task's tiling context and result, and
    /// the input (ctx.soc points at soc_).
    const kernels::KernelDef *def = nullptr;
    kernels::TilingContext ctx;
    kernels::TilingResult tiling;
    uint32_t input = 0;
  };
  struct Variable {
    std::vector<uint32_t> forms;
    uint32_t value = 0; // the form holding the variable's own value
    uint64_t count = 0;
  };
  /// A worker's reused buffers for converted and packed bytes.
  struct Scratch {
    std::vector<uint8_t> converted, packed;
  };
  WeightSets() = default;
  const uint8_t *bytesOf(const WeightVersion &v, uint32_t form) const;
  /// A buffer for stored form `form` (a spare one of a freed version when
  /// there is one).
  std::shared_ptr<const FormBytes> acquire(uint32_t form) const;
  /// Stored form `index` derived from `value` (`count` elements of `from`).
  Status deriveForm(uint32_t index, DType from, const void *value,
                    uint64_t count, Scratch &scratch,
                    std::shared_ptr<const FormBytes> *out) const;

  kernels::SocInfo soc_;
  const uint8_t *weights_ = nullptr;
  std::vector<const uint8_t *> external_;
  std::vector<TensorInfo> variables_;
  std::vector<Variable> vars_;
  std::vector<Form> forms_;
  /// By gear.
  std::vector<std::vector<WeightRedirect>> redirects_;
  std::shared_ptr<FormPool> pool_;
  std::shared_ptr<std::atomic<size_t>> live_ =
      std::make_shared<std::atomic<size_t>>(0);
  mutable std::mutex mu_;
  std::shared_ptr<const WeightVersion> current_;
  /// Serializes updates (derivation runs outside mu_).
  std::mutex updateMu_;
};

} // namespace geflow::rt::exec

#endif // GEFLOW_RUNTIME_EXECUTOR_WEIGHTSETS_H
