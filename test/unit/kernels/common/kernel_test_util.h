//===- kernel_test_util.h - Run a registered kernel like the runtime ------===//
//
// Tiles with the kernel's own tiling function, pre-packs the inputs the
// tiling asks for, allocates the workspace and runs every block (on a few
// threads, so blocks really run concurrently).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_KERNELS_COMMON_KERNEL_TEST_UTIL_H
#define GEFLOW_TEST_KERNELS_COMMON_KERNEL_TEST_UTIL_H

#include "geflow/kernels/Registry.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace geflow::kernels::testing {

struct AlignedFree {
  void operator()(void *p) const { std::free(p); }
};
using Buffer = std::unique_ptr<uint8_t, AlignedFree>;

inline Buffer allocBuffer(size_t bytes) {
  size_t rounded = ((bytes + 63) / 64) * 64;
  return Buffer(
      static_cast<uint8_t *>(std::aligned_alloc(64, rounded ? rounded : 64)));
}

/// Runs `name` on `inputs`/`outputs` (host pointers). `isa` defaults to the
/// best the machine has; tests pass lower ISAs to cover every implementation.
/// When `tilingOverride` is set it replaces the tiling result (to exercise
/// every tiling a tiling function can produce).
inline Status runKernel(const std::string &name, const TilingContext &ctx,
                        const std::vector<const void *> &inputs,
                        const std::vector<void *> &outputs,
                        Isa isa = SocInfo::host().isa,
                        const TilingResult *tilingOverride = nullptr,
                        TilingResult *usedTiling = nullptr,
                        unsigned threads = 4) {
  const KernelRegistry &reg = KernelRegistry::global();
  const KernelDef *def = reg.find(name);
  if (!def)
    return rt::Status(rt::ErrorCode::kNotFound, "no kernel " + name);
  TilingResult tiling;
  if (tilingOverride) {
    tiling = *tilingOverride;
  } else {
    GEFLOW_RETURN_IF_ERROR(def->tiling(ctx, &tiling));
  }
  if (usedTiling)
    *usedTiling = tiling;
  DType dtype =
      ctx.inputs.empty() ? ctx.outputs.at(0).dtype : ctx.inputs[0].dtype;
  KernelFn fn = reg.select(name, dtype, isa);
  if (!fn)
    return rt::Status(rt::ErrorCode::kNotFound,
                      "no " + std::string(rt::dtypeName(dtype)) + " impl of " +
                          name);

  std::vector<std::vector<uint8_t>> packed(inputs.size());
  std::vector<const void *> ins = inputs;
  for (uint32_t idx : tiling.packedInputs) {
    if (!def->pack)
      return rt::internalError(name + " asks for packing but has no PackFn");
    GEFLOW_RETURN_IF_ERROR(
        def->pack(ctx, tiling, idx, inputs.at(idx), &packed[idx]));
    ins[idx] = packed[idx].data();
  }
  Buffer workspace = allocBuffer(tiling.workspaceSize);

  KernelArgs args;
  args.tiling = tiling.tilingData.data();
  args.tilingSize = tiling.tilingData.size();
  args.inputs = ins.data();
  args.numInputs = static_cast<uint32_t>(ins.size());
  args.outputs = outputs.data();
  args.numOutputs = static_cast<uint32_t>(outputs.size());
  args.workspace = workspace.get();

  std::atomic<uint32_t> next{0};
  std::atomic<int32_t> failure{0};
  std::mutex detailMutex;
  std::string detail; // the kernel's reason (setFailureDetail), as the
                      // runtime reports it
  auto worker = [&] {
    for (uint32_t b; (b = next.fetch_add(1)) < tiling.blockDim;)
      if (int32_t rc = fn(args, b, tiling.blockDim)) {
        std::lock_guard<std::mutex> lock(detailMutex);
        detail = takeFailureDetail();
        failure.store(rc);
      }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::min<unsigned>(threads, tiling.blockDim); ++t)
    pool.emplace_back(worker);
  worker();
  for (auto &t : pool)
    t.join();
  if (failure.load())
    return rt::Status(rt::ErrorCode::kTaskFailed,
                      name + " failed with code " +
                          std::to_string(failure.load()) +
                          (detail.empty() ? "" : ": " + detail));
  return Status::OK();
}

inline std::vector<float> randomFloats(size_t n, uint32_t seed, float lo = -1.f,
                                       float hi = 1.f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

inline TensorDesc desc(DType dt, std::vector<int64_t> shape,
                       Format format = Format::ND) {
  TensorDesc d;
  d.dtype = dt;
  d.shape = std::move(shape);
  d.format = format;
  return d;
}

inline TensorDesc f32(std::vector<int64_t> shape, Format format = Format::ND) {
  return desc(DType::F32, std::move(shape), format);
}

} // namespace geflow::kernels::testing

#endif
