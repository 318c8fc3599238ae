//===- Servable.cpp - One loaded model version ----------------------------===//
#include "Servable.h"

#include "Metrics.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace geflow::serve {

namespace {

struct FreeDeleter {
  void operator()(uint8_t *p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<uint8_t, FreeDeleter>;

/// 64-byte aligned, zero-filled: kernels bind the buffer in place.
AlignedBuffer allocate(uint64_t bytes) {
  uint64_t rounded = (bytes + 63) / 64 * 64;
  auto *p =
      static_cast<uint8_t *>(std::aligned_alloc(64, rounded ? rounded : 64));
  if (p)
    std::memset(p, 0, rounded ? rounded : 64);
  return AlignedBuffer(p);
}

/// The batch range of a model of one shape-ranged gear whose ranged dims
/// are exactly dim 0 of every input, all with one range, and whose outputs
/// all have that batch as dim 0 (checked by selecting both ends).
std::optional<Servable::BatchRange> batchRangeOf(const rt::Model &model) {
  const std::vector<rt::GearInfo> &gears = model.gears();
  if (gears.size() != 1 || gears[0].ranges.empty() || gears[0].inputs.empty())
    return std::nullopt;
  const rt::GearInfo &gear = gears[0];
  const rt::DimRange &first = gear.ranges[0];
  std::vector<bool> ranged(gear.inputs.size(), false);
  for (const rt::DimRange &r : gear.ranges) {
    if (r.dim != 0 || r.min != first.min || r.max != first.max ||
        r.input >= ranged.size() || ranged[r.input])
      return std::nullopt;
    ranged[r.input] = true;
  }
  if (std::find(ranged.begin(), ranged.end(), false) != ranged.end() ||
      first.min < 1)
    return std::nullopt;
  for (int64_t batch : {first.min, first.max}) {
    std::vector<std::vector<int64_t>> shapes;
    for (const rt::TensorInfo &info : gear.inputs) {
      shapes.push_back(info.shape);
      shapes.back()[0] = batch;
    }
    rt::StatusOr<rt::Model::Selection> selection = model.select(shapes);
    if (!selection.ok())
      return std::nullopt;
    for (const rt::TensorInfo &out : selection->outputs)
      if (out.shape.empty() || out.shape[0] != batch)
        return std::nullopt;
  }
  return Servable::BatchRange{first.min, first.max};
}

bool servableFormat(rt::Format f) {
  return f == rt::Format::ND || f == rt::Format::NCHW || f == rt::Format::NHWC;
}

/// The batch of each gear when every input and output of every gear has
/// that batch as dim 0 and the gears differ in nothing else; else empty.
std::vector<int64_t> batchGearsOf(const rt::Model &model) {
  const std::vector<rt::GearInfo> &gears = model.gears();
  std::vector<int64_t> batches;
  for (const rt::GearInfo &gear : gears) {
    if (!gear.ranges.empty() || gear.inputs.empty())
      return {};
    int64_t batch = -1;
    auto check = [&](const std::vector<rt::TensorInfo> &tensors,
                     const std::vector<rt::TensorInfo> &first) {
      for (size_t i = 0; i < tensors.size(); ++i) {
        const std::vector<int64_t> &s = tensors[i].shape;
        if (s.empty())
          return false;
        if (batch < 0)
          batch = s[0];
        if (s[0] != batch || s.size() != first[i].shape.size() ||
            !std::equal(s.begin() + 1, s.end(), first[i].shape.begin() + 1))
          return false;
      }
      return true;
    };
    if (!check(gear.inputs, gears[0].inputs) ||
        !check(gear.outputs, gears[0].outputs))
      return {};
    batches.push_back(batch);
  }
  return batches;
}

} // namespace

Servable::Servable(std::string modelName, int64_t version,
                   std::unique_ptr<rt::Model> model, Metrics *metrics)
    : modelName_(std::move(modelName)), version_(version),
      model_(std::move(model)), metrics_(metrics) {}

Servable::~Servable() {
  // Queued requests finish before the model goes.
  batcher_.reset();
}

Result<std::shared_ptr<Servable>>
Servable::create(const std::string &modelName, int64_t version,
                 std::unique_ptr<rt::Model> model,
                 const BatchingOptions &batching, Metrics *metrics) {
  std::shared_ptr<Servable> s(
      new Servable(modelName, version, std::move(model), metrics));
  for (const auto *list : {&s->model_->inputs(), &s->model_->outputs()})
    for (const rt::TensorInfo &info : *list) {
      if (!servableFormat(info.format))
        return invalidArgument(
            "tensor '" + info.name + "' is in format " +
            std::string(rt::formatName(info.format)) +
            "; geflow-serve carries ND, NCHW and NHWC tensors");
      TensorSpec spec{info.name, info.dtype, info.shape};
      (list == &s->model_->inputs() ? s->signature_.inputs
                                    : s->signature_.outputs)
          .push_back(spec);
    }
  std::vector<int64_t> batches = batchGearsOf(*s->model_);
  std::vector<size_t> order(batches.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return batches[a] < batches[b]; });
  for (size_t i : order) {
    s->batchGears_.push_back(batches[i]);
    s->gearOfBatch_.push_back(i);
  }
  if (s->batchGears_.empty())
    s->batchRange_ = batchRangeOf(*s->model_);
  if (batching.enabled && (!s->batchGears_.empty() || s->batchRange_)) {
    int64_t largest =
        s->batchRange_ ? s->batchRange_->max : s->batchGears_.back();
    int64_t maxBatch = batching.maxBatchSize > 0
                           ? std::min(batching.maxBatchSize, largest)
                           : largest;
    Servable *self = s.get();
    s->batcher_ = std::make_unique<Batcher>(
        batching, maxBatch,
        [self](std::vector<BatchJob *> &jobs) { self->runBatch(jobs); });
  }
  return s;
}

int64_t Servable::queuedRows() const {
  return batcher_ ? batcher_->queuedRows() : 0;
}

Status Servable::warmUp() {
  for (const rt::GearInfo &gear : model_->gears()) {
    std::vector<AlignedBuffer> buffers;
    std::vector<rt::TensorRef> in, out;
    for (const auto *list : {&gear.inputs, &gear.outputs})
      for (const rt::TensorInfo &info : *list) {
        buffers.push_back(allocate(info.bytes));
        if (!buffers.back())
          return Status(Code::kInternal, "out of memory warming up");
        (list == &gear.inputs ? in : out)
            .push_back(
                {buffers.back().get(), info.bytes, info.dtype, info.shape});
      }
    rt::Status st = model_->run(in, out);
    if (!st.ok())
      return Status(Code::kInternal, "warm-up run failed: " + st.message());
  }
  return Status();
}

Result<std::vector<Tensor>>
Servable::runExact(const std::vector<Tensor> &inputs) {
  std::vector<std::vector<int64_t>> shapes;
  for (const Tensor &t : inputs)
    shapes.push_back(t.shape);
  rt::StatusOr<rt::Model::Selection> selection = model_->select(shapes);
  if (!selection.ok())
    return invalidArgument(selection.status().message());
  std::vector<AlignedBuffer> inBuffers;
  std::vector<rt::TensorRef> in, out;
  for (const Tensor &t : inputs) {
    inBuffers.push_back(allocate(t.data.size()));
    std::memcpy(inBuffers.back().get(), t.data.data(), t.data.size());
    in.push_back({inBuffers.back().get(), t.data.size(), t.dtype, t.shape});
  }
  std::vector<AlignedBuffer> outBuffers;
  for (const rt::TensorInfo &info : selection->outputs) {
    outBuffers.push_back(allocate(info.bytes));
    out.push_back(
        {outBuffers.back().get(), info.bytes, info.dtype, info.shape});
  }
  rt::Status st = model_->run(in, out);
  if (!st.ok())
    return Status(Code::kInternal, st.message());
  std::vector<Tensor> outputs;
  for (size_t i = 0; i < out.size(); ++i) {
    const rt::TensorInfo &info = selection->outputs[i];
    const uint8_t *p = outBuffers[i].get();
    outputs.push_back({info.name, info.dtype, info.shape,
                       std::vector<uint8_t>(p, p + info.bytes)});
  }
  return outputs;
}

void Servable::runBatch(std::vector<BatchJob *> &jobs) {
  int64_t rows = 0;
  for (BatchJob *job : jobs)
    rows += job->rows;
  auto failAll = [&](Status st) {
    for (BatchJob *job : jobs)
      job->result = st;
  };
  // The run the rows go to: `runRows` rows, the requests' and then zero
  // rows up to the gear's batch or the range's minimum.
  int64_t runRows = 0;
  std::vector<rt::TensorInfo> inputs, outputs;
  if (batchRange_) {
    runRows = std::max(rows, batchRange_->min);
    if (runRows > batchRange_->max)
      return failAll(invalidArgument("a batch of " + std::to_string(rows) +
                                     " rows exceeds the model's batch range " +
                                     std::to_string(batchRange_->min) + "~" +
                                     std::to_string(batchRange_->max)));
    std::vector<std::vector<int64_t>> shapes;
    for (size_t i = 0; i < model_->gears()[0].inputs.size(); ++i) {
      const Tensor &t = (*jobs[0]->inputs)[i];
      rt::TensorInfo info = model_->gears()[0].inputs[i];
      info.shape = t.shape;
      info.shape[0] = runRows;
      info.bytes = t.data.size() / uint64_t(t.shape[0]) * uint64_t(runRows);
      shapes.push_back(info.shape);
      inputs.push_back(std::move(info));
    }
    rt::StatusOr<rt::Model::Selection> selection = model_->select(shapes);
    if (!selection.ok())
      return failAll(invalidArgument(selection.status().message()));
    outputs = selection->outputs;
  } else {
    size_t g = 0;
    while (g < batchGears_.size() && batchGears_[g] < rows)
      ++g;
    if (g == batchGears_.size())
      return failAll(invalidArgument("a batch of " + std::to_string(rows) +
                                     " rows exceeds the largest batch gear " +
                                     std::to_string(batchGears_.back())));
    const rt::GearInfo &gear = model_->gears()[gearOfBatch_[g]];
    runRows = batchGears_[g];
    inputs = gear.inputs;
    outputs = gear.outputs;
  }
  if (metrics_)
    metrics_->observeBatch(modelName_, rows, runRows);
  std::vector<AlignedBuffer> buffers;
  std::vector<rt::TensorRef> in, out;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const rt::TensorInfo &info = inputs[i];
    buffers.push_back(allocate(info.bytes));
    uint8_t *p = buffers.back().get();
    if (!p)
      return failAll(Status(Code::kInternal, "out of memory for a batch"));
    for (BatchJob *job : jobs) {
      const Tensor &t = (*job->inputs)[i];
      std::memcpy(p, t.data.data(), t.data.size());
      p += t.data.size();
    }
    in.push_back({buffers.back().get(), info.bytes, info.dtype, info.shape});
  }
  size_t firstOut = buffers.size();
  for (const rt::TensorInfo &info : outputs) {
    buffers.push_back(allocate(info.bytes));
    out.push_back({buffers.back().get(), info.bytes, info.dtype, info.shape});
  }
  for (const AlignedBuffer &b : buffers)
    if (!b)
      return failAll(Status(Code::kInternal, "out of memory for a batch"));
  rt::Status st = model_->run(in, out);
  if (!st.ok())
    return failAll(Status(Code::kInternal, st.message()));
  std::vector<size_t> offsets(outputs.size(), 0);
  for (BatchJob *job : jobs) {
    std::vector<Tensor> answers;
    for (size_t i = 0; i < outputs.size(); ++i) {
      const rt::TensorInfo &info = outputs[i];
      uint64_t perRow = info.bytes / uint64_t(runRows);
      Tensor t{info.name, info.dtype, info.shape, {}};
      t.shape[0] = job->rows;
      const uint8_t *p = buffers[firstOut + i].get() + offsets[i];
      t.data.assign(p, p + perRow * uint64_t(job->rows));
      offsets[i] += perRow * uint64_t(job->rows);
      answers.push_back(std::move(t));
    }
    job->result = std::move(answers);
  }
}

