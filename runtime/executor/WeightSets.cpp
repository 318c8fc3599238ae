//===- WeightSets.cpp - Versioned updatable weights of a Model ------------===//
#include "WeightSets.h"

#include "Context.h"

#include "geflow/kernels/Registry.h"
#include "geflow/runtime/WeightDerivation.h"

#include "proto/gfm.pb.h"

#include <cstdlib>
#include <cstring>
#include <map>

namespace geflow::rt::exec {

FormBytes::FormBytes(uint64_t size) : size_(size) {
  // Weights in the blob are 64-byte aligned; kernels may rely on it.
  data_ = static_cast<uint8_t *>(std::aligned_alloc(
      64, std::max<uint64_t>((size + 63) & ~uint64_t(63), 64)));
  if (!data_)
    throw std::bad_alloc();
}

FormBytes::~FormBytes() { std::free(data_); }

WeightVersion::~WeightVersion() {
  if (live)
    --*live;
}

namespace {

kernels::TensorDesc toKernelDesc(const gfm::TensorDesc &d) {
  kernels::TensorDesc out;
  out.dtype = static_cast<DType>(d.dtype());
  out.format = static_cast<Format>(d.format());
  out.shape.assign(d.shape().begin(), d.shape().end());
  out.isConst = d.is_const();
  return out;
}

// The attributes as the planner decodes them (Planner.cpp keeps its own
// copy private; the tiling context must be the compiler's, bit for bit).
kernels::AttrMap
toKernelAttrs(const google::protobuf::Map<std::string, gfm::AttrValue> &attrs) {
  kernels::AttrMap out;
  for (const auto &[name, v] : attrs) {
    switch (v.value_case()) {
    case gfm::AttrValue::kI:
      out.set(name, v.i());
      break;
    case gfm::AttrValue::kF:
      out.set(name, v.f());
      break;
    case gfm::AttrValue::kS:
      out.set(name, v.s());
      break;
    case gfm::AttrValue::kInts:
      out.set(name, std::vector<int64_t>(v.ints().values().begin(),
                                         v.ints().values().end()));
      break;
    case gfm::AttrValue::kFloats:
      out.set(name, std::vector<double>(v.floats().values().begin(),
                                        v.floats().values().end()));
      break;
    case gfm::AttrValue::VALUE_NOT_SET:
      break;
    }
  }
  return out;
}

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

Status
WeightSets::derive(const Variable &var, const void *value,
                   std::vector<std::shared_ptr<const FormBytes>> &forms) const {
  DType dtype = forms_[var.value].dtype;
  for (uint32_t index : var.forms) {
    const Form &f = forms_[index];
    auto bytes = std::make_shared<FormBytes>(f.size);
    if (!f.def) {
      // Own value or a converted copy: straight into the new buffer.
      GEFLOW_RETURN_IF_ERROR(
          convertWeight(dtype, f.dtype, value, bytes->data(), var.count));
    } else {
      WeightDerivation d;
      d.from = dtype;
      d.to = f.dtype;
      d.pack = f.def;
      d.ctx = &f.ctx;
      d.tiling = &f.tiling;
      d.input = f.input;
      std::vector<uint8_t> packed;
      GEFLOW_RETURN_IF_ERROR(deriveWeight(d, value, var.count, &packed));
      if (packed.size() != f.size)
        return internalError("packing for kernel '" + f.def->name + "' made " +
                             std::to_string(packed.size()) +
                             " bytes, the executable stores " +
                             std::to_string(f.size));
      std::memcpy(bytes->data(), packed.data(), packed.size());
    }
    forms[index] = std::move(bytes);
  }
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
  for (const auto &[index, u] : todo) {
    Status st;
    try {
      st = derive(vars_[index], u->data, next->forms);
    } catch (const std::bad_alloc &) {
      st = Status(ErrorCode::kOutOfMemory, "out of memory for the new weights");
    }
    if (!st.ok())
      return Status(st.code(), "model '" + model + "': updating '" + u->name +
                                   "': " + st.message());
  }
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
