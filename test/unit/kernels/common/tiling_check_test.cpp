// The tiling checks the loader runs on stored tilings (KernelDef::checkTiling)
// accept every tiling their kernel makes, for any soc a file may have been
// compiled for, and refuse the inconsistent ones; every kernel that keeps a
// stored tiling has a check.
#include "geflow/kernels/Registry.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace geflow::kernels;
using geflow::rt::DType;
using geflow::rt::Format;

namespace {

struct Case {
  std::string kernel;
  std::vector<TensorDesc> inputs, outputs;
  AttrMap attrs;
};

TensorDesc desc(std::vector<int64_t> shape, DType dtype = DType::F32,
                bool isConst = false, Format format = Format::ND) {
  TensorDesc d;
  d.dtype = dtype;
  d.shape = std::move(shape);
  d.isConst = isConst;
  d.format = format;
  return d;
}

AttrMap attrs(std::initializer_list<std::pair<const char *, AttrValue>> kv) {
  AttrMap m;
  for (const auto &[k, v] : kv)
    m.set(k, v);
  return m;
}

using Ints = std::vector<int64_t>;

std::vector<Case> cases() {
  std::vector<Case> out;
  for (DType dt : {DType::F32, DType::F16, DType::BF16}) {
    for (bool packed : {false, true}) {
      out.push_back({"conv2d",
                     {desc({1, 3, 20, 20}, dt), desc({16, 3, 3, 3}, dt, packed),
                      desc({16}, dt)},
                     {desc({1, 16, 20, 20}, dt)},
                     attrs({{"pads", Ints{1, 1, 1, 1}}})});
      // Few pixels: the pixel-rows path.
      out.push_back(
          {"conv2d",
           {desc({2, 64, 7, 7}, dt), desc({128, 64, 1, 1}, dt, packed)},
           {desc({2, 128, 7, 7}, DType::F32)},
           {}});
      // Grouped, strided, NC1HWC0.
      out.push_back({"conv2d",
                     {desc({1, 32, 15, 15}, dt, false, Format::NC1HWC0),
                      desc({32, 16, 3, 3}, dt, packed)},
                     {desc({1, 32, 8, 8}, dt, false, Format::NC1HWC0)},
                     attrs({{"groups", int64_t(2)},
                            {"strides", Ints{2, 2}},
                            {"pads", Ints{1, 1, 1, 1}}})});
      out.push_back(
          {"matmul",
           {desc({300, 70}, dt), desc({70, 90}, dt, packed), desc({90}, dt)},
           {desc({300, 90}, dt)},
           attrs({{"activation", int64_t(1)}})});
      out.push_back({"batch_matmul",
                     {desc({3, 1, 17, 40}, dt), desc({2, 33, 40}, dt, packed)},
                     {desc({3, 2, 17, 33}, dt)},
                     attrs({{"adj_x2", int64_t(1)}})});
      out.push_back({"conv2d_transpose",
                     {desc({1, 16, 9, 9}, dt), desc({16, 8, 3, 3}, dt, packed),
                      desc({8}, dt)},
                     {desc({1, 8, 19, 19}, dt)},
                     attrs({{"strides", Ints{2, 2}}})});
    }
    // Depthwise, NCHW and NC1HWC0.
    out.push_back(
        {"conv2d",
         {desc({1, 24, 30, 30}, dt), desc({24, 1, 3, 3}, dt)},
         {desc({1, 24, 30, 30}, dt)},
         attrs({{"groups", int64_t(24)}, {"pads", Ints{1, 1, 1, 1}}})});
    out.push_back({"conv2d",
                   {desc({2, 32, 14, 14}, dt, false, Format::NC1HWC0),
                    desc({32, 1, 3, 3}, dt)},
                   {desc({2, 32, 12, 12}, dt, false, Format::NC1HWC0)},
                   attrs({{"groups", int64_t(32)}})});
    out.push_back({"max_pool",
                   {desc({2, 8, 33, 33}, dt)},
                   {desc({2, 8, 16, 16}, dt)},
                   attrs({{"ksize", Ints{3, 3}}, {"strides", Ints{2, 2}}})});
    out.push_back({"avg_pool",
                   {desc({1, 32, 10, 10}, dt, false, Format::NC1HWC0)},
                   {desc({1, 32, 10, 10}, DType::F32, false, Format::NC1HWC0)},
                   attrs({{"ksize", Ints{3, 3}}, {"pads", Ints{1, 1, 1, 1}}})});
    out.push_back({"global_avg_pool",
                   {desc({3, 5, 40, 40}, dt)},
                   {desc({3, 5, 1, 1}, dt)},
                   {}});
  }
  return out;
}

/// Socs a file may have been compiled for.
std::vector<SocInfo> socs() {
  std::vector<SocInfo> out;
  SocInfo small = SocInfo::host(1);
  small.isa = Isa::Portable;
  small.ubSize = 16 * 1024;
  small.l2Size = 128 * 1024;
  out.push_back(small);
  SocInfo avx2 = SocInfo::host(8);
  avx2.isa = Isa::AVX2;
  avx2.hasAvx512Bf16 = false;
  out.push_back(avx2);
  SocInfo big = SocInfo::host(64);
  big.isa = Isa::AVX512;
  big.hasAvx512Bf16 = true;
  big.ubSize = 48 * 1024;
  big.l2Size = 2 * 1024 * 1024;
  out.push_back(big);
  out.push_back(SocInfo::host());
  return out;
}

uint64_t bytesOf(const TensorDesc &d) {
  return geflow::rt::storageBytes(d.dtype, d.format, d.shape);
}

/// Runs `def`'s check on `tiling` (made for some soc) as the loader does on
/// this host: buffers exactly as large as the descriptors (pre-packed
/// operands: their packed size), the workspace the tiling asked for.
geflow::rt::Status runCheck(const KernelDef &def, const Case &c,
                            const TilingResult &tiling,
                            const std::vector<uint8_t> &blob,
                            uint32_t blockDim) {
  static const SocInfo host = SocInfo::host();
  TilingContext ctx{c.inputs, c.outputs, c.attrs, &host};
  TilingResult fresh;
  geflow::rt::Status st = def.tiling(ctx, &fresh);
  if (!st.ok())
    return st;
  TilingCheck check;
  check.ctx = &ctx;
  check.fresh = &fresh;
  check.blockDim = blockDim;
  check.tiling = blob.data();
  check.tilingSize = blob.size();
  for (size_t i = 0; i < c.inputs.size(); ++i)
    check.inputBytes.push_back(bytesOf(c.inputs[i]));
  for (uint32_t i : tiling.packedInputs) {
    std::vector<uint8_t> src(bytesOf(c.inputs[i])), packed;
    TilingContext packCtx{c.inputs, c.outputs, c.attrs, nullptr};
    EXPECT_TRUE(def.pack(packCtx, tiling, i, src.data(), &packed).ok());
    check.inputBytes[i] = packed.size();
  }
  for (const TensorDesc &d : c.outputs)
    check.outputBytes.push_back(bytesOf(d));
  check.workspaceBytes = tiling.workspaceSize;
  return def.checkTiling(check);
}

} // namespace

