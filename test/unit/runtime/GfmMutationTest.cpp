// Loading never trusts a .gfm file, checksums included: a crafted file with
// valid CRCs whose program or tiling data was changed is a load error or a
// run that stays inside its buffers, never a crash (also under ASan in
// `make test-asan`). The model is built here from the runtime's own APIs
// (kernels tiled by their tiling functions, weights pre-packed by their pack
// functions), so the test needs no compiler.
#include "ExecutorTestUtil.h"

#include <algorithm>
#include <cstdlib>

namespace geflow::rt::testing {
namespace {

/// x[1,3,12,12] -> conv2d 3x3 (pad 1, filter prepacked) -> relu ->
/// depthwise conv2d 3x3 (stride 2) -> max_pool 2x2 -> matmul [8,9]x[9,10]
/// (x2 prepacked) -> add -> y[8,10]; relu -> global_avg_pool -> g[1,8,1,1];
/// relu -> avg_pool 3x3 (pad 1) -> conv2d_transpose 2x2 (stride 2) -> t.
struct SmallCnn {
  gfm::Model m;
  std::vector<uint8_t> weights;
  const Tensor x = f32({1, 3, 12, 12}), y = f32({8, 10}), g = f32({1, 8, 1, 1}),
               t = f32({1, 4, 24, 24});

  SmallCnn() {
    m.set_name("small_cnn");
    *m.add_inputs() = sig("x", x);
    *m.add_outputs() = sig("y", y);
    *m.add_outputs() = sig("g", g);
    *m.add_outputs() = sig("t", t);
    gfm::Program *p = m.add_gears();
    *p->mutable_inputs() = m.inputs();
    *p->mutable_outputs() = m.outputs();
    ProgramBuilder b(m, p);
    auto constant = [&](std::vector<int64_t> shape, uint32_t seed) {
      Tensor t{DType::F32, shape, /*isConst=*/true};
      return b.weight(t, randomFloats(numElements(shape), seed));
    };
    auto ints = [](std::vector<int64_t> v) { return kernels::AttrValue(v); };
    kernels::AttrMap pad1, dw, pool, avg, up;
    pad1.set("pads", ints({1, 1, 1, 1}));
    dw.set("groups", int64_t(8));
    dw.set("strides", ints({2, 2}));
    dw.set("pads", ints({1, 1, 1, 1}));
    pool.set("ksize", ints({2, 2}));
    pool.set("strides", ints({2, 2}));
    avg.set("ksize", ints({3, 3}));
    avg.set("pads", ints({1, 1, 1, 1}));
    up.set("strides", ints({2, 2}));

    Operand in = b.input(0, x);
    Operand c1 = b.arena(f32({1, 8, 12, 12})),
            r1 = b.arena(f32({1, 8, 12, 12}));
    b.kernelWithAttrs(0, "conv1", "conv2d",
                      {in, constant({8, 3, 3, 3}, 1), constant({8}, 2)}, {c1},
                      pad1);
    b.kernel(0, "relu1", "relu", {c1}, {r1});
    Operand d = b.arena(f32({1, 8, 6, 6})), pl = b.arena(f32({1, 8, 3, 3}));
    b.kernelWithAttrs(0, "dw1", "conv2d", {r1, constant({8, 1, 3, 3}, 3)}, {d},
                      dw);
    b.kernelWithAttrs(0, "pool1", "max_pool", {d}, {pl}, pool);
    Operand mm = b.arena(y);
    b.kernelWithAttrs(
        0, "fc1", "matmul",
        {{pl.buf, f32({8, 9})}, constant({9, 10}, 4), constant({10}, 5)}, {mm},
        {});
    b.kernel(0, "add1", "add", {mm, mm}, {b.output(0, y)});
    b.kernelWithAttrs(0, "gap1", "global_avg_pool", {r1}, {b.output(1, g)}, {});
    Operand a = b.arena(f32({1, 8, 12, 12}));
    b.kernelWithAttrs(0, "avg1", "avg_pool", {r1}, {a}, avg);
    b.kernelWithAttrs(0, "up1", "conv2d_transpose",
                      {a, constant({8, 4, 2, 2}, 6)}, {b.output(2, t)}, up);
    weights = b.weights();
  }

  std::vector<uint8_t> encode(const gfm::Model &model) const {
    return encodeGfm(model, weights.data(), weights.size());
  }

