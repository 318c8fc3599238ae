//===- devices_bench.cpp - Two devices x one core vs one device x two -----===//
//
// Throughput of one model with two host threads driving it, on:
//  - "1x2 default": one device with an AI core per host CPU, unpinned (what
//    a process gets without GEFLOW_DEVICE_* set);
//  - "1x2 pinned":  one device whose two AI cores are pinned to two CPUs;
//  - "2x1 pinned":  two devices of one AI core each, one CPU each, the model
//    loaded on both and each thread running its own device's copy.
// Each thread runs --runs executions back to back (execute + synchronize);
// the wall time of the slower thread gives inferences/s. Trials alternate
// the layouts; the median trial is printed as JSON. Outputs of every layout
// are checked against the first run's (relative 1e-4: the tiling differs
// with the core count).
//
//===----------------------------------------------------------------------===//

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/Stream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace geflow::rt;

namespace {

struct Layout {
  const char *name;
  std::vector<DeviceOptions> devices; // thread t runs on devices[t % size]
};

[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "devices_bench: %s\n", message.c_str());
  std::exit(1);
}

template <typename T> T take(StatusOr<T> value, const char *what) {
  if (!value.ok())
    die(std::string(what) + ": " + value.status().toString());
  return std::move(value.value());
}

struct Buffers {
  std::vector<std::vector<float>> in, out;
  std::vector<TensorRef> inRefs, outRefs;
  Buffers(const Model &model, uint32_t seed) {
    std::mt19937 gen(seed);
    std::normal_distribution<float> dist;
    auto make = [](const std::vector<TensorInfo> &infos,
                   std::vector<std::vector<float>> &data,
                   std::vector<TensorRef> &refs) {
      for (const TensorInfo &info : infos) {
        if (info.dtype != DType::F32)
          die("the benchmark feeds float32 tensors only");
        size_t n = 1;
        for (int64_t d : info.shape)
          n *= static_cast<size_t>(d);
        data.emplace_back(n);
        refs.push_back(
            {data.back().data(), n * sizeof(float), info.dtype, info.shape});
      }
    };
    make(model.inputs(), in, inRefs);
    make(model.outputs(), out, outRefs);
    for (auto &v : in)
      for (float &x : v)
        x = dist(gen);
  }
};

/// Inferences per second of `layout`; outputs checked against `reference`.
double measure(const std::string &path, const Layout &layout, int runs,
               std::vector<float> *reference) {
  std::vector<std::shared_ptr<Device>> devices;
  std::vector<std::unique_ptr<Model>> models;
  for (size_t d = 0; d < layout.devices.size(); ++d) {
    devices.push_back(take(
        Device::create(static_cast<int32_t>(d), layout.devices[d]), "device"));
    models.push_back(take(Model::load(path, devices.back()), "load"));
  }
  constexpr int kThreads = 2;
  std::vector<double> seconds(kThreads);
  std::vector<std::string> errors(kThreads);
  auto worker = [&](int t) {
    Model &model = *models[t % models.size()];
    auto stream = take(devices[t % devices.size()]->createStream(), "stream");
    Buffers buffers(model, 7);
    for (int warm = 0; warm < 20; ++warm) {
      Status st = model.execute(*stream, buffers.inRefs, buffers.outRefs);
      if (st.ok())
        st = stream->synchronize();
      if (!st.ok()) {
        errors[t] = st.toString();
        return;
      }
    }
    auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < runs; ++r) {
      Status st = model.execute(*stream, buffers.inRefs, buffers.outRefs);
      if (st.ok())
        st = stream->synchronize();
      if (!st.ok()) {
        errors[t] = st.toString();
        return;
      }
    }
    seconds[t] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    const std::vector<float> &out = buffers.out[0];
    if (reference->empty())
      *reference = out; // first layout, first thread to get here
    for (size_t i = 0; i < out.size(); ++i)
      if (!(std::fabs(out[i] - (*reference)[i]) <=
            1e-4 * (1 + std::fabs((*reference)[i]))))
        errors[t] = std::string(layout.name) + ": output " + std::to_string(i) +
                    " is " + std::to_string(out[i]) + ", expected " +
                    std::to_string((*reference)[i]);
  };
  // The reference comes from a single thread, before the timed pair.
  if (reference->empty())
    worker(0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back(worker, t);
  for (auto &t : threads)
    t.join();
  for (const std::string &e : errors)
    if (!e.empty())
      die(e);
  return kThreads * runs / *std::max_element(seconds.begin(), seconds.end());
}

} // namespace

int main(int argc, char **argv) {
  std::string path;
  int runs = 2000, trials = 5;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--model=", 0) == 0)
      path = a.substr(8);
    else if (a.rfind("--runs=", 0) == 0)
      runs = std::atoi(a.c_str() + 7);
    else if (a.rfind("--trials=", 0) == 0)
      trials = std::atoi(a.c_str() + 9);
    else
      die("usage: devices_bench --model=M.gfm [--runs=N] [--trials=N]");
  }
  if (path.empty() || runs < 1 || trials < 1)
    die("usage: devices_bench --model=M.gfm [--runs=N] [--trials=N]");
  std::vector<int32_t> cpus = availableCpus();
  if (cpus.size() < 2)
    die("needs two host CPUs; this process may use " + formatCpuList(cpus));
  DeviceOptions both, first, second;
  both.cpus = {cpus[0], cpus[1]};
  first.cpus = {cpus[0]};
  second.cpus = {cpus[1]};
  DeviceOptions twoUnpinned;
  twoUnpinned.aiCoreCount = 2;
  std::vector<Layout> layouts = {{"1x2 default", {twoUnpinned}},
                                 {"1x2 pinned", {both}},
                                 {"2x1 pinned", {first, second}}};
  std::vector<std::vector<double>> rates(layouts.size());
  std::vector<float> reference;
  for (int trial = 0; trial < trials; ++trial)
    for (size_t l = 0; l < layouts.size(); ++l)
      rates[l].push_back(measure(path, layouts[l], runs, &reference));
  std::printf("{\"runs_per_thread\": %d, \"trials\": %d, \"layouts\": [", runs,
              trials);
  for (size_t l = 0; l < layouts.size(); ++l) {
    std::vector<double> r = rates[l];
    std::sort(r.begin(), r.end());
    std::printf("%s{\"name\": \"%s\", \"median\": %.1f, \"min\": %.1f, "
                "\"max\": %.1f}",
                l ? ", " : "", layouts[l].name, r[r.size() / 2], r.front(),
                r.back());
  }
  std::printf("]}\n");
  return 0;
}
