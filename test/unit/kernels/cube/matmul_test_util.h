//===- matmul_test_util.h - Cases, reference and check of the matmul tests ===//
//
// A matmul / batch_matmul case names the dtypes its operands are stored in
// (f32 in the fp32 tests), so the fp32 and the f16/bf16 tests share one naive
// reference and one check; each test states its own tolerance.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_KERNELS_CUBE_MATMUL_TEST_UTIL_H
#define GEFLOW_TEST_KERNELS_CUBE_MATMUL_TEST_UTIL_H

#include "cube/cube_test_util.h"
#include "cube/low_precision_test_util.h"
#include "kernels/cube/gemm_common.h"

#include <algorithm>
#include <array>
#include <sstream>
#include <string>
#include <vector>

namespace geflow::kernels::testing {

struct MatmulCase {
  std::vector<int64_t> a, b; // stored shapes of x1 and x2
  bool transA = false, transB = false;
  DtypeCase dt{DType::F32, DType::F32};
  DType biasDtype = DType::F32;
  bool bias = false;
  bool constB = false;
  std::string act = "none";
  bool batched = false;

  const char *kernel() const { return batched ? "batch_matmul" : "matmul"; }
  std::string describe() const {
    std::ostringstream os;
    os << kernel() << " " << dt.label() << " x1 " << cube::shapeString(a)
       << " x2 " << cube::shapeString(b) << " tA=" << transA << " tB=" << transB
       << " bias=" << (bias ? rt::dtypeName(biasDtype) : "none")
       << " const=" << constB << " act=" << act;
    return os.str();
  }
};

/// The broadcast output of a case, in double, with the absolute-sum scale
/// (|bias| included) per output.
struct MatmulReference {
  std::vector<int64_t> shape;
  std::vector<double> value, scale;
};

inline MatmulReference matmulReference(const MatmulCase &c,
                                       const std::vector<float> &x1,
                                       const std::vector<float> &x2,
                                       const std::vector<float> &bias) {
  size_t r1 = c.a.size(), r2 = c.b.size(), rank = std::max(r1, r2) - 2;
  int64_t M = c.a[r1 - (c.transA ? 1 : 2)], K = c.a[r1 - (c.transA ? 2 : 1)];
  int64_t N = c.b[r2 - (c.transB ? 2 : 1)];
  std::vector<int64_t> out(rank), aDim(rank, 1), bDim(rank, 1);
  for (size_t d = 0; d < rank; ++d) {
    int o1 = int(d) - int(rank) + int(r1) - 2,
        o2 = int(d) - int(rank) + int(r2) - 2;
    aDim[d] = o1 >= 0 ? c.a[o1] : 1;
    bDim[d] = o2 >= 0 ? c.b[o2] : 1;
    out[d] = std::max(aDim[d], bDim[d]);
  }
  int64_t batch = 1;
  for (int64_t d : out)
    batch *= d;
  MatmulReference ref;
  ref.shape = out;
  ref.shape.push_back(M);
  ref.shape.push_back(N);
  ref.value.resize(batch * M * N);
  ref.scale.resize(batch * M * N);
  for (int64_t bi = 0; bi < batch; ++bi) {
    int64_t rest = bi, aMat = 0, bMat = 0, aMul = 1, bMul = 1;
    for (int d = int(rank) - 1; d >= 0; --d) {
      int64_t idx = rest % out[d];
      rest /= out[d];
      aMat += (aDim[d] == 1 ? 0 : idx) * aMul;
      bMat += (bDim[d] == 1 ? 0 : idx) * bMul;
      aMul *= aDim[d];
      bMul *= bDim[d];
    }
    const float *A = x1.data() + aMat * M * K, *B = x2.data() + bMat * K * N;
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double s = bias.empty() ? 0.0 : bias[j], sc = std::fabs(s);
        for (int64_t k = 0; k < K; ++k) {
          double p = double(c.transA ? A[k * M + i] : A[i * K + k]) *
                     (c.transB ? B[j * K + k] : B[k * N + j]);
          s += p;
          sc += std::fabs(p);
        }
        int64_t o = (bi * M + i) * N + j;
        ref.value[o] = activationRef(c.act, s, 0.1);
        ref.scale[o] = sc;
      }
  }
  return ref;
}

