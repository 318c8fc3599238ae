//===- AotProgramTest.cpp - The runtime side of programs emitted as code --===//
//
// A gfaot_program written by hand, as geflow-compile --emit=lib writes one:
// its gear function launches the cast kernel through gfaot_program_launch.
// Checks that a run computes what the kernel computes (blocks spread over
// the AI cores), that a failing kernel is an error naming the task, and
// that create rejects an unknown kernel, another CPU's tiling and an
// incomplete description.
//
//===----------------------------------------------------------------------===//
#include "geflow/kernels/Registry.h"
#include "geflow/runtime/Device.h"
#include "geflow/runtime/gfaot_program.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

using namespace geflow;

namespace {

constexpr int64_t kCount = 1 << 16;
const int64_t kShape[] = {kCount};

std::vector<uint8_t> castTiling(const kernels::SocInfo &soc) {
  kernels::TilingContext ctx;
  ctx.inputs = {{rt::DType::F32, {kCount}}};
  ctx.outputs = {{rt::DType::I32, {kCount}}};
  ctx.soc = &soc;
  kernels::TilingResult result;
  rt::Status st =
      kernels::KernelRegistry::global().find("cast")->tiling(ctx, &result);
  EXPECT_TRUE(st.ok()) << st.toString();
  return result.tilingData;
}

std::vector<uint8_t> gTiling;
uint32_t gBlocks = 16;

/// The generated form of a one-task gear: cast input 0 into output 0.
gfaot_status castGear(gfaot_exec *x) {
  const void *const i[] = {x->inputs[0]};
  void *const o[] = {x->outputs[0]};
  const gfaot_kernel_args a = {gTiling.data(), gTiling.size(), i, 1, o, 1, 0};
  return gfaot_program_launch(x, 0, 0, &a, gBlocks);
}

struct Fixture {
  gfaot_library library = {"unit", nullptr, 0};
  gfaot_program_tensor in = {"x", GFAOT_FLOAT32, GFAOT_FORMAT_ND, 1, kShape};
  gfaot_program_tensor out = {"y", GFAOT_INT32, GFAOT_FORMAT_ND, 1, kShape};
  const char *names[1] = {"to_int (Cast, kernel cast)"};
  gfaot_program_gear gear = {&in, &out, 0, castGear, names, 1};
  gfaot_program_kernel kernel = {"cast", GFAOT_FLOAT32};
  std::string isa;
  gfaot_program program{};

  Fixture() {
    isa = kernels::isaName(kernels::SocInfo::host().isa);
    program = {&library, "unit_model", nullptr, 0,     isa.c_str(), 1, 1, 1,
               1,        &in,          &out,    &gear, &kernel};
  }
};

gfaot_status runCast(Fixture &f, void *model, const std::vector<float> &x,
                     std::vector<int32_t> &y) {
  gfaot_tensor in = {const_cast<float *>(x.data()), x.size() * sizeof(float),
                     GFAOT_FLOAT32, 1, kShape};
  gfaot_tensor out = {y.data(), y.size() * sizeof(int32_t), GFAOT_INT32, 1,
                      kShape};
  return gfaot_impl_run(&f.library, model, nullptr, &in, 1, &out, 1);
}

class AotProgramTest : public ::testing::Test {
protected:
  void SetUp() override {
    gTiling = castTiling(kernels::SocInfo::host(2));
    gBlocks = 16;
  }
  gfaot_options options = {0, 2};
};

TEST_F(AotProgramTest, RunsTheGearFunctionWithBlocksOnTheCores) {
  Fixture f;
  void *model = nullptr;
  ASSERT_EQ(gfaot_program_create(&f.program, &options, &model), GFAOT_OK)
      << gfaot_impl_last_error();
  EXPECT_EQ(gfaot_impl_count(&f.library, model, GFAOT_IMPL_GEARS), 1u);
  std::vector<float> x(kCount);
  for (int64_t i = 0; i < kCount; ++i)
    x[i] = float(i % 1000) - 500.0f;
  for (int round = 0; round < 20; ++round) {
    std::vector<int32_t> y(kCount, -7);
    ASSERT_EQ(runCast(f, model, x, y), GFAOT_OK) << gfaot_impl_last_error();
    for (int64_t i = 0; i < kCount; ++i)
      ASSERT_EQ(y[i], int32_t(x[i])) << "element " << i;
  }
  gfaot_impl_destroy(&f.library, model);
}

TEST_F(AotProgramTest, AFailingKernelNamesTheTask) {
  Fixture f;
  void *model = nullptr;
  ASSERT_EQ(gfaot_program_create(&f.program, &options, &model), GFAOT_OK);
  gTiling.resize(3); // not the kernel's tiling struct
  std::vector<float> x(kCount, 1.0f);
  std::vector<int32_t> y(kCount);
  EXPECT_EQ(runCast(f, model, x, y), GFAOT_ERROR_TASK_FAILED);
  std::string message = gfaot_impl_last_error();
  EXPECT_NE(message.find("unit_run: model 'unit_model': task 0 'to_int (Cast, "
                         "kernel cast)' failed: inconsistent tiling data"),
            std::string::npos)
      << message;
  // The handle stays usable.
  gTiling = castTiling(kernels::SocInfo::host(2));
  EXPECT_EQ(runCast(f, model, x, y), GFAOT_OK) << gfaot_impl_last_error();
  EXPECT_STREQ(gfaot_impl_last_error(), "");
  gfaot_impl_destroy(&f.library, model);
}

TEST_F(AotProgramTest, CreateRejectsWhatItCannotRun) {
  void *model = nullptr;
  {
    Fixture f;
    f.kernel.name = "no_such_kernel";
    EXPECT_EQ(gfaot_program_create(&f.program, &options, &model),
              GFAOT_ERROR_NOT_FOUND);
    EXPECT_NE(std::string(gfaot_impl_last_error())
                  .find("unit_create: kernel 'no_such_kernel' has no float32 "
                        "implementation"),
              std::string::npos)
        << gfaot_impl_last_error();
  }
  {
    Fixture f;
    f.program.isa = "sse9";
    EXPECT_EQ(gfaot_program_create(&f.program, &options, &model),
              GFAOT_ERROR_UNSUPPORTED);
    EXPECT_NE(std::string(gfaot_impl_last_error())
                  .find("the program was tiled for sse9 kernels"),
              std::string::npos)
        << gfaot_impl_last_error();
  }
  {
    Fixture f;
    f.program.num_gears = 0;
    EXPECT_EQ(gfaot_program_create(&f.program, &options, &model),
              GFAOT_ERROR_CORRUPT_FILE);
    f.program.num_gears = 1;
    f.gear.run = nullptr;
    EXPECT_EQ(gfaot_program_create(&f.program, &options, &model),
              GFAOT_ERROR_CORRUPT_FILE);
    EXPECT_NE(std::string(gfaot_impl_last_error()).find("gear 0"),
              std::string::npos);
  }
  EXPECT_EQ(model, nullptr);
  Fixture f;
  EXPECT_EQ(gfaot_program_create(&f.program, &options, nullptr),
            GFAOT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(gfaot_program_create(nullptr, &options, &model),
            GFAOT_ERROR_INVALID_ARGUMENT);
}

} // namespace
