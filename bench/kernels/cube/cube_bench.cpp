//===- cube_bench.cpp - GFLOP/s of the Cube kernels -----------------------===//
//
// Runs GEMM (the `matmul` kernel), conv2d on the ResNet-50 layer shapes
// ResNet's stem max pool and 3-D windows (conv3d, conv3d_transpose,
// max_pool3d on video-network shapes) the way the runtime will: tiling,
// prepacking of constant weights (at "compile time", outside the timing),
// workspace, every block on a thread pool. GEMMs and convs run in each
// requested storage dtype (f32: "sgemm" and "conv"; bf16 and f16: inputs and
// output in that dtype, fp32 accumulation, like torch.matmul on such tensors).
// Prints a table, or JSON lines for cube_bench.py, which adds OpenBLAS and
// PyTorch figures from the same run.
//
// Usage: geflow_bench_cube [--threads N] [--json] [--quick] [--isa NAME]
//                          [--only sgemm|conv|pool|enc|win3d|formats]
//                          [--dtypes f32,bf16,f16]
//
// `--only formats` times every conv layer of ResNet-18/50 and MobileNetV2
// in NCHW and in NC1HWC0, the small-channel path (NCHW in, NC1HWC0 out) for
// first layers, and the trans_data of each layer's input and output: the
// figures behind ge-select-formats' cost model.
//
//===----------------------------------------------------------------------===//

#include "common/block_pool.h"
#include "cube/cube_shapes.h"
#include "cube/net_convs.h"

#include "geflow/kernels/Registry.h"
#include "geflow/runtime/Half.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <sys/mman.h>

using namespace geflow;
using namespace geflow::kernels;

namespace {

struct Options {
  unsigned threads = 2;
  bool json = false;
  bool quick = false;
  Isa isa = SocInfo::host().isa;
  std::vector<DType> dtypes = {DType::F32};
};

struct HugeUnmap {
  size_t size;
  void operator()(void *p) const { ::munmap(p, size); }
};

struct FreeDeleter {
  void operator()(void *p) const { std::free(p); }
};
using Buffer = std::unique_ptr<float, FreeDeleter>;

Buffer randomBuffer(int64_t n, uint32_t seed) {
  size_t bytes = ((n * sizeof(float) + 63) / 64) * 64 + 64;
  Buffer b(static_cast<float *>(std::aligned_alloc(64, bytes)));
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  for (int64_t i = 0; i < n; ++i)
    b.get()[i] = dist(gen);
  return b;
}

/// randomBuffer stored as `dt` (f16/bf16 values packed in the first half).
Buffer randomBuffer(int64_t n, uint32_t seed, DType dt) {
  Buffer b = randomBuffer(n, seed);
  if (dt == DType::F32)
    return b;
  auto *h = reinterpret_cast<uint16_t *>(b.get());
  for (int64_t i = 0; i < n; ++i) // h[i] overlaps float i / 2 <= i: safe
    h[i] = dt == DType::F16 ? geflow::rt::floatToHalf(b.get()[i])
                            : geflow::rt::floatToBf16(b.get()[i]);
  return b;
}

const char *dtypeLabel(DType dt) {
  return dt == DType::F16 ? "f16" : dt == DType::BF16 ? "bf16" : "f32";
}

int64_t roundUp16(int64_t c) { return (c + 15) / 16 * 16; }

/// A kernel launch ready to repeat: tiling done, constants packed.
class Launch {
public:
  Status prepare(const std::string &name, const TilingContext &ctx,
                 std::vector<const void *> inputs, std::vector<void *> outputs,
                 Isa isa) {
    const KernelRegistry &reg = KernelRegistry::global();
    const KernelDef *def = reg.find(name);
    if (!def)
      return rt::Status(rt::ErrorCode::kNotFound, "no kernel " + name);
    GEFLOW_RETURN_IF_ERROR(def->tiling(ctx, &tiling_));
    fn_ = reg.select(name, ctx.inputs[0].dtype, isa);
    if (!fn_)
      return rt::Status(rt::ErrorCode::kNotFound,
                        "no implementation of " + name);
    inputs_ = std::move(inputs);
    outputs_ = std::move(outputs);
    packed_.resize(inputs_.size());
    for (uint32_t idx : tiling_.packedInputs) {
      GEFLOW_RETURN_IF_ERROR(
          def->pack(ctx, tiling_, idx, inputs_[idx], &packed_[idx]));
      inputs_[idx] = hugeCopy(packed_[idx]);
    }
    size_t ws = ((tiling_.workspaceSize + 63) / 64) * 64 + 64;
    workspace_.reset(static_cast<float *>(std::aligned_alloc(64, ws)));
    args_.tiling = tiling_.tilingData.data();
    args_.tilingSize = tiling_.tilingData.size();
    args_.inputs = inputs_.data();
    args_.numInputs = uint32_t(inputs_.size());
    args_.outputs = outputs_.data();
    args_.numOutputs = uint32_t(outputs_.size());
    args_.workspace = workspace_.get();
    return Status::OK();
  }

