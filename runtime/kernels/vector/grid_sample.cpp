//===- grid_sample.cpp - grid_sample (2-D, PyTorch / ONNX GridSample) -----===//
//
// y[n, c, i, j] samples x[n, c] at grid[n, i, j] = (gx, gy) in [-1, 1],
// unnormalized to pixels ((g + 1) / 2 * (size - 1) with align_corners, else
// ((g + 1) * size - 1) / 2), exactly as torch.nn.functional.grid_sample:
//   bilinear: the 4 surrounding pixels, out-of-range ones read 0;
//   nearest:  the pixel at the coordinate rounded half to even;
//   bicubic:  the 4x4 pixels around floor(coordinate), A = -0.75.
// padding_mode zeros reads 0 outside; border clamps the coordinate (bicubic:
// every tap's index) to the image; reflection mirrors it at the borders
// (pixel centers with align_corners, pixel edges otherwise) before the
// clamp. x, grid and y share one dtype (f32, f16 or bf16); arithmetic in
// f32 like PyTorch's CPU kernel, one rounding of y. Blocks split the
// output rows (n, c, i).
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Half.h"
#include "kernels/common/kernel_families.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/nd_shape.h"

#include <algorithm>
#include <cmath>

namespace geflow::kernels::vec {

namespace {

enum class Interp : int32_t { Bilinear, Nearest, Bicubic };
enum class Padding : int32_t { Zeros, Border, Reflection };

struct GridSampleTiling {
  int32_t interp, padding;
  uint8_t alignCorners, dtype, pad[6];
  int64_t n, c, h, w, ho, wo;
};

Status gridSampleTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "grid_sample";
  GEFLOW_RETURN_IF_ERROR(checkArity(op, ctx, 2, 2, 1, 1));
  const TensorDesc &x = ctx.inputs[0], &grid = ctx.inputs[1];
  if (!rt::isFloat(x.dtype))
    return unsupported(op + ": input 0 (x) has dtype " +
                       std::string(rt::dtypeName(x.dtype)) +
                       ", expected float32, float16 or bfloat16");
  GEFLOW_RETURN_IF_ERROR(checkDtype(op, "input 1 (grid)", grid.dtype, x.dtype));
  GEFLOW_RETURN_IF_ERROR(
      checkDtype(op, "output 0", ctx.outputs[0].dtype, x.dtype));
  if (x.shape.size() != 4)
    return invalidArgument(op + ": input 0 (x) must be [N, C, H, W], got " +
                           shapeStr(x.shape));
  if (grid.shape.size() != 4 || grid.shape[0] != x.shape[0] ||
      grid.shape[3] != 2)
    return invalidArgument(op +
                           ": input 1 (grid) must be [N, H_out, W_out, 2] "
                           "with N = " +
                           std::to_string(x.shape[0]) + ", got " +
                           shapeStr(grid.shape));
  GEFLOW_RETURN_IF_ERROR(
      checkShape(op, "output 0", ctx.outputs[0].shape,
                 {x.shape[0], x.shape[1], grid.shape[1], grid.shape[2]}));
  GridSampleTiling t{};
  std::string mode = ctx.attrs.getString("mode", "bilinear");
  std::string padding = ctx.attrs.getString("padding_mode", "zeros");
  if (mode == "bilinear")
    t.interp = int32_t(Interp::Bilinear);
  else if (mode == "nearest")
    t.interp = int32_t(Interp::Nearest);
  else if (mode == "bicubic")
    t.interp = int32_t(Interp::Bicubic);
  else
    return invalidArgument(op + ": mode \"" + mode +
                           "\" is not bilinear, nearest or bicubic");
  if (padding == "zeros")
    t.padding = int32_t(Padding::Zeros);
  else if (padding == "border")
    t.padding = int32_t(Padding::Border);
  else if (padding == "reflection")
    t.padding = int32_t(Padding::Reflection);
  else
    return invalidArgument(op + ": padding_mode \"" + padding +
                           "\" is not zeros, border or reflection");
  t.alignCorners = ctx.attrs.getInt("align_corners", 0) != 0;
  t.dtype = static_cast<uint8_t>(x.dtype);
  t.n = x.shape[0];
  t.c = x.shape[1];
  t.h = x.shape[2];
  t.w = x.shape[3];
  t.ho = grid.shape[1];
  t.wo = grid.shape[2];
  int64_t rows = t.n * t.c * t.ho;
  result->blockDim = chooseBlockDim(
      socOf(ctx), std::max<int64_t>(rows, 1),
      rows * t.wo * 4 * (t.interp == int32_t(Interp::Bicubic) ? 16 : 4));
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

// Element access by storage dtype.
float load(DType dt, const void *p, int64_t i) {
  switch (dt) {
  case DType::F16:
    return rt::halfToFloat(static_cast<const uint16_t *>(p)[i]);
  case DType::BF16:
    return rt::bf16ToFloat(static_cast<const uint16_t *>(p)[i]);
  default:
    return static_cast<const float *>(p)[i];
  }
}
void store(DType dt, void *p, int64_t i, float v) {
  switch (dt) {
  case DType::F16:
    static_cast<uint16_t *>(p)[i] = rt::floatToHalf(v);
    break;
  case DType::BF16:
    static_cast<uint16_t *>(p)[i] = rt::floatToBf16(v);
    break;
  default:
    static_cast<float *>(p)[i] = v;
  }
}

float unnormalize(float g, int64_t size, bool align) {
  return align ? (g + 1) / 2 * float(size - 1)
               : ((g + 1) * float(size) - 1) / 2;
}

/// PyTorch's reflect_coordinates over [twiceLow / 2, twiceHigh / 2].
float reflect(float in, int64_t twiceLow, int64_t twiceHigh) {
  if (twiceLow == twiceHigh)
    return 0;
  float lo = float(twiceLow) / 2, span = float(twiceHigh - twiceLow) / 2;
  in = std::fabs(in - lo);
  float extra = std::fmod(in, span);
  int flips = static_cast<int>(std::floor(in / span));
  return flips % 2 == 0 ? extra + lo : span - extra + lo;
}

/// The coordinate after border / reflection padding.
float padCoordinate(float v, int64_t size, Padding padding, bool align) {
  if (padding == Padding::Reflection)
    v = align ? reflect(v, 0, 2 * (size - 1)) : reflect(v, -1, 2 * size - 1);
  if (padding != Padding::Zeros)
    v = std::min(std::max(v, 0.f), float(size - 1));
  return v;
}

struct Sampler {
  const GridSampleTiling &t;
  DType dt;
  const void *plane; // x[n, c]
  int64_t planeOffset;

