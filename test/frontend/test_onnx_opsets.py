"""ONNX opsets 18 to 21: the op versions they changed, against NumPy.

Debian's onnx (1.12) knows opsets up to 17, so these models are built with
onnx.helper without its checker (the opset is set directly) and every
expected value is a NumPy reference written from the operator's spec.
Models compile through geflow.compile and run on the host soc. Tolerance:
rtol = atol = 1e-5 for f32 unless a test says otherwise; integers and bools
exact.

Run with `PYTHONPATH=build/python /usr/bin/python3 -m pytest test/frontend`
(CTest `frontend.onnx_opsets` does).
"""
import math

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import geflow

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
RTOL = ATOL = 1e-5


def vi(name, dtype, shape=None):
    return helper.make_tensor_value_info(name, dtype, shape)


def const(name, value):
    return numpy_helper.from_array(np.asarray(value), name)


def model(nodes, inputs, outputs, opset, inits=()):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 10 if opset >= 21 else 8
    return m


def run(m, *feeds):
    return geflow.compile(m).run(list(feeds))


def compile_error(m):
    with pytest.raises(geflow.CompileError) as info:
        geflow.compile(m)
    return str(info.value)


def close(actual, expected, rtol=RTOL, atol=ATOL):
    expected = np.asarray(expected)
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected.astype(actual.dtype), rtol=rtol, atol=atol)


@pytest.fixture
def rng():
    return np.random.default_rng(18)


# ---------------------------------------------------------------------------
# Opset 18: Reduce* take axes as an input
# ---------------------------------------------------------------------------

REDUCTIONS = {
    "ReduceMax": lambda x, a, k: np.max(x, axis=a, keepdims=k),
    "ReduceMin": lambda x, a, k: np.min(x, axis=a, keepdims=k),
    "ReduceMean": lambda x, a, k: np.mean(x, axis=a, keepdims=k),
    "ReduceProd": lambda x, a, k: np.prod(x, axis=a, keepdims=k),
    "ReduceSum": lambda x, a, k: np.sum(x, axis=a, keepdims=k),
    "ReduceL1": lambda x, a, k: np.sum(np.abs(x), axis=a, keepdims=k),
    "ReduceL2": lambda x, a, k: np.sqrt(np.sum(x * x, axis=a, keepdims=k)),
    "ReduceSumSquare": lambda x, a, k: np.sum(x * x, axis=a, keepdims=k),
    "ReduceLogSum": lambda x, a, k: np.log(np.sum(x, axis=a, keepdims=k)),
    "ReduceLogSumExp": lambda x, a, k: np.log(np.sum(np.exp(x), axis=a, keepdims=k)),
}


@pytest.mark.parametrize("op", sorted(REDUCTIONS))
@pytest.mark.parametrize("opset", [18, 21])
def test_reduce_axes_input(op, opset, rng):
    x = rng.uniform(0.5, 2.0, (2, 3, 4)).astype(np.float32)
    nodes = [
        helper.make_node(op, ["x", "axes"], ["kept"], keepdims=1),
        helper.make_node(op, ["x", "axes"], ["dropped"], keepdims=0),
        # No axes: every dim; with noop_with_empty_axes: the identity.
        helper.make_node(op, ["x"], ["all"], keepdims=0),
        helper.make_node(op, ["x"], ["noop"], noop_with_empty_axes=1),
    ]
    m = model(nodes, [vi("x", F, [2, 3, 4])],
              [vi("kept", F), vi("dropped", F), vi("all", F), vi("noop", F)], opset,
              [const("axes", np.array([-1, 0], np.int64))])
    kept, dropped, every, noop = run(m, x)
    ref = REDUCTIONS[op]
    x64 = x.astype(np.float64)
    close(kept, ref(x64, (0, 2), True))
    close(dropped, ref(x64, (0, 2), False))
    close(every, ref(x64, None, False))
    np.testing.assert_array_equal(noop, x)


def test_reduce_axes_must_be_constant():
    nodes = [helper.make_node("ReduceMean", ["x", "axes"], ["y"], name="mean18")]
    m = model(nodes, [vi("x", F, [2, 3]), vi("axes", I64, [1])], [vi("y", F)], 18)
    error = compile_error(m)
    assert "node 'mean18' (ReduceMean)" in error and "axes input must be a constant" in error


