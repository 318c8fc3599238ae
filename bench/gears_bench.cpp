//===- gears_bench.cpp - Gear selection, gear switching, shape ranges -----===//
//
// Times loaded .gfm models on the virtual NPU (one float32 input) at a list
// of input shapes; each model runs the shapes it accepts:
//  - select: Model::select() per shape, the per-run gear choice (median ns
//    per call over many calls);
//  - steady: run() latency repeating one shape;
//  - switching: run() latency while the shapes rotate run by run (a gear
//    switch before every run);
//  - first: the first run at each shape on a freshly loaded model (for a
//    shape-ranged model this includes re-tiling for the shape).
// Runs of the different models are interleaved, so a load change on the
// machine hits every model alike and the ratios between them hold.
// Prints one JSON object; bench/gears_bench.py compiles the models, runs
// this and turns the figures into the report.
//
// Usage: geflow_bench_gears --model=LABEL:PATH... --shapes=1x3x32x32,8x3x32x32
//                           [--runs=N] [--cores=N]
//
//===----------------------------------------------------------------------===//

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Model.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace geflow;
using namespace geflow::rt;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string &what) {
  std::fprintf(stderr, "geflow_bench_gears: %s\n", what.c_str());
  std::exit(1);
}

void check(const Status &s, const std::string &what) {
  if (!s.ok())
    die(what + ": " + s.toString());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

std::vector<std::vector<int64_t>> parseShapes(const std::string &text) {
  std::vector<std::vector<int64_t>> shapes;
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) {
    std::vector<int64_t> shape;
    std::stringstream dims(item);
    std::string d;
    while (std::getline(dims, d, 'x'))
      shape.push_back(std::atoll(d.c_str()));
    if (shape.empty())
      die("bad --shapes entry '" + item + "'");
    shapes.push_back(shape);
  }
  if (shapes.empty())
    die("--shapes is empty");
  return shapes;
}

/// Input and outputs of one run at one shape.
struct RunBuffers {
  std::vector<float> input;
  std::vector<std::vector<uint8_t>> outputs;
  std::vector<TensorRef> in, out;

  RunBuffers(Model &model, const std::vector<int64_t> &shape) {
    StatusOr<Model::Selection> s = model.select({shape});
    check(s.status(), "select " + shapeToString(shape));
    size_t n = 1;
    for (int64_t d : shape)
      n *= static_cast<size_t>(d);
    input.resize(n);
    std::mt19937 gen(7);
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    for (float &x : input)
      x = dist(gen);
    in.push_back({input.data(), n * sizeof(float), DType::F32, shape});
    for (const TensorInfo &t : s->outputs) {
      outputs.emplace_back(t.bytes);
      out.push_back({outputs.back().data(), t.bytes, t.dtype, t.shape});
    }
  }
};

std::unique_ptr<Model> load(const std::string &path,
                            const std::shared_ptr<Device> &device) {
  StatusOr<std::unique_ptr<Model>> m = Model::load(path, device);
  check(m.status(), "load " + path);
  return std::move(m.value());
}

struct Bench {
  std::string label, path;
  std::unique_ptr<Model> model;
  std::vector<std::unique_ptr<RunBuffers>> buffers; // null: shape not accepted
  std::vector<double> selectNs, first;
  std::vector<std::vector<double>> steady, switching;
};

double timedRun(Bench &b, size_t s) {
  RunBuffers &r = *b.buffers[s];
  auto t0 = Clock::now();
  check(b.model->run(r.in, r.out), b.label + ": run");
  return micros(Clock::now() - t0);
}

std::string jsonList(const std::vector<double> &v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    char buf[32];
    if (v[i] < 0)
      std::snprintf(buf, sizeof(buf), "%snull", i ? ", " : "");
    else
      std::snprintf(buf, sizeof(buf), "%s%.3f", i ? ", " : "", v[i]);
    out += buf;
  }
  return out + "]";
}

} // namespace