  int32_t run(bench::BlockPool &pool) {
    return pool.run(fn_, args_, tiling_.blockDim);
  }
  uint32_t blockDim() const { return tiling_.blockDim; }

private:
  TilingResult tiling_;
  KernelFn fn_ = nullptr;
  std::vector<const void *> inputs_;
  std::vector<void *> outputs_;
  std::vector<std::vector<uint8_t>> packed_;
  std::vector<std::unique_ptr<void, HugeUnmap>> huge_;

  /// The packed weight in huge pages, as the runtime holds a loaded
  /// model's weights (GfmFile::fromBytes).
  const void *hugeCopy(const std::vector<uint8_t> &bytes) {
    size_t size = std::max<size_t>(bytes.size(), 1);
    void *p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      std::fprintf(stderr, "mmap failed\n");
      std::exit(1);
    }
    ::madvise(p, size, MADV_HUGEPAGE);
    std::memcpy(p, bytes.data(), bytes.size());
    huge_.emplace_back(p, HugeUnmap{size});
    return p;
  }
  Buffer workspace_;
  KernelArgs args_;
};

/// Best mean time per call over a few trials of at least `trialSeconds`.
double timeLaunch(Launch &launch, bench::BlockPool &pool, double trialSeconds,
                  int trials) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 2; ++i)
    if (launch.run(pool)) {
      std::fprintf(stderr, "kernel failed\n");
      std::exit(1);
    }
  double best = 1e30;
  for (int t = 0; t < trials; ++t) {
    int reps = 0;
    auto start = Clock::now();
    double elapsed = 0;
    do {
      launch.run(pool);
      ++reps;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < trialSeconds);
    best = std::min(best, elapsed / reps);
  }
  return best;
}

/// timeLaunch over launches called in turn: the mean time per call.
double timeLaunches(const std::vector<std::unique_ptr<Launch>> &launches,
                    bench::BlockPool &pool, double trialSeconds, int trials) {
  using Clock = std::chrono::steady_clock;
  for (const auto &launch : launches)
    if (launch->run(pool)) {
      std::fprintf(stderr, "kernel failed\n");
      std::exit(1);
    }
  double best = 1e30;
  for (int t = 0; t < trials; ++t) {
    int64_t reps = 0;
    auto start = Clock::now();
    double elapsed = 0;
    do {
      for (const auto &launch : launches)
        launch->run(pool);
      reps += int64_t(launches.size());
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < trialSeconds);
    best = std::min(best, elapsed / double(reps));
  }
  return best;
}

void report(const Options &opt, const char *group, const std::string &name,
            const std::string &shape, double flops, double seconds,
            uint32_t blocks, int count) {
  double gflops = flops / seconds / 1e9;
  if (opt.json)
    std::printf("{\"group\": \"%s\", \"name\": \"%s\", \"shape\": \"%s\", "
                "\"flops\": %.0f, \"seconds\": %.9g, \"gflops\": %.3f, "
                "\"blocks\": %u, \"count\": %d}\n",
                group, name.c_str(), shape.c_str(), flops, seconds, gflops,
                blocks, count);
  else
    std::printf("%-6s %-10s %-34s %8.1f GFLOP/s  %9.3f ms  blocks %u\n", group,
                name.c_str(), shape.c_str(), gflops, seconds * 1e3, blocks);
  std::fflush(stdout);
}

TensorDesc f32(std::vector<int64_t> shape, bool isConst = false,
               DType dt = DType::F32) {
  TensorDesc d;
  d.dtype = dt;
  d.shape = std::move(shape);
  d.isConst = isConst;
  return d;
}