@pytest.mark.parametrize("op,ref", [("ReduceMax", np.any), ("ReduceMin", np.all)])
def test_reduce_max_min_bool_opset20(op, ref):
    x = np.array([[True, False, True], [True, True, True]])
    m = model([helper.make_node(op, ["x", "axes"], ["y"], keepdims=0)],
              [vi("x", B, [2, 3])], [vi("y", B)], 20,
              [const("axes", np.array([1], np.int64))])
    (y,) = run(m, x)
    assert y.dtype == np.bool_
    np.testing.assert_array_equal(y, ref(x, axis=1))


# ---------------------------------------------------------------------------
# Opset 18: Split num_outputs, Pad axes; opset 19: Pad wrap
# ---------------------------------------------------------------------------

def test_split_num_outputs_uneven(rng):
    # 7 into 3 parts: ceil(7 / 3) = 3, the last part takes the rest.
    x = rng.standard_normal((2, 7)).astype(np.float32)
    m = model([helper.make_node("Split", ["x"], ["a", "b", "c"], axis=1, num_outputs=3)],
              [vi("x", F, [2, 7])], [vi("a", F), vi("b", F), vi("c", F)], 18)
    a, b, c = run(m, x)
    np.testing.assert_array_equal(a, x[:, 0:3])
    np.testing.assert_array_equal(b, x[:, 3:6])
    np.testing.assert_array_equal(c, x[:, 6:7])


def test_split_num_outputs_must_match_outputs():
    m = model([helper.make_node("Split", ["x"], ["a", "b"], num_outputs=3, name="sp")],
              [vi("x", F, [6])], [vi("a", F), vi("b", F)], 18)
    assert "num_outputs is 3 but the node has 2 outputs" in compile_error(m)


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge"])
def test_pad_axes_input(mode, rng):
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    # axes [-1, 1]: pads [last_begin, 1_begin, last_end, 1_end].
    nodes = [helper.make_node("Pad", ["x", "pads", "value", "axes"], ["y"], mode=mode)]
    m = model(nodes, [vi("x", F, [2, 3, 4])], [vi("y", F)], 18,
              [const("pads", np.array([1, 2, 3, 1], np.int64)),
               const("value", np.array(1.5, np.float32)),
               const("axes", np.array([-1, 1], np.int64))])
    (y,) = run(m, x)
    width = [(0, 0), (2, 1), (1, 3)]
    ref = (np.pad(x, width, mode="constant", constant_values=1.5) if mode == "constant"
           else np.pad(x, width, mode=mode))
    np.testing.assert_array_equal(y, ref)


def test_pad_wrap_opset19(rng):
    x = rng.standard_normal((1, 3, 4)).astype(np.float32)
    m = model([helper.make_node("Pad", ["x", "pads"], ["y"], mode="wrap")],
              [vi("x", F, [1, 3, 4])], [vi("y", F)], 19,
              [const("pads", np.array([0, 1, 2, 0, 2, 3], np.int64))])
    (y,) = run(m, x)
    np.testing.assert_array_equal(y, np.pad(x, [(0, 0), (1, 2), (2, 3)], mode="wrap"))


def test_pad_wrap_before_opset19_is_rejected():
    m = model([helper.make_node("Pad", ["x", "pads"], ["y"], mode="wrap", name="pw")],
              [vi("x", F, [3])], [vi("y", F)], 18, [const("pads", np.array([1, 1], np.int64))])
    assert "mode 'wrap' is not supported" in compile_error(m)


# ---------------------------------------------------------------------------
# Opset 18: ScatterElements / ScatterND reduction max and min
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", ["max", "min"])
def test_scatter_elements_max_min(reduction):
    data = np.array([[1, 5, 3], [4, 2, 6]], np.float32)
    indices = np.array([[1, 1, 0], [0, 2, 2]], np.int64)
    updates = np.array([[9, -1, 2], [0, 7, 5]], np.float32)
    m = model([helper.make_node("ScatterElements", ["d", "i", "u"], ["y"], axis=1,
                                reduction=reduction)],
              [vi("d", F, [2, 3]), vi("i", I64, [2, 3]), vi("u", F, [2, 3])], [vi("y", F)], 18)
    (y,) = run(m, data, indices, updates)
    ref = data.copy()
    pick = np.maximum if reduction == "max" else np.minimum
    for r in range(2):
        for c in range(3):
            ref[r, indices[r, c]] = pick(ref[r, indices[r, c]], updates[r, c])
    np.testing.assert_array_equal(y, ref)