int main(int argc, char **argv) {
  std::vector<Bench> benches;
  std::string shapesText;
  int runs = 50;
  DeviceOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *flag) -> const char * {
      size_t n = std::strlen(flag);
      return a.compare(0, n, flag) == 0 ? argv[i] + n : nullptr;
    };
    if (const char *v = value("--model=")) {
      std::string spec = v;
      size_t colon = spec.find(':');
      if (colon == std::string::npos)
        die("--model expects LABEL:PATH, got '" + spec + "'");
      benches.push_back({spec.substr(0, colon), spec.substr(colon + 1)});
    } else if (const char *v = value("--shapes=")) {
      shapesText = v;
    } else if (const char *v = value("--runs=")) {
      runs = std::max(3, std::atoi(v));
    } else if (const char *v = value("--cores=")) {
      options.aiCoreCount = static_cast<uint32_t>(std::atoi(v));
    } else {
      die("unknown argument '" + a + "'");
    }
  }
  if (benches.empty())
    die("--model is required");
  std::vector<std::vector<int64_t>> shapes = parseShapes(shapesText);
  StatusOr<std::shared_ptr<Device>> device = Device::create(0, options);
  check(device.status(), "create device");
  size_t n = shapes.size();

  for (Bench &b : benches) {
    b.model = load(b.path, *device);
    b.selectNs.assign(n, -1);
    b.first.assign(n, -1);
    b.steady.resize(n);
    b.switching.resize(n);
    for (const auto &shape : shapes)
      b.buffers.push_back(b.model->select({shape}).ok()
                              ? std::make_unique<RunBuffers>(*b.model, shape)
                              : nullptr);
  }
  auto accepts = [&](const Bench &b, size_t s) {
    return b.buffers[s] != nullptr;
  };

  // First runs on freshly loaded models: nothing cached for any shape yet.
  for (Bench &b : benches) {
    std::unique_ptr<Model> fresh = load(b.path, *device);
    for (size_t s = 0; s < n; ++s) {
      if (!accepts(b, s))
        continue;
      RunBuffers r(*fresh, shapes[s]);
      auto t0 = Clock::now();
      check(fresh->run(r.in, r.out), b.label + ": first run");
      b.first[s] = micros(Clock::now() - t0);
    }
  }

  for (Bench &b : benches)
    for (size_t s = 0; s < n; ++s) {
      if (!accepts(b, s))
        continue;
      constexpr int kCalls = 20000;
      std::vector<std::vector<int64_t>> query = {shapes[s]};
      std::vector<double> samples;
      for (int rep = 0; rep < 9; ++rep) {
        auto t0 = Clock::now();
        for (int i = 0; i < kCalls; ++i)
          check(b.model->select(query).status(), "select");
        samples.push_back(micros(Clock::now() - t0) * 1000.0 / kCalls);
      }
      b.selectNs[s] = median(samples);
    }

  // Steady: each model repeats one shape (other models run in between).
  for (size_t s = 0; s < n; ++s)
    for (int i = 0; i < runs + 3; ++i)
      for (Bench &b : benches)
        if (accepts(b, s)) {
          double us = timedRun(b, s);
          if (i >= 3)
            b.steady[s].push_back(us);
        }
  // Switching: each model's consecutive runs have different shapes.
  for (int i = 0; i < runs; ++i)
    for (size_t s = 0; s < n; ++s)
      for (Bench &b : benches)
        if (accepts(b, s))
          b.switching[s].push_back(timedRun(b, s));

  std::printf("{\"cores\": %u, \"models\": {",
              (*device)->properties().aiCoreCount);
  for (size_t m = 0; m < benches.size(); ++m) {
    Bench &b = benches[m];
    std::vector<double> steady(n, -1), switching(n, -1);
    for (size_t s = 0; s < n; ++s)
      if (accepts(b, s)) {
        steady[s] = median(b.steady[s]);
        switching[s] = median(b.switching[s]);
      }
    std::printf(
        "%s\"%s\": {\"gears\": %zu, \"select_ns\": %s, \"steady_us\": %s, "
        "\"switching_us\": %s, \"first_us\": %s}",
        m ? ", " : "", b.label.c_str(), b.model->gears().size(),
        jsonList(b.selectNs).c_str(), jsonList(steady).c_str(),
        jsonList(switching).c_str(), jsonList(b.first).c_str());
  }
  std::printf("}}\n");
  return 0;
}
