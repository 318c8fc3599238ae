//===- aot_bench.cpp - A generated library against the .gfm executor ------===//
//
//   geflow_bench_aot --lib=DIR/libNAME.so --name=NAME --gfm=PATH [--runs=N]
//                    [--cores=N]
//
// Times, for one model (gear 0's input shapes, random float32 inputs):
//  - load: dlopen + NAME_create (the library) against Model::load (the
//    .gfm), median over repeated create/destroy;
//  - run: NAME_run against Model::run, the same inputs, median and mean us
//    per synchronous run, in alternating blocks so that a load change on
//    the machine hits both alike.
// Prints one JSON object; bench/aot_bench.py compiles the models and turns
// it into the report.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Device.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/gfaot.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

using namespace geflow::rt;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string &what) {
  std::fprintf(stderr, "geflow_bench_aot: %s\n", what.c_str());
  std::exit(1);
}

double usSince(Clock::time_point t) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double mean(const std::vector<double> &v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / v.size();
}

std::string flag(int argc, char **argv, const std::string &name,
                 const std::string &fallback) {
  std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0)
      return argv[i] + prefix.size();
  if (fallback.empty())
    die("missing " + prefix + "...");
  return fallback;
}

template <typename F> F symbol(void *lib, const std::string &name) {
  void *p = dlsym(lib, name.c_str());
  if (!p)
    die("no symbol " + name);
  return reinterpret_cast<F>(p);
}

} // namespace

int main(int argc, char **argv) {
  std::string libPath = flag(argc, argv, "lib", "");
  std::string name = flag(argc, argv, "name", "");
  std::string gfm = flag(argc, argv, "gfm", "");
  int runs = std::atoi(flag(argc, argv, "runs", "200").c_str());
  uint32_t cores = std::atoi(flag(argc, argv, "cores", "0").c_str());

  auto t = Clock::now();
  void *lib = dlopen(libPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  double dlopenUs = usSince(t);
  if (!lib)
    die(dlerror());
  auto create = symbol<gfaot_status (*)(const gfaot_options *, void **)>(
      lib, name + "_create");
  auto destroy = symbol<void (*)(void *)>(lib, name + "_destroy");
  auto lastError = symbol<const char *(*)()>(lib, name + "_last_error");
  auto numInputs = symbol<uint32_t (*)(void *)>(lib, name + "_num_inputs");
  auto numOutputs = symbol<uint32_t (*)(void *)>(lib, name + "_num_outputs");
  auto gearInput =
      symbol<gfaot_status (*)(void *, uint32_t, uint32_t, gfaot_tensor_info *)>(
          lib, name + "_gear_input_info");
  auto gearOutput =
      symbol<gfaot_status (*)(void *, uint32_t, uint32_t, gfaot_tensor_info *)>(
          lib, name + "_gear_output_info");
  auto run = symbol<gfaot_status (*)(void *, const gfaot_tensor *, uint32_t,
                                     const gfaot_tensor *, uint32_t)>(
      lib, name + "_run");

  DeviceOptions deviceOptions;
  deviceOptions.aiCoreCount = cores;
  auto device = Device::create(1, deviceOptions);
  if (!device.ok())
    die(device.status().message());
  gfaot_options options = {0, cores};

  // Load: create/destroy against Model::load, alternating. A first handle
  // stays open so that both load onto an open device (the first create of
  // a process also opens the device: its AI-core threads).
  void *keeper = nullptr;
  t = Clock::now();
  if (create(&options, &keeper) != GFAOT_OK)
    die(lastError());
  double firstCreateUs = usSince(t);
  std::vector<double> libLoad, gfmLoad;
  for (int i = 0; i < 10; ++i) {
    void *m = nullptr;
    t = Clock::now();
    if (create(&options, &m) != GFAOT_OK)
      die(lastError());
    libLoad.push_back(usSince(t));
    destroy(m);
    t = Clock::now();
    auto model = Model::load(gfm, device.value());
    gfmLoad.push_back(usSince(t));
    if (!model.ok())
      die(model.status().message());
  }

  void *m = nullptr;
  if (create(&options, &m) != GFAOT_OK)
    die(lastError());
  auto model = Model::load(gfm, device.value());
  if (!model.ok())
    die(model.status().message());
  std::vector<std::vector<uint8_t>> buffers;
  std::vector<std::vector<int64_t>> shapes;
  std::vector<gfaot_tensor> in, out;
  std::vector<TensorRef> inRefs, outRefs;
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  buffers.reserve(numInputs(m) + numOutputs(m));
  shapes.reserve(numInputs(m) + numOutputs(m));
  for (uint32_t i = 0; i < numInputs(m) + numOutputs(m); ++i) {
    bool isIn = i < numInputs(m);
    gfaot_tensor_info info;
    if ((isIn ? gearInput(m, 0, i, &info)
              : gearOutput(m, 0, i - numInputs(m), &info)) != GFAOT_OK)
      die(lastError());
    buffers.emplace_back(info.bytes);
    shapes.emplace_back(info.shape, info.shape + info.rank);
    if (isIn)
      for (size_t k = 0; k < info.bytes / 4; ++k)
        reinterpret_cast<float *>(buffers.back().data())[k] = normal(rng);
    gfaot_tensor tensor = {buffers.back().data(), info.bytes, info.dtype,
                           info.rank, shapes.back().data()};
    TensorRef ref = {buffers.back().data(), info.bytes,
                     static_cast<DType>(info.dtype), shapes.back()};
    (isIn ? in : out).push_back(tensor);
    (isIn ? inRefs : outRefs).push_back(ref);
  }

  std::vector<double> libRun, gfmRun;
  auto runLib = [&] {
    auto s = Clock::now();
    if (run(m, in.data(), in.size(), out.data(), out.size()) != GFAOT_OK)
      die(lastError());
    return usSince(s);
  };
  auto runGfm = [&] {
    auto s = Clock::now();
    Status st = model.value()->run(inRefs, outRefs);
    if (!st.ok())
      die(st.message());
    return usSince(s);
  };
  for (int i = 0; i < 20; ++i) {
    runLib();
    runGfm();
  }
  const int block = 10;
  for (int done = 0; done < runs; done += block) {
    for (int i = 0; i < block; ++i)
      libRun.push_back(runLib());
    for (int i = 0; i < block; ++i)
      gfmRun.push_back(runGfm());
  }
  destroy(m);
  destroy(keeper);
  std::printf("{\"dlopen_us\": %.1f, \"first_create_us\": %.1f, "
              "\"lib_load_us\": %.1f, \"gfm_load_us\": "
              "%.1f, \"lib_run_median_us\": %.2f, \"gfm_run_median_us\": "
              "%.2f, \"lib_run_mean_us\": %.2f, \"gfm_run_mean_us\": %.2f, "
              "\"runs\": %zu}\n",
              dlopenUs, firstCreateUs, median(libLoad), median(gfmLoad),
              median(libRun), median(gfmRun), mean(libRun), mean(gfmRun),
              libRun.size());
  return 0;
}
