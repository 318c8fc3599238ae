"""ONNX opsets 1 to 6: op versions older than opset 7's, against NumPy.

Models are built with onnx.helper and pass onnx.checker (Debian's onnx 1.12
knows these opsets); every expected value is a NumPy reference written from
the old operator's spec (legacy broadcasting, is_test, attributes that later
became inputs). Tolerance: rtol = atol = 1e-5 for f32; integers and bools
exact. Refused versions must name the node, the op version and the
attribute.
"""
import numpy as np
import pytest
from onnx import TensorProto, checker, helper, numpy_helper, shape_inference

import geflow

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
RTOL = ATOL = 1e-5


def vi(name, dtype, shape):
    info = helper.make_tensor_value_info(name, dtype, shape)
    if shape is not None:
        info.type.tensor_type.shape.SetInParent()  # a scalar has a shape too
    return info


def model(nodes, inputs, outputs, opset, inits=(), check=True):
    # IR 3 lists initializers among the graph inputs.
    inputs = list(inputs) + [vi(t.name, t.data_type, list(t.dims)) for t in inits]
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 3
    if check:
        # IR 3 wants every graph output's shape: ONNX's inference gives it
        # where the old version has an inference function, tests elsewhere.
        probe = helper.make_model(helper.make_graph(nodes, "g", inputs, [], initializer=list(inits)),
                                  opset_imports=m.opset_import)
        known = {v.name: v for v in shape_inference.infer_shapes(probe, strict_mode=True).graph.value_info}
        for out in m.graph.output:
            if out.name in known and not out.type.tensor_type.HasField("shape"):
                out.CopyFrom(known[out.name])
        checker.check_model(m)
    return m


def run(m, *feeds):
    return geflow.compile(m).run(list(feeds))


def compile_error(m):
    with pytest.raises(geflow.CompileError) as info:
        geflow.compile(m)
    return str(info.value)


def close(actual, expected):
    expected = np.asarray(expected)
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected.astype(actual.dtype), rtol=RTOL, atol=ATOL)


@pytest.fixture
def rng():
    return np.random.default_rng(6)


def legacy_broadcast(b, rank_a, axis):
    """B aligned with A from `axis` (legacy broadcasting), as numpy sees it."""
    return b.reshape(b.shape + (1,) * (rank_a - axis - b.ndim))


BINARY = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide}

# (B's shape, axis or None) for A of shape [2, 3, 4, 5].
BROADCASTS = [((5,), None), ((4, 5), None), ((3, 4), 1), ((2,), 0), ((3,), 1), ((1,), None), ((3, 4, 5), 1)]


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("opset", [1, 6])
@pytest.mark.parametrize("b_shape,axis", BROADCASTS)
def test_binary_legacy_broadcast(op, opset, b_shape, axis, rng):
    a = rng.uniform(0.5, 2, (2, 3, 4, 5)).astype(np.float32)
    b = rng.uniform(0.5, 2, b_shape).astype(np.float32)
    attrs = {"broadcast": 1}
    if axis is not None:
        attrs["axis"] = axis
    if opset == 1:
        attrs["consumed_inputs"] = [0, 0]
    node = helper.make_node(op, ["a", "b"], ["y"], **attrs)
    m = model([node], [vi("a", F, a.shape), vi("b", F, b.shape)], [vi("y", F, a.shape)], opset)
    start = 4 - b.ndim if axis is None else axis
    (y,) = run(m, a, b)
    close(y, BINARY[op](a, legacy_broadcast(b, 4, start)))


@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_no_broadcast(op, rng):
    a = rng.uniform(0.5, 2, (3, 4)).astype(np.float32)
    b = rng.uniform(0.5, 2, (3, 4)).astype(np.float32)
    m = model([helper.make_node(op, ["a", "b"], ["y"])], [vi("a", F, a.shape), vi("b", F, b.shape)], [vi("y", F, None)], 6)
    (y,) = run(m, a, b)
    close(y, BINARY[op](a, b))


def test_pow1_axis(rng):
    a = rng.uniform(0.5, 2, (2, 3, 4)).astype(np.float32)
    b = rng.uniform(-1, 2, (3,)).astype(np.float32)
    node = helper.make_node("Pow", ["a", "b"], ["y"], broadcast=1, axis=1)
    m = model([node], [vi("a", F, a.shape), vi("b", F, b.shape)], [vi("y", F, None)], 6)
    (y,) = run(m, a, b)
    close(y, np.power(a, b.reshape(3, 1)))


