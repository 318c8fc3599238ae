//===- ControlTasks.cpp - If and While: load checks and running -----------===//
//
// A control task runs compiled subgraphs, each a Model of its own (own
// arena, own task program). At load the task's tensors are checked against
// the subgraphs' signatures. At run time the task is a callback that hands
// the work to a control thread and a wait on an event that thread reaches
// when it is done, as collectives do: the stream is parked and holds no AI
// core while the subgraphs run on the AI cores. The control thread reads
// the condition in host memory (device memory is host memory), runs the
// chosen subgraph with Model::run and, for a While, keeps the carried values
// in two buffers it swaps between iterations. Control threads are never
// short: a new one starts when none is idle, so nested control flow (a
// subgraph with its own If) cannot wait for itself.
//
//===----------------------------------------------------------------------===//
#include "Context.h"
#include "Plan.h"

#include "proto/gfm.pb.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <thread>

namespace geflow::rt::exec {

namespace {

ControlTensor toControlTensor(const gfm::TensorDesc &d) {
  ControlTensor t;
  t.dtype = static_cast<DType>(d.dtype());
  t.shape.assign(d.shape().begin(), d.shape().end());
  t.bytes = storageBytes(t.dtype, static_cast<Format>(d.format()), t.shape);
  return t;
}

std::string describe(DType dtype, const std::vector<int64_t> &shape) {
  return std::string(dtypeName(dtype)) + shapeToString(shape);
}

/// Checks that `model`'s `what` signature entries, starting at entry 0,
/// equal `tensors[first, first + count)`.
Status checkSignature(const std::string &label, const char *name,
                      const Model &model, const char *what,
                      const std::vector<TensorInfo> &sig,
                      const std::vector<ControlTensor> &tensors, size_t first,
                      size_t count) {
  if (model.gears().size() != 1 || !model.gears()[0].ranges.empty())
    return Status(ErrorCode::kCorruptFile,
                  label + ": subgraph '" + name +
                      "' must have one program of static shapes");
  if (sig.size() != count)
    return Status(ErrorCode::kCorruptFile,
                  label + ": subgraph '" + name + "' has " +
                      std::to_string(sig.size()) + " " + what + "s, the task " +
                      "passes " + std::to_string(count));
  for (size_t i = 0; i < count; ++i) {
    const ControlTensor &t = tensors[first + i];
    if (sig[i].dtype != t.dtype || sig[i].shape != t.shape)
      return Status(ErrorCode::kCorruptFile,
                    label + ": " + what + " " + std::to_string(i) +
                        " of subgraph '" + name + "' is " +
                        describe(sig[i].dtype, sig[i].shape) +
                        " but the task's is " + describe(t.dtype, t.shape));
  }
  return Status::OK();
}

bool isCondition(const ControlTensor &t) {
  return t.dtype == DType::Bool && t.bytes == 1;
}

/// Threads that run control tasks. Leaked on purpose: a detached thread
/// may still wait on it while the process exits.
class ControlThreads {
public:
  static ControlThreads &get() {
    static ControlThreads *threads = new ControlThreads();
    return *threads;
  }
  void run(std::function<void()> job) {
    std::unique_lock<std::mutex> lock(mu_);
    jobs_.push_back(std::move(job));
    if (idle_ > 0) {
      cv_.notify_one();
      return;
    }
    ++idle_; // the new thread takes the job
    std::thread([this] { work(); }).detach();
  }

private:
  void work() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return !jobs_.empty(); });
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      --idle_;
      lock.unlock();
      job();
      lock.lock();
      ++idle_;
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  int idle_ = 0;
};

TensorRef ref(void *data, const ControlTensor &t) {
  return {data, t.bytes, t.dtype, t.shape};
}

Status fail(const ControlLayout &l, const std::string &why) {
  return Status(ErrorCode::kInternal, l.label + ": " + why);
}

Status runIf(const ControlLayout &l, void *const *pointers) {
  bool cond = *static_cast<const uint8_t *>(pointers[0]) != 0;
  std::vector<TensorRef> inputs, outputs;
  for (uint32_t i = 1; i < l.numInputs; ++i)
    inputs.push_back(ref(pointers[i], l.inputs[i]));
  for (uint32_t i = 0; i < l.numOutputs; ++i)
    outputs.push_back(ref(pointers[l.numInputs + i], l.outputs[i]));
  Status st = (cond ? l.first : l.second)->run(inputs, outputs);
  if (!st.ok())
    return Status(st.code(), l.label + ": " +
                                 (cond ? "then_branch" : "else_branch") + ": " +
                                 st.message());
  return st;
}

