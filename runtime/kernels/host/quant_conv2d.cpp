//===- quant_conv2d.cpp - Integer 2-D convolution on the host -------------===//
//
// ge.QuantConv2D (ONNX ConvInteger, QLinearConv's accumulation): NCHW
// int8/uint8 x and filter minus their zero points, int32 bias, exact int32
// result. The zero points make padding contribute nothing, as ONNX pads x
// with its zero point. One filter zero point, or one per output channel.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/quant.h"

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "QuantConv2D";

struct ConvGeometry {
  int64_t n, cin, h, w, cout, cinPerGroup, kh, kw, oh, ow, groups;
  std::vector<int64_t> strides, pads, dilations;
};

int64_t outputDim(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb,
                  int64_t pe) {
  int64_t span = in + pb + pe - d * (k - 1) - 1;
  return span < 0 ? 0 : span / s + 1;
}

rt::Status geometry(const std::vector<TensorDesc> &in, const AttrMap &attrs,
                    ConvGeometry &g) {
  const auto &x = in[0].shape, &f = in[1].shape;
  if (x.size() != 4 || f.size() != 4)
    return invalid("QuantConv2D needs 4-D NCHW x and filter");
  g.strides = attrs.getInts("strides", {1, 1, 1, 1});
  g.pads = attrs.getInts("pads", {0, 0, 0, 0});
  g.dilations = attrs.getInts("dilations", {1, 1, 1, 1});
  g.groups = attrs.getInt("groups", 1);
  if (g.strides.size() != 4 || g.pads.size() != 4 || g.dilations.size() != 4)
    return invalid("QuantConv2D's strides, pads and dilations need 4 entries");
  for (size_t i = 0; i < 4; ++i)
    if (g.strides[i] < 1 || g.dilations[i] < 1 || g.pads[i] < 0)
      return invalid("QuantConv2D: invalid strides, pads or dilations");
  g.n = x[0], g.cin = x[1], g.h = x[2], g.w = x[3];
  g.cout = f[0], g.cinPerGroup = f[1], g.kh = f[2], g.kw = f[3];
  if (g.groups < 1 || g.cout % g.groups != 0 ||
      g.cin != g.cinPerGroup * g.groups)
    return invalid("QuantConv2D: channels " + std::to_string(g.cin) + " -> " +
                   std::to_string(g.cout) + " do not split into " +
                   std::to_string(g.groups) + " groups of the filter " +
                   shapeText(f));
  g.oh =
      outputDim(g.h, g.kh, g.strides[2], g.dilations[2], g.pads[0], g.pads[1]);
  g.ow =
      outputDim(g.w, g.kw, g.strides[3], g.dilations[3], g.pads[2], g.pads[3]);
  return rt::Status::OK();
}
} // namespace

rt::Status hostCheckQuantConv2D(const std::vector<TensorDesc> &inputs,
                                const std::vector<TensorDesc> &outputs,
                                const AttrMap &attrs) {
  if (inputs.size() != 5 || outputs.size() != 1)
    return invalid("QuantConv2D takes x, filter, bias, x_offset and "
                   "filter_offset and gives y");
  const TensorDesc &x = inputs[0], &f = inputs[1], &bias = inputs[2];
  if (!isQuantType(x.dtype) || !isQuantType(f.dtype))
    return invalid("QuantConv2D's x and filter must be int8 or uint8");
  if (bias.dtype != rt::DType::I32 || outputs[0].dtype != rt::DType::I32)
    return invalid("QuantConv2D's bias and y must be int32");
  ConvGeometry g;
  if (rt::Status st = geometry(inputs, attrs, g); !st.ok())
    return st;
  if (bias.shape != std::vector<int64_t>{g.cout})
    return invalid("QuantConv2D's bias must be [" + std::to_string(g.cout) +
                   "], got " + shapeText(bias.shape));
  if (rt::Status st = checkOffset(kOp, "x_offset", inputs[3], x, 1, nullptr);
      !st.ok())
    return st;
  if (rt::Status st = checkOffset(kOp, "filter_offset", inputs[4], f, g.cout,
                                  "output channel");
      !st.ok())
    return st;
  if (outputs[0].shape != std::vector<int64_t>{g.n, g.cout, g.oh, g.ow})
    return invalid("QuantConv2D's y must be " +
                   shapeText({g.n, g.cout, g.oh, g.ow}) + ", got " +
                   shapeText(outputs[0].shape));
  return requirePlain(kOp, {x, f, bias, outputs[0]});
}

rt::Status hostRunQuantConv2D(const rt::HostCallArgs &args) {
  const std::vector<TensorDesc> &in = *args.inputDescs;
  ConvGeometry g;
  if (rt::Status st = geometry(in, *args.attrs, g); !st.ok())
    return st;
  rt::DType xt = in[0].dtype, ft = in[1].dtype;
  const void *x = args.inputs[0], *f = args.inputs[1];
  const auto *bias = static_cast<const int32_t *>(args.inputs[2]);
  int32_t xOffset = loadQuant(xt, args.inputs[3], 0);
  bool perChannel = numElements(in[4].shape) != 1;
  auto *y = static_cast<int32_t *>(args.outputs[0]);
  int64_t coutPerGroup = g.cout / g.groups;
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t m = 0; m < g.cout; ++m) {
      int32_t fOffset = loadQuant(ft, args.inputs[4], perChannel ? m : 0);
      int64_t firstIn = (m / coutPerGroup) * g.cinPerGroup;
      for (int64_t oy = 0; oy < g.oh; ++oy)
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          int64_t acc = bias[m];
          for (int64_t c = 0; c < g.cinPerGroup; ++c) {
            int64_t xPlane = (n * g.cin + firstIn + c) * g.h;
            int64_t fPlane = (m * g.cinPerGroup + c) * g.kh;
            for (int64_t ky = 0; ky < g.kh; ++ky) {
              int64_t iy = oy * g.strides[2] - g.pads[0] + ky * g.dilations[2];
              if (iy < 0 || iy >= g.h)
                continue;
              for (int64_t kx = 0; kx < g.kw; ++kx) {
                int64_t ix =
                    ox * g.strides[3] - g.pads[2] + kx * g.dilations[3];
                if (ix < 0 || ix >= g.w)
                  continue;
                acc += int64_t(loadQuant(xt, x, (xPlane + iy) * g.w + ix) -
                               xOffset) *
                       (loadQuant(ft, f, (fPlane + ky) * g.kw + kx) - fOffset);
              }
            }
          }
          y[((n * g.cout + m) * g.oh + oy) * g.ow + ox] = wrapToInt32(acc);
        }
    }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
