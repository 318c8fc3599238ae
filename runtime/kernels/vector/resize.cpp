//===- resize.cpp - resize: nearest / linear / cubic resampling -----------===//
//
// ONNX Resize semantics (as the ONNX reference computes them): per dim d the
// output coordinate o maps to a source coordinate s(o) by the coordinate
// transformation mode, with scale[d] read from the optional `scales` input
// at run time (else out[d] / in[d]) and the "output width" scale[d] * in[d]
// (a real number, as the reference uses it). s selects taps at
// base + k, base = ceil(s) - 1, ratio = s - base in (0, 1]:
//   nearest: one of base, base + 1 by nearest_mode
//   linear:  base, base + 1 with weights 1 - ratio, ratio
//   cubic:   base - 1 .. base + 2 with Keys' weights (coefficient A)
// Taps outside the input read the edge element, or get weight 0 (weights
// renormalized) with exclude_outside. Dims combine separably: an output is
// the sum over tap combinations of x * the product of the dims' weights
// (taps of weight 0 skipped, so unresized dims cost one tap). With
// tf_crop_and_resize a source coordinate outside [0, in - 1] gives
// extrapolation_value. x and y are f32, f16 or bf16 (one dtype), roi and
// scales any of them; weights and sums are in double, rounded once to y's
// dtype.
// Blocks split output elements; the per-dim taps are computed on the fly.
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

enum class Mode : int32_t { Nearest, Linear, Cubic };
enum class Coord : int32_t {
  HalfPixel,
  PytorchHalfPixel,
  AlignCorners,
  Asymmetric,
  TfHalfPixelForNn,
  TfCropAndResize
};
enum class Nearest : int32_t { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };

struct ResizeTiling {
  int32_t rank, mode, coord, nearest;
  uint8_t excludeOutside, hasRoi, hasScales, dtype;
  uint8_t roiDtype, scalesDtype, pad[2];
  double cubicA, extrapolation;
  int64_t total;
  int64_t in[kMaxRank], out[kMaxRank], inStride[kMaxRank];
};

template <typename E>
bool parseEnum(const std::string &value,
               std::initializer_list<std::pair<const char *, E>> names,
               E *out) {
  for (const auto &[name, e] : names)
    if (value == name) {
      *out = e;
      return true;
    }
  return false;
}