Status runWhile(const ControlLayout &l, void *const *pointers) {
  const uint32_t n = l.numCarried;
  // The carried values alternate between two buffers: the body reads one
  // and writes the other.
  std::vector<std::vector<uint8_t>> cur(n), next(n);
  for (uint32_t i = 0; i < n; ++i) {
    cur[i].resize(l.inputs[i].bytes);
    next[i].resize(l.inputs[i].bytes);
    if (l.inputs[i].bytes)
      std::memcpy(cur[i].data(), pointers[i], l.inputs[i].bytes);
  }
  uint8_t flag = 0;
  ControlTensor condTensor{DType::Bool, l.first->outputs()[0].shape, 1};
  int64_t iterations = 0;
  for (;; ++iterations) {
    std::vector<TensorRef> inputs;
    for (uint32_t i = 0; i < n; ++i)
      inputs.push_back(ref(cur[i].data(), l.inputs[i]));
    for (uint32_t i = n; i < l.numInputs; ++i)
      inputs.push_back(ref(pointers[i], l.inputs[i]));
    Status st = l.first->run(inputs, {ref(&flag, condTensor)});
    if (!st.ok())
      return Status(st.code(), l.label + ": iteration " +
                                   std::to_string(iterations) +
                                   ": cond: " + st.message());
    if (!flag)
      break;
    std::vector<TensorRef> outputs;
    for (uint32_t i = 0; i < n; ++i)
      outputs.push_back(ref(next[i].data(), l.inputs[i]));
    for (uint32_t k = n; k < l.numOutputs; ++k) {
      if (iterations >= l.scanLength)
        return fail(l, "runs more than the " + std::to_string(l.scanLength) +
                           " iterations its scan outputs hold");
      const ControlTensor &stacked = l.outputs[k];
      uint64_t slice = stacked.bytes / static_cast<uint64_t>(l.scanLength);
      std::vector<int64_t> shape(stacked.shape.begin() + 1,
                                 stacked.shape.end());
      outputs.push_back({static_cast<uint8_t *>(pointers[l.numInputs + k]) +
                             slice * iterations,
                         slice, stacked.dtype, shape});
    }
    st = l.second->run(inputs, outputs);
    if (!st.ok())
      return Status(st.code(), l.label + ": iteration " +
                                   std::to_string(iterations) +
                                   ": body: " + st.message());
    std::swap(cur, next);
  }
  // Slices after the last iteration hold zeros (the declared length is
  // an upper bound of the run-time iterations).
  for (uint32_t k = n; k < l.numOutputs; ++k) {
    if (l.scanLength <= 0)
      break;
    uint64_t slice = l.outputs[k].bytes / static_cast<uint64_t>(l.scanLength);
    std::memset(static_cast<uint8_t *>(pointers[l.numInputs + k]) +
                    slice * iterations,
                0, slice * (l.scanLength - iterations));
  }
  for (uint32_t i = 0; i < n; ++i)
    if (l.inputs[i].bytes)
      std::memcpy(pointers[l.numInputs + i], cur[i].data(), l.inputs[i].bytes);
  return Status::OK();
}

} // namespace