/// The tiling context of a case without its output (the caller adds it).
inline TilingContext matmulContext(const MatmulCase &c, const SocInfo *soc) {
  TilingContext ctx;
  ctx.inputs.push_back(desc(c.dt.in, c.a));
  ctx.inputs.push_back(desc(c.dt.in, c.b));
  ctx.inputs[1].isConst = c.constB;
  if (c.bias)
    ctx.inputs.push_back(
        desc(c.biasDtype, {c.b[c.b.size() - (c.transB ? 2 : 1)]}));
  ctx.attrs.set(c.batched ? "adj_x1" : "transpose_x1", int64_t(c.transA));
  ctx.attrs.set(c.batched ? "adj_x2" : "transpose_x2", int64_t(c.transB));
  ctx.attrs.set("activation", c.act);
  ctx.attrs.set("alpha", 0.1);
  ctx.soc = soc;
  return ctx;
}

/// A matmul case of x1 [M, K] and x2 [K, N] with `mnk` = {M, N, K}:
/// `variant` bit 0 transposes x1, bit 1 transposes x2.
inline MatmulCase matmulCase(const std::array<int64_t, 3> &mnk, int variant) {
  auto [M, N, K] = mnk;
  MatmulCase c;
  c.transA = variant & 1;
  c.transB = variant & 2;
  c.a = c.transA ? std::vector<int64_t>{K, M} : std::vector<int64_t>{M, K};
  c.b = c.transB ? std::vector<int64_t>{N, K} : std::vector<int64_t>{K, N};
  return c;
}

/// The stored shapes of a batch_matmul case with x1 and x2 given as if not
/// adjoint: `variant` bit 0 adjoins x1, bit 1 adjoins x2.
inline MatmulCase batchMatmulCase(std::vector<int64_t> a,
                                  std::vector<int64_t> b, int variant) {
  MatmulCase c;
  c.batched = true;
  c.transA = variant & 1;
  c.transB = variant & 2;
  c.a = std::move(a);
  c.b = std::move(b);
  if (c.transA)
    std::swap(c.a[c.a.size() - 1], c.a[c.a.size() - 2]);
  if (c.transB)
    std::swap(c.b[c.b.size() - 1], c.b[c.b.size() - 2]);
  return c;
}

/// Runs one case on `isa` with the tiling `soc` gives (or `forced`) on
/// random operands (seeds `seed` .. `seed + 2`) and holds the result to
/// `tol` against matmulReference.
inline void checkMatmul(const MatmulCase &c, const SocInfo &soc, Isa isa,
                        const Tolerance &tol, uint32_t seed,
                        const TilingResult *forced = nullptr) {
  SCOPED_TRACE(c.describe() + ranOn(isa, soc));
  TilingContext ctx = matmulContext(c, &soc);
  StoredTensor x1 = storedRandom(c.dt.in, rt::numElements(c.a), seed);
  StoredTensor x2 = storedRandom(c.dt.in, rt::numElements(c.b), seed + 1);
  StoredTensor bias;
  if (c.bias)
    bias = storedRandom(c.biasDtype, ctx.inputs[2].shape[0], seed + 2);
  MatmulReference ref = matmulReference(c, x1.values, x2.values, bias.values);
  ctx.outputs.push_back(desc(c.dt.out, ref.shape));
  OutputBuffer y(c.dt.out, ref.value.size());
  std::vector<const void *> ins = {x1.data(), x2.data()};
  if (c.bias)
    ins.push_back(bias.data());
  Status st = runKernel(c.kernel(), ctx, ins, {y.data()}, isa, forced);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(withinTolerance(y.values(), ref.value, ref.scale, tol, c.dt.out));
  EXPECT_TRUE(y.guardIntact()) << "wrote past the output";
}

} // namespace geflow::kernels::testing

#endif // GEFLOW_TEST_KERNELS_CUBE_MATMUL_TEST_UTIL_H