@pytest.mark.parametrize("op,ref", [("Equal", np.equal), ("Greater", np.greater), ("Less", np.less)])
def test_comparison1_axis(op, ref):
    a = np.array([[[0, 1], [2, 3], [4, 5]]], dtype=np.int64).repeat(2, 0)
    b = np.array([1, 2, 5], dtype=np.int64)
    node = helper.make_node(op, ["a", "b"], ["y"], broadcast=1, axis=1)
    m = model([node], [vi("a", I64, a.shape), vi("b", I64, b.shape)], [vi("y", B, None)], 6)
    (y,) = run(m, a, b)
    np.testing.assert_array_equal(y, ref(a, b.reshape(3, 1)))


def test_and1_axis():
    a = np.array([[True, False], [True, True], [False, False]])
    b = np.array([True, False, True])
    node = helper.make_node("And", ["a", "b"], ["y"], broadcast=1, axis=0)
    m = model([node], [vi("a", B, a.shape), vi("b", B, b.shape)], [vi("y", B, None)], 6)
    (y,) = run(m, a, b)
    np.testing.assert_array_equal(y, a & b.reshape(3, 1))


@pytest.mark.parametrize("opset", [1, 6])
@pytest.mark.parametrize("broadcast,c_shape", [(1, (4,)), (1, (1,)), (0, (3, 4))])
def test_gemm_broadcast(opset, broadcast, c_shape, rng):
    a = rng.standard_normal((3, 5)).astype(np.float32)
    bt = rng.standard_normal((4, 5)).astype(np.float32)
    c = rng.standard_normal(c_shape).astype(np.float32)
    node = helper.make_node("Gemm", ["a", "b", "c"], ["y"], alpha=0.5, beta=2.0, transB=1, broadcast=broadcast)
    m = model([node], [vi("a", F, a.shape), vi("b", F, bt.shape), vi("c", F, c.shape)], [vi("y", F, [3, 4])], opset)
    (y,) = run(m, a, bt, c)
    close(y, 0.5 * a @ bt.T + 2.0 * c)


@pytest.mark.parametrize("opset", [1, 6])
def test_batchnorm_is_test(opset, rng):
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    scale, bias = rng.standard_normal(3).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    mean, var = rng.standard_normal(3).astype(np.float32), rng.uniform(0.5, 2, 3).astype(np.float32)
    attrs = {"is_test": 1, "epsilon": 1e-3, "spatial": 1}
    if opset == 1:
        attrs["consumed_inputs"] = [0, 0, 0, 1, 1]
    node = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], **attrs)
    inits = [numpy_helper.from_array(t, n) for t, n in [(scale, "s"), (bias, "b"), (mean, "m"), (var, "v")]]
    m = model([node], [vi("x", F, x.shape)], [vi("y", F, x.shape)], opset, inits)
    (y,) = run(m, x)
    r = lambda t: t.reshape(1, 3, 1, 1)
    close(y, r(scale) * (x - r(mean)) / np.sqrt(r(var) + 1e-3) + r(bias))


def test_average_pool1_excludes_padding(rng):
    x = rng.standard_normal((1, 2, 5, 5)).astype(np.float32)
    node = helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])
    m = model([node], [vi("x", F, x.shape)], [vi("y", F, None)], 6)
    (y,) = run(m, x)
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    ones = np.pad(np.ones_like(x), ((0, 0), (0, 0), (1, 1), (1, 1)))
    ref = np.zeros((1, 2, 3, 3), np.float32)
    for i in range(3):
        for j in range(3):
            win = (slice(None), slice(None), slice(2 * i, 2 * i + 3), slice(2 * j, 2 * j + 3))
            ref[:, :, i, j] = padded[win].sum((2, 3)) / ones[win].sum((2, 3))
    close(y, ref)


@pytest.mark.parametrize("opset,slope_shape", [(6, (1,)), (6, (2, 3, 4)), (1, (1,))])
def test_prelu(opset, slope_shape, rng):
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    slope = rng.uniform(0.1, 0.5, slope_shape).astype(np.float32)
    attrs = {"consumed_inputs": [0, 0]} if opset == 1 else {}
    node = helper.make_node("PRelu", ["x", "s"], ["y"], **attrs)
    m = model([node], [vi("x", F, x.shape), vi("s", F, slope.shape)], [vi("y", F, x.shape)], opset)
    (y,) = run(m, x, slope)
    close(y, np.where(x < 0, slope * x, x))


