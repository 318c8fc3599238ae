"""A small quantized CNN (QLinearConv -> uint8 MaxPool -> QLinearMatMul) and
the integer ops ConvInteger / MatMulInteger, through the Python API, against
NumPy.

The integer products run on the host CPU engine (ge.QuantConv2D,
ge.QuantBatchMatMul, exact int32 accumulation); requantization is f32
arithmetic as ONNX Runtime does it: round-half-even(float32(acc) *
float32(a_scale * b_scale / y_scale)) + zero point, clipped. Every output is
an integer, so every comparison is exact. Bad zero points fail the compile
naming the node.
"""
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import geflow

U8, I8, I32, F = TensorProto.UINT8, TensorProto.INT8, TensorProto.INT32, TensorProto.FLOAT
MIX = {"mix_compile_mode": "true"}


def conv_int(x, w, x_zp, w_zp, bias, pads):
    """int64 NCHW convolution of (x - x_zp) and (w - w_zp[m]), stride 1."""
    x = np.pad(x.astype(np.int64) - x_zp, ((0, 0), (0, 0), (pads, pads), (pads, pads)))
    w = w.astype(np.int64) - np.asarray(w_zp, np.int64).reshape(-1, 1, 1, 1)
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    out = np.zeros((n, m, h - kh + 1, wd - kw + 1), np.int64)
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            patch = x[:, :, i:i + kh, j:j + kw]
            out[:, :, i, j] = np.einsum("nchw,mchw->nm", patch, w)
    return out + np.asarray(bias, np.int64).reshape(1, -1, 1, 1)


def requant(acc, a_scale, b_scale, y_scale, y_zp, dtype):
    scale = (np.float32(a_scale) * np.asarray(b_scale, np.float32)) / np.float32(y_scale)
    y = np.rint(acc.astype(np.float32) * scale.astype(np.float32)) + np.float32(y_zp)
    info = np.iinfo(dtype)
    return np.clip(y, info.min, info.max).astype(dtype)


