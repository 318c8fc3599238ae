//===- fill_test.cpp - fill and range -------------------------------------===//
//
// Against the values written out by hand or computed in double; exact.
//
//===----------------------------------------------------------------------===//
#include "vector/vec_test_util.h"

#include <cstring>
#include <limits>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::rt::DType;

TEST(VecFill, FillAndRange) {
  TilingContext ctx;
  ctx.outputs = {desc(DType::F32, {3, 5})};
  ctx.attrs.set("value", 2.5);
  std::vector<float> y(15);
  ASSERT_TRUE(runKernel("fill", ctx, {}, {y.data()}).ok());
  for (float v : y)
    EXPECT_EQ(v, 2.5f);
  TilingContext r;
  r.outputs = {desc(DType::I64, {6})};
  r.attrs.set("start", int64_t(-3));
  r.attrs.set("delta", int64_t(2));
  std::vector<int64_t> ri(6);
  ASSERT_TRUE(runKernel("range", r, {}, {ri.data()}).ok());
  EXPECT_EQ(ri, (std::vector<int64_t>{-3, -1, 1, 3, 5, 7}));
  r.outputs = {desc(DType::F32, {4})};
  r.attrs.set("start", 0.5);
  r.attrs.set("delta", 0.25);
  std::vector<float> rf(4);
  ASSERT_TRUE(runKernel("range", r, {}, {rf.data()}).ok());
  EXPECT_EQ(rf, (std::vector<float>{0.5f, 0.75f, 1.f, 1.25f}));
  TilingContext bad;
  bad.outputs = {desc(DType::F32, {4})};
  TilingResult res;
  EXPECT_NE(
      KernelRegistry::global().find("fill")->tiling(bad, &res).message().find(
          "needs attribute `value`"),
      std::string::npos);
}
