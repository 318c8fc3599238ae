//===- aot_cpp_test.cpp - Generated libraries against their .gfm ----------===//
//
//   aot_cpp_test DIR NAME...
//
// dlopens DIR/lib<NAME>.so for every NAME at once (two generated libraries
// in one process), and for every gear of each runs random inputs through
// the library (synchronously, and asynchronously on a stream with a
// callback) and through the runtime's Model loaded from DIR/<NAME>.gfm:
// the outputs must be equal bit for bit. The libraries also run
// concurrently, one thread each. Prints one line per check; exits 1 if
// any failed.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Device.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/gfaot.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace geflow::rt;

namespace {

int failures = 0;

void check(bool ok, const std::string &what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok)
    ++failures;
}

/// The functions of one library, looked up by its prefix.
struct Library {
  std::string name;
  void *handle = nullptr;
  const char *(*lastError)();
  gfaot_status (*create)(const gfaot_options *, void **);
  void (*destroy)(void *);
  uint32_t (*numInputs)(void *);
  uint32_t (*numOutputs)(void *);
  uint32_t (*numGears)(void *);
  gfaot_status (*gearInputInfo)(void *, uint32_t, uint32_t,
                                gfaot_tensor_info *);
  gfaot_status (*selectGear)(void *, const gfaot_tensor *, uint32_t, uint32_t *,
                             gfaot_tensor_info *);
  gfaot_status (*run)(void *, const gfaot_tensor *, uint32_t,
                      const gfaot_tensor *, uint32_t);
  gfaot_status (*runAsync)(void *, gfrtStream, const gfaot_tensor *, uint32_t,
                           const gfaot_tensor *, uint32_t);
  gfaot_status (*streamCreate)(void *, gfrtStream *);
  gfaot_status (*streamSynchronize)(gfrtStream);
  gfaot_status (*streamDestroy)(gfrtStream);
  gfaot_status (*streamAddCallback)(gfrtStream, gfaot_callback, void *);

  template <typename F> bool bind(F *fn, const char *suffix) {
    *fn = reinterpret_cast<F>(dlsym(handle, (name + "_" + suffix).c_str()));
    return *fn != nullptr;
  }
  bool open(const std::string &dir) {
    handle =
        dlopen((dir + "/lib" + name + ".so").c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      std::printf("     %s\n", dlerror());
      return false;
    }
    return bind(&lastError, "last_error") && bind(&create, "create") &&
           bind(&destroy, "destroy") && bind(&numInputs, "num_inputs") &&
           bind(&numOutputs, "num_outputs") && bind(&numGears, "num_gears") &&
           bind(&gearInputInfo, "gear_input_info") &&
           bind(&selectGear, "select_gear") && bind(&run, "run") &&
           bind(&runAsync, "run_async") &&
           bind(&streamCreate, "stream_create") &&
           bind(&streamSynchronize, "stream_synchronize") &&
           bind(&streamDestroy, "stream_destroy") &&
           bind(&streamAddCallback, "stream_add_callback");
  }
};

struct Buffers {
  std::vector<std::vector<uint8_t>> inputs, outputs;
  std::vector<std::vector<int64_t>> inShapes, outShapes;
  std::vector<gfaot_tensor> in, out;
  std::vector<TensorRef> inRefs, outRefs;
};

/// Random inputs for gear `gear` and output buffers sized from the
/// library's selection.
bool prepare(Library &lib, void *model, uint32_t gear, uint32_t seed,
             Buffers *b) {
  uint32_t numIn = lib.numInputs(model), numOut = lib.numOutputs(model);
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  for (uint32_t i = 0; i < numIn; ++i) {
    gfaot_tensor_info info;
    if (lib.gearInputInfo(model, gear, i, &info) != GFAOT_OK)
      return false;
    b->inShapes.emplace_back(info.shape, info.shape + info.rank);
    b->inputs.emplace_back(info.bytes);
    auto *f = reinterpret_cast<float *>(b->inputs.back().data());
    for (uint64_t k = 0; k < info.bytes / sizeof(float); ++k)
      f[k] = normal(rng);
    b->in.push_back({b->inputs.back().data(), info.bytes, info.dtype, info.rank,
                     b->inShapes.back().data()});
    b->inRefs.push_back({b->inputs.back().data(), info.bytes,
                         static_cast<DType>(info.dtype), b->inShapes.back()});
  }
  std::vector<gfaot_tensor_info> outInfo(numOut);
  uint32_t selected = ~0u;
  if (lib.selectGear(model, b->in.data(), numIn, &selected, outInfo.data()) !=
          GFAOT_OK ||
      selected != gear)
    return false;
  for (const gfaot_tensor_info &info : outInfo) {
    b->outShapes.emplace_back(info.shape, info.shape + info.rank);
    b->outputs.emplace_back(info.bytes, 0xAB);
    b->out.push_back({b->outputs.back().data(), info.bytes, info.dtype,
                      info.rank, b->outShapes.back().data()});
  }
  return true;
}