Result<std::vector<Tensor>> Servable::infer(std::vector<Tensor> inputs,
                                            Clock::time_point deadline) {
  if (!batcher_ && batchGears_.empty())
    return runExact(inputs);
  int64_t rows =
      inputs.empty() || inputs[0].shape.empty() ? 0 : inputs[0].shape[0];
  for (const Tensor &t : inputs)
    if (t.shape.empty() || t.shape[0] != rows)
      return invalidArgument(
          "the inputs disagree on the batch (dim 0): '" + inputs[0].name +
          "' has " + std::to_string(rows) + " rows, '" + t.name + "' has " +
          (t.shape.empty() ? std::string("none") : std::to_string(t.shape[0])));
  if (rows < 1)
    return invalidArgument("the request has no rows (batch 0)");
  BatchJob job;
  job.inputs = &inputs;
  job.rows = rows;
  job.deadline = deadline;
  if (batcher_) {
    batcher_->submit(job);
    return std::move(job.result);
  }
  if (rows > batchGears_.back()) {
    std::string gears;
    for (int64_t b : batchGears_)
      gears += (gears.empty() ? "" : ",") + std::to_string(b);
    return invalidArgument("the request has " + std::to_string(rows) +
                           " rows; the model's batch gears are " + gears);
  }
  std::vector<BatchJob *> jobs = {&job};
  runBatch(jobs);
  return std::move(job.result);
}

} // namespace geflow::serve