void benchGemm(const Options &opt, const SocInfo &soc, bench::BlockPool &pool,
               DType dt) {
  const std::string group =
      dt == DType::F32 ? "sgemm" : std::string("gemm_") + dtypeLabel(dt);
  for (int64_t n : bench::kSgemmSizes) {
    if (opt.quick && n > 1024)
      continue;
    // Both operands are run-time arrays, as with numpy's a @ b: x2 is
    // packed on every call, like BLAS does.
    Buffer a = randomBuffer(n * n, 1, dt), b = randomBuffer(n * n, 2, dt);
    Buffer c = randomBuffer(n * n, 3);
    TilingContext ctx;
    ctx.inputs = {f32({n, n}, false, dt), f32({n, n}, false, dt)};
    ctx.outputs = {f32({n, n}, false, dt)};
    ctx.soc = &soc;
    Launch launch;
    Status st =
        launch.prepare("matmul", ctx, {a.get(), b.get()}, {c.get()}, opt.isa);
    if (!st.ok()) {
      std::fprintf(stderr, "%s %ld: %s\n", group.c_str(), long(n),
                   st.toString().c_str());
      std::exit(1);
    }
    double sec = timeLaunch(launch, pool, opt.quick ? 0.05 : 0.2, 3);
    report(opt, group.c_str(), std::to_string(n), std::to_string(n) + "^3",
           2.0 * n * n * n, sec, launch.blockDim(), 1);
  }
}

void benchConv(const Options &opt, const SocInfo &soc, bench::BlockPool &pool,
               DType dt) {
  const std::string group =
      dt == DType::F32 ? "conv" : std::string("conv_") + dtypeLabel(dt);
  for (const bench::ConvShape &s : bench::kResNet50Convs) {
    int64_t o = bench::convOut(s);
    Buffer x = randomBuffer(s.cin * s.hw * s.hw, 4, dt);
    Buffer w = randomBuffer(s.cout * s.cin * s.k * s.k, 5, dt);
    Buffer y = randomBuffer(s.cout * o * o, 6);
    TilingContext ctx;
    ctx.inputs = {f32({1, s.cin, s.hw, s.hw}, false, dt),
                  f32({s.cout, s.cin, s.k, s.k}, true, dt)};
    ctx.inputs[0].format = Format::NCHW;
    ctx.outputs = {f32({1, s.cout, o, o}, false, dt)};
    ctx.outputs[0].format = Format::NCHW;
    ctx.attrs.set("strides", std::vector<int64_t>{s.stride, s.stride});
    ctx.attrs.set("pads", std::vector<int64_t>(4, s.pad));
    ctx.soc = &soc;
    Launch launch;
    Status st =
        launch.prepare("conv2d", ctx, {x.get(), w.get()}, {y.get()}, opt.isa);
    if (!st.ok()) {
      std::fprintf(stderr, "%s %s: %s\n", group.c_str(), s.name,
                   st.toString().c_str());
      std::exit(1);
    }
    double sec = timeLaunch(launch, pool, opt.quick ? 0.03 : 0.15, 3);
    char shape[96];
    std::snprintf(shape, sizeof(shape), "%ldx%ldx%ld k%ld s%ld p%ld",
                  long(s.cin), long(s.cout), long(s.hw), long(s.k),
                  long(s.stride), long(s.pad));
    report(opt, group.c_str(), s.name, shape, bench::convFlops(s), sec,
           launch.blockDim(), s.count);
  }
}

