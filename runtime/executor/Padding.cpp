//===- Padding.cpp - gear_padding: run a smaller batch in a bigger gear ---===//
#include "Padding.h"

#include "ModelImpl.h"
#include "geflow/runtime/Device.h"
#include "geflow/runtime/Stream.h"

#include "proto/gfm.pb.h"

#include <cstring>

namespace geflow::rt::exec {

namespace {
Status refuse(const std::string &model, const std::string &why) {
  return invalidArgument(
      "model '" + model + "' was compiled with gear_padding, but " + why +
      "; padding needs gears that differ only in dim 0 (the batch) of "
      "every input and output");
}

Status checkTensors(const std::vector<GearInfo> &gears, size_t g, bool outputs,
                    int64_t batch, const std::string &model) {
  const auto &mine = outputs ? gears[g].outputs : gears[g].inputs;
  const auto &first = outputs ? gears[0].outputs : gears[0].inputs;
  const char *what = outputs ? "output" : "input";
  for (size_t i = 0; i < mine.size(); ++i) {
    const TensorInfo &t = mine[i];
    if (t.shape.empty() || t.shape[0] != batch)
      return refuse(model, std::string(what) + " '" + t.name + "' has shape " +
                               shapeToString(t.shape) + " in gear " +
                               std::to_string(g) + " of batch " +
                               std::to_string(batch));
    if (t.shape.size() != first[i].shape.size() ||
        !std::equal(t.shape.begin() + 1, t.shape.end(),
                    first[i].shape.begin() + 1))
      return refuse(model, std::string(what) + " '" + t.name +
                               "' changes beyond dim 0 (" +
                               shapeToString(first[i].shape) + " vs " +
                               shapeToString(t.shape) + ")");
  }
  return Status::OK();
}
} // namespace

StatusOr<BatchPadding> planBatchPadding(const std::vector<GearInfo> &gears,
                                        const std::string &model) {
  BatchPadding padding;
  for (size_t g = 0; g < gears.size(); ++g) {
    if (gears[g].inputs.empty() || gears[g].inputs[0].shape.empty())
      return refuse(model, "its first input has no batch dim");
    int64_t batch = gears[g].inputs[0].shape[0];
    GEFLOW_RETURN_IF_ERROR(checkTensors(gears, g, false, batch, model));
    GEFLOW_RETURN_IF_ERROR(checkTensors(gears, g, true, batch, model));
    padding.gearBatch.push_back(batch);
  }
  return padding;
}

std::optional<size_t> gearForBatch(const BatchPadding &padding, int64_t batch) {
  std::optional<size_t> best;
  for (size_t g = 0; g < padding.gearBatch.size(); ++g)
    if (padding.gearBatch[g] >= batch &&
        (!best || padding.gearBatch[g] < padding.gearBatch[*best]))
      best = g;
  return best;
}

} // namespace geflow::rt::exec

