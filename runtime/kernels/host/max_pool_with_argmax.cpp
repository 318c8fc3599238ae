//===- max_pool_with_argmax.cpp - Max pooling and its indices on the host -===//
//
// ge.MaxPoolWithArgmax (ONNX MaxPool with the Indices output): NCHW
// windows as ge.MaxPool's, and the index of each maximum in x flattened
// over N, C, H, W, row major (storage_order 0) or with H and W column
// major (1), as ONNX Runtime and the ONNX reference compute it. Padding is
// never selected; ties keep the first element in row-major window order.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include <cstring>

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "MaxPoolWithArgmax";

struct PoolGeometry {
  int64_t n, c, h, w, kh, kw, oh, ow;
  std::vector<int64_t> strides, pads, dilations;
  bool columnMajor;
};

int64_t outputDim(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb,
                  int64_t pe, bool ceil) {
  int64_t span = in + pb + pe - d * (k - 1) - 1;
  if (span < 0)
    return 0;
  if (!ceil)
    return span / s + 1;
  int64_t out = (span + s - 1) / s + 1;
  if ((out - 1) * s >= in + pb)
    --out;
  return out;
}

rt::Status geometry(const TensorDesc &x, const AttrMap &attrs,
                    PoolGeometry &g) {
  if (x.shape.size() != 4)
    return invalid("MaxPoolWithArgmax needs a 4-D NCHW x");
  std::vector<int64_t> ksize = attrs.getInts("ksize");
  g.strides = attrs.getInts("strides", {1, 1, 1, 1});
  g.pads = attrs.getInts("pads", {0, 0, 0, 0});
  g.dilations = attrs.getInts("dilations", {1, 1, 1, 1});
  if (ksize.size() != 4 || g.strides.size() != 4 || g.pads.size() != 4 ||
      g.dilations.size() != 4)
    return invalid("MaxPoolWithArgmax's ksize, strides, pads and dilations "
                   "need 4 entries");
  for (size_t i = 0; i < 4; ++i)
    if (ksize[i] < 1 || g.strides[i] < 1 || g.dilations[i] < 1 || g.pads[i] < 0)
      return invalid("MaxPoolWithArgmax: invalid ksize, strides, pads or "
                     "dilations");
  int64_t order = attrs.getInt("storage_order", 0);
  if (order != 0 && order != 1)
    return invalid("MaxPoolWithArgmax: storage_order must be 0 or 1, got " +
                   std::to_string(order));
  g.columnMajor = order == 1;
  g.n = x.shape[0], g.c = x.shape[1], g.h = x.shape[2], g.w = x.shape[3];
  g.kh = ksize[2], g.kw = ksize[3];
  // A pad as wide as the window could leave a window without any element.
  if (g.pads[0] >= g.kh || g.pads[1] >= g.kh || g.pads[2] >= g.kw ||
      g.pads[3] >= g.kw)
    return invalid("MaxPoolWithArgmax: pads must be smaller than the window");
  bool ceil = attrs.getInt("ceil_mode", 0) != 0;
  g.oh = outputDim(g.h, g.kh, g.strides[2], g.dilations[2], g.pads[0],
                   g.pads[1], ceil);
  g.ow = outputDim(g.w, g.kw, g.strides[3], g.dilations[3], g.pads[2],
                   g.pads[3], ceil);
  return rt::Status::OK();
}
} // namespace

rt::Status hostCheckMaxPoolWithArgmax(const std::vector<TensorDesc> &inputs,
                                      const std::vector<TensorDesc> &outputs,
                                      const AttrMap &attrs) {
  if (inputs.size() != 1 || outputs.size() != 2)
    return invalid("MaxPoolWithArgmax takes x and gives y and argmax");
  const TensorDesc &x = inputs[0];
  if (x.dtype == rt::DType::Bool || isIndexType(x.dtype))
    return invalid("MaxPoolWithArgmax takes float, int8 or uint8 x");
  if (outputs[0].dtype != x.dtype || outputs[1].dtype != rt::DType::I64)
    return invalid("MaxPoolWithArgmax's y must have x's dtype and its argmax "
                   "int64");
  PoolGeometry g;
  if (rt::Status st = geometry(x, attrs, g); !st.ok())
    return st;
  std::vector<int64_t> shape = {g.n, g.c, g.oh, g.ow};
  for (const TensorDesc &out : outputs)
    if (out.shape != shape)
      return invalid("MaxPoolWithArgmax's outputs must be " + shapeText(shape) +
                     ", got " + shapeText(out.shape));
  return requirePlain(kOp, {x, outputs[0], outputs[1]});
}

rt::Status hostRunMaxPoolWithArgmax(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  PoolGeometry g;
  if (rt::Status st = geometry(x, *args.attrs, g); !st.ok())
    return st;
  size_t size = rt::dtypeSize(x.dtype);
  const auto *in = static_cast<const uint8_t *>(args.inputs[0]);
  auto *y = static_cast<uint8_t *>(args.outputs[0]);
  auto *argmax = static_cast<int64_t *>(args.outputs[1]);
  for (int64_t plane = 0; plane < g.n * g.c; ++plane) {
    int64_t base = plane * g.h * g.w;
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        int64_t best = -1, bestY = 0, bestX = 0;
        double bestValue = 0;
        for (int64_t ky = 0; ky < g.kh; ++ky) {
          int64_t iy = oy * g.strides[2] - g.pads[0] + ky * g.dilations[2];
          if (iy < 0 || iy >= g.h)
            continue;
          for (int64_t kx = 0; kx < g.kw; ++kx) {
            int64_t ix = ox * g.strides[3] - g.pads[2] + kx * g.dilations[3];
            if (ix < 0 || ix >= g.w)
              continue;
            double v = loadAsDouble(x.dtype, in, base + iy * g.w + ix);
            if (best < 0 || v > bestValue) {
              best = base + iy * g.w + ix;
              bestValue = v, bestY = iy, bestX = ix;
            }
          }
        }
        int64_t at = (plane * g.oh + oy) * g.ow + ox;
        if (best < 0) { // only dilation can skip every element
          std::memset(y + at * size, 0, size);
          argmax[at] = -1;
          continue;
        }
        std::memcpy(y + at * size, in + best * size, size);
        argmax[at] = g.columnMajor ? base + bestY + bestX * g.h : best;
      }
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