/// The matrix products of a BERT-base encoder layer at sequence 128 (batch
/// 1) the way the ONNX importer lowers them: the four Linear layers as
/// batch_matmul of [1, 128, K] activations with a constant [K, N] weight and
/// a bias (fc1 with its erf GELU epilogue), and the per-head attention
/// products Q x K^T and P x V over 12 heads.
void benchEncoder(const Options &opt, const SocInfo &soc,
                  bench::BlockPool &pool, DType dt) {
  const std::string group =
      dt == DType::F32 ? "enc" : std::string("enc_") + dtypeLabel(dt);
  struct Shape {
    const char *name;
    int64_t heads, m, k, n;
    bool weight, transB;
    const char *act;
  };
  static const Shape kShapes[] = {
      {"qkv", 1, 128, 768, 2304, true, false, "none"},
      {"out", 1, 128, 768, 768, true, false, "none"},
      {"fc1+gelu", 1, 128, 768, 3072, true, false, "gelu"},
      {"fc2", 1, 128, 3072, 768, true, false, "none"},
      {"q.kT", 12, 128, 64, 128, false, true, "none"},
      {"p.v", 12, 128, 128, 64, false, false, "none"},
  };
  for (const Shape &s : kShapes) {
    Buffer a = randomBuffer(s.heads * s.m * s.k, 1, dt);
    Buffer b = randomBuffer(s.heads * s.k * s.n, 2, dt);
    Buffer bias = randomBuffer(s.n, 3, dt);
    Buffer c = randomBuffer(s.heads * s.m * s.n, 4);
    TilingContext ctx;
    std::vector<int64_t> bShape = s.transB ? std::vector<int64_t>{s.n, s.k}
                                           : std::vector<int64_t>{s.k, s.n};
    if (!s.weight)
      bShape.insert(bShape.begin(), {1, s.heads});
    ctx.inputs = {f32({1, s.heads, s.m, s.k}, false, dt),
                  f32(bShape, s.weight, dt)};
    std::vector<const void *> ins = {a.get(), b.get()};
    if (s.weight) {
      ctx.inputs[0].shape = {1, s.m, s.k};
      ctx.inputs.push_back(f32({s.n}, true, dt));
      ins.push_back(bias.get());
    }
    ctx.outputs = {f32(s.weight ? std::vector<int64_t>{1, s.m, s.n}
                                : std::vector<int64_t>{1, s.heads, s.m, s.n},
                       false, dt)};
    ctx.attrs.set("adj_x2", int64_t(s.transB));
    ctx.attrs.set("activation", std::string(s.act));
    ctx.soc = &soc;
    // A weight is prepacked once per layer: 12 copies, called in turn, make
    // each call fetch its weight from memory as the 12-layer model does.
    std::vector<std::unique_ptr<Launch>> launches;
    for (int copy = 0; copy < (s.weight ? 12 : 1); ++copy) {
      launches.push_back(std::make_unique<Launch>());
      Status st = launches.back()->prepare("batch_matmul", ctx, ins, {c.get()},
                                           opt.isa);
      if (!st.ok()) {
        std::fprintf(stderr, "%s %s: %s\n", group.c_str(), s.name,
                     st.toString().c_str());
        std::exit(1);
      }
    }
    double sec = timeLaunches(launches, pool, opt.quick ? 0.03 : 0.15, 3);
    const Launch &launch = *launches.front();
    char shape[96];
    std::snprintf(shape, sizeof(shape), "%ldx %ldx%ldx%ld", long(s.heads),
                  long(s.m), long(s.k), long(s.n));
    report(opt, group.c_str(), s.name, shape, 2.0 * s.heads * s.m * s.k * s.n,
           sec, launch.blockDim(), 1);
  }
}

/// ResNet's stem max pool (3x3, stride 2, pad 1 on the 112x112 output of
/// the first conv), batch 1 and 8, NCHW and NC1HWC0; "GFLOP/s" counts one
/// comparison per window element.
void benchPool(const Options &opt, const SocInfo &soc, bench::BlockPool &pool,
               DType dt) {
  const std::string group =
      dt == DType::F32 ? "pool" : std::string("pool_") + dtypeLabel(dt);
  for (int64_t n : {1, 8})
    for (Format format : {Format::NCHW, Format::NC1HWC0}) {
      const int64_t c = 64, hw = 112, o = 56;
      Buffer x = randomBuffer(n * c * hw * hw, 7, dt);
      Buffer y = randomBuffer(n * c * o * o, 8);
      TilingContext ctx;
      ctx.inputs = {f32({n, c, hw, hw}, false, dt)};
      ctx.inputs[0].format = format;
      ctx.outputs = {f32({n, c, o, o}, false, dt)};
      ctx.outputs[0].format = format;
      ctx.attrs.set("ksize", std::vector<int64_t>{3, 3});
      ctx.attrs.set("strides", std::vector<int64_t>{2, 2});
      ctx.attrs.set("pads", std::vector<int64_t>{1, 1, 1, 1});
      ctx.soc = &soc;
      Launch launch;
      Status st =
          launch.prepare("max_pool", ctx, {x.get()}, {y.get()}, opt.isa);
      if (!st.ok()) {
        std::fprintf(stderr, "%s: %s\n", group.c_str(), st.toString().c_str());
        std::exit(1);
      }
      double sec = timeLaunch(launch, pool, opt.quick ? 0.03 : 0.15, 3);
      char shape[96];
      std::snprintf(shape, sizeof(shape), "%ldx%ldx%ld k3 s2 p1 %s", long(n),
                    long(c), long(hw),
                    std::string(rt::formatName(format)).c_str());
      report(opt, group.c_str(), "max_pool", shape, 9.0 * n * c * o * o, sec,
             launch.blockDim(), 1);
    }
}