namespace geflow::rt {

Status Model::Impl::executePadded(Stream &stream,
                                  const std::vector<TensorRef> &in,
                                  const std::vector<TensorRef> &out,
                                  const Status &noGear, uint64_t enqueueStart) {
  auto fail = [&](const std::string &why) {
    return invalidArgument("model '" + name + "': " + why);
  };
  // Counts and dtypes were checked by bind(); only shapes failed.
  if (in.size() != inputs.size() || out.size() != outputs.size() ||
      in.empty() || in[0].shape.empty())
    return fail(noGear.message());
  int64_t batch = in[0].shape[0];
  std::optional<size_t> gear = exec::gearForBatch(*padding, batch);
  if (!gear)
    return fail("batch " + std::to_string(batch) +
                " is larger than every gear (" + noGear.message() + ")");
  const GearInfo &g = gears[*gear];
  int64_t gearBatch = padding->gearBatch[*gear];
  // The caller's tensors: the gear's shapes with `batch` rows.
  auto check = [&](const char *what, const TensorRef &ref,
                   const TensorInfo &sig, uint64_t *rowBytes) -> Status {
    std::vector<int64_t> expected = sig.shape;
    expected[0] = batch;
    if (ref.shape != expected)
      return fail(std::string(what) + " '" + sig.name + "' has shape " +
                  shapeToString(ref.shape) + ", expected " +
                  shapeToString(expected) +
                  " (run padded in the gear of batch " +
                  std::to_string(gearBatch) + ")");
    *rowBytes = sig.bytes / static_cast<uint64_t>(gearBatch);
    if (ref.size < *rowBytes * batch || (!ref.data && batch > 0))
      return fail(std::string(what) + " '" + sig.name + "': buffer of " +
                  std::to_string(ref.size) + " bytes, needs " +
                  std::to_string(*rowBytes * batch));
    return Status::OK();
  };
  std::vector<uint64_t> inRows(in.size()), outRows(out.size());
  for (size_t i = 0; i < in.size(); ++i)
    GEFLOW_RETURN_IF_ERROR(check("input", in[i], g.inputs[i], &inRows[i]));
  for (size_t i = 0; i < out.size(); ++i)
    GEFLOW_RETURN_IF_ERROR(check("output", out[i], g.outputs[i], &outRows[i]));

  const exec::GearPlan &plan = *plans[*gear];
  exec::ContextPool &pool = *this->pool;
  StatusOr<exec::ExecContext *> acquired = pool.acquire();
  if (!acquired.ok())
    return acquired.status();
  exec::ExecContext &ctx = **acquired;
  StatusOr<exec::GearState *> state = pool.gearState(ctx, *gear);
  if (!state.ok()) {
    pool.release(&ctx);
    return state.status();
  }
  StatusOr<std::shared_ptr<SharedArena::Turn>> turn =
      takeArena(stream, plan, **state);
  if (!turn.ok()) {
    pool.release(&ctx);
    return turn.status();
  }
  std::vector<void *> &staging = (*state)->staging;
  size_t count = in.size() + out.size();
  if (staging.empty()) {
    staging.assign(count, nullptr);
    for (size_t k = 0; k < count; ++k) {
      uint64_t bytes =
          k < in.size() ? g.inputs[k].bytes : g.outputs[k - in.size()].bytes;
      StatusOr<void *> buffer =
          device->allocator().allocate(std::max<uint64_t>(bytes, 1));
      if (!buffer.ok()) {
        pool.release(&ctx);
        return buffer.status();
      }
      staging[k] = *buffer;
      // Padding rows stay zero: rows never mix, but zeros keep them finite.
      std::memset(staging[k], 0, bytes);
    }
  }
  Status first;
  auto note = [&](Status st) {
    if (!st.ok() && first.ok())
      first = std::move(st);
  };
  for (size_t i = 0; i < in.size(); ++i)
    note(stream.memcpyAsync(staging[i], g.inputs[i].bytes, in[i].data,
                            inRows[i] * batch, MemcpyKind::Default));
  for (uint32_t index : plan.boundPointers) {
    const exec::PointerSource &p = plan.pointers[index];
    size_t k = p.region == exec::Region::Input ? p.slot : in.size() + p.slot;
    (*state)->pointers[index] = static_cast<uint8_t *>(staging[k]) + p.offset;
  }
  std::shared_ptr<const exec::WeightVersion> weights =
      bindWeights(*gear, **state);
  // Profiles and dumps record the gear's run: its shapes, rows past `batch`
  // being padding.
  exec::RunDebug debug =
      beginDebug(*gear, "batch " + std::to_string(batch) + " padded to " +
                            std::to_string(gearBatch));
  note(exec::enqueueRun(
      plan, ctx, **state, stream,
      [&](Stream &s) {
        Status copied;
        for (size_t i = 0; i < out.size() && copied.ok(); ++i)
          copied =
              s.memcpyAsync(out[i].data, out[i].size, staging[in.size() + i],
                            outRows[i] * batch, MemcpyKind::Default);
        return copied;
      },
      nullptr, runHold(std::move(weights), std::move(*turn)),
      debug.trace || debug.dump ? &debug : nullptr));
  pool.release(&ctx);
  endDebug(debug, enqueueStart);
  return first;
}

} // namespace geflow::rt

namespace geflow::rt {

StatusOr<Model::Selection>
Model::select(const std::vector<std::vector<int64_t>> &inputShapes) const {
  if (impl_->instances) {
    if (inputShapes.size() != impl_->inputs.size())
      return selectGear(inputShapes).status(); // the count error
    std::vector<const std::vector<int64_t> *> shapes;
    for (const auto &s : inputShapes)
      shapes.push_back(&s);
    std::vector<int64_t> values;
    StatusOr<size_t> gear = impl_->findGear(shapes, &values);
    if (!gear.ok())
      return gear.status();
    Selection s{*gear, false, impl_->gears[*gear].outputs};
    for (size_t i = 0; i < s.outputs.size(); ++i) {
      TensorInfo &t = s.outputs[i];
      t.shape = exec::evalShape(impl_->plans[*gear]->range->outputs[i], values);
      t.bytes = storageBytes(t.dtype, t.format, t.shape);
    }
    return s;
  }
  StatusOr<size_t> exact = selectGear(inputShapes);
  if (exact.ok())
    return Selection{*exact, false, impl_->gears[*exact].outputs};
  if (!impl_->padding || inputShapes.empty() || inputShapes[0].empty())
    return exact.status();
  int64_t batch = inputShapes[0][0];
  std::optional<size_t> gear = exec::gearForBatch(*impl_->padding, batch);
  if (!gear)
    return invalidArgument("batch " + std::to_string(batch) +
                           " is larger than every gear (" +
                           exact.status().message() + ")");
  Selection s{*gear, true, impl_->gears[*gear].outputs};
  int64_t gearBatch = impl_->padding->gearBatch[*gear];
  for (TensorInfo &t : s.outputs) {
    t.bytes = t.bytes / static_cast<uint64_t>(gearBatch) *
              static_cast<uint64_t>(batch);
    t.shape[0] = batch;
  }
  return s;
}

Status checkGearPadding(const GfmFile &file) {
  std::vector<GearInfo> gears;
  for (const gfm::Program &p : file.model().gears()) {
    GearInfo g;
    for (const gfm::TensorSig &s : p.inputs())
      g.inputs.push_back(exec::toTensorInfo(s));
    for (const gfm::TensorSig &s : p.outputs())
      g.outputs.push_back(exec::toTensorInfo(s));
    gears.push_back(std::move(g));
  }
  return exec::planBatchPadding(gears, file.model().name()).status();
}

} // namespace geflow::rt