@pytest.mark.parametrize("reduction", ["max", "min"])
def test_scatter_nd_max_min(reduction):
    data = np.arange(12, dtype=np.int64).reshape(3, 4)
    indices = np.array([[2], [0], [2]], np.int64)
    updates = np.array([[0, 20, 9, 30], [5, -1, 5, 1], [11, 8, 40, 3]], np.int64)
    m = model([helper.make_node("ScatterND", ["d", "i", "u"], ["y"], reduction=reduction)],
              [vi("d", I64, [3, 4]), vi("i", I64, [3, 1]), vi("u", I64, [3, 4])],
              [vi("y", I64)], 18)
    (y,) = run(m, data, indices, updates)
    ref = data.copy()
    pick = np.maximum if reduction == "max" else np.minimum
    for k, (row,) in enumerate(indices):
        ref[row] = pick(ref[row], updates[k])
    np.testing.assert_array_equal(y, ref)


# ---------------------------------------------------------------------------
# Opset 18/19: Resize
# ---------------------------------------------------------------------------

def resize_linear_1d(x, axis, out, scale):
    """ONNX linear interpolation along one axis, half_pixel coordinates."""
    n = x.shape[axis]
    pos = (np.arange(out) + 0.5) / scale - 0.5
    pos = np.clip(pos, 0, n - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    w = pos - lo
    shape = [1] * x.ndim
    shape[axis] = out
    w = w.reshape(shape)
    return np.take(x, lo, axis=axis) * (1 - w) + np.take(x, hi, axis=axis) * w


def test_resize_axes_with_scales_nearest(rng):
    x = rng.standard_normal((1, 2, 3, 4)).astype(np.float32)
    nodes = [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="nearest",
                              axes=[3, 2], coordinate_transformation_mode="asymmetric",
                              nearest_mode="floor")]
    m = model(nodes, [vi("x", F, [1, 2, 3, 4])], [vi("y", F)], 18,
              [const("scales", np.array([2.0, 3.0], np.float32))])
    (y,) = run(m, x)
    np.testing.assert_array_equal(y, x.repeat(3, axis=2).repeat(2, axis=3))


@pytest.mark.parametrize("policy,expected_hw", [("not_larger", (4, 6)), ("not_smaller", (6, 9))])
def test_resize_keep_aspect_ratio_policy(policy, expected_hw, rng):
    # Input 2 x 3, sizes 4 x 9: not_larger uses scale min(2, 3) = 2,
    # not_smaller max(2, 3) = 3, for both dims.
    x = rng.standard_normal((1, 1, 2, 3)).astype(np.float32)
    nodes = [helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="linear",
                              axes=[2, 3], keep_aspect_ratio_policy=policy)]
    m = model(nodes, [vi("x", F, [1, 1, 2, 3])], [vi("y", F)], 18,
              [const("sizes", np.array([4, 9], np.int64))])
    (y,) = run(m, x)
    scale = 2.0 if policy == "not_larger" else 3.0
    ref = resize_linear_1d(x.astype(np.float64), 2, expected_hw[0], scale)
    ref = resize_linear_1d(ref, 3, expected_hw[1], scale)
    close(y, ref)


def test_resize_antialias_upsampling_is_exact(rng):
    # Antialiasing only changes downsampling; upsampling is plain linear.
    x = rng.standard_normal((1, 1, 3, 3)).astype(np.float32)
    nodes = [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="linear", antialias=1)]
    m = model(nodes, [vi("x", F, [1, 1, 3, 3])], [vi("y", F)], 18,
              [const("scales", np.array([1, 1, 2, 2], np.float32))])
    (y,) = run(m, x)
    ref = resize_linear_1d(resize_linear_1d(x.astype(np.float64), 2, 6, 2.0), 3, 6, 2.0)
    close(y, ref)