std::atomic<int> callbacks{0};
void onDone(void *counter) { ++*static_cast<std::atomic<int> *>(counter); }

/// Every gear of `lib` against the .gfm, synchronously and on a stream.
void checkLibrary(Library &lib, void *model, Model &reference) {
  uint32_t gears = lib.numGears(model);
  check(gears == reference.gears().size(),
        lib.name + ": " + std::to_string(gears) + " gears, as the .gfm");
  for (uint32_t g = 0; g < gears; ++g) {
    std::string label = lib.name + " gear " + std::to_string(g);
    Buffers b;
    if (!prepare(lib, model, g, 100 + g, &b)) {
      check(false, label + ": inputs and selection (" + lib.lastError() + ")");
      continue;
    }
    gfaot_status st =
        lib.run(model, b.in.data(), b.in.size(), b.out.data(), b.out.size());
    check(st == GFAOT_OK, label + ": run " + lib.lastError());
    bool same = true;
    for (size_t o = 0; o < b.outputs.size(); ++o) {
      std::vector<uint8_t> want(b.outputs[o].size());
      b.outRefs.push_back({want.data(), want.size(),
                           static_cast<DType>(b.out[o].dtype), b.outShapes[o]});
      Status rs = reference.run(b.inRefs, {b.outRefs.back()});
      same &= rs.ok() && want == b.outputs[o];
      b.outRefs.clear();
    }
    check(same, label + ": outputs equal the .gfm's bit for bit");

    // The same run enqueued on a stream, a callback after it.
    std::vector<std::vector<uint8_t>> sync = b.outputs;
    for (auto &o : b.outputs)
      std::memset(o.data(), 0, o.size());
    gfrtStream stream = nullptr;
    std::atomic<int> done{0};
    st = lib.streamCreate(model, &stream);
    if (st == GFAOT_OK)
      st = lib.runAsync(model, stream, b.in.data(), b.in.size(), b.out.data(),
                        b.out.size());
    if (st == GFAOT_OK)
      st = lib.streamAddCallback(stream, onDone, &done);
    if (st == GFAOT_OK)
      st = lib.streamSynchronize(stream);
    check(st == GFAOT_OK && done == 1 && b.outputs == sync,
          label + ": run_async + callback on a stream equals run " +
              lib.lastError());
    if (stream)
      lib.streamDestroy(stream);
  }
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DIR NAME...\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  DeviceOptions options;
  options.aiCoreCount = 2;
  auto device = Device::create(0, options);
  check(device.ok(), "reference device");
  std::vector<Library> libs(argc - 2);
  std::vector<void *> models(libs.size(), nullptr);
  std::vector<std::unique_ptr<Model>> refs(libs.size());
  for (size_t i = 0; i < libs.size(); ++i) {
    libs[i].name = argv[2 + i];
    bool opened = libs[i].open(dir);
    check(opened, "dlopen lib" + libs[i].name + ".so and its functions");
    if (!opened)
      return 1;
    gfaot_options o = {0, 2};
    gfaot_status st = libs[i].create(&o, &models[i]);
    check(st == GFAOT_OK, libs[i].name + "_create " + libs[i].lastError());
    auto ref = Model::load(dir + "/" + libs[i].name + ".gfm", device.value());
    check(ref.ok(), "load " + libs[i].name + ".gfm");
    if (st != GFAOT_OK || !ref.ok())
      return 1;
    refs[i] = std::move(ref.value());
  }
  for (size_t i = 0; i < libs.size(); ++i)
    checkLibrary(libs[i], models[i], *refs[i]);

  // All libraries at once, one thread each, repeatedly.
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (size_t i = 0; i < libs.size(); ++i)
    threads.emplace_back([&, i] {
      Buffers b;
      if (!prepare(libs[i], models[i], 0, 7, &b)) {
        ++bad;
        return;
      }
      std::vector<std::vector<uint8_t>> first;
      for (int k = 0; k < 20; ++k) {
        if (libs[i].run(models[i], b.in.data(), b.in.size(), b.out.data(),
                        b.out.size()) != GFAOT_OK)
          ++bad;
        if (k == 0)
          first = b.outputs;
        else if (b.outputs != first)
          ++bad;
      }
    });
  for (std::thread &t : threads)
    t.join();
  check(bad == 0, std::to_string(libs.size()) +
                      " libraries running concurrently in one process");

  for (size_t i = 0; i < libs.size(); ++i) {
    libs[i].destroy(models[i]);
    // A handle of one library is not a handle of another.
    if (libs.size() > 1) {
      void *other = nullptr;
      size_t j = (i + 1) % libs.size();
      gfaot_options o = {0, 2};
      if (libs[j].create(&o, &other) == GFAOT_OK) {
        check(libs[i].numGears(other) == 0 &&
                  std::strstr(libs[i].lastError(), "another library") !=
                      nullptr,
              libs[i].name + " rejects a handle of " + libs[j].name);
        libs[j].destroy(other);
      }
    }
  }
  std::printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
