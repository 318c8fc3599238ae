//===- Soak.cpp - Many threads and streams over geared models -------------===//
//
// `make soak` (scripts/soak.sh): T threads, each with S streams, run random
// gears of the given .gfm models on random inputs for a fixed count, with up
// to S executions in flight per thread. Every result must equal, bit for
// bit, the single-threaded run of the same model, gear and input (kernels
// are deterministic: their block split depends on the tiling only), and the
// resident set must stay flat once warmed up (no leak per execution).
//
//   geflow_soak [--threads=8] [--streams=4] [--iterations=20000] [--seed=1]
//               [--rss-slack-mb=16] MODEL.gfm...
//
// Prints one summary line per model and the RSS figures; exits non-zero on
// any failed execution, wrong result or RSS growth beyond the slack.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Device.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/Stream.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace geflow::rt;

namespace {

struct Case {
  size_t model = 0, gear = 0;
  std::vector<std::vector<float>> inputs;
  std::vector<TensorInfo> outputInfo;
  std::vector<std::vector<uint8_t>> expected; // the single-threaded result
};

struct Options {
  unsigned threads = 8, streams = 4, iterations = 20000, seed = 1;
  uint64_t rssSlackMb = 16;
  std::vector<std::string> models;
};

uint64_t residentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * uint64_t(::sysconf(_SC_PAGESIZE));
}

bool parseArgs(int argc, char **argv, Options &o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *flag) -> const char * {
      size_t n = std::strlen(flag);
      return a.compare(0, n, flag) == 0 ? a.c_str() + n : nullptr;
    };
    if (const char *v = value("--threads="))
      o.threads = std::atoi(v);
    else if (const char *v = value("--streams="))
      o.streams = std::atoi(v);
    else if (const char *v = value("--iterations="))
      o.iterations = std::atoi(v);
    else if (const char *v = value("--seed="))
      o.seed = std::atoi(v);
    else if (const char *v = value("--rss-slack-mb="))
      o.rssSlackMb = std::atoll(v);
    else if (a[0] == '-')
      return false;
    else
      o.models.push_back(a);
  }
  return !o.models.empty() && o.threads > 0 && o.streams > 0 &&
         o.iterations > 0;
}

std::vector<TensorRef> bindInputs(const Case &c, const GearInfo &gear) {
  std::vector<TensorRef> refs;
  for (size_t i = 0; i < gear.inputs.size(); ++i)
    refs.push_back({const_cast<float *>(c.inputs[i].data()),
                    c.inputs[i].size() * sizeof(float), gear.inputs[i].dtype,
                    gear.inputs[i].shape});
  return refs;
}