TEST(TilingCheck, EveryKernelThatKeepsItsTilingHasACheck) {
  const KernelRegistry &registry = KernelRegistry::global();
  for (const std::string &name : registry.names()) {
    const KernelDef *def = registry.find(name);
    // Pre-packed weights were laid out for the stored tiling, so it cannot
    // be replaced by the runtime's: it must be checked.
    if (def->pack)
      EXPECT_NE(def->checkTiling, nullptr) << name;
  }
  for (const char *name :
       {"conv2d", "conv2d_transpose", "matmul", "batch_matmul", "max_pool",
        "avg_pool", "global_avg_pool"})
    EXPECT_NE(registry.find(name)->checkTiling, nullptr) << name;
}

TEST(TilingCheck, AcceptsTheKernelsOwnTilingsForAnySoc) {
  const KernelRegistry &registry = KernelRegistry::global();
  int checked = 0;
  for (const SocInfo &soc : socs()) {
    for (const Case &c : cases()) {
      const KernelDef *def = registry.find(c.kernel);
      ASSERT_TRUE(def && def->checkTiling) << c.kernel;
      TilingContext ctx{c.inputs, c.outputs, c.attrs, &soc};
      TilingResult tiling;
      ASSERT_TRUE(def->tiling(ctx, &tiling).ok()) << c.kernel;
      geflow::rt::Status st =
          runCheck(*def, c, tiling, tiling.tilingData, tiling.blockDim);
      EXPECT_TRUE(st.ok()) << c.kernel << " tiled for " << isaName(soc.isa)
                           << " x" << soc.aiCoreCount << ": " << st.toString();
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

TEST(TilingCheck, RefusesInconsistentTilings) {
  const KernelRegistry &registry = KernelRegistry::global();
  const SocInfo soc = SocInfo::host(4);
  for (const Case &c : cases()) {
    SCOPED_TRACE(c.kernel);
    const KernelDef *def = registry.find(c.kernel);
    TilingContext ctx{c.inputs, c.outputs, c.attrs, &soc};
    TilingResult tiling;
    ASSERT_TRUE(def->tiling(ctx, &tiling).ok());
    // More blocks than the workspace was sized for, or than tasks.
    if (tiling.workspaceSize > 0)
      EXPECT_FALSE(
          runCheck(*def, c, tiling, tiling.tilingData, tiling.blockDim + 1)
              .ok());
    EXPECT_FALSE(runCheck(*def, c, tiling, tiling.tilingData, 1 << 20).ok());
    EXPECT_FALSE(runCheck(*def, c, tiling, tiling.tilingData, 0).ok());
    // A truncated blob.
    std::vector<uint8_t> shorter(tiling.tilingData.begin(),
                                 tiling.tilingData.end() - 1);
    EXPECT_FALSE(runCheck(*def, c, tiling, shorter, tiling.blockDim).ok());
    // Every field matters: changing byte 1 of any 8-byte-aligned word (a
    // field's second byte; never padding) is refused.
    for (size_t at = 0; at + 8 <= tiling.tilingData.size(); at += 8) {
      std::vector<uint8_t> blob = tiling.tilingData;
      blob[at + 1] ^= 0x01;
      geflow::rt::Status st = runCheck(*def, c, tiling, blob, tiling.blockDim);
      EXPECT_FALSE(st.ok()) << "byte " << at + 1;
    }
  }
}