Status resizeTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "resize";
  GEFLOW_RETURN_IF_ERROR(checkArity(op, ctx, 1, 3, 1, 1));
  const TensorDesc &x = ctx.inputs[0], &y = ctx.outputs[0];
  if (!rt::isFloat(x.dtype))
    return unsupported(op + ": input 0 (x) has dtype " +
                       std::string(rt::dtypeName(x.dtype)) +
                       ", expected float32, float16 or bfloat16");
  GEFLOW_RETURN_IF_ERROR(checkDtype(op, "output 0", y.dtype, x.dtype));
  size_t rank = x.shape.size();
  GEFLOW_RETURN_IF_ERROR(checkRank(op, "input 0 (x)", rank));
  if (rank == 0 || y.shape.size() != rank)
    return invalidArgument(op + ": output 0 has shape " + shapeStr(y.shape) +
                           ", expected rank " + std::to_string(rank) +
                           " >= 1 like input 0 " + shapeStr(x.shape));
  ResizeTiling t{};
  t.rank = static_cast<int32_t>(rank);
  t.dtype = static_cast<uint8_t>(x.dtype);
  Mode mode;
  Coord coord;
  Nearest nearest;
  std::string modeName = ctx.attrs.getString("mode", "nearest");
  std::string coordName =
      ctx.attrs.getString("coordinate_transformation_mode", "half_pixel");
  std::string nearestName =
      ctx.attrs.getString("nearest_mode", "round_prefer_floor");
  if (!parseEnum(modeName,
                 {{"nearest", Mode::Nearest},
                  {"linear", Mode::Linear},
                  {"cubic", Mode::Cubic}},
                 &mode))
    return invalidArgument(op + ": mode \"" + modeName +
                           "\" is not nearest, linear or cubic");
  if (!parseEnum(coordName,
                 {{"half_pixel", Coord::HalfPixel},
                  {"pytorch_half_pixel", Coord::PytorchHalfPixel},
                  {"align_corners", Coord::AlignCorners},
                  {"asymmetric", Coord::Asymmetric},
                  {"tf_half_pixel_for_nn", Coord::TfHalfPixelForNn},
                  {"tf_crop_and_resize", Coord::TfCropAndResize}},
                 &coord))
    return invalidArgument(op + ": coordinate_transformation_mode \"" +
                           coordName + "\" is not supported");
  if (!parseEnum(nearestName,
                 {{"round_prefer_floor", Nearest::RoundPreferFloor},
                  {"round_prefer_ceil", Nearest::RoundPreferCeil},
                  {"floor", Nearest::Floor},
                  {"ceil", Nearest::Ceil}},
                 &nearest))
    return invalidArgument(op + ": nearest_mode \"" + nearestName +
                           "\" is not supported");
  t.mode = static_cast<int32_t>(mode);
  t.coord = static_cast<int32_t>(coord);
  t.nearest = static_cast<int32_t>(nearest);
  t.hasRoi = ctx.attrs.getInt("has_roi", 0) != 0;
  t.hasScales = ctx.attrs.getInt("has_scales", 0) != 0;
  if (ctx.inputs.size() != 1u + t.hasRoi + t.hasScales)
    return invalidArgument(op + ": expects " +
                           std::to_string(1 + t.hasRoi + t.hasScales) +
                           " inputs (x" + (t.hasRoi ? ", roi" : "") +
                           (t.hasScales ? ", scales" : "") + "), got " +
                           std::to_string(ctx.inputs.size()));
  if (coord == Coord::TfCropAndResize && !t.hasRoi)
    return invalidArgument(op + ": tf_crop_and_resize needs the roi input");
  size_t next = 1;
  for (auto [present, what, count, dtype] :
       {std::tuple<bool, const char *, size_t, uint8_t *>{
            t.hasRoi, "roi", 2 * rank, &t.roiDtype},
        {t.hasScales, "scales", rank, &t.scalesDtype}}) {
    if (!present)
      continue;
    const TensorDesc &d = ctx.inputs[next];
    std::string name = "input " + std::to_string(next++) + " (" + what + ")";
    if (!rt::isFloat(d.dtype))
      return invalidArgument(op + ": " + name + " has dtype " +
                             std::string(rt::dtypeName(d.dtype)) +
                             ", expected float32, float16 or bfloat16");
    *dtype = static_cast<uint8_t>(d.dtype);
    GEFLOW_RETURN_IF_ERROR(
        checkShape(op, name, d.shape, {static_cast<int64_t>(count)}));
  }
  t.excludeOutside = ctx.attrs.getInt("exclude_outside", 0) != 0;
  t.cubicA = ctx.attrs.getFloat("cubic_coeff_a", -0.75);
  t.extrapolation = ctx.attrs.getFloat("extrapolation_value", 0.0);
  std::vector<int64_t> strides = contiguousStrides(x.shape);
  for (size_t d = 0; d < rank; ++d) {
    t.in[d] = x.shape[d];
    t.out[d] = y.shape[d];
    t.inStride[d] = strides[d];
    if (t.in[d] == 0 && t.out[d] != 0)
      return invalidArgument(op + ": cannot resize the empty dim " +
                             std::to_string(d) + " of input 0 " +
                             shapeStr(x.shape) + " to " +
                             std::to_string(t.out[d]));
  }
  t.total = rt::numElements(y.shape);
  result->blockDim =
      chooseBlockDim(socOf(ctx), std::max<int64_t>(t.total / 64, 1),
                     t.total * 4 * (mode == Mode::Cubic ? 16 : 4));
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

