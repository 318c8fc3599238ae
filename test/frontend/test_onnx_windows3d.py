"""3-D windows (NCDHW) and the pools lifted to them, end to end.

Conv, ConvTranspose, MaxPool, AveragePool, LpPool and the global pools on
5-D inputs, plus LpPool/GlobalLpPool and dilated AveragePool (opset 19) of
lower rank (run as 3-D pools over unit depths), compiled with geflow.compile
on the host soc and compared with PyTorch's functional ops (LpPool with pads
with a NumPy reference, as PyTorch's lp_pool has no padding). Tolerance:
f32 rtol = atol = 1e-5 (convolutions: atol 1e-4, sums of up to 162
products); under precision_mode force_fp16 / allow_mix_precision_bf16 the
Cube and pool ops run in f16 / bf16 and are held to rtol = atol = 1e-2
(f16) and 4e-2 (bf16) relative to the f32 reference's scale.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from onnx import TensorProto, helper, numpy_helper

import geflow

F = TensorProto.FLOAT


def vi(name, shape=None):
    return helper.make_tensor_value_info(name, F, shape)


def model(nodes, inputs, outputs, opset=13, inits=()):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def single(op, x, attrs, inits=(), opset=13):
    names = ["x"] + [i.name for i in inits]
    node = helper.make_node(op, names, ["y"], **attrs)
    return model([node], [vi("x", list(x.shape))], [vi("y")], opset, inits)


def run(m, x, options=None):
    return geflow.compile(m, options=options or {}).run([x])[0]


def close(got, want, rtol=1e-5, atol=1e-5):
    want = np.asarray(want, np.float32)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


@pytest.fixture
def rng():
    return np.random.default_rng(3)


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


CONVS = [
    # x shape, w shape, attrs (ONNX), torch kwargs
    ((1, 3, 5, 6, 7), (4, 3, 3, 3, 3), {"pads": [1, 1, 1, 1, 1, 1]},
     {"padding": 1}),
    ((2, 4, 6, 5, 9), (6, 2, 2, 3, 2),
     {"group": 2, "strides": [2, 1, 2], "dilations": [1, 2, 1]},
     {"groups": 2, "stride": (2, 1, 2), "dilation": (1, 2, 1)}),
    ((1, 4, 4, 4, 7), (8, 1, 3, 1, 3), {"group": 4, "strides": [1, 2, 3]},
     {"groups": 4, "stride": (1, 2, 3)}),
]


@pytest.mark.parametrize("case", range(len(CONVS)))
def test_conv3d(rng, case):
    xs, ws, attrs, kw = CONVS[case]
    x = rng.uniform(-1, 1, xs).astype(np.float32)
    w = rng.uniform(-1, 1, ws).astype(np.float32)
    b = rng.uniform(-1, 1, ws[0]).astype(np.float32)
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
    got = run(single("Conv", x, attrs, inits), x)
    close(got, TF.conv3d(t(x), t(w), t(b), **kw).numpy(), atol=1e-4)


CONV_TRANSPOSES = [
    ((1, 2, 3, 4, 5), (2, 3, 3, 3, 3),
     {"strides": [2, 2, 2], "pads": [1, 1, 1, 1, 1, 1], "output_padding": [1, 0, 1]},
     {"stride": 2, "padding": 1, "output_padding": (1, 0, 1)}),
    ((2, 4, 3, 3, 2), (4, 2, 2, 3, 2),
     {"group": 2, "strides": [1, 2, 3], "dilations": [2, 1, 1]},
     {"groups": 2, "stride": (1, 2, 3), "dilation": (2, 1, 1)}),
]


@pytest.mark.parametrize("case", range(len(CONV_TRANSPOSES)))
def test_conv_transpose3d(rng, case):
    xs, ws, attrs, kw = CONV_TRANSPOSES[case]
    x = rng.uniform(-1, 1, xs).astype(np.float32)
    w = rng.uniform(-1, 1, ws).astype(np.float32)
    inits = [numpy_helper.from_array(w, "w")]
    got = run(single("ConvTranspose", x, attrs, inits), x)
    close(got, TF.conv_transpose3d(t(x), t(w), **kw).numpy(), atol=1e-4)


def test_conv_transpose3d_output_shape(rng):
    x = rng.uniform(-1, 1, (1, 1, 3, 3, 3)).astype(np.float32)
    w = rng.uniform(-1, 1, (1, 2, 3, 3, 3)).astype(np.float32)
    inits = [numpy_helper.from_array(w, "w")]
    m = single("ConvTranspose", x, {"strides": [3, 2, 2], "output_shape": [10, 8, 7]},
               inits)
    got = run(m, x)
    want = TF.conv_transpose3d(t(x), t(w), stride=(3, 2, 2), output_padding=(1, 1, 0))
    close(got, want.numpy(), atol=1e-4)


def test_max_pool3d(rng):
    x = rng.uniform(-2, 2, (2, 3, 7, 9, 11)).astype(np.float32)
    m = single("MaxPool", x, {"kernel_shape": [3, 2, 3], "strides": [2, 1, 2],
                              "pads": [1, 1, 1, 1, 1, 1], "dilations": [1, 2, 1],
                              "ceil_mode": 1})
    want = TF.max_pool3d(t(x), (3, 2, 3), (2, 1, 2), padding=1,
                         dilation=(1, 2, 1), ceil_mode=True)
    close(run(m, x), want.numpy(), rtol=0, atol=0)


@pytest.mark.parametrize("include", [0, 1])
@pytest.mark.parametrize("ceil", [0, 1])
def test_avg_pool3d(rng, include, ceil):
    x = rng.uniform(-2, 2, (1, 2, 6, 7, 10)).astype(np.float32)
    m = single("AveragePool", x, {"kernel_shape": [2, 3, 3], "strides": [2, 2, 3],
                                  "pads": [1, 1, 1, 1, 1, 1],
                                  "count_include_pad": include, "ceil_mode": ceil})
    want = TF.avg_pool3d(t(x), (2, 3, 3), (2, 2, 3), padding=1,
                         ceil_mode=bool(ceil), count_include_pad=bool(include))
    close(run(m, x), want.numpy())


def lp_pool_reference(x, k, s, pads, p):
    """NumPy LpPool over the trailing len(k) dims, zero padding."""
    r = len(k)
    widths = [(0, 0)] * (x.ndim - r) + [(pads[i], pads[i + r]) for i in range(r)]
    xp = np.pad(np.abs(x.astype(np.float64)) ** p, widths)
    out_dims = [(xp.shape[x.ndim - r + i] - k[i]) // s[i] + 1 for i in range(r)]
    out = np.zeros(x.shape[:x.ndim - r] + tuple(out_dims))
    for idx in np.ndindex(*out_dims):
        sl = tuple(slice(idx[i] * s[i], idx[i] * s[i] + k[i]) for i in range(r))
        out[(Ellipsis,) + idx] = xp[(Ellipsis,) + sl].sum(axis=tuple(range(-r, 0)))
    return out ** (1.0 / p)


@pytest.mark.parametrize("p", [1, 2, 3])
def test_lp_pool3d(rng, p):
    x = rng.uniform(-2, 2, (1, 2, 5, 6, 7)).astype(np.float32)
    m = single("LpPool", x, {"kernel_shape": [2, 3, 2], "strides": [1, 2, 1],
                             "pads": [1, 1, 0, 0, 1, 1], "p": p})
    close(run(m, x), lp_pool_reference(x, [2, 3, 2], [1, 2, 1], [1, 1, 0, 0, 1, 1], p))


@pytest.mark.parametrize("shape", [(1, 2, 9), (1, 2, 7, 8)])
def test_lp_pool_lower_ranks(rng, shape):
    x = rng.uniform(-2, 2, shape).astype(np.float32)
    r = len(shape) - 2
    k, s, pads = [3] * r, [2] * r, [1] * (2 * r)
    m = single("LpPool", x, {"kernel_shape": k, "strides": s, "pads": pads, "p": 2})
    close(run(m, x), lp_pool_reference(x, k, s, pads, 2))


@pytest.mark.parametrize("shape", [(2, 3, 6), (2, 3, 4, 5), (1, 2, 3, 4, 5)])
def test_global_pools(rng, shape):
    x = rng.uniform(-2, 2, shape).astype(np.float32)
    axes = tuple(range(2, len(shape)))
    for op, want in [("GlobalAveragePool", x.mean(axis=axes, keepdims=True)),
                     ("GlobalMaxPool", x.max(axis=axes, keepdims=True)),
                     ("GlobalLpPool", np.sqrt((x.astype(np.float64) ** 2).sum(
                         axis=axes, keepdims=True)))]:
        close(run(single(op, x, {}), x), want)


def test_global_lp_pool_p3(rng):
    x = rng.uniform(-2, 2, (1, 2, 3, 4, 5)).astype(np.float32)
    want = (np.abs(x.astype(np.float64)) ** 3).sum(axis=(2, 3, 4), keepdims=True) ** (1 / 3)
    close(run(single("GlobalLpPool", x, {"p": 3}), x), want)


def test_dilated_average_pool_2d_opset19(rng):
    x = rng.uniform(-2, 2, (1, 2, 9, 10)).astype(np.float32)
    m = single("AveragePool", x, {"kernel_shape": [2, 3], "dilations": [2, 2],
                                  "strides": [1, 2]}, opset=19)
    xt = t(x)
    # PyTorch's avg_pool2d has no dilation: average the dilated taps by hand.
    taps = [xt[:, :, i * 2:i * 2 + 7, j * 2:j * 2 + 6:1] for i in range(2) for j in range(3)]
    want = (sum(taps) / 6.0)[:, :, :, ::2]
    close(run(m, x), want.numpy())


@pytest.mark.parametrize("mode,tol", [("force_fp16", 1e-2),
                                      ("allow_mix_precision_bf16", 4e-2)])
def test_precision_modes(rng, mode, tol):
    """Conv3D (white list) and the pools after it run in the reduced dtype."""
    x = rng.uniform(-1, 1, (1, 3, 4, 6, 6)).astype(np.float32)
    w = rng.uniform(-1, 1, (4, 3, 3, 3, 3)).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1] * 6),
             helper.make_node("MaxPool", ["c"], ["m"], kernel_shape=[2, 2, 2]),
             helper.make_node("AveragePool", ["m"], ["y"], kernel_shape=[2, 2, 2])]
    m = model(nodes, [vi("x", list(x.shape))], [vi("y")],
              inits=[numpy_helper.from_array(w, "w")])
    exe = geflow.compile(m, options={"precision_mode": mode})
    got = exe.run([x])[0].astype(np.float32)
    c = TF.conv3d(t(x), t(w), padding=1)
    want = TF.avg_pool3d(TF.max_pool3d(c, 2, 1), 2, 1).numpy()
    scale = np.abs(want).max()
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * scale)
