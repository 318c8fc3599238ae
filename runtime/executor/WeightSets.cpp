//===- WeightSets.cpp - Versioned updatable weights of a Model ------------===//
#include "WeightSets.h"

#include "Context.h"
#include "KernelDecode.h"

#include "geflow/kernels/Registry.h"
#include "geflow/runtime/WeightDerivation.h"

#include "proto/gfm.pb.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <thread>

namespace geflow::rt::exec {

FormBytes::FormBytes(uint64_t size) : size_(size) {
  // Weights in the blob are 64-byte aligned; kernels may rely on it.
  data_ = static_cast<uint8_t *>(std::aligned_alloc(
      64, std::max<uint64_t>((size + 63) & ~uint64_t(63), 64)));
  if (!data_)
    throw std::bad_alloc();
}

FormBytes::~FormBytes() { std::free(data_); }

/// Spare buffers of freed versions, one per stored form: an update in a
/// steady state writes into memory already mapped instead of faulting in
/// fresh pages.
struct FormPool {
  std::mutex mu;
  std::vector<std::unique_ptr<FormBytes>> spare;
};

WeightVersion::~WeightVersion() {
  if (live)
    --*live;
}

namespace {

std::string describe(DType dtype, const std::vector<int64_t> &shape) {
  return std::string(dtypeName(dtype)) + shapeToString(shape);
}

} // namespace

StatusOr<std::unique_ptr<WeightSets>>
WeightSets::create(const gfm::Model &model, const kernels::SocInfo &soc,
                   const uint8_t *weights,
                   const std::vector<const uint8_t *> &external,
                   const std::vector<std::unique_ptr<GearPlan>> &plans) {
  if (model.variables_size() == 0)
    return std::unique_ptr<WeightSets>();
  std::unique_ptr<WeightSets> sets(new WeightSets());
  sets->soc_ = soc;
  sets->weights_ = weights;
  sets->external_ = external;
  const kernels::KernelRegistry &registry = kernels::KernelRegistry::global();
  // Validation (checkVariables) has bounded every buffer and task index.
  for (const gfm::Variable &v : model.variables()) {
    TensorInfo info;
    info.name = v.name();
    info.dtype = static_cast<DType>(v.dtype());
    info.shape.assign(v.shape().begin(), v.shape().end());
    info.bytes = storageBytes(info.dtype, Format::ND, info.shape);
    Variable var;
    var.count = 1;
    for (int64_t d : info.shape)
      var.count *= static_cast<uint64_t>(d);
    for (int i = 0; i < v.stored_size(); ++i) {
      const gfm::StoredWeight &s = v.stored(i);
      Form f;
      f.region = static_cast<Region>(s.buffer().region());
      f.slot = s.buffer().slot();
      f.offset = s.buffer().offset();
      f.size = s.buffer().size();
      f.dtype = static_cast<DType>(s.dtype());
      if (s.packed()) {
        const gfm::KernelTask &k =
            model.gears(s.gear()).tasks(s.task()).kernel();
        f.def = registry.find(k.kernel());
        if (!f.def || !f.def->pack)
          return Status(ErrorCode::kCorruptFile,
                        "variable '" + v.name() + "' is packed for kernel '" +
                            k.kernel() + "', which has no pack function");
        for (const gfm::TensorDesc &d : k.input_descs())
          f.ctx.inputs.push_back(toKernelDesc(d));
        for (const gfm::TensorDesc &d : k.output_descs())
          f.ctx.outputs.push_back(toKernelDesc(d));
        f.ctx.attrs = toKernelAttrs(k.attrs());
        f.tiling.tilingData.assign(k.tiling().begin(), k.tiling().end());
        f.tiling.blockDim = k.block_dim();
        f.tiling.workspaceSize = k.workspace_size();
        f.tiling.packedInputs = {s.input()};
        f.input = s.input();
      }
      if (static_cast<uint32_t>(i) == v.value())
        var.value = static_cast<uint32_t>(sets->forms_.size());
      var.forms.push_back(static_cast<uint32_t>(sets->forms_.size()));
      sets->forms_.push_back(std::move(f));
    }
    sets->variables_.push_back(std::move(info));
    sets->vars_.push_back(std::move(var));
  }
  for (Form &f : sets->forms_)
    f.ctx.soc = &sets->soc_;
  // Every weight pointer inside a stored form follows the version.
  for (const auto &plan : plans) {
    std::vector<WeightRedirect> redirects;
    for (size_t p = 0; p < plan->pointers.size(); ++p) {
      const PointerSource &src = plan->pointers[p];
      if (src.region != Region::Weight && src.region != Region::External)
        continue;
      for (size_t f = 0; f < sets->forms_.size(); ++f) {
        const Form &form = sets->forms_[f];
        if (form.region == src.region && form.slot == src.slot &&
            src.offset >= form.offset && src.offset < form.offset + form.size)
          redirects.push_back({static_cast<uint32_t>(p),
                               static_cast<uint32_t>(f),
                               src.offset - form.offset});
      }
    }
    sets->redirects_.push_back(std::move(redirects));
  }
  sets->pool_ = std::make_shared<FormPool>();
  sets->pool_->spare.resize(sets->forms_.size());
  auto initial = std::make_shared<WeightVersion>();
  initial->forms.resize(sets->forms_.size());
  initial->live = sets->live_;
  ++*sets->live_;
  sets->current_ = std::move(initial);
  return sets;
}

std::shared_ptr<const WeightVersion> WeightSets::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

const uint8_t *WeightSets::bytesOf(const WeightVersion &v,
                                   uint32_t form) const {
  if (v.forms[form])
    return v.forms[form]->data();
  const Form &f = forms_[form];
  const uint8_t *base =
      f.region == Region::Weight ? weights_ : external_[f.slot];
  return base + f.offset;
}

void WeightSets::bind(size_t gear, const WeightVersion &version,
                      GearState &state) const {
  if (state.weightVersion == version.id)
    return;
  for (const WeightRedirect &r : redirects_[gear])
    state.pointers[r.pointer] =
        const_cast<uint8_t *>(bytesOf(version, r.form)) + r.delta;
  state.weightVersion = version.id;
}

std::shared_ptr<const FormBytes> WeightSets::acquire(uint32_t form) const {
  std::unique_ptr<FormBytes> bytes;
  {
    std::lock_guard<std::mutex> lock(pool_->mu);
    bytes = std::move(pool_->spare[form]);
  }
  if (!bytes)
    bytes = std::make_unique<FormBytes>(forms_[form].size);
  std::weak_ptr<FormPool> pool = pool_;
  return std::shared_ptr<const FormBytes>(
      bytes.release(), [pool, form](const FormBytes *b) {
        std::unique_ptr<FormBytes> owned(const_cast<FormBytes *>(b));
        if (std::shared_ptr<FormPool> p = pool.lock()) {
          std::lock_guard<std::mutex> lock(p->mu);
          if (!p->spare[form])
            p->spare[form] = std::move(owned);
        }
      });
}

Status WeightSets::deriveForm(uint32_t index, DType from, const void *value,
                              uint64_t count, Scratch &scratch,
                              std::shared_ptr<const FormBytes> *out) const {
  const Form &f = forms_[index];
  std::shared_ptr<const FormBytes> bytes = acquire(index);
  auto *data = const_cast<uint8_t *>(bytes->data());
  if (!f.def) {
    // Own value or a converted copy: straight into the new buffer.
    GEFLOW_RETURN_IF_ERROR(convertWeight(from, f.dtype, value, data, count));
  } else {
    WeightDerivation d;
    d.from = from;
    d.to = f.dtype;
    d.pack = f.def;
    d.ctx = &f.ctx;
    d.tiling = &f.tiling;
    d.input = f.input;
    GEFLOW_RETURN_IF_ERROR(
        deriveWeight(d, value, count, &scratch.packed, &scratch.converted));
    if (scratch.packed.size() != f.size)
      return internalError("packing for kernel '" + f.def->name + "' made " +
                           std::to_string(scratch.packed.size()) +
                           " bytes, the executable stores " +
                           std::to_string(f.size));
    std::memcpy(data, scratch.packed.data(), f.size);
  }
  *out = std::move(bytes);
  return Status::OK();
}

std::vector<std::string> WeightSets::check(
    const std::vector<WeightUpdate> &updates,
    std::vector<std::pair<size_t, const WeightUpdate *>> *todo) const {
  std::map<std::string, size_t> byName;
  for (size_t i = 0; i < variables_.size(); ++i)
    byName[variables_[i].name] = i;
  std::vector<std::string> problems;
  std::map<std::string, size_t> seen;
  for (const WeightUpdate &u : updates) {
    auto it = byName.find(u.name);
    if (it == byName.end()) {
      problems.push_back("'" + u.name + "' is not an updatable weight");
      continue;
    }
    if (!seen.emplace(u.name, 0).second) {
      problems.push_back("'" + u.name + "' is given twice");
      continue;
    }
    const TensorInfo &info = variables_[it->second];
    if (u.dtype != info.dtype || u.shape != info.shape)
      problems.push_back("'" + u.name + "' is " +
                         describe(info.dtype, info.shape) + ", got " +
                         describe(u.dtype, u.shape));
    else if (!u.data || u.size < info.bytes)
      problems.push_back("'" + u.name + "' needs " +
                         std::to_string(info.bytes) + " bytes, got " +
                         std::to_string(u.data ? u.size : 0));
    else if (todo)
      todo->emplace_back(it->second, &u);
  }
  return problems;
}

Status WeightSets::reject(const std::vector<std::string> &problems,
                          const std::string &model) const {
  if (problems.empty())
    return Status::OK();
  std::string list;
  for (const std::string &p : problems)
    list += "\n  " + p;
  std::string names;
  if (variables_.size() <= 8)
    for (const TensorInfo &v : variables_)
      names += (names.empty() ? "" : ", ") + v.name;
  return invalidArgument(
      "model '" + model + "': weight update rejected, " +
      std::to_string(problems.size()) +
      " problem(s) (nothing was changed):" + list +
      (names.empty() ? "\n  (" + std::to_string(variables_.size()) +
                           " updatable weights; see Model::variables())"
                     : "\n  updatable weights: " + names));
}

Status WeightSets::update(const std::vector<WeightUpdate> &updates,
                          const std::string &model) {
  std::vector<std::pair<size_t, const WeightUpdate *>> todo;
  GEFLOW_RETURN_IF_ERROR(reject(check(updates, &todo), model));
  std::lock_guard<std::mutex> serial(updateMu_);
  std::shared_ptr<const WeightVersion> base = current();
  auto next = std::make_shared<WeightVersion>();
  next->forms = base->forms;
  // One job per stored form, spread over the host's threads (packing the
  // big conv filters dominates).
  struct Job {
    uint32_t form;
    const Variable *var;
    const WeightUpdate *update;
  };
  std::vector<Job> jobs;
  for (const auto &[index, u] : todo)
    for (uint32_t form : vars_[index].forms)
      jobs.push_back({form, &vars_[index], u});
  std::atomic<size_t> nextJob{0};
  std::mutex errorMu;
  Status failed;
  auto work = [&] {
    Scratch scratch;
    for (size_t j; (j = nextJob++) < jobs.size();) {
      const Job &job = jobs[j];
      Status st;
      try {
        st =
            deriveForm(job.form, forms_[job.var->value].dtype, job.update->data,
                       job.var->count, scratch, &next->forms[job.form]);
      } catch (const std::bad_alloc &) {
        st = Status(ErrorCode::kOutOfMemory,
                    "out of memory for the new weights");
      }
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(errorMu);
        if (failed.ok())
          failed =
              Status(st.code(), "model '" + model + "': updating '" +
                                    job.update->name + "': " + st.message());
        nextJob = jobs.size();
      }
    }
  };
  size_t threads = std::min<size_t>(
      {std::max(1u, std::thread::hardware_concurrency()), jobs.size(), 16});
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < threads; ++t)
    helpers.emplace_back(work);
  work();
  for (std::thread &t : helpers)
    t.join();
  GEFLOW_RETURN_IF_ERROR(failed);
  next->id = base->id + 1;
  next->live = live_;
  ++*live_;
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(next);
  return Status::OK();
}

Status WeightSets::read(const std::string &name, void *out,
                        uint64_t size) const {
  for (size_t i = 0; i < variables_.size(); ++i) {
    if (variables_[i].name != name)
      continue;
    if (!out || size < variables_[i].bytes)
      return invalidArgument("reading weight '" + name + "' needs " +
                             std::to_string(variables_[i].bytes) +
                             " bytes, got " + std::to_string(size));
    std::shared_ptr<const WeightVersion> v = current();
    std::memcpy(out, bytesOf(*v, vars_[i].value), variables_[i].bytes);
    return Status::OK();
  }
  return invalidArgument("'" + name + "' is not an updatable weight");
}

} // namespace geflow::rt::exec