/// 3-D windows on video-network shapes (batch 1, NCDHW): conv3d 3x3x3 pad 1
/// at 4 depths of a ResNet-3D, a strided conv3d_transpose (decoder
/// upsampling) and a 2x2x2 max_pool3d; "GFLOP/s" counts 2 per multiply-add
/// (the transposed conv: of the useful ones) and 1 per pooled element.
void benchWindows3d(const Options &opt, const SocInfo &soc,
                    bench::BlockPool &pool, DType dt) {
  const std::string group =
      dt == DType::F32 ? "win3d" : std::string("win3d_") + dtypeLabel(dt);
  struct Shape {
    const char *kernel;
    int64_t cin, cout, d, hw, k, stride, pad;
  };
  static const Shape kShapes[] = {
      {"conv3d", 64, 64, 8, 28, 3, 1, 1},
      {"conv3d", 128, 128, 4, 14, 3, 1, 1},
      {"conv3d", 256, 256, 2, 7, 3, 1, 1},
      {"conv3d", 3, 64, 8, 56, 3, 1, 1},
      {"conv3d_transpose", 64, 32, 4, 14, 2, 2, 0},
      {"max_pool3d", 64, 64, 8, 56, 2, 2, 0},
  };
  for (const Shape &s : kShapes) {
    const bool conv = std::string(s.kernel) == "conv3d";
    const bool pooling = std::string(s.kernel) == "max_pool3d";
    const int64_t od = conv || pooling ? (s.d + 2 * s.pad - s.k) / s.stride + 1
                                       : (s.d - 1) * s.stride + s.k;
    const int64_t ohw = conv || pooling
                            ? (s.hw + 2 * s.pad - s.k) / s.stride + 1
                            : (s.hw - 1) * s.stride + s.k;
    Buffer x = randomBuffer(s.cin * s.d * s.hw * s.hw, 4, dt);
    Buffer w = randomBuffer(s.cout * s.cin * s.k * s.k * s.k, 5, dt);
    Buffer y = randomBuffer(s.cout * od * ohw * ohw, 6);
    TilingContext ctx;
    ctx.inputs = {f32({1, s.cin, s.d, s.hw, s.hw}, false, dt)};
    if (!pooling)
      ctx.inputs.push_back(
          f32(conv ? std::vector<int64_t>{s.cout, s.cin, s.k, s.k, s.k}
                   : std::vector<int64_t>{s.cin, s.cout, s.k, s.k, s.k},
              true, dt));
    ctx.outputs = {f32({1, s.cout, od, ohw, ohw}, false, dt)};
    ctx.attrs.set("strides", std::vector<int64_t>(3, s.stride));
    ctx.attrs.set("pads", std::vector<int64_t>(6, s.pad));
    if (pooling)
      ctx.attrs.set("ksize", std::vector<int64_t>(3, s.k));
    ctx.soc = &soc;
    Launch launch;
    std::vector<const void *> ins = {x.get()};
    if (!pooling)
      ins.push_back(w.get());
    Status st = launch.prepare(s.kernel, ctx, ins, {y.get()}, opt.isa);
    if (!st.ok()) {
      std::fprintf(stderr, "%s %s: %s\n", group.c_str(), s.kernel,
                   st.toString().c_str());
      std::exit(1);
    }
    double sec = timeLaunch(launch, pool, opt.quick ? 0.03 : 0.15, 3);
    double outputs = double(s.cout) * od * ohw * ohw;
    double flops =
        pooling ? outputs * s.k * s.k * s.k
        : conv  ? 2.0 * outputs * s.cin * s.k * s.k * s.k
                : 2.0 * s.cin * s.d * s.hw * s.hw * s.cout * s.k * s.k * s.k;
    char shape[96];
    std::snprintf(shape, sizeof(shape), "%ldx%ldx%ldx%ld k%ld s%ld p%ld",
                  long(s.cin), long(s.cout), long(s.d), long(s.hw), long(s.k),
                  long(s.stride), long(s.pad));
    report(opt, group.c_str(), s.kernel, shape, flops, sec, launch.blockDim(),
           1);
  }
}