def test_resize_antialias_downsampling_is_rejected():
    nodes = [helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="linear",
                              antialias=1, name="aa")]
    m = model(nodes, [vi("x", F, [1, 1, 8, 8])], [vi("y", F)], 18,
              [const("sizes", np.array([1, 1, 4, 8], np.int64))])
    error = compile_error(m)
    assert "node 'aa' (Resize)" in error
    assert "antialias = 1 with linear downsampling (dim 2: 8 -> 4) is not supported" in error


def test_resize_half_pixel_symmetric(rng):
    # With an output size of exactly in x scale the symmetric offset is 0:
    # the same as half_pixel.
    x = rng.standard_normal((1, 1, 3, 4)).astype(np.float32)
    nodes = [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="linear",
                              coordinate_transformation_mode="half_pixel_symmetric")]
    m = model(nodes, [vi("x", F, [1, 1, 3, 4])], [vi("y", F)], 19,
              [const("scales", np.array([1, 1, 2, 0.5], np.float32))])
    (y,) = run(m, x)
    ref = resize_linear_1d(resize_linear_1d(x.astype(np.float64), 2, 6, 2.0), 3, 2, 0.5)
    close(y, ref)
    # 3 x 1.5 = 4.5 is not an integer size: the offset would be nonzero.
    bad = model([helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="linear",
                                  coordinate_transformation_mode="half_pixel_symmetric")],
                [vi("x", F, [1, 1, 3, 4])], [vi("y", F)], 19,
                [const("scales", np.array([1, 1, 1.5, 1], np.float32))])
    assert "'half_pixel_symmetric' with a fractional output size (dim 2" in compile_error(bad)


# ---------------------------------------------------------------------------
# New ops: Gelu (20), Mish (18), GroupNormalization (18, 21)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_opset20(approximate, rng):
    x = rng.standard_normal((3, 5)).astype(np.float32) * 3
    m = model([helper.make_node("Gelu", ["x"], ["y"], approximate=approximate)],
              [vi("x", F, [3, 5])], [vi("y", F)], 20)
    (y,) = run(m, x)
    x64 = x.astype(np.float64)
    if approximate == "none":
        ref = 0.5 * x64 * (1 + np.vectorize(math.erf)(x64 / math.sqrt(2)))
    else:
        ref = 0.5 * x64 * (1 + np.tanh(math.sqrt(2 / math.pi) * (x64 + 0.044715 * x64 ** 3)))
    close(y, ref)


def test_mish_opset18(rng):
    x = np.concatenate([rng.standard_normal(20) * 4, [-100, -20, 20, 100]]).astype(np.float32)
    m = model([helper.make_node("Mish", ["x"], ["y"])], [vi("x", F, [24])], [vi("y", F)], 18)
    (y,) = run(m, x)
    x64 = x.astype(np.float64)
    close(y, x64 * np.tanh(np.log1p(np.exp(x64))))


def group_norm_reference(x, groups, eps):
    n, c = x.shape[:2]
    g = x.reshape(n, groups, -1).astype(np.float64)
    mean = g.mean(axis=2, keepdims=True)
    var = ((g - mean) ** 2).mean(axis=2, keepdims=True)
    return (g - mean) / np.sqrt(var + eps)