def test_concat1_default_axis(rng):
    a = rng.standard_normal((2, 3, 2)).astype(np.float32)
    b = rng.standard_normal((2, 1, 2)).astype(np.float32)
    m = model([helper.make_node("Concat", ["a", "b"], ["y"])], [vi("a", F, a.shape), vi("b", F, b.shape)], [vi("y", F, [2, 4, 2])], 3)
    (y,) = run(m, a, b)
    close(y, np.concatenate([a, b], axis=1))


def test_reshape1_shape_attribute(rng):
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    node = helper.make_node("Reshape", ["x"], ["y"], shape=[0, -1], consumed_inputs=[0])
    m = model([node], [vi("x", F, x.shape)], [vi("y", F, [2, 12])], 4)
    (y,) = run(m, x)
    close(y, x.reshape(2, 12))


def test_cast1_type_name():
    x = np.array([[1.7, -2.2, 3.5]], dtype=np.float32)
    m = model([helper.make_node("Cast", ["x"], ["y"], to="INT64")], [vi("x", F, x.shape)], [vi("y", I64, x.shape)], 5)
    (y,) = run(m, x)
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, x.astype(np.int64))


@pytest.mark.parametrize("op,ref", [
    ("Relu", lambda x: np.maximum(x, 0)),
    ("Sigmoid", lambda x: 1 / (1 + np.exp(-x))),
    ("Abs", np.abs),
    ("Neg", np.negative),
])
def test_unary1_consumed_inputs(op, ref, rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    node = helper.make_node(op, ["x"], ["y"], consumed_inputs=[1])
    m = model([node], [vi("x", F, x.shape)], [vi("y", F, x.shape)], 5)
    (y,) = run(m, x)
    close(y, ref(x))


def test_sum1_consumed_inputs(rng):
    a, b = (rng.standard_normal((3, 4)).astype(np.float32) for _ in range(2))
    node = helper.make_node("Sum", ["a", "b"], ["y"], consumed_inputs=[0, 1])
    m = model([node], [vi("a", F, a.shape), vi("b", F, b.shape)], [vi("y", F, a.shape)], 5)
    (y,) = run(m, a, b)
    close(y, a + b)


def test_pad1_paddings(rng):
    x = rng.standard_normal((2, 3)).astype(np.float32)
    node = helper.make_node("Pad", ["x"], ["y"], paddings=[1, 0, 0, 2], value=1.5)
    m = model([node], [vi("x", F, x.shape)], [vi("y", F, [3, 5])], 1)
    (y,) = run(m, x)
    close(y, np.pad(x, ((1, 0), (0, 2)), constant_values=1.5))


def test_split1_sizes_input(rng):
    x = rng.standard_normal((2, 6)).astype(np.float32)
    sizes = numpy_helper.from_array(np.array([2, 4], dtype=np.int64), "sizes")
    node = helper.make_node("Split", ["x", "sizes"], ["y0", "y1"], axis=1)
    m = model([node], [vi("x", F, x.shape)], [vi("y0", F, [2, 2]), vi("y1", F, [2, 4])], 1, [sizes])
    y0, y1 = run(m, x)
    close(y0, x[:, :2])
    close(y1, x[:, 2:])


def test_upsample1_nearest(rng):
    x = rng.standard_normal((1, 2, 2, 3)).astype(np.float32)
    node = helper.make_node("Upsample", ["x"], ["y"], height_scale=2.0, width_scale=3.0, mode="nearest")
    m = model([node], [vi("x", F, x.shape)], [vi("y", F, [1, 2, 4, 9])], 6)
    (y,) = run(m, x)
    close(y, x.repeat(2, axis=2).repeat(3, axis=3))


def test_dropout6_is_test(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    node = helper.make_node("Dropout", ["x"], ["y"], is_test=1, ratio=0.3)
    m = model([node, helper.make_node("Relu", ["y"], ["z"])], [vi("x", F, x.shape)], [vi("z", F, None)], 6)
    (z,) = run(m, x)
    close(z, np.maximum(x, 0))


# ---------------------------------------------------------------------------
# Refused: the old semantics differ from the opset-7 form
# ---------------------------------------------------------------------------


def test_add6_mismatched_broadcast_is_named():
    node = helper.make_node("Add", ["a", "b"], ["y"], name="add0", broadcast=1, axis=1)
    m = model([node], [vi("a", F, [2, 3, 4, 5]), vi("b", F, [4, 5])], [vi("y", F, None)], 6, check=False)
    text = compile_error(m)
    assert "node 'add0' (Add)" in text and "Add-6 with broadcast = 1 and axis = 1" in text
    assert "does not match A [2, 3, 4, 5] at dim 1" in text


def test_add6_axis_outside_is_named():
    node = helper.make_node("Mul", ["a", "b"], ["y"], name="mul0", broadcast=1, axis=3)
    m = model([node], [vi("a", F, [2, 3, 4, 5]), vi("b", F, [4, 5])], [vi("y", F, None)], 6, check=False)
    text = compile_error(m)
    assert "node 'mul0' (Mul)" in text and "Mul-6 with broadcast = 1 and axis = 3 places B [4, 5] outside A" in text


def test_sub1_broadcast0_unequal_shapes_is_named():
    node = helper.make_node("Sub", ["a", "b"], ["y"], name="sub0")
    m = model([node], [vi("a", F, [2, 3]), vi("b", F, [3])], [vi("y", F, None)], 5, check=False)
    text = compile_error(m)
    assert "node 'sub0' (Sub)" in text and "Sub-1 with broadcast = 0 needs equal shapes" in text


@pytest.mark.parametrize("attrs", [{}, {"is_test": 0}])
def test_batchnorm6_training_is_named(attrs):
    node = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn0", **attrs)
    inits = [numpy_helper.from_array(np.ones(3, np.float32), n) for n in "sbmv"]
    m = model([node], [vi("x", F, [1, 3, 2, 2])], [vi("y", F, None)], 6, inits)
    text = compile_error(m)
    assert "node 'bn0' (BatchNormalization)" in text
    assert "BatchNormalization-6 with is_test = 0 (training mode" in text


def test_batchnorm6_spatial0_is_named():
    node = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn1", is_test=1, spatial=0)
    inits = [numpy_helper.from_array(np.ones((3, 2, 2), np.float32), n) for n in "sbmv"]
    m = model([node], [vi("x", F, [1, 3, 2, 2])], [vi("y", F, None)], 6, inits, check=False)
    text = compile_error(m)
    assert "node 'bn1' (BatchNormalization)" in text and "BatchNormalization-6 with spatial = 0" in text


def test_batchnorm1_training_consumed_inputs_is_named():
    node = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "m", "v"], name="bn2",
                            consumed_inputs=[0, 0, 0, 1, 1])
    inits = [numpy_helper.from_array(np.ones(3, np.float32), n) for n in "sbmv"]
    m = model([node], [vi("x", F, [1, 3, 2, 2])], [vi("y", F, None)], 5, inits, check=False)
    text = compile_error(m)
    assert "BatchNormalization-1 with is_test = 0 (training mode" in text


