//===- weight_update_bench.cpp - Weight update against a plain memcpy -----===//
//
// Loads a .gfm compiled with updatable_weights and times
// Model::updateWeights of every variable (check, convert, repack, publish)
// against a memcpy of the same bytes into buffers already allocated and
// touched. Prints one JSON line. Driven by bench/weight_update_bench.py
// (`ninja bench_weight_update_run`).
//
// Usage: geflow_bench_weight_update --model=M.gfm [--repeat=N]
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Device.h"
#include "geflow/runtime/Model.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace geflow::rt;
using Clock = std::chrono::steady_clock;

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main(int argc, char **argv) {
  std::string path;
  int repeat = 7;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--model=", 0) == 0)
      path = a.substr(8);
    else if (a.rfind("--repeat=", 0) == 0)
      repeat = std::max(1, std::atoi(a.c_str() + 9));
    else {
      std::fprintf(stderr, "usage: %s --model=M.gfm [--repeat=N]\n", argv[0]);
      return 2;
    }
  }
  auto device = Device::create(0, DeviceOptions{});
  if (!device.ok()) {
    std::fprintf(stderr, "%s\n", device.status().toString().c_str());
    return 1;
  }
  auto model = Model::load(path, *device);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", model.status().toString().c_str());
    return 1;
  }
  const std::vector<TensorInfo> &vars = (*model)->variables();
  if (vars.empty()) {
    std::fprintf(stderr, "%s has no updatable weights\n", path.c_str());
    return 1;
  }
  // Two weight sets, alternated, so every update really changes the bytes.
  std::mt19937 gen(1);
  std::vector<std::vector<std::vector<uint8_t>>> sets(2);
  std::vector<std::vector<uint8_t>> dst;
  uint64_t bytes = 0;
  for (auto &set : sets)
    for (const TensorInfo &v : vars) {
      std::vector<uint8_t> b(v.bytes);
      // Small float values whatever the dtype's width (fp32 bits of 0.01 *
      // k; fp16/bf16 weights get the same pattern's low halves).
      for (size_t i = 0; i + 4 <= b.size(); i += 4) {
        float f = float(int(gen() % 200) - 100) * 0.001f;
        std::memcpy(&b[i], &f, 4);
      }
      set.push_back(std::move(b));
    }
  for (const TensorInfo &v : vars) {
    dst.emplace_back(v.bytes, 1); // touched
    bytes += v.bytes;
  }
  std::vector<double> updateMs, copyMs;
  for (int r = 0; r < repeat; ++r) {
    std::vector<WeightUpdate> updates;
    for (size_t i = 0; i < vars.size(); ++i)
      updates.push_back({vars[i].name, sets[r % 2][i].data(),
                         sets[r % 2][i].size(), vars[i].dtype, vars[i].shape});
    auto t0 = Clock::now();
    Status st = (*model)->updateWeights(updates);
    auto t1 = Clock::now();
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.toString().c_str());
      return 1;
    }
    for (size_t i = 0; i < vars.size(); ++i)
      std::memcpy(dst[i].data(), sets[r % 2][i].data(), dst[i].size());
    auto t2 = Clock::now();
    updateMs.push_back(
        std::chrono::duration<double, std::milli>(t1 - t0).count());
    copyMs.push_back(
        std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  double u = median(updateMs), c = median(copyMs);
  std::printf("{\"model\": \"%s\", \"variables\": %zu, \"bytes\": %llu, "
              "\"update_ms\": %.3f, \"memcpy_ms\": %.3f, \"ratio\": %.2f, "
              "\"update_gbps\": %.2f, \"memcpy_gbps\": %.2f}\n",
              path.c_str(), vars.size(), (unsigned long long)bytes, u, c, u / c,
              bytes / u / 1e6, bytes / c / 1e6);
  return 0;
}