std::vector<TensorRef> bindOutputs(const std::vector<TensorInfo> &info,
                                   std::vector<std::vector<uint8_t>> &buffers) {
  buffers.resize(info.size());
  std::vector<TensorRef> refs;
  for (size_t i = 0; i < info.size(); ++i) {
    buffers[i].assign(info[i].bytes, 0xCD); // stale bytes must be overwritten
    refs.push_back(
        {buffers[i].data(), info[i].bytes, info[i].dtype, info[i].shape});
  }
  return refs;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  if (!parseArgs(argc, argv, o)) {
    std::fprintf(stderr, "usage: geflow_soak [--threads=N] [--streams=N] "
                         "[--iterations=N] [--seed=N] [--rss-slack-mb=N] "
                         "MODEL.gfm...\n");
    return 2;
  }
  auto device = Device::create(0, DeviceOptions{});
  if (!device.ok()) {
    std::fprintf(stderr, "%s\n", device.status().toString().c_str());
    return 1;
  }
  std::vector<std::unique_ptr<Model>> models;
  std::vector<Case> cases;
  std::mt19937 rng(o.seed);
  std::normal_distribution<float> normal;
  for (const std::string &path : o.models) {
    auto model = Model::load(path, *device);
    if (!model.ok()) {
      std::fprintf(stderr, "%s\n", model.status().toString().c_str());
      return 1;
    }
    models.push_back(std::move(*model));
    Model &m = *models.back();
    for (size_t g = 0; g < m.gears().size(); ++g) {
      const GearInfo &gear = m.gears()[g];
      for (int k = 0; k < 2; ++k) { // two inputs per gear
        Case c;
        c.model = models.size() - 1;
        c.gear = g;
        std::vector<std::vector<int64_t>> shapes;
        for (const TensorInfo &in : gear.inputs) {
          if (in.dtype != DType::F32) {
            std::fprintf(stderr, "%s: the soak feeds float32 inputs only\n",
                         path.c_str());
            return 1;
          }
          c.inputs.emplace_back(in.bytes / sizeof(float));
          for (float &v : c.inputs.back())
            v = normal(rng);
          shapes.push_back(in.shape);
        }
        auto selection = m.select(shapes);
        if (!selection.ok()) {
          std::fprintf(stderr, "%s\n", selection.status().toString().c_str());
          return 1;
        }
        c.outputInfo = selection->outputs;
        Status st =
            m.run(bindInputs(c, gear), bindOutputs(c.outputInfo, c.expected));
        if (!st.ok()) {
          std::fprintf(stderr, "%s\n", st.toString().c_str());
          return 1;
        }
        cases.push_back(std::move(c));
      }
    }
  }

  std::atomic<uint64_t> executions{0}, failures{0}, mismatches{0};
  std::atomic<unsigned> warmThreads{0};
  std::vector<std::atomic<uint64_t>> perModel(models.size());
  std::mutex reportMu;
  uint64_t warmRss = 0;
  auto worker = [&](unsigned t) {
    std::mt19937 local(o.seed * 7919 + t);
    std::vector<std::unique_ptr<Stream>> streams;
    for (unsigned s = 0; s < o.streams; ++s)
      streams.push_back(std::move((*device)->createStream().value()));
    struct InFlight {
      const Case *c = nullptr;
      std::vector<std::vector<uint8_t>> outputs;
    };
    std::vector<InFlight> slots(o.streams);
    auto finish = [&](unsigned s) {
      InFlight &f = slots[s];
      if (!f.c)
        return;
      Status st = streams[s]->synchronize();
      ++executions;
      ++perModel[f.c->model];
      if (!st.ok()) {
        ++failures;
        std::lock_guard<std::mutex> lock(reportMu);
        std::fprintf(stderr, "thread %u stream %u: %s\n", t, s,
                     st.toString().c_str());
      } else if (f.outputs != f.c->expected) {
        ++mismatches;
        std::lock_guard<std::mutex> lock(reportMu);
        std::fprintf(stderr,
                     "thread %u stream %u: model %zu gear %zu differs from "
                     "its single-threaded result\n",
                     t, s, f.c->model, f.c->gear);
      }
      f.c = nullptr;
    };
    for (unsigned i = 0; i < o.iterations; ++i) {
      if (i == o.iterations / 10 && ++warmThreads == o.threads) {
        std::lock_guard<std::mutex> lock(reportMu);
        warmRss = residentBytes();
      }
      unsigned s = i % o.streams;
      finish(s);
      const Case &c = cases[local() % cases.size()];
      Model &m = *models[c.model];
      InFlight &f = slots[s];
      f.c = &c;
      Status st = m.execute(*streams[s], bindInputs(c, m.gears()[c.gear]),
                            bindOutputs(c.outputInfo, f.outputs));
      if (!st.ok()) {
        ++failures;
        f.c = nullptr;
        std::lock_guard<std::mutex> lock(reportMu);
        std::fprintf(stderr, "thread %u: execute: %s\n", t,
                     st.toString().c_str());
      }
    }
    for (unsigned s = 0; s < o.streams; ++s)
      finish(s);
  };

  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < o.threads; ++t)
    threads.emplace_back(worker, t);
  uint64_t peakRss = 0;
  std::atomic<bool> done{false};
  std::thread sampler([&] {
    while (!done) {
      peakRss = std::max(peakRss, residentBytes());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  for (std::thread &t : threads)
    t.join();
  uint64_t finalRss = residentBytes();
  done = true;
  sampler.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  for (size_t m = 0; m < models.size(); ++m)
    std::printf("%s: %zu gear(s), %llu executions\n", o.models[m].c_str(),
                models[m]->gears().size(),
                static_cast<unsigned long long>(perModel[m].load()));
  double mb = 1.0 / (1 << 20);
  std::printf("%u threads x %u streams: %llu executions in %.1f s, %llu "
              "failed, %llu wrong; RSS after warm-up %.1f MiB, final %.1f "
              "MiB, peak %.1f MiB; contexts per model:",
              o.threads, o.streams,
              static_cast<unsigned long long>(executions.load()), seconds,
              static_cast<unsigned long long>(failures.load()),
              static_cast<unsigned long long>(mismatches.load()), warmRss * mb,
              finalRss * mb, peakRss * mb);
  for (auto &m : models)
    std::printf(" %zu", m->numContexts());
  std::printf("\n");
  bool grew = finalRss > warmRss + (o.rssSlackMb << 20);
  if (grew)
    std::fprintf(stderr,
                 "RSS grew by %.1f MiB after warm-up (slack %llu MiB)\n",
                 (double(finalRss) - double(warmRss)) * mb,
                 static_cast<unsigned long long>(o.rssSlackMb));
  uint64_t expected = uint64_t(o.threads) * o.iterations;
  if (executions != expected)
    std::fprintf(stderr, "%llu executions, expected %llu\n",
                 static_cast<unsigned long long>(executions.load()),
                 static_cast<unsigned long long>(expected));
  return failures || mismatches || grew || executions != expected ? 1 : 0;
}