/// Taps of one dim for output coordinate o: positions (clamped to the
/// input) and weights; nullopt when tf_crop_and_resize extrapolates.
struct Taps {
  int64_t idx[4];
  double w[4];
  int n = 0;
};

bool dimTaps(const ResizeTiling &t, int d, int64_t o, double scale,
             const double *roi, Taps *taps) {
  const int64_t len = t.in[d];
  const double width = scale * static_cast<double>(len); // as the reference
  const double x = static_cast<double>(o);
  double s = 0;
  switch (static_cast<Coord>(t.coord)) {
  case Coord::HalfPixel:
    s = (x + 0.5) / scale - 0.5;
    break;
  case Coord::PytorchHalfPixel:
    s = width == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    break;
  case Coord::AlignCorners:
    s = width == 1 ? 0.0 : x * (len - 1) / (width - 1);
    break;
  case Coord::Asymmetric:
    s = x / scale;
    break;
  case Coord::TfHalfPixelForNn:
    s = (x + 0.5) / scale;
    break;
  case Coord::TfCropAndResize: {
    double start = roi[d], end = roi[t.rank + d];
    s = width == 1 ? (end - start) * (len - 1) / 2
                   : x * (end - start) * (len - 1) / (width - 1);
    s += start * (len - 1);
    if (s < 0 || s > len - 1)
      return false;
    break;
  }
  }
  // base + ratio with ratio in (0, 1]: an integral s takes ratio 1.
  double base = std::ceil(s) - 1;
  double ratio = s - base;
  int64_t b = static_cast<int64_t>(base);
  double w[4];
  int64_t first;
  int n;
  switch (static_cast<Mode>(t.mode)) {
  case Mode::Nearest: {
    bool up;
    switch (static_cast<Nearest>(t.nearest)) {
    case Nearest::RoundPreferFloor:
      up = ratio > 0.5;
      break;
    case Nearest::RoundPreferCeil:
      up = ratio >= 0.5;
      break;
    case Nearest::Floor:
      up = ratio == 1; // s itself is integral
      break;
    default:
      up = true;
      break;
    }
    first = b;
    n = 2;
    w[0] = up ? 0 : 1;
    w[1] = up ? 1 : 0;
    break;
  }
  case Mode::Linear:
    first = b;
    n = 2;
    w[0] = 1 - ratio;
    w[1] = ratio;
    break;
  default: { // Keys' cubic convolution, as the ONNX reference writes it
    const double a = t.cubicA, r = ratio, q = 1 - ratio;
    first = b - 1;
    n = 4;
    w[0] = ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a;
    w[1] = ((a + 2) * r - (a + 3)) * r * r + 1;
    w[2] = ((a + 2) * q - (a + 3)) * q * q + 1;
    w[3] = ((a * (q + 1) - 5 * a) * (q + 1) + 8 * a) * (q + 1) - 4 * a;
    break;
  }
  }
  if (t.excludeOutside) {
    double sum = 0;
    for (int k = 0; k < n; ++k) {
      int64_t i = first + k;
      if (i < 0 || i >= len)
        w[k] = 0;
      sum += w[k];
    }
    for (int k = 0; k < n; ++k)
      w[k] /= sum;
  }
  taps->n = 0;
  for (int k = 0; k < n; ++k) {
    if (w[k] == 0)
      continue;
    taps->idx[taps->n] = std::clamp<int64_t>(first + k, 0, len - 1);
    taps->w[taps->n++] = w[k];
  }
  return true;
}

// Element access by storage dtype.
struct F32 {
  using S = float;
  static double load(float v) { return v; }
  static float store(double v) { return static_cast<float>(v); }
};
struct F16 {
  using S = uint16_t;
  static double load(uint16_t v) { return rt::halfToFloat(v); }
  static uint16_t store(double v) {
    return rt::floatToHalf(static_cast<float>(v));
  }
};
struct BF16 {
  using S = uint16_t;
  static double load(uint16_t v) { return rt::bf16ToFloat(v); }
  static uint16_t store(double v) {
    return rt::floatToBf16(static_cast<float>(v));
  }
};

