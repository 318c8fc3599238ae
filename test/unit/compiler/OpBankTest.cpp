//===- OpBankTest.cpp - The op bank, tiling hints and the kernel timer ----===//
#include "lib/Conversion/GEToNPU/OpBank.h"
#include "lib/Conversion/GEToNPU/KernelTimer.h"
#include "lib/Conversion/GEToNPU/OpTuner.h"

#include "geflow/kernels/Registry.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace geflow;
using namespace geflow::conversion;
namespace k = geflow::kernels;

namespace {

/// A temporary directory removed at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    llvm::SmallString<128> p;
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("opbank", p));
    path = p.str().str();
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
};

k::TilingContext matmulContext(int64_t m, int64_t kk, int64_t n) {
  k::TilingContext ctx;
  ctx.inputs = {{k::DType::F32, {m, kk}}, {k::DType::F32, {kk, n}}};
  ctx.inputs[1].isConst = true;
  ctx.outputs = {{k::DType::F32, {m, n}}};
  return ctx;
}

const k::KernelDef &matmul() {
  return *k::KernelRegistry::global().find("matmul");
}

} // namespace

TEST(OpBank, RoundTripKeepsEveryEntry) {
  TempDir dir;
  k::SocInfo soc = k::SocInfo::host(2);
  k::TilingContext a = matmulContext(64, 128, 96), b = a;
  b.attrs.set("transpose_x2", int64_t(1));
  OpBankKey ka = OpBankKey::of("host", soc, "matmul", a);
  OpBankKey kb = OpBankKey::of("host", soc, "matmul", b);
  EXPECT_TRUE(ka < kb || kb < ka); // attributes are part of the key
  // The hint attribute is not: a hinted context has its unhinted key.
  k::TilingContext hinted = a;
  hinted.attrs.set(k::kTilingHintAttr, std::vector<int64_t>{8, 0, 0, 1, 0, 0});
  OpBankKey kh = OpBankKey::of("host", soc, "matmul", hinted);
  EXPECT_FALSE(ka < kh || kh < ka);

  OpBank bank;
  bank.set(ka, {{64, 16, 48, 1, 0, 0}, 10.5, 12.25});
  bank.set(kb, {{}, 3.0, 3.0});
  const std::string file = OpBank::fileIn(dir.path + "/nested");
  ASSERT_EQ(bank.save(file), "");
  OpBank loaded;
  ASSERT_EQ(loaded.load(file), "");
  ASSERT_EQ(loaded.size(), 2u);
  const OpBankEntry *ea = loaded.find(ka);
  ASSERT_NE(ea, nullptr);
  EXPECT_EQ(ea->hint, (k::TilingHint{64, 16, 48, 1, 0, 0}));
  EXPECT_DOUBLE_EQ(ea->tunedUs, 10.5);
  EXPECT_DOUBLE_EQ(ea->defaultUs, 12.25);
  ASSERT_NE(loaded.find(kb), nullptr);
  EXPECT_TRUE(loaded.find(kb)->hint.empty());
  // Another ISA or core count is another machine.
  k::SocInfo other = soc;
  other.aiCoreCount = 4;
  EXPECT_EQ(loaded.find(OpBankKey::of("host", other, "matmul", a)), nullptr);
  // A missing file is an empty bank.
  EXPECT_EQ(loaded.load(dir.path + "/none.json"), "");
  EXPECT_EQ(loaded.size(), 0u);
}

TEST(OpBank, BadEntriesNameTheFileAndEntry) {
  TempDir dir;
  const std::string file = dir.path + "/bank.json";
  auto loadText = [&](const std::string &text) {
    std::ofstream(file) << text;
    OpBank bank;
    return bank.load(file);
  };
  const std::string head =
      R"({"format": "geflow-op-bank", "version": 1, "entries": [)";
  const std::string good =
      R"({"soc": "host", "isa": "avx512", "cores": 2, "kernel": "matmul",
          "dtype": "float32", "tensors": "t", "attrs": "",
          "tiling": [0, 0, 0, 1, 0, 0]})";
  EXPECT_EQ(loadText(head + good + "]}"), "");
  std::string e = loadText(head + good + R"(, {"soc": 3}]})");
  EXPECT_NE(e.find("bank.json': entry 1: \"soc\" must be a string"),
            std::string::npos)
      << e;
  e = loadText(head + good + "," + good + "]}");
  EXPECT_NE(e.find("entry 1: repeats the kernel shape of entry 0"),
            std::string::npos)
      << e;
  std::string shortTiling = good;
  shortTiling.replace(shortTiling.find("[0, 0, 0, 1, 0, 0]"), 18, "[1, 2]");
  e = loadText(head + shortTiling + "]}");
  EXPECT_NE(e.find("entry 0: \"tiling\": a tiling hint has 6 values"),
            std::string::npos)
      << e;
  e = loadText(std::string(300, '[') + std::string(300, ']'));
  EXPECT_NE(e.find("not valid JSON: brackets nest more than 256"),
            std::string::npos)
      << e;
}

