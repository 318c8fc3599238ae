//===- conv3d_test.cpp - conv3d / conv3d_transpose against a reference ----===//
//
// A naive double-precision reference (direct sums for conv3d, scatter-adds
// for conv3d_transpose) from the stored (rounded) operands. Tolerance, as
// conv2d: |y - ref| <= 1e-5 * sum |x w| + 1e-5, plus u * |ref| (u = 2^-11
// for f16 outputs, 2^-8 for bf16) when y is f16/bf16. Every case runs in
// f32, f16 -> f16/f32 and bf16 -> bf16/f32 on every ISA the CPU has
// (portable, AVX2, AVX-512), on soc variants (1, 2 and 5 cores; a 16 KiB L2
// so slices split into many pixel chunks), with tilings made for one ISA
// run on another. Outputs are pre-filled with NaN and checked one element
// past the end.
//
//===----------------------------------------------------------------------===//

#include "cube/low_precision_test_util.h"
#include "kernels/cube/conv3d_tiling.h"

#include <gtest/gtest.h>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {

struct Conv3dCase {
  bool transpose = false;
  std::vector<int64_t> x, filter; // NCDHW; [Cout|Cin, Cin/g|Cout/g, KD, KH, KW]
  std::vector<int64_t> strides = {1, 1, 1}, pads = {0, 0, 0, 0, 0, 0},
                       dilations = {1, 1, 1}, outputPadding = {0, 0, 0};
  int64_t groups = 1;
  bool bias = false;

  std::string describe() const {
    std::ostringstream os;
    os << (transpose ? "conv3d_transpose" : "conv3d") << " x "
       << cube::shapeString(x) << " w " << cube::shapeString(filter) << " s "
       << cube::shapeString(strides) << " p " << cube::shapeString(pads)
       << " d " << cube::shapeString(dilations) << " op "
       << cube::shapeString(outputPadding) << " g " << groups
       << " bias=" << bias;
    return os.str();
  }
  std::string kernel() const {
    return transpose ? "conv3d_transpose" : "conv3d";
  }
  int64_t cout() const { return transpose ? filter[1] * groups : filter[0]; }
  std::vector<int64_t> outShape() const {
    std::vector<int64_t> out = {x[0], cout()};
    for (int i = 0; i < 3; ++i) {
      int64_t span = dilations[i] * (filter[2 + i] - 1) + 1;
      out.push_back(transpose ? strides[i] * (x[2 + i] - 1) + outputPadding[i] +
                                    span - pads[2 * i] - pads[2 * i + 1]
                              : (x[2 + i] + pads[2 * i] + pads[2 * i + 1] -
                                 span) / strides[i] +
                                    1);
    }
    return out;
  }
};

/// y and sum |x w| (+ |bias|) per output element.
void conv3dReference(const Conv3dCase &c, const std::vector<float> &x,
                     const std::vector<float> &w, const std::vector<float> &b,
                     std::vector<double> *ref, std::vector<double> *scale) {
  const std::vector<int64_t> y = c.outShape();
  const int64_t n = c.x[0], cin = c.x[1], D = c.x[2], H = c.x[3], W = c.x[4];
  const int64_t cout = c.cout(), OD = y[2], OH = y[3], OW = y[4];
  const int64_t cinG = cin / c.groups, coutG = cout / c.groups;
  const int64_t KD = c.filter[2], KH = c.filter[3], KW = c.filter[4];
  ref->assign(geflow::rt::numElements(y), 0.0);
  scale->assign(ref->size(), 0.0);
  auto yAt = [&](int64_t in, int64_t co, int64_t d, int64_t h, int64_t ww) {
    return (((in * cout + co) * OD + d) * OH + h) * OW + ww;
  };
  for (int64_t in = 0; in < n; ++in)
    for (int64_t ci = 0; ci < cin; ++ci)
      for (int64_t id = 0; id < D; ++id)
        for (int64_t ih = 0; ih < H; ++ih)
          for (int64_t iw = 0; iw < W; ++iw) {
            const double xv = x[(((in * cin + ci) * D + id) * H + ih) * W + iw];
            const int64_t g = ci / cinG;
            for (int64_t col = 0; col < coutG; ++col)
              for (int64_t kd = 0; kd < KD; ++kd)
                for (int64_t kh = 0; kh < KH; ++kh)
                  for (int64_t kw = 0; kw < KW; ++kw) {
                    int64_t co = g * coutG + col;
                    int64_t od, oh, ow;
                    double wv;
                    if (c.transpose) {
                      od = id * c.strides[0] - c.pads[0] + kd * c.dilations[0];
                      oh = ih * c.strides[1] - c.pads[2] + kh * c.dilations[1];
                      ow = iw * c.strides[2] - c.pads[4] + kw * c.dilations[2];
                      wv = w[(((ci * coutG + col) * KD + kd) * KH + kh) * KW +
                             kw];
                    } else {
                      // Output o reads input o * s - pad + k * dil.
                      int64_t a = id + c.pads[0] - kd * c.dilations[0];
                      int64_t bh = ih + c.pads[2] - kh * c.dilations[1];
                      int64_t bw = iw + c.pads[4] - kw * c.dilations[2];
                      if (a % c.strides[0] || bh % c.strides[1] ||
                          bw % c.strides[2])
                        continue;
                      od = a / c.strides[0];
                      oh = bh / c.strides[1];
                      ow = bw / c.strides[2];
                      if (a < 0 || bh < 0 || bw < 0)
                        continue;
                      wv = w[(((co * cinG + (ci - g * cinG)) * KD + kd) * KH +
                              kh) *
                                 KW +
                             kw];
                    }
                    if (od < 0 || od >= OD || oh < 0 || oh >= OH || ow < 0 ||
                        ow >= OW)
                      continue;
                    int64_t at = yAt(in, co, od, oh, ow);
                    (*ref)[at] += xv * wv;
                    (*scale)[at] += std::fabs(xv * wv);
                  }
          }
  if (c.bias)
    for (size_t i = 0; i < ref->size(); ++i) {
      int64_t co = (int64_t(i) / (OD * OH * OW)) % cout;
      (*ref)[i] += b[co];
      (*scale)[i] += std::fabs(b[co]);
    }
}