/// One launch of `kernel` with x and y in the given formats; seconds per
/// call, or a negative value when the kernel refuses the combination.
double timeFormatLaunch(const Options &opt, const SocInfo &soc,
                        bench::BlockPool &pool, const std::string &kernel,
                        TilingContext ctx, Format in, Format out,
                        std::vector<const void *> ins, void *y) {
  ctx.inputs[0].format = in;
  ctx.outputs[0].format = out;
  ctx.soc = &soc;
  Launch launch;
  if (!launch.prepare(kernel, ctx, std::move(ins), {y}, opt.isa).ok())
    return -1;
  return timeLaunch(launch, pool, opt.quick ? 0.02 : 0.1, 3);
}

/// Per conv layer: NCHW, NC1HWC0, NCHW -> NC1HWC0 (small channel), and the
/// trans_data of its input to NC1HWC0 and of its output back; per network
/// the totals weighted by how often each layer occurs.
void benchFormats(const Options &opt, const SocInfo &soc,
                  bench::BlockPool &pool) {
  std::vector<bench::NetConv> layers;
  for (const bench::ConvShape &s : bench::kResNet50Convs)
    layers.push_back({"resnet50", s.name, s.cin, s.cout, s.hw, s.k, s.stride,
                      s.pad, 1, s.count});
  layers.insert(layers.end(), std::begin(bench::kResNet18Convs),
                std::end(bench::kResNet18Convs));
  layers.insert(layers.end(), std::begin(bench::kMobileNetV2Convs),
                std::end(bench::kMobileNetV2Convs));
  std::printf("%-12s %-9s %-26s %9s %9s %6s %9s %9s %9s\n", "net", "layer",
              "cin x cout x hw k s g", "nchw ms", "5hd ms", "5hd/nc",
              "nchw>5hd", "td in ms", "td out ms");
  std::string net;
  double total[3] = {0, 0, 0};
  auto flush = [&] {
    if (!net.empty())
      std::printf("%-12s %-9s %-26s %9.3f %9.3f %6.2f\n", net.c_str(), "TOTAL",
                  "", total[0] * 1e3, total[1] * 1e3, total[1] / total[0]);
    total[0] = total[1] = total[2] = 0;
  };
  for (const bench::NetConv &s : layers) {
    if (net != s.net) {
      flush();
      net = s.net;
    }
    const int64_t o = bench::netConvOut(s);
    const int64_t xElems = roundUp16(s.cin) * s.hw * s.hw,
                  yElems = roundUp16(s.cout) * o * o;
    Buffer x = randomBuffer(xElems, 4),
           w = randomBuffer(s.cout * (s.cin / s.groups) * s.k * s.k, 5);
    Buffer b = randomBuffer(s.cout, 6), y = randomBuffer(yElems, 7);
    Buffer x2 = randomBuffer(xElems, 8);
    TilingContext ctx;
    ctx.inputs = {f32({1, s.cin, s.hw, s.hw}),
                  f32({s.cout, s.cin / s.groups, s.k, s.k}, true),
                  f32({s.cout})};
    ctx.outputs = {f32({1, s.cout, o, o})};
    ctx.attrs.set("strides", std::vector<int64_t>{s.stride, s.stride});
    ctx.attrs.set("pads", std::vector<int64_t>(4, s.pad));
    ctx.attrs.set("groups", int64_t(s.groups));
    ctx.attrs.set("activation", std::string("relu"));
    std::vector<const void *> ins = {x.get(), w.get(), b.get()};
    double nchw = timeFormatLaunch(opt, soc, pool, "conv2d", ctx, Format::NCHW,
                                   Format::NCHW, ins, y.get());
    double hd = timeFormatLaunch(opt, soc, pool, "conv2d", ctx, Format::NC1HWC0,
                                 Format::NC1HWC0, ins, y.get());
    double mixed = timeFormatLaunch(opt, soc, pool, "conv2d", ctx, Format::NCHW,
                                    Format::NC1HWC0, ins, y.get());
    TilingContext td;
    td.inputs = {f32({1, s.cin, s.hw, s.hw})};
    td.outputs = {f32({1, s.cin, s.hw, s.hw})};
    td.attrs.set("src_format", std::string("NCHW"));
    td.attrs.set("dst_format", std::string("NC1HWC0"));
    double tdIn =
        timeFormatLaunch(opt, soc, pool, "trans_data", td, Format::NCHW,
                         Format::NC1HWC0, {x.get()}, x2.get());
    td.inputs = {f32({1, s.cout, o, o})};
    td.outputs = {f32({1, s.cout, o, o})};
    td.attrs.set("src_format", std::string("NC1HWC0"));
    td.attrs.set("dst_format", std::string("NCHW"));
    Buffer y2 = randomBuffer(yElems, 9);
    double tdOut =
        timeFormatLaunch(opt, soc, pool, "trans_data", td, Format::NC1HWC0,
                         Format::NCHW, {y.get()}, y2.get());
    total[0] += s.count * nchw;
    total[1] += s.count * hd;
    char shape[64];
    std::snprintf(shape, sizeof(shape), "%ldx%ldx%ld k%ld s%ld g%ld",
                  long(s.cin), long(s.cout), long(s.hw), long(s.k),
                  long(s.stride), long(s.groups));
    auto ms = [](double sec) { return sec < 0 ? -1.0 : sec * 1e3; };
    std::printf("%-12s %-9s %-26s %9.3f %9.3f %6.2f %9.3f %9.3f %9.3f\n", s.net,
                s.name, shape, ms(nchw), ms(hd), hd / nchw, ms(mixed), ms(tdIn),
                ms(tdOut));
    std::fflush(stdout);
  }
  flush();
}

} // namespace