StatusOr<ControlLayout>
decodeControl(const gfm::Task &task, uint32_t firstPointer,
              const std::vector<std::shared_ptr<Model>> &subgraphs) {
  const gfm::ControlTask &c = task.control();
  ControlLayout l;
  l.isWhile = c.kind() == "While";
  l.label = "'" + task.name() + "' (" + c.kind() + ")";
  auto bad = [&](const std::string &why) {
    return Status(ErrorCode::kCorruptFile, l.label + ": " + why);
  };
  if (c.subgraphs_size() != 2 || c.subgraphs(0) >= subgraphs.size() ||
      c.subgraphs(1) >= subgraphs.size())
    return bad("names subgraphs the model does not have");
  l.first = subgraphs[c.subgraphs(0)];
  l.second = subgraphs[c.subgraphs(1)];
  l.firstPointer = firstPointer;
  l.numInputs = static_cast<uint32_t>(c.inputs_size());
  l.numOutputs = static_cast<uint32_t>(c.outputs_size());
  l.numCarried = c.num_carried();
  for (const gfm::TensorDesc &d : c.input_descs())
    l.inputs.push_back(toControlTensor(d));
  for (const gfm::TensorDesc &d : c.output_descs())
    l.outputs.push_back(toControlTensor(d));
  for (int i = 0; i < c.inputs_size(); ++i)
    if (c.inputs(i).size() < l.inputs[i].bytes)
      return bad("input " + std::to_string(i) + " is smaller than its tensor");
  for (int i = 0; i < c.outputs_size(); ++i)
    if (c.outputs(i).size() < l.outputs[i].bytes)
      return bad("output " + std::to_string(i) + " is smaller than its tensor");
  const char *a = l.isWhile ? "cond" : "then_branch";
  const char *b = l.isWhile ? "body" : "else_branch";
  if (!l.isWhile) {
    if (l.numInputs < 1 || !isCondition(l.inputs[0]))
      return bad("its first input must be a one-element boolean condition");
    for (const auto *m : {l.first.get(), l.second.get()}) {
      const char *name = m == l.first.get() ? a : b;
      GEFLOW_RETURN_IF_ERROR(checkSignature(l.label, name, *m, "input",
                                            m->inputs(), l.inputs, 1,
                                            l.numInputs - 1));
      GEFLOW_RETURN_IF_ERROR(checkSignature(l.label, name, *m, "output",
                                            m->outputs(), l.outputs, 0,
                                            l.numOutputs));
    }
    return l;
  }
  if (l.numCarried > l.numInputs || l.numCarried > l.numOutputs)
    return bad(std::to_string(l.numCarried) + " carried values exceed its " +
               std::to_string(l.numInputs) + " inputs or " +
               std::to_string(l.numOutputs) + " outputs");
  for (uint32_t i = 0; i < l.numCarried; ++i)
    if (l.inputs[i].dtype != l.outputs[i].dtype ||
        l.inputs[i].shape != l.outputs[i].shape)
      return bad("carried value " + std::to_string(i) + " enters as " +
                 describe(l.inputs[i].dtype, l.inputs[i].shape) +
                 " and leaves as " +
                 describe(l.outputs[i].dtype, l.outputs[i].shape));
  for (const auto *m : {l.first.get(), l.second.get()})
    GEFLOW_RETURN_IF_ERROR(checkSignature(l.label, m == l.first.get() ? a : b,
                                          *m, "input", m->inputs(), l.inputs, 0,
                                          l.numInputs));
  const std::vector<TensorInfo> &condOut = l.first->outputs();
  if (condOut.size() != 1 || condOut[0].dtype != DType::Bool ||
      condOut[0].bytes != 1)
    return bad("subgraph 'cond' must give one one-element boolean");
  // The body gives the next carried values, then one slice per scan output.
  std::vector<ControlTensor> bodyOut(l.outputs.begin(),
                                     l.outputs.begin() + l.numCarried);
  for (uint32_t k = l.numCarried; k < l.numOutputs; ++k) {
    const ControlTensor &stacked = l.outputs[k];
    if (stacked.shape.empty())
      return bad("scan output " + std::to_string(k - l.numCarried) +
                 " has no leading dim");
    if (l.scanLength >= 0 && stacked.shape[0] != l.scanLength)
      return bad("its scan outputs have different lengths");
    l.scanLength = stacked.shape[0];
    ControlTensor slice{
        stacked.dtype, {stacked.shape.begin() + 1, stacked.shape.end()}, 0};
    slice.bytes = storageBytes(slice.dtype, Format::ND, slice.shape);
    if (slice.bytes * static_cast<uint64_t>(l.scanLength) != stacked.bytes)
      return bad("scan output " + std::to_string(k - l.numCarried) +
                 " is not its slices stacked");
    bodyOut.push_back(std::move(slice));
  }
  GEFLOW_RETURN_IF_ERROR(checkSignature(l.label, b, *l.second, "output",
                                        l.second->outputs(), bodyOut, 0,
                                        bodyOut.size()));
  return l;
}

Status enqueueControl(const GearPlan &plan, const Step &step, Stream &stream,
                      ExecContext &ctx, GearState &gear) {
  const ControlLayout *layout = &plan.controls[step.index];
  void *const *pointers = gear.pointers.data() + layout->firstPointer;
  return enqueueHostWork(
      stream, step.label, ctx.controlDone[step.index],
      [layout, pointers](std::function<void(Status)> finish) {
        ControlThreads::get().run([layout, pointers, finish]() {
          finish(layout->isWhile ? runWhile(*layout, pointers)
                                 : runIf(*layout, pointers));
        });
      });
}

} // namespace geflow::rt::exec
