//===- GfmValidateVariables.cpp - Checking a .gfm's variables -------------===//
#include "GfmValidateVariables.h"

#include "geflow/runtime/Model.h"
#include "geflow/runtime/Types.h"
#include "geflow/runtime/WeightDerivation.h"

#include "proto/gfm.pb.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <vector>

namespace geflow::rt {
namespace {

struct Range {
  gfm::Region region;
  uint32_t slot;
  uint64_t begin, end;
  std::string owner;
  bool operator<(const Range &o) const {
    return std::tie(region, slot, begin) < std::tie(o.region, o.slot, o.begin);
  }
};

Status corrupt(const std::string &what) {
  return Status(ErrorCode::kCorruptFile, what);
}

bool sameBuffer(const gfm::Buffer &a, const gfm::Buffer &b) {
  return a.region() == b.region() && a.slot() == b.slot() &&
         a.offset() == b.offset() && a.size() == b.size();
}

Status checkStored(const gfm::Model &model, uint64_t weightsSize,
                   const gfm::Variable &v, const gfm::StoredWeight &s,
                   uint64_t count, const std::string &where) {
  const gfm::Buffer &b = s.buffer();
  uint64_t limit = 0;
  if (b.region() == gfm::WEIGHT)
    limit = weightsSize;
  else if (b.region() == gfm::EXTERNAL &&
           b.slot() < static_cast<uint32_t>(model.external_weights_size()))
    limit = model.external_weights(b.slot()).length();
  else
    return corrupt(where + "is not in the weight blob or an external file");
  if (b.offset() > limit || b.size() > limit - b.offset())
    return corrupt(where + "lies outside its weights (" +
                   std::to_string(limit) + " bytes)");
  if (s.dtype() > gfm::BOOL || !canConvertWeight(static_cast<DType>(v.dtype()),
                                                 static_cast<DType>(s.dtype())))
    return corrupt(where + "has a dtype the variable does not convert to");
  if (!s.packed()) {
    if (b.size() != count * dtypeSize(static_cast<DType>(s.dtype())))
      return corrupt(where + "has " + std::to_string(b.size()) + " bytes for " +
                     std::to_string(count) + " elements");
    return Status::OK();
  }
  if (s.gear() >= static_cast<uint32_t>(model.gears_size()) ||
      s.task() >= static_cast<uint32_t>(model.gears(s.gear()).tasks_size()))
    return corrupt(where + "names a task the model does not have");
  const gfm::Task &task = model.gears(s.gear()).tasks(s.task());
  if (!task.has_kernel() ||
      s.input() >= static_cast<uint32_t>(task.kernel().inputs_size()) ||
      s.input() >= static_cast<uint32_t>(task.kernel().input_descs_size()) ||
      !sameBuffer(task.kernel().inputs(s.input()), b))
    return corrupt(where + "is not the input of the kernel task it names");
  const gfm::TensorDesc &d = task.kernel().input_descs(s.input());
  if (!d.is_const() || d.dtype() != s.dtype() ||
      !std::equal(d.shape().begin(), d.shape().end(), v.shape().begin(),
                  v.shape().end()))
    return corrupt(where + "does not match its kernel input's descriptor");
  return Status::OK();
}

} // namespace

Status checkVariables(const gfm::Model &model, uint64_t weightsSize) {
  std::set<std::string> names;
  std::vector<Range> ranges;
  for (const gfm::Variable &v : model.variables()) {
    std::string where = "variable '" + v.name() + "': ";
    if (v.name().empty() || !names.insert(v.name()).second)
      return corrupt("variable with an empty or repeated name '" + v.name() +
                     "'");
    if (v.dtype() > gfm::BOOL || v.shape_size() > 16)
      return corrupt(where + "has a bad dtype or rank");
    uint64_t count = 1;
    for (int64_t d : v.shape()) {
      if (d < 0 || (d > 0 && count > (uint64_t(1) << 48) / uint64_t(d)))
        return corrupt(where + "has a bad shape");
      count *= uint64_t(d);
    }
    if (v.stored_size() == 0 || v.value() >= uint32_t(v.stored_size()))
      return corrupt(where + "has no stored value");
    const gfm::StoredWeight &own = v.stored(v.value());
    if (own.packed() || own.dtype() != v.dtype())
      return corrupt(where + "its own value is packed or converted");
    for (int i = 0; i < v.stored_size(); ++i) {
      const gfm::StoredWeight &s = v.stored(i);
      GEFLOW_RETURN_IF_ERROR(
          checkStored(model, weightsSize, v, s, count,
                      where + "stored form " + std::to_string(i) + " "));
      ranges.push_back({s.buffer().region(), s.buffer().slot(),
                        s.buffer().offset(),
                        s.buffer().offset() + s.buffer().size(), v.name()});
    }
  }
  if (ranges.empty())
    return Status::OK();
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    const Range &a = ranges[i - 1], &b = ranges[i];
    if (a.region == b.region && a.slot == b.slot && b.begin < a.end)
      return corrupt("stored weights of variables '" + a.owner + "' and '" +
                     b.owner + "' overlap");
  }
  // Every weight buffer a task reads is inside one stored form or outside
  // all of them.
  auto check = [&](const gfm::Buffer &b) -> Status {
    if (b.region() != gfm::WEIGHT && b.region() != gfm::EXTERNAL)
      return Status::OK();
    Range key{b.region(), b.slot(), b.offset() + b.size(), 0, ""};
    auto it = std::upper_bound(ranges.begin(), ranges.end(), key);
    uint64_t begin = b.offset(), end = b.offset() + b.size();
    for (auto r = ranges.begin(); r != it; ++r) {
      if (r->region != b.region() || r->slot != b.slot() || r->end <= begin ||
          r->begin >= end || (r->begin == end && b.size() > 0))
        continue;
      if (begin < r->begin || end > r->end)
        return corrupt("a task reads weights partly overlapping variable '" +
                       r->owner + "'");
    }
    return Status::OK();
  };
  for (const gfm::Program &p : model.gears())
    for (const gfm::Task &t : p.tasks()) {
      if (t.has_kernel())
        for (const gfm::Buffer &b : t.kernel().inputs())
          GEFLOW_RETURN_IF_ERROR(check(b));
      if (t.has_memcpy())
        GEFLOW_RETURN_IF_ERROR(check(t.memcpy().src()));
      if (t.has_host_call())
        for (const gfm::Buffer &b : t.host_call().inputs())
          GEFLOW_RETURN_IF_ERROR(check(b));
      if (t.has_collective())
        for (const gfm::Buffer &b : t.collective().inputs())
          GEFLOW_RETURN_IF_ERROR(check(b));
    }
  return Status::OK();
}

} // namespace geflow::rt