int main(int argc, char **argv) {
  Options opt;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc)
      opt.threads = unsigned(std::atoi(argv[++i]));
    else if (arg == "--json")
      opt.json = true;
    else if (arg == "--quick")
      opt.quick = true;
    else if (arg == "--only" && i + 1 < argc)
      only = argv[++i];
    else if (arg == "--dtypes" && i + 1 < argc) {
      opt.dtypes.clear();
      std::string list = argv[++i];
      for (size_t pos = 0; pos <= list.size();) {
        size_t end = list.find(',', pos);
        std::string name = list.substr(pos, end - pos);
        if (name == "f32" || name == "bf16" || name == "f16") {
          opt.dtypes.push_back(name == "f32"    ? DType::F32
                               : name == "bf16" ? DType::BF16
                                                : DType::F16);
        } else {
          std::fprintf(stderr, "unknown dtype '%s' (f32, bf16, f16)\n",
                       name.c_str());
          return 2;
        }
        if (end == std::string::npos)
          break;
        pos = end + 1;
      }
    } else if (arg == "--isa" && i + 1 < argc) {
      std::string name = argv[++i];
      opt.isa = name == "portable" ? Isa::Portable
                : name == "avx2"   ? Isa::AVX2
                                   : Isa::AVX512;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--threads N] [--json] [--quick] "
                   "[--only sgemm|conv|pool|enc|win3d|formats] "
                   "[--isa portable|avx2|avx512] "
                   "[--dtypes f32,bf16,f16]\n",
                   argv[0]);
      return 2;
    }
  }
  // Tile for as many AI cores as the pool has threads.
  SocInfo soc = SocInfo::host(opt.threads);
  soc.isa = opt.isa;
  soc.hasAvx512Bf16 = soc.hasAvx512Bf16 && opt.isa == Isa::AVX512;
  if (!opt.json)
    std::printf("geflow Cube kernels: %u threads, isa %s%s, L1 %lluK L2 "
                "%lluK\n",
                opt.threads, isaName(opt.isa),
                soc.hasAvx512Bf16 ? " + avx512_bf16" : "",
                (unsigned long long)(soc.ubSize / 1024),
                (unsigned long long)(soc.l2Size / 1024));
  bench::BlockPool pool(opt.threads);
  if (only.empty() || only == "sgemm")
    for (DType dt : opt.dtypes)
      benchGemm(opt, soc, pool, dt);
  if (only.empty() || only == "conv")
    for (DType dt : opt.dtypes)
      benchConv(opt, soc, pool, dt);
  if (only.empty() || only == "pool")
    for (DType dt : opt.dtypes)
      benchPool(opt, soc, pool, dt);
  if (only.empty() || only == "enc")
    for (DType dt : opt.dtypes)
      benchEncoder(opt, soc, pool, dt);
  if (only == "formats") {
    benchFormats(opt, soc, pool);
    return 0;
  }
  if (only.empty() || only == "win3d")
    for (DType dt : opt.dtypes)
      benchWindows3d(opt, soc, pool, dt);
  return 0;
}