void checkConv3d(const Conv3dCase &c, DtypeCase dt, const SocInfo &soc,
                 Isa isa) {
  SCOPED_TRACE(c.describe() + " " + dt.label() + ranOn(isa, soc) +
               " l2=" + std::to_string(soc.l2Size));
  StoredTensor x = storedRandom(dt.in, geflow::rt::numElements(c.x), 3);
  StoredTensor w = storedRandom(dt.in, geflow::rt::numElements(c.filter), 5);
  StoredTensor b = storedRandom(dt.in, size_t(c.cout()), 7);
  std::vector<double> ref, scale;
  conv3dReference(c, x.values, w.values, b.values, &ref, &scale);
  TilingContext ctx;
  ctx.inputs = {desc(dt.in, c.x), desc(dt.in, c.filter)};
  if (c.bias)
    ctx.inputs.push_back(desc(dt.in, {c.cout()}));
  ctx.outputs = {desc(dt.out, c.outShape())};
  ctx.attrs.set("strides", c.strides);
  ctx.attrs.set("pads", c.pads);
  ctx.attrs.set("dilations", c.dilations);
  ctx.attrs.set("groups", c.groups);
  if (c.transpose)
    ctx.attrs.set("output_padding", c.outputPadding);
  ctx.soc = &soc;
  OutputBuffer y(dt.out, ref.size());
  std::vector<const void *> ins = {x.data(), w.data()};
  if (c.bias)
    ins.push_back(b.data());
  Status st = runKernel(c.kernel(), ctx, ins, {y.data()}, isa);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(y.guardIntact()) << "wrote past the output";
  Tolerance tol{1e-5, 1e-5, dt.out != DType::F32 || dt.in != DType::F32};
  EXPECT_TRUE(withinTolerance(y.values(), ref, scale, tol, dt.out));
}