@pytest.mark.parametrize("opset", [18, 21])
def test_group_normalization(opset, rng):
    x = rng.standard_normal((2, 6, 3, 2)).astype(np.float32)
    groups, eps = 3, 1e-3
    # Opset 18: scale and bias per group; 21: per channel.
    count = groups if opset == 18 else 6
    scale = rng.standard_normal(count).astype(np.float32)
    bias = rng.standard_normal(count).astype(np.float32)
    m = model([helper.make_node("GroupNormalization", ["x", "s", "b"], ["y"],
                                num_groups=groups, epsilon=eps)],
              [vi("x", F, [2, 6, 3, 2])], [vi("y", F)], opset,
              [const("s", scale), const("b", bias)])
    (y,) = run(m, x)
    normalized = group_norm_reference(x, groups, eps)
    if opset == 18:
        ref = (normalized * scale[:, None] + bias[:, None]).reshape(x.shape)
    else:
        ref = normalized.reshape(x.shape) * scale[:, None, None] + bias[:, None, None]
    close(y, ref, rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------------------
# Opset 20: GridSample's renamed modes
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("new,old", [("linear", "bilinear"), ("nearest", "nearest"),
                                     ("cubic", "bicubic")])
def test_grid_sample_opset20_modes(new, old, rng):
    x = rng.standard_normal((1, 2, 4, 5)).astype(np.float32)
    grid = rng.uniform(-1.1, 1.1, (1, 3, 3, 2)).astype(np.float32)
    def build(opset, mode):
        return model([helper.make_node("GridSample", ["x", "grid"], ["y"], mode=mode)],
                     [vi("x", F, [1, 2, 4, 5]), vi("grid", F, [1, 3, 3, 2])], [vi("y", F)], opset)
    (y20,) = run(build(20, new), x, grid)
    (y16,) = run(build(16, old), x, grid)
    np.testing.assert_array_equal(y20, y16)
    if new == "linear":
        # The default mode is linear at opset 20 (bilinear before).
        m = model([helper.make_node("GridSample", ["x", "grid"], ["y"])],
                  [vi("x", F, [1, 2, 4, 5]), vi("grid", F, [1, 3, 3, 2])], [vi("y", F)], 20)
        np.testing.assert_array_equal(run(m, x, grid)[0], y16)


# ---------------------------------------------------------------------------
# Opset 19/21: quantization (output_dtype, block_size)
# ---------------------------------------------------------------------------

def test_quantize_output_dtype_and_blocks_opset21(rng):
    x = rng.standard_normal((2, 6)).astype(np.float32) * 4
    # Blocks of 4 along axis 1: 6 columns need 2 blocks (the last one short).
    scale = np.array([[0.1, 0.2], [0.05, 0.5]], np.float32)
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "scale"], ["q"], axis=1, block_size=4,
                         output_dtype=TensorProto.INT8),
        helper.make_node("DequantizeLinear", ["q", "scale"], ["y"], axis=1, block_size=4),
    ]
    m = model(nodes, [vi("x", F, [2, 6])], [vi("q", TensorProto.INT8), vi("y", F)], 21,
              [const("scale", scale)])
    q, y = run(m, x)
    full = np.repeat(scale, 4, axis=1)[:, :6].astype(np.float64)
    ref_q = np.clip(np.round(x / full), -128, 127).astype(np.int8)
    assert q.dtype == np.int8
    np.testing.assert_array_equal(q, ref_q)
    close(y, ref_q * full)


# ---------------------------------------------------------------------------
# Versions that only add element types import as before
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("opset", [19, 20, 21])
def test_type_only_versions_import(opset, rng):
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    nodes = [
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("ConstantOfShape", ["shape"], ["zeros"],
                         value=numpy_helper.from_array(np.array([0.5], np.float32))),
        helper.make_node("Add", ["x", "zeros"], ["a"]),
        helper.make_node("Flatten", ["a"], ["f"], axis=1),
        helper.make_node("Reshape", ["f", "shape"], ["r"]),
        helper.make_node("Transpose", ["r"], ["t"], perm=[2, 0, 1]),
        helper.make_node("Unsqueeze", ["t", "ax"], ["u"]),
        helper.make_node("Squeeze", ["u", "ax"], ["s"]),
        helper.make_node("Identity", ["s"], ["i"]),
        helper.make_node("CastLike", ["i", "like"], ["c"]),
        helper.make_node("Cast", ["c"], ["y"], to=TensorProto.FLOAT),
        helper.make_node("Size", ["x"], ["n"]),
        helper.make_node("IsNaN", ["x"], ["nan"]),
        helper.make_node("Equal", ["x", "x"], ["eq"]),
    ]
    m = model(nodes, [vi("x", F, [2, 3, 4])],
              [vi("y", F), vi("n", I64), vi("nan", B), vi("eq", B)], opset,
              [const("ax", np.array([0], np.int64)), const("like", np.array(0, np.float32))])
    y, n, nan, eq = run(m, x)
    close(y, (x + 0.5).transpose(2, 0, 1))
    assert n == 24
    assert not nan.any() and eq.all()


def test_unsupported_new_op_is_named():
    m = model([helper.make_node("Col2Im", ["x", "s", "b"], ["y"], name="c2i")],
              [vi("x", F, [1, 4, 4])], [vi("y", F)], 18,
              [const("s", np.array([3, 3], np.int64)), const("b", np.array([2, 2], np.int64))])
    error = compile_error(m)
    assert "Col2Im" in error and "c2i" in error