/// Element i of a f32/f16/bf16 vector.
double loadAny(uint8_t dtype, const void *p, int64_t i) {
  switch (static_cast<DType>(dtype)) {
  case DType::F16:
    return F16::load(static_cast<const uint16_t *>(p)[i]);
  case DType::BF16:
    return BF16::load(static_cast<const uint16_t *>(p)[i]);
  default:
    return static_cast<const float *>(p)[i];
  }
}

template <class D>
int32_t resizeTyped(const ResizeTiling &t, const KernelArgs &args,
                    uint32_t blockIdx, uint32_t blockDim) {
  const typename D::S *x = static_cast<const typename D::S *>(args.inputs[0]);
  double roi[2 * kMaxRank];
  if (t.hasRoi)
    for (int i = 0; i < 2 * t.rank; ++i)
      roi[i] = loadAny(t.roiDtype, args.inputs[1], i);
  typename D::S *y = static_cast<typename D::S *>(args.outputs[0]);
  double scale[kMaxRank];
  for (int d = 0; d < t.rank; ++d) {
    scale[d] = t.hasScales
                   ? loadAny(t.scalesDtype, args.inputs[1 + t.hasRoi], d)
                   : static_cast<double>(t.out[d]) /
                         static_cast<double>(t.in[d] ? t.in[d] : 1);
    if (!(scale[d] > 0))
      return kVecErrBadTiling; // a scale must be positive
  }
  int64_t begin, end;
  blockRange(t.total, blockIdx, blockDim, &begin, &end);
  int64_t coord[kMaxRank];
  Taps taps[kMaxRank];
  for (int64_t f = begin; f < end; ++f) {
    int64_t rest = f;
    for (int d = t.rank - 1; d >= 0; --d) {
      coord[d] = rest % t.out[d];
      rest /= t.out[d];
    }
    bool inside = true;
    for (int d = 0; d < t.rank && inside; ++d)
      inside = dimTaps(t, d, coord[d], scale[d], roi, &taps[d]);
    if (!inside) {
      y[f] = D::store(t.extrapolation);
      continue;
    }
    // Sum over every combination of taps (an odometer over the dims).
    int k[kMaxRank] = {};
    double sum = 0;
    while (true) {
      double w = 1;
      int64_t off = 0;
      for (int d = 0; d < t.rank; ++d) {
        w *= taps[d].w[k[d]];
        off += taps[d].idx[k[d]] * t.inStride[d];
      }
      sum += w * D::load(x[off]);
      int d = t.rank - 1;
      while (d >= 0 && ++k[d] == taps[d].n)
        k[d--] = 0;
      if (d < 0)
        break;
    }
    y[f] = D::store(sum);
  }
  return 0;
}

int32_t resizeKernel(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  ResizeTiling t;
  if (!decodeTiling(args, &t) || args.numOutputs != 1 || t.rank < 1 ||
      t.rank > kMaxRank || args.numInputs != 1u + t.hasRoi + t.hasScales)
    return kVecErrBadTiling;
  switch (static_cast<DType>(t.dtype)) {
  case DType::F32:
    return resizeTyped<F32>(t, args, blockIdx, blockDim);
  case DType::F16:
    return resizeTyped<F16>(t, args, blockIdx, blockDim);
  case DType::BF16:
    return resizeTyped<BF16>(t, args, blockIdx, blockDim);
  default:
    return kVecErrBadTiling;
  }
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerResizeKernels(KernelRegistry &registry) {
  using namespace vec;
  KernelDef resize{"resize", resizeTiling, nullptr, {}};
  for (DType dt : {DType::F32, DType::F16, DType::BF16})
    resize.impls.push_back({dt, Isa::Portable, resizeKernel});
  registry.add(std::move(resize));
}

} // namespace geflow::kernels