std::vector<Conv3dCase> cases() {
  std::vector<Conv3dCase> out;
  auto conv = [&](std::vector<int64_t> x, std::vector<int64_t> w) {
    Conv3dCase c;
    c.x = std::move(x);
    c.filter = std::move(w);
    return c;
  };
  Conv3dCase c = conv({1, 3, 5, 6, 7}, {4, 3, 3, 3, 3});
  c.pads = {1, 1, 1, 1, 1, 1};
  c.bias = true;
  out.push_back(c);
  c = conv({2, 4, 6, 5, 9}, {6, 2, 2, 3, 2});
  c.groups = 2;
  c.strides = {2, 1, 2};
  c.pads = {0, 1, 1, 0, 2, 1};
  c.dilations = {1, 2, 1};
  out.push_back(c);
  c = conv({1, 4, 4, 4, 7}, {8, 1, 3, 1, 3}); // depthwise, multiplier 2
  c.groups = 4;
  c.strides = {1, 2, 3};
  c.pads = {1, 1, 0, 0, 1, 1};
  c.bias = true;
  out.push_back(c);
  c = conv({1, 2, 3, 20, 30}, {5, 2, 1, 3, 3}); // many pixel chunks
  c.pads = {0, 0, 1, 1, 1, 1};
  out.push_back(c);
  c = conv({1, 1, 3, 4, 5}, {1, 2, 3, 3, 3}); // ONNX test_convtranspose_3d
  c.transpose = true;
  out.push_back(c);
  c = conv({1, 2, 3, 4, 5}, {2, 3, 3, 3, 3});
  c.transpose = true;
  c.strides = {2, 2, 2};
  c.pads = {1, 1, 1, 1, 1, 1};
  c.outputPadding = {1, 0, 1};
  c.bias = true;
  out.push_back(c);
  c = conv({2, 4, 3, 3, 2}, {4, 2, 2, 3, 2});
  c.transpose = true;
  c.groups = 2;
  c.strides = {1, 2, 3};
  c.dilations = {2, 1, 1};
  c.pads = {0, 1, 1, 0, 0, 2};
  c.bias = true;
  out.push_back(c);
  c = conv({1, 3, 2, 9, 11}, {3, 2, 2, 2, 3}); // many chunks, transposed
  c.transpose = true;
  c.strides = {1, 2, 2};
  c.pads = {0, 0, 1, 0, 1, 1};
  out.push_back(c);
  return out;
}

std::vector<DtypeCase> allDtypes() {
  std::vector<DtypeCase> out = {{DType::F32, DType::F32}};
  for (const DtypeCase &d : lowPrecisionCases())
    out.push_back(d);
  return out;
}

TEST(Conv3dTest, EveryCaseDtypeAndIsa) {
  for (const Conv3dCase &c : cases())
    for (const DtypeCase &dt : allDtypes())
      for (Isa isa : runnableIsas())
        checkConv3d(c, dt, socVariant(isa), isa);
}

TEST(Conv3dTest, SocVariantsAndForeignTilings) {
  for (const Conv3dCase &c : cases())
    for (Isa isa : runnableIsas()) {
      for (uint32_t cores : {1u, 5u})
        checkConv3d(c, {DType::F32, DType::F32}, socVariant(isa, cores), isa);
      // A 16 KiB L2: 64-pixel chunks, many tasks per slice.
      checkConv3d(c, {DType::BF16, DType::F32},
                  socVariant(isa, 3, 0, 16 * 1024), isa);
      // Tiled for AVX-512, run by this ISA (chunks are ISA-independent).
      checkConv3d(c, {DType::F32, DType::F32}, socVariant(Isa::AVX512), isa);
    }
}

TEST(Conv3dTest, RejectsBadOperands) {
  auto tile = [](const std::string &k, std::vector<TensorDesc> in,
                 AttrMap attrs = {}) {
    TilingContext ctx;
    ctx.inputs = std::move(in);
    ctx.attrs = std::move(attrs);
    TilingResult r;
    return KernelRegistry::global().find(k)->tiling(ctx, &r);
  };
  Status st = tile("conv3d", {f32({1, 3, 4, 4}), f32({2, 3, 1, 1})});
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.toString().find("must be 5-D"), std::string::npos)
      << st.toString();
  st = tile("conv3d", {f32({1, 3, 4, 4, 4}), f32({2, 2, 1, 1, 1})});
  EXPECT_NE(st.toString().find("Cin/1 = 3"), std::string::npos)
      << st.toString();
  AttrMap g;
  g.set("groups", int64_t(2));
  st =
      tile("conv3d_transpose", {f32({1, 3, 4, 4, 4}), f32({3, 2, 1, 1, 1})}, g);
  EXPECT_NE(st.toString().find("not divisible by groups 2"), std::string::npos)
      << st.toString();
  st = tile("conv3d", {f32({1, 3, 2, 4, 4}), f32({2, 3, 3, 1, 1})});
  EXPECT_NE(st.toString().find("does not fit"), std::string::npos)
      << st.toString();
  AttrMap op;
  op.set("strides", std::vector<int64_t>{2, 2, 2});
  op.set("output_padding", std::vector<int64_t>{0, 2, 0});
  st = tile("conv3d_transpose", {f32({1, 3, 4, 4, 4}), f32({3, 2, 1, 1, 1})},
            op);
  EXPECT_NE(st.toString().find("output_padding"), std::string::npos)
      << st.toString();
  st =
      tile("conv3d", {desc(DType::F16, {1, 3, 4, 4, 4}), f32({2, 3, 1, 1, 1})});
  EXPECT_NE(st.toString().find("filter has dtype"), std::string::npos)
      << st.toString();
}

} // namespace
