// The host Einsum kernel against plain loops written per equation (f64 and
// f32 within 1e-12 / 1e-6 relative, integers exact, wrapping), and the
// equation parser of geflow/runtime/Einsum.h (implicit output, ellipsis
// broadcasting, errors).
#include "geflow/runtime/Einsum.h"
#include "geflow/runtime/HostOps.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace {

using geflow::kernels::AttrMap;
using geflow::kernels::TensorDesc;
using geflow::rt::DType;

template <typename T> struct Tensor {
  TensorDesc desc;
  std::vector<T> data;
};

template <typename T>
Tensor<T> tensor(DType dtype, std::vector<int64_t> shape, unsigned seed) {
  Tensor<T> t;
  t.desc.dtype = dtype;
  t.desc.shape = std::move(shape);
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> dist(-9, 9);
  t.data.resize(geflow::rt::numElements(t.desc.shape));
  for (T &v : t.data)
    v = static_cast<T>(dist(gen)) / (std::is_floating_point_v<T> ? 4 : 1);
  return t;
}

template <typename T>
geflow::rt::Status einsum(const std::string &equation,
                          std::vector<const Tensor<T> *> ins, Tensor<T> &out) {
  auto kernel = geflow::rt::HostOpRegistry::global().lookup("Einsum");
  EXPECT_TRUE(kernel.fn);
  AttrMap attrs;
  attrs.set("equation", equation);
  std::vector<TensorDesc> inDescs, outDescs = {out.desc};
  std::vector<const void *> ptrs;
  for (const Tensor<T> *t : ins) {
    inDescs.push_back(t->desc);
    ptrs.push_back(t->data.data());
  }
  geflow::rt::Status st = kernel.check(inDescs, outDescs, attrs);
  if (!st.ok())
    return st;
  out.data.assign(geflow::rt::numElements(out.desc.shape), T(-1));
  void *outPtr = out.data.data();
  geflow::rt::HostCallArgs args;
  args.inputs = ptrs.data();
  args.numInputs = static_cast<uint32_t>(ptrs.size());
  args.outputs = &outPtr;
  args.numOutputs = 1;
  args.inputDescs = &inDescs;
  args.outputDescs = &outDescs;
  args.attrs = &attrs;
  return kernel.fn(args);
}

template <typename T> Tensor<T> output(DType dtype, std::vector<int64_t> s) {
  Tensor<T> t;
  t.desc.dtype = dtype;
  t.desc.shape = std::move(s);
  return t;
}

TEST(HostEinsum, BatchMatmulMatchesLoops) {
  auto a = tensor<double>(DType::F64, {2, 3, 4}, 1);
  auto b = tensor<double>(DType::F64, {2, 4, 5}, 2);
  auto y = output<double>(DType::F64, {2, 3, 5});
  ASSERT_TRUE(einsum<double>("bij,bjk->bik", {&a, &b}, y).ok());
  for (int n = 0; n < 2; ++n)
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 5; ++k) {
        double ref = 0;
        for (int j = 0; j < 4; ++j)
          ref += a.data[(n * 3 + i) * 4 + j] * b.data[(n * 4 + j) * 5 + k];
        EXPECT_NEAR(y.data[(n * 3 + i) * 5 + k], ref, 1e-12 * std::abs(ref));
      }
}

TEST(HostEinsum, DiagonalTransposeAndSumInFloat) {
  auto x = tensor<float>(DType::F32, {2, 3, 3}, 3);
  auto diag = output<float>(DType::F32, {3, 2});
  ASSERT_TRUE(einsum<float>("bii->ib", {&x}, diag).ok());
  auto total = output<float>(DType::F32, {});
  ASSERT_TRUE(einsum<float>("bij->", {&x}, total).ok());
  double sum = 0;
  for (int n = 0; n < 2; ++n)
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(diag.data[i * 2 + n], x.data[(n * 3 + i) * 3 + i]);
      for (int j = 0; j < 3; ++j)
        sum += x.data[(n * 3 + i) * 3 + j];
    }
  EXPECT_NEAR(total.data[0], sum, 1e-6 * std::abs(sum) + 1e-6);
}