def test_quantized_cnn_matches_numpy(rng):
    w = rng.integers(-128, 128, (4, 3, 3, 3), dtype=np.int8)
    w_scale = np.array([0.02, 0.05, 0.011, 0.03], np.float32)
    w_zp = np.array([0, 3, -2, 1], np.int8)
    bias = rng.integers(-500, 500, (4,), dtype=np.int32)
    b = rng.integers(-128, 128, (64, 5), dtype=np.int8)
    x_scale, x_zp, c_scale, c_zp = 0.04, 120, 0.5, 128
    b_scale, b_zp, y_scale, y_zp = 0.01, 0, 0.2, 100
    scalar = lambda name, v, dtype: numpy_helper.from_array(np.array(v, dtype), name)
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(w_scale, "ws"),
             numpy_helper.from_array(w_zp, "wzp"), numpy_helper.from_array(bias, "bias"),
             numpy_helper.from_array(b, "b"), numpy_helper.from_array(np.array([1, 64], np.int64), "flat"),
             scalar("xs", x_scale, np.float32), scalar("xzp", x_zp, np.uint8),
             scalar("cs", c_scale, np.float32), scalar("czp", c_zp, np.uint8),
             scalar("bs", b_scale, np.float32), scalar("bzp", b_zp, np.int8),
             scalar("ys", y_scale, np.float32), scalar("yzp", y_zp, np.uint8)]
    nodes = [
        helper.make_node("QLinearConv", ["x", "xs", "xzp", "w", "ws", "wzp", "cs", "czp", "bias"],
                         ["c"], pads=[1, 1, 1, 1], name="qconv"),
        helper.make_node("MaxPool", ["c"], ["p"], kernel_shape=[2, 2], strides=[2, 2],
                         name="pool"),
        helper.make_node("Reshape", ["p", "flat"], ["f"], name="flatten"),
        helper.make_node("QLinearMatMul", ["f", "cs", "czp", "b", "bs", "bzp", "ys", "yzp"],
                         ["y"], name="qmatmul"),
    ]
    graph = helper.make_graph(nodes, "qcnn", [helper.make_tensor_value_info("x", U8, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", U8, [1, 5])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    exe = geflow.compile(model, MIX)
    host_ops = " ".join(op["type"] for op in exe.summary["host_ops"])
    assert "QuantConv2D" in host_ops and "QuantBatchMatMul" in host_ops
    for _ in range(3):
        x = rng.integers(0, 256, (1, 3, 8, 8), dtype=np.uint8)
        acc = conv_int(x, w, x_zp, w_zp, bias, 1)
        c = requant(acc, x_scale, w_scale.reshape(1, -1, 1, 1), c_scale, c_zp, np.uint8)
        p = c.reshape(1, 4, 4, 2, 4, 2).max(axis=(3, 5)).reshape(1, 64)
        acc2 = (p.astype(np.int64) - c_zp) @ (b.astype(np.int64) - b_zp)
        ref = requant(acc2, c_scale, b_scale, y_scale, y_zp, np.uint8)
        (y,) = exe.run({"x": x})
        assert y.dtype == np.uint8
        np.testing.assert_array_equal(y, ref)


def test_integer_ops_are_exact(rng):
    """ConvInteger with per-channel zero points and MatMulInteger with
    per-row/per-column zero points and a contraction long enough (K = 2048)
    that f32 accumulation would round."""
    nodes = [helper.make_node("ConvInteger", ["x", "w", "xzp", "wzp"], ["c"],
                              strides=[2, 1], name="conv"),
             helper.make_node("MatMulInteger", ["a", "b", "azp", "bzp"], ["m"], name="mm")]
    vi = helper.make_tensor_value_info
    graph = helper.make_graph(
        nodes, "ints",
        [vi("x", U8, [2, 2, 7, 6]), vi("w", I8, [3, 2, 3, 2]), vi("xzp", U8, []),
         vi("wzp", I8, [3]), vi("a", U8, [2, 3, 2048]), vi("b", U8, [2048, 4]),
         vi("azp", U8, [3]), vi("bzp", U8, [4])],
        [vi("c", I32, None), vi("m", I32, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 10)])
    exe = geflow.compile(model, MIX)
    feeds = {"x": rng.integers(0, 256, (2, 2, 7, 6), dtype=np.uint8),
             "w": rng.integers(-128, 128, (3, 2, 3, 2), dtype=np.int8),
             "xzp": np.array(17, np.uint8), "wzp": np.array([-5, 0, 9], np.int8),
             "a": rng.integers(200, 256, (2, 3, 2048), dtype=np.uint8),
             "b": rng.integers(200, 256, (2048, 4), dtype=np.uint8),
             "azp": np.array([0, 1, 2], np.uint8), "bzp": np.array([3, 0, 0, 1], np.uint8)}
    c, m = exe.run(feeds)
    ref_c = conv_int(feeds["x"], feeds["w"], 17, feeds["wzp"], np.zeros(3), 0)[:, :, ::2, :]
    np.testing.assert_array_equal(c, ref_c)
    ref_m = ((feeds["a"].astype(np.int64) - feeds["azp"].reshape(-1, 1).astype(np.int64))
             @ (feeds["b"].astype(np.int64) - feeds["bzp"].astype(np.int64)))
    assert ref_m.max() > 2 ** 24  # beyond exact f32 integers
    np.testing.assert_array_equal(m, ref_m)


@pytest.mark.parametrize("zp_shape,zp_type,message", [
    ([2], U8, r"node 'mm' \(MatMulInteger\): a_zero_point must hold one element or one per "
              r"row of A \(3\), got shape \[2\]"),
    ([], I8, r"node 'mm' \(MatMulInteger\): a_zero_point must have the type of the tensor"),
])
def test_bad_zero_point_names_the_node(zp_shape, zp_type, message):
    vi = helper.make_tensor_value_info
    node = helper.make_node("MatMulInteger", ["a", "b", "azp"], ["m"], name="mm")
    graph = helper.make_graph([node], "bad", [vi("a", U8, [3, 4]), vi("b", U8, [4, 2]),
                                              vi("azp", zp_type, zp_shape)],
                              [vi("m", I32, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 10)])
    with pytest.raises(Exception, match=message):
        geflow.compile(model, MIX)
