//===- KernelTimer.cpp - Timing a kernel tiling on this machine -----------===//
#include "KernelTimer.h"

#include "geflow/runtime/Half.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>

namespace geflow::conversion {

namespace k = geflow::kernels;

namespace {

using Clock = std::chrono::steady_clock;

/// 64-byte aligned bytes, as the runtime's buffers are.
struct Buffer {
  std::unique_ptr<uint8_t, void (*)(void *)> data{nullptr, std::free};
  explicit Buffer(uint64_t bytes) {
    uint64_t size = std::max<uint64_t>(64, (bytes + 63) / 64 * 64);
    data.reset(static_cast<uint8_t *>(std::aligned_alloc(64, size)));
    if (data)
      std::fill_n(data.get(), size, uint8_t(0));
  }
};

/// Values in [-1, 1) of a float dtype (other dtypes stay zero).
void fillRandom(uint8_t *dst, k::DType dtype, uint64_t bytes,
                std::mt19937 &rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  if (dtype == k::DType::F32) {
    auto *f = reinterpret_cast<float *>(dst);
    for (uint64_t i = 0; i < bytes / 4; ++i)
      f[i] = dist(rng);
  } else if (dtype == k::DType::F16 || dtype == k::DType::BF16) {
    auto *h = reinterpret_cast<uint16_t *>(dst);
    for (uint64_t i = 0; i < bytes / 2; ++i)
      h[i] = dtype == k::DType::F16 ? rt::floatToHalf(dist(rng))
                                    : rt::floatToBf16(dist(rng));
  }
}

} // namespace

KernelTimer::KernelTimer(unsigned cores) : threads_(std::max(1u, cores)) {
  for (unsigned i = 1; i < threads_; ++i)
    workers_.emplace_back([this, i] { work(i); });
}

KernelTimer::~KernelTimer() {
  stop_.store(true);
  epoch_.fetch_add(1);
  for (std::thread &t : workers_)
    t.join();
}

void KernelTimer::work(unsigned index) {
  uint64_t seen = 0;
  while (true) {
    // Spin briefly (launches come back to back while timing), then yield.
    unsigned spins = 0;
    uint64_t now;
    while ((now = epoch_.load(std::memory_order_acquire)) == seen)
      if (++spins > 4096)
        std::this_thread::yield();
    seen = now;
    if (stop_.load())
      return;
    for (uint32_t b = index; b < blockDim_; b += threads_)
      if (int32_t code = fn_(*args_, b, blockDim_))
        failure_.store(code);
    pending_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

int32_t KernelTimer::launch(k::KernelFn fn, const k::KernelArgs &args,
                            uint32_t blockDim) {
  fn_ = fn;
  args_ = &args;
  blockDim_ = blockDim;
  failure_.store(0);
  pending_.store(threads_ - 1);
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  for (uint32_t b = 0; b < blockDim; b += threads_)
    if (int32_t code = fn(args, b, blockDim))
      failure_.store(code);
  // Yield once the wait gets long: a worker descheduled by another process
  // needs this core more than the spin does.
  for (unsigned spins = 0; pending_.load(std::memory_order_acquire) != 0;)
    if (++spins > 4096)
      std::this_thread::yield();
  return failure_.load();
}

rt::Status KernelTimer::time(const k::KernelDef &def, k::KernelFn fn,
                             const k::TilingContext &ctx,
                             const k::TilingResult &tiling, double seconds,
                             double *us) {
  std::mt19937 rng(20241208);
  std::vector<Buffer> buffers;
  std::vector<const void *> inputs;
  std::vector<void *> outputs;
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    const k::TensorDesc &d = ctx.inputs[i];
    const uint64_t bytes = rt::storageBytes(d.dtype, d.format, d.shape);
    buffers.emplace_back(bytes);
    fillRandom(buffers.back().data.get(), d.dtype, bytes, rng);
    if (std::find(tiling.packedInputs.begin(), tiling.packedInputs.end(),
                  uint32_t(i)) != tiling.packedInputs.end()) {
      if (!def.pack)
        return rt::internalError(def.name + ": its tiling packs input " +
                                 std::to_string(i) +
                                 " but it has no pack function");
      std::vector<uint8_t> packed;
      GEFLOW_RETURN_IF_ERROR(def.pack(ctx, tiling, uint32_t(i),
                                      buffers.back().data.get(), &packed));
      buffers.back() = Buffer(packed.size());
      std::copy(packed.begin(), packed.end(), buffers.back().data.get());
    }
    inputs.push_back(buffers.back().data.get());
  }
  for (const k::TensorDesc &d : ctx.outputs) {
    buffers.emplace_back(rt::storageBytes(d.dtype, d.format, d.shape));
    outputs.push_back(buffers.back().data.get());
  }
  Buffer workspace(tiling.workspaceSize);
  k::KernelArgs args;
  args.tiling = tiling.tilingData.data();
  args.tilingSize = tiling.tilingData.size();
  args.inputs = inputs.data();
  args.numInputs = uint32_t(inputs.size());
  args.outputs = outputs.data();
  args.numOutputs = uint32_t(outputs.size());
  args.workspace = tiling.workspaceSize ? workspace.data.get() : nullptr;
  const uint32_t blockDim = std::max(1u, tiling.blockDim);

  // One launch to warm caches and pages, then the fastest of at least 3
  // and at most 30 within the time given.
  if (int32_t code = launch(fn, args, blockDim))
    return rt::internalError(def.name + " failed with code " +
                             std::to_string(code) + " while being timed");
  const auto start = Clock::now();
  double best = 1e300;
  for (int run = 0; run < 30; ++run) {
    const auto t0 = Clock::now();
    launch(fn, args, blockDim);
    const auto t1 = Clock::now();
    best = std::min(best,
                    std::chrono::duration<double, std::micro>(t1 - t0).count());
    if (run >= 2 && std::chrono::duration<double>(t1 - start).count() > seconds)
      break;
  }
  *us = best;
  return rt::Status::OK();
}

} // namespace geflow::conversion