def test_dropout6_training_is_named():
    node = helper.make_node("Dropout", ["x"], ["y"], name="drop0", ratio=0.5)
    m = model([node], [vi("x", F, [2, 2])], [vi("y", F, None)], 6)
    text = compile_error(m)
    assert "node 'drop0' (Dropout)" in text and "Dropout-6 with is_test = 0 (training mode" in text


def test_cast1_unknown_type_name_is_named():
    node = helper.make_node("Cast", ["x"], ["y"], name="cast0", to="FLOAT128")
    m = model([node], [vi("x", F, [2])], [vi("y", F, None)], 5, check=False)
    text = compile_error(m)
    assert "node 'cast0' (Cast)" in text and "Cast-1: 'to' = \"FLOAT128\" is not an ONNX type name" in text


def test_tile1_axis(rng):
    x = rng.standard_normal((2, 3)).astype(np.float32)
    tiles = numpy_helper.from_array(np.array(3, dtype=np.int64), "tiles")
    axis = numpy_helper.from_array(np.array(1, dtype=np.int64), "axis")
    node = helper.make_node("Tile", ["x", "tiles", "axis"], ["y"])
    m = model([node], [vi("x", F, x.shape)], [vi("y", F, [2, 9])], 5, [tiles, axis])
    (y,) = run(m, x)
    close(y, np.tile(x, (1, 3)))


def test_tile1_runtime_tiles_is_named():
    node = helper.make_node("Tile", ["x", "tiles", "axis"], ["y"], name="tile0")
    axis = numpy_helper.from_array(np.array(0, dtype=np.int64), "axis")
    m = model([node], [vi("x", F, [2, 3]), vi("tiles", I64, [])], [vi("y", F, [4, 3])], 5, [axis], check=False)
    text = compile_error(m)
    assert "node 'tile0' (Tile)" in text and "Tile-1's tiles and axis inputs must be constant scalars" in text