  /// Loads `bytes` and, when that succeeds (`loaded`), runs them once.
  Status loadAndRun(const std::vector<uint8_t> &bytes,
                    const std::shared_ptr<Device> &device,
                    bool *loaded = nullptr) const {
    StatusOr<std::unique_ptr<Model>> model =
        Model::loadFromBytes(bytes.data(), bytes.size(), device, "cnn.gfm");
    if (loaded)
      *loaded = model.ok();
    if (!model.ok())
      return model.status();
    std::vector<float> xs = randomFloats(numElements(x.shape), 7);
    std::vector<float> ys(numElements(y.shape)), gs(numElements(g.shape)),
        ts(numElements(t.shape));
    return (*model)->run({ref(xs, x)}, {ref(ys, y), ref(gs, g), ref(ts, t)});
  }

  gfm::KernelTask *task(gfm::Model &model, const std::string &name) const {
    for (gfm::Task &task : *model.mutable_gears(0)->mutable_tasks())
      if (task.name() == name)
        return task.mutable_kernel();
    ADD_FAILURE() << "no task " << name;
    return nullptr;
  }
};

/// Recomputes the body and header CRCs after the body was changed in place.
void resealBody(std::vector<uint8_t> &bytes) {
  GfmHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  h.bodyCrc32c = crc32c(bytes.data() + h.bodyOffset, h.bodySize);
  h.headerCrc32c = crc32c(&h, offsetof(GfmHeader, headerCrc32c));
  std::memcpy(bytes.data(), &h, sizeof(h));
}

TEST(GfmMutation, TheUnchangedModelLoadsAndRuns) {
  SmallCnn cnn;
  auto device = makeDevice(2);
  EXPECT_OK(cnn.loadAndRun(cnn.encode(cnn.m), device));
}

// Issue 26, item 4: a conv2d tiled for one block launched on two read the
// second block's workspace past the end of the task's (a segfault in the
// im2col packer).
TEST(GfmMutation, BlockDimBeyondTheTilingIsALoadError) {
  SmallCnn cnn;
  auto device = makeDevice(2);
  gfm::Model m = cnn.m;
  gfm::KernelTask *conv = cnn.task(m, "conv1");
  ASSERT_EQ(conv->block_dim(), 1u);
  // Its workspace at the end of the arena (a valid layout): the second
  // block's share then lies past the arena.
  gfm::Program *p = m.mutable_gears(0);
  conv->mutable_workspace()->set_offset((p->arena_size() + 63) / 64 * 64);
  p->set_arena_size(conv->workspace().offset() + conv->workspace().size());
  conv->set_block_dim(2);
  Status st = cnn.loadAndRun(cnn.encode(m), device);
  EXPECT_EQ(st.code(), ErrorCode::kCorruptFile);
  expectContains(st, "task 0 'conv1': conv2d: block_dim 2 exceeds the 1 tasks "
                     "its tiling splits");
}

// Issue 26, item 5: single-byte changes of tiling data (CRCs recomputed)
// that crashed the conv, pool and GEMM kernels (segfaults, a heap corruption
// abort); each is now a load error naming the task, the kernel and the
// field.
struct Flip {
  const char *task;
  size_t offset; // byte in the tiling blob
  uint8_t value;
  const char *error;
};

class TilingByteFlip : public ::testing::TestWithParam<Flip> {};

TEST_P(TilingByteFlip, IsALoadError) {
  const Flip &f = GetParam();
  SmallCnn cnn;
  auto device = makeDevice(2);
  gfm::Model m = cnn.m;
  std::string *tiling = cnn.task(m, f.task)->mutable_tiling();
  ASSERT_LT(f.offset, tiling->size());
  ASSERT_NE(uint8_t((*tiling)[f.offset]), f.value);
  (*tiling)[f.offset] = char(f.value);
  Status st = cnn.loadAndRun(cnn.encode(m), device);
  EXPECT_EQ(st.code(), ErrorCode::kCorruptFile);
  expectContains(st, f.error);
}

INSTANTIATE_TEST_SUITE_P(
    GfmMutation, TilingByteFlip,
    ::testing::Values(
        // Conv2dTiling::h (bytes 16..23) 12 -> 12 + 2^32: im2col past x.
        Flip{"conv1", 20, 0x01,
             "'conv1': conv2d tiling field 'h' is 4294967308"},
        // Conv2dTiling::gemmK (bytes 128..135) += 2^16: packs past x and
        // the workspace.
        Flip{"conv1", 130, 0x01, "'conv1': conv2d tiling field 'gemmK'"},
        // Conv2dTiling::w of the depthwise conv += 2^8.
        Flip{"dw1", 25, 0x01, "'dw1': conv2d tiling field 'w' is 268"},
        // PoolTiling::ow (bytes 40..47) += 2^40: writes past y.
        Flip{"pool1", 45, 0x01, "'pool1': pool tiling field 'ow'"},
        // PoolTiling::w of avg_pool (bytes 24..31) += 2^8.
        Flip{"avg1", 25, 0x01, "'avg1': pool tiling field 'w' is 268"},
        // PoolTiling::h of global_avg_pool (bytes 16..23) += 2^16.
        Flip{"gap1", 18, 0x01, "'gap1': pool tiling field 'h' is 65548"},
        // Conv2dTransposeTiling::oh (bytes 40..47) 24 -> 255: col2im
        // scatters past y (heap corruption).
        Flip{"up1", 40, 0xff,
             "'up1': conv2d_transpose tiling field 'oh' is 255"},
        // MatmulTiling::K (bytes 16..23) 9 -> 265: reads past x1 and x2.
        Flip{"fc1", 17, 0x01, "'fc1': matmul tiling field 'K' is 265"}));

// A few hundred mutations with a fixed seed: bytes of tiling data, block
// counts, workspace sizes, buffers, descriptors and attributes of kernel
// tasks, and raw bytes of the body, with the CRCs recomputed so every
// mutation reaches the loader. None may crash or trip a sanitizer.
TEST(GfmMutation, MutatedProgramsNeverCrash) {
  SmallCnn cnn;
  auto device = makeDevice(2);
  const std::vector<uint8_t> clean = cnn.encode(cnn.m);
  std::vector<std::string> kernels;
  for (const gfm::Task &t : cnn.m.gears(0).tasks())
    if (t.has_kernel())
      kernels.push_back(t.name());

  constexpr int kCases = 400;
  // GEFLOW_MUTATION_CASE=<i> runs case i alone (to bisect a crash).
  const char *only = std::getenv("GEFLOW_MUTATION_CASE");
  std::mt19937 rng(20261207);
  auto pick = [&](uint64_t n) { return n ? uint64_t(rng() % n) : 0; };
  int loadErrors = 0, runErrors = 0, ran = 0;
  for (int i = 0; i < kCases; ++i) {
    gfm::Model m = cnn.m;
    gfm::KernelTask *k = cnn.task(m, kernels[pick(kernels.size())]);
    std::vector<uint8_t> bytes;
    const uint64_t kind = pick(10);
    std::string what;
    if (kind < 5) { // one byte of tiling data
      std::string *tiling = k->mutable_tiling();
      size_t at = pick(tiling->size());
      (*tiling)[at] = char(uint8_t((*tiling)[at]) ^ uint8_t(1 + pick(255)));
      what = "tiling byte " + std::to_string(at);
    } else if (kind == 5) {
      const uint32_t dims[] = {0, 1, 2, 3, 4, 8, 64, 1000, 65535, 65536};
      k->set_block_dim(dims[pick(10)]);
      what = "block_dim " + std::to_string(k->block_dim());
    } else if (kind == 6) {
      k->set_workspace_size(pick(2) ? 0 : k->workspace_size() / 2);
      what = "workspace size";
    } else if (kind == 7) {
      auto *descs =
          pick(2) ? k->mutable_input_descs() : k->mutable_output_descs();
      if (descs->empty())
        continue;
      gfm::TensorDesc &d = descs->at(int(pick(descs->size())));
      if (d.shape_size() > 0)
        d.set_shape(int(pick(d.shape_size())), int64_t(pick(40)));
      what = "descriptor dim";
    } else if (kind == 8) {
      auto *bufs = pick(2) ? k->mutable_inputs() : k->mutable_outputs();
      gfm::Buffer &b = bufs->at(int(pick(bufs->size())));
      b.set_size(b.size() / (2 + pick(4)));
      what = "buffer size";
    } else {
      bytes = clean;
      GfmHeader h;
      std::memcpy(&h, bytes.data(), sizeof(h));
      size_t at = h.bodyOffset + pick(h.bodySize);
      bytes[at] ^= uint8_t(1 + pick(255));
      resealBody(bytes);
      what = "body byte " + std::to_string(at - h.bodyOffset);
    }
    if (only && std::atoi(only) != i)
      continue;
    if (only)
      std::printf("case %d: %s of '%s'\n", i, what.c_str(),
                  k->kernel().c_str()),
          std::fflush(stdout);
    if (bytes.empty())
      bytes = cnn.encode(m);
    SCOPED_TRACE("case " + std::to_string(i) + ": " + what);
    bool loaded = false;
    Status st = cnn.loadAndRun(bytes, device, &loaded);
    EXPECT_TRUE(st.ok() || !st.message().empty());
    ++(!loaded ? loadErrors : st.ok() ? ran : runErrors);
  }
  std::printf("%d mutations: %d load errors, %d run errors, %d runs\n",
              loadErrors + runErrors + ran, loadErrors, runErrors, ran);
  if (!only)
    EXPECT_GT(loadErrors, kCases / 4);
}

} // namespace
} // namespace geflow::rt::testing