TEST(TilingHint, MovesOnlyTheFreeChoices) {
  const k::KernelDef &def = matmul();
  k::SocInfo soc = k::SocInfo::host(2);
  k::TilingContext ctx = matmulContext(512, 512, 512);
  ctx.soc = &soc;
  k::TilingResult base;
  ASSERT_TRUE(def.tiling(ctx, &base).ok());
  ASSERT_EQ(base.blockDim, 2u);
  // One block, other cache blocks: another tiling of the same product.
  k::TilingContext hinted = ctx;
  hinted.attrs.set(k::kTilingHintAttr, std::vector<int64_t>{64, 0, 0, 1, 0, 0});
  k::TilingResult one;
  ASSERT_TRUE(def.tiling(hinted, &one).ok());
  EXPECT_EQ(one.blockDim, 1u);
  EXPECT_NE(one.tilingData, base.tilingData);
  // Candidates start with the default and differ from each other.
  std::vector<k::TilingHint> candidates = def.tuneCandidates(ctx, base);
  ASSERT_GT(candidates.size(), 3u);
  EXPECT_TRUE(candidates.front().empty());
  for (size_t i = 0; i < candidates.size(); ++i)
    for (size_t j = i + 1; j < candidates.size(); ++j)
      EXPECT_FALSE(candidates[i] == candidates[j]);
  // A malformed hint attribute is ignored by tiling functions.
  hinted.attrs.set(k::kTilingHintAttr, std::vector<int64_t>{-1, 0});
  k::TilingResult same;
  ASSERT_TRUE(def.tiling(hinted, &same).ok());
  EXPECT_EQ(same.tilingData, base.tilingData);
}

TEST(OpTuner, TunesOnceThenReadsTheBank) {
  TempDir dir;
  k::SocInfo soc = k::SocInfo::host(2);
  k::TilingContext ctx = matmulContext(96, 128, 64);
  ctx.soc = &soc;
  k::TilingHint tuned;
  {
    OpTuner tuner({"host", 2, dir.path, {}, {}, 60}, soc);
    ASSERT_EQ(tuner.open(), "");
    ASSERT_EQ(tuner.hintFor(matmul(), ctx, "fc", "MatMulV2", &tuned), "");
    EXPECT_EQ(tuner.tuned(), 1u);
    // The same shape again: from the bank, not timed twice.
    k::TilingHint again;
    ASSERT_EQ(tuner.hintFor(matmul(), ctx, "fc2", "MatMulV2", &again), "");
    EXPECT_EQ(tuner.tuned(), 1u);
    EXPECT_EQ(again, tuned);
    ASSERT_EQ(tuner.finish(), "");
  }
  OpBank bank;
  ASSERT_EQ(bank.load(OpBank::fileIn(dir.path)), "");
  const OpBankEntry *entry =
      bank.find(OpBankKey::of("host", soc, "matmul", ctx));
  ASSERT_NE(entry, nullptr);
  EXPECT_GT(entry->defaultUs, 0);
  EXPECT_LE(entry->tunedUs, entry->defaultUs);
  EXPECT_EQ(entry->hint, tuned);
  // Without aoe_mode: the bank's hint, no timing.
  OpTuner reader({"host", 0, dir.path, {}, {}, 60}, soc);
  ASSERT_EQ(reader.open(), "");
  k::TilingHint read;
  ASSERT_EQ(reader.hintFor(matmul(), ctx, "fc", "MatMulV2", &read), "");
  EXPECT_EQ(read, tuned);
  EXPECT_EQ(reader.tuned(), 0u);
  // aoe_config_file filters: an op neither list names is not tuned.
  TempDir other;
  OpTuner filtered({"host", 2, other.path, {"conv1"}, {"Conv2D"}, 60}, soc);
  ASSERT_EQ(filtered.open(), "");
  ASSERT_EQ(filtered.hintFor(matmul(), ctx, "fc", "MatMulV2", &read), "");
  EXPECT_EQ(filtered.tuned(), 0u);
  EXPECT_TRUE(read.empty());
}

TEST(KernelTimer, TimesEveryBlock) {
  const k::KernelDef &def = matmul();
  k::SocInfo soc = k::SocInfo::host(2);
  k::TilingContext ctx = matmulContext(256, 256, 256);
  ctx.soc = &soc;
  k::TilingResult tiling;
  ASSERT_TRUE(def.tiling(ctx, &tiling).ok());
  k::KernelFn fn =
      k::KernelRegistry::global().select("matmul", k::DType::F32, soc.isa);
  ASSERT_NE(fn, nullptr);
  KernelTimer timer(2);
  double us = 0;
  ASSERT_TRUE(timer.time(def, fn, ctx, tiling, 0.01, &us).ok());
  // 16.7M multiply-adds: more than a microsecond, less than a second.
  EXPECT_GT(us, 1.0);
  EXPECT_LT(us, 1e6);
}