@pytest.mark.parametrize("op,attrs,ref", [
    ("Elu", {"alpha": 0.5}, lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    ("LeakyRelu", {"alpha": 0.2}, lambda x: np.where(x > 0, x, 0.2 * x)),
    ("Clip", {"min": -0.5, "max": 0.5}, lambda x: np.clip(x, -0.5, 0.5)),
    ("HardSigmoid", {"alpha": 0.3, "beta": 0.4}, lambda x: np.clip(0.3 * x + 0.4, 0, 1)),
])
def test_activation1_consumed_inputs(op, attrs, ref, rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    node = helper.make_node(op, ["x"], ["y"], consumed_inputs=[0], **attrs)
    m = model([node], [vi("x", F, x.shape)], [vi("y", F, x.shape)], 5)
    (y,) = run(m, x)
    close(y, ref(x))


@pytest.mark.parametrize("op,ref", [("Max", np.maximum), ("Min", np.minimum)])
def test_variadic1_consumed_inputs(op, ref, rng):
    a, b = (rng.standard_normal((3, 4)).astype(np.float32) for _ in range(2))
    node = helper.make_node(op, ["a", "b"], ["y"], consumed_inputs=[0, 0])
    m = model([node], [vi("a", F, a.shape), vi("b", F, b.shape)], [vi("y", F, a.shape)], 5)
    (y,) = run(m, a, b)
    close(y, ref(a, b))


def test_instancenorm1_consumed_inputs(rng):
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    s, b = rng.standard_normal(3).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    node = helper.make_node("InstanceNormalization", ["x", "s", "b"], ["y"], epsilon=1e-4, consumed_inputs=[0, 0, 0])
    inits = [numpy_helper.from_array(s, "s"), numpy_helper.from_array(b, "b")]
    m = model([node], [vi("x", F, x.shape)], [vi("y", F, x.shape)], 5, inits)
    (y,) = run(m, x)
    mean, var = x.mean((2, 3), keepdims=True), x.var((2, 3), keepdims=True)
    close(y, s.reshape(1, 3, 1, 1) * (x - mean) / np.sqrt(var + 1e-4) + b.reshape(1, 3, 1, 1))


@pytest.mark.parametrize("op,version_opset", [("RNN", 6), ("GRU", 2), ("GRU", 6)])
def test_recurrent_output_sequence(op, version_opset, rng):
    """RNN-1 (tanh) and GRU-1/-3 (sigmoid/tanh, linear_before_reset 0) with
    output_sequence = 1, one direction, against a NumPy loop."""
    seq, batch, inp, hid = 3, 2, 4, 5
    gates = 1 if op == "RNN" else 3
    x = rng.standard_normal((seq, batch, inp)).astype(np.float32)
    w = (0.5 * rng.standard_normal((1, gates * hid, inp))).astype(np.float32)
    r = (0.5 * rng.standard_normal((1, gates * hid, hid))).astype(np.float32)
    bias = (0.5 * rng.standard_normal((1, 2 * gates * hid))).astype(np.float32)
    node = helper.make_node(op, ["x", "w", "r", "b"], ["y", "yh"], hidden_size=hid, output_sequence=1)
    inits = [numpy_helper.from_array(t, n) for t, n in [(w, "w"), (r, "r"), (bias, "b")]]
    outs = [vi("y", F, [seq, 1, batch, hid]), vi("yh", F, [1, batch, hid])]
    m = model([node], [vi("x", F, x.shape)], outs, version_opset, inits)
    y, yh = run(m, x)
    sig = lambda v: 1 / (1 + np.exp(-v))
    wb, rb = bias[0, : gates * hid], bias[0, gates * hid:]
    h = np.zeros((batch, hid), np.float32)
    ref = []
    for t in range(seq):
        xw, hr = x[t] @ w[0].T + wb, h @ r[0].T + rb
        if op == "RNN":
            h = np.tanh(xw + hr)
        else:
            z = sig(xw[:, :hid] + hr[:, :hid])
            rr = sig(xw[:, hid:2 * hid] + hr[:, hid:2 * hid])
            hh = np.tanh(xw[:, 2 * hid:] + (rr * h) @ r[0, 2 * hid:].T + rb[2 * hid:])
            h = (1 - z) * hh + z * h
        ref.append(h)
    close(y, np.stack(ref)[:, None])
    close(yh, h[None])