TEST(HostEinsum, EllipsisBroadcastsSizeOneDims) {
  // a [2,1,3,4] and b [3,4,2]: '...' dims [2,1] and [3] broadcast to [2,3].
  auto a = tensor<double>(DType::F64, {2, 1, 3, 4}, 4);
  auto b = tensor<double>(DType::F64, {3, 4, 2}, 5);
  auto y = output<double>(DType::F64, {2, 3, 3, 2});
  ASSERT_TRUE(einsum<double>("...ij,...jk->...ik", {&a, &b}, y).ok());
  for (int p = 0; p < 2; ++p)
    for (int q = 0; q < 3; ++q)
      for (int i = 0; i < 3; ++i)
        for (int k = 0; k < 2; ++k) {
          double ref = 0;
          for (int j = 0; j < 4; ++j)
            ref += a.data[(p * 3 + i) * 4 + j] * b.data[(q * 4 + j) * 2 + k];
          EXPECT_NEAR(y.data[((p * 3 + q) * 3 + i) * 2 + k], ref,
                      1e-12 * std::abs(ref));
        }
}

TEST(HostEinsum, IntegersWrapLikeNumpy) {
  Tensor<int32_t> a;
  a.desc.dtype = DType::I32;
  a.desc.shape = {2};
  a.data = {INT32_MAX, 2};
  auto y = output<int32_t>(DType::I32, {});
  // Implicit output of "i,i" is a scalar: the inner product.
  ASSERT_TRUE(einsum<int32_t>("i,i", {&a, &a}, y).ok());
  uint32_t ref = static_cast<uint32_t>(INT32_MAX) * INT32_MAX + 4u;
  EXPECT_EQ(y.data[0], static_cast<int32_t>(ref));
}

TEST(HostEinsum, CheckRefusesBadEquationsAndShapes) {
  auto x = tensor<double>(DType::F64, {3, 4}, 6);
  auto y = output<double>(DType::F64, {4, 3});
  EXPECT_TRUE(einsum<double>("ij->ji", {&x}, y).ok());
  auto wrong = output<double>(DType::F64, {3, 4});
  auto st = einsum<double>("ij->ji", {&x}, wrong);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("output shape"), std::string::npos);
  st = einsum<double>("ij,jk->ik", {&x}, y);
  EXPECT_NE(st.message().find("2 input terms for 1 inputs"), std::string::npos)
      << st.message();
}

TEST(EinsumEquation, ImplicitOutputAndErrors) {
  geflow::rt::EinsumSpec spec;
  ASSERT_EQ(geflow::rt::parseEinsum("ba,Bc", {2, 2}, spec), "");
  // Labels seen once in ASCII order: 'B' < 'a' < 'b' < 'c'.
  EXPECT_EQ(spec.outputLabels, (std::vector<int>{1, 26, 27, 28}));
  ASSERT_EQ(geflow::rt::parseEinsum("...ii", {4}, spec), "");
  EXPECT_EQ(spec.ellipsisRank, 2);
  EXPECT_EQ(spec.outputLabels, (std::vector<int>{52, 53}));
  EXPECT_NE(geflow::rt::parseEinsum("ij->ii", {2}, spec), "");
  EXPECT_NE(geflow::rt::parseEinsum("i->j", {1}, spec), "");
  EXPECT_NE(geflow::rt::parseEinsum("i...j...", {3}, spec), "");
  EXPECT_NE(geflow::rt::parseEinsum("i->i->i", {1}, spec), "");
  std::vector<int64_t> sizes, shape;
  ASSERT_EQ(geflow::rt::parseEinsum("ij,jk", {2, 2}, spec), "");
  EXPECT_EQ(geflow::rt::einsumShapes(spec, {{2, -1}, {3, 5}}, sizes, shape),
            "");
  EXPECT_EQ(shape, (std::vector<int64_t>{2, 5}));
  EXPECT_NE(geflow::rt::einsumShapes(spec, {{2, 4}, {3, 5}}, sizes, shape), "");
}

} // namespace