  float at(int64_t yy, int64_t xx) const {
    if (yy < 0 || yy >= t.h || xx < 0 || xx >= t.w)
      return 0;
    return load(dt, plane, planeOffset + yy * t.w + xx);
  }
};

void cubicCoefficients(float s, float c[4]) {
  const float a = -0.75f;
  auto near = [&](float x) { return ((a + 2) * x - (a + 3)) * x * x + 1; };
  auto far = [&](float x) { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; };
  c[0] = far(s + 1);
  c[1] = near(s);
  c[2] = near(1 - s);
  c[3] = far(2 - s);
}

float sample(const Sampler &s, float gx, float gy) {
  const GridSampleTiling &t = s.t;
  Padding padding = Padding(t.padding);
  bool align = t.alignCorners;
  float ix = unnormalize(gx, t.w, align), iy = unnormalize(gy, t.h, align);
  switch (Interp(t.interp)) {
  case Interp::Nearest: {
    ix = padCoordinate(ix, t.w, padding, align);
    iy = padCoordinate(iy, t.h, padding, align);
    return s.at(static_cast<int64_t>(std::nearbyint(iy)),
                static_cast<int64_t>(std::nearbyint(ix)));
  }
  case Interp::Bilinear: {
    ix = padCoordinate(ix, t.w, padding, align);
    iy = padCoordinate(iy, t.h, padding, align);
    float fx = std::floor(ix), fy = std::floor(iy);
    int64_t x0 = int64_t(fx), y0 = int64_t(fy);
    float ex = ix - fx, ey = iy - fy;
    return s.at(y0, x0) * (1 - ex) * (1 - ey) +
           s.at(y0, x0 + 1) * ex * (1 - ey) + s.at(y0 + 1, x0) * (1 - ex) * ey +
           s.at(y0 + 1, x0 + 1) * ex * ey;
  }
  default: { // bicubic: padding applies to every tap's index
    float fx = std::floor(ix), fy = std::floor(iy);
    float cx[4], cy[4];
    cubicCoefficients(ix - fx, cx);
    cubicCoefficients(iy - fy, cy);
    float sum = 0;
    for (int i = 0; i < 4; ++i) {
      float row = 0;
      for (int j = 0; j < 4; ++j) {
        float xx = padCoordinate(fx - 1 + j, t.w, padding, align);
        float yy = padCoordinate(fy - 1 + i, t.h, padding, align);
        row += s.at(int64_t(yy), int64_t(xx)) * cx[j];
      }
      sum += row * cy[i];
    }
    return sum;
  }
  }
}

int32_t gridSampleKernel(const KernelArgs &args, uint32_t blockIdx,
                         uint32_t blockDim) {
  GridSampleTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 2 || args.numOutputs != 1)
    return kVecErrBadTiling;
  DType dt = DType(t.dtype);
  int64_t begin, end;
  blockRange(t.n * t.c * t.ho, blockIdx, blockDim, &begin, &end);
  for (int64_t row = begin; row < end; ++row) {
    int64_t i = row % t.ho, nc = row / t.ho, n = nc / t.c;
    Sampler s{t, dt, args.inputs[0], nc * t.h * t.w};
    int64_t gridRow = (n * t.ho + i) * t.wo * 2;
    for (int64_t j = 0; j < t.wo; ++j) {
      float gx = load(dt, args.inputs[1], gridRow + 2 * j);
      float gy = load(dt, args.inputs[1], gridRow + 2 * j + 1);
      store(dt, args.outputs[0], row * t.wo + j, sample(s, gx, gy));
    }
  }
  return 0;
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerGridSampleKernels(KernelRegistry &registry) {
  using namespace vec;
  KernelDef def{"grid_sample", gridSampleTiling, nullptr, {}};
  for (DType dt : {DType::F32, DType::F16, DType::BF16})
    def.impls.push_back({dt, Isa::Portable, gridSampleKernel});
  registry.add(std::move(def));
}

} // namespace geflow::kernels
