"""The graph builder: ops against NumPy, a CNN block, an attention block,
immediate shape errors with locations, constants and operators."""
import inspect
import math

import numpy as np
import pytest

import geflow
from geflow import ops
from conftest import assert_close, geflow_models


def run_graph(g, *inputs):
    return geflow.compile(g).run(list(inputs))


def f32(rng, *shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


# --- Elementwise and reductions against NumPy (float32, rtol = atol = 1e-4
# --- unless stated) --------------------------------------------------------

UNARY = {
    "relu": (ops.relu, lambda x: np.maximum(x, 0)),
    "relu6": (ops.relu6, lambda x: np.clip(x, 0, 6)),
    "sigmoid": (ops.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    "tanh": (ops.tanh, np.tanh),
    "exp": (ops.exp, np.exp),
    "neg": (ops.neg, np.negative),
    "abs": (ops.abs, np.abs),
    "erf": (ops.erf, np.vectorize(math.erf)),
    "hard_swish": (ops.hard_swish, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    "gelu": (ops.gelu, lambda x: x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))) / 2),
    "gelu_tanh": (lambda x: ops.gelu(x, approximate="tanh"),
                  lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi)
                                                   * (x + 0.044715 * x ** 3)))),
    "leaky_relu": (lambda x: ops.leaky_relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    "clip": (lambda x: ops.clip(x, -0.5, 0.25), lambda x: np.clip(x, -0.5, 0.25)),
    "softmax": (ops.softmax, lambda x: np.exp(x - x.max(-1, keepdims=True))
                / np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True)),
    "log_softmax": (lambda x: ops.log_softmax(x, axes=1),
                    lambda x: x - x.max(1, keepdims=True)
                    - np.log(np.exp(x - x.max(1, keepdims=True)).sum(1, keepdims=True))),
    "reduce_sum": (lambda x: ops.reduce_sum(x, axes=[1]), lambda x: x.sum(1)),
    "reduce_mean": (lambda x: ops.reduce_mean(x, axes=-1, keep_dims=True),
                    lambda x: x.mean(-1, keepdims=True)),
    "reduce_max": (ops.reduce_max, lambda x: x.max()),
    "transpose": (lambda x: ops.transpose(x, [2, 0, 1]), lambda x: x.transpose(2, 0, 1)),
    "reshape": (lambda x: x.reshape(6, -1), lambda x: x.reshape(6, -1)),
    "flatten": (ops.flatten, lambda x: x.reshape(3, -1)),
    "slice": (lambda x: ops.slice(x, [1, 0, 2], [2, -1, 3]), lambda x: x[1:3, :, 2:5]),
    "strided_slice": (lambda x: ops.strided_slice(x, [0, 1, 0], [3, 2, 8], [2, 1, 3]),
                      lambda x: x[0:3:2, 1:2, 0:8:3]),
    "pad": (lambda x: ops.pad(x, [(0, 0), (1, 2), (0, 1)], value=0.5),
            lambda x: np.pad(x, [(0, 0), (1, 2), (0, 1)], constant_values=0.5)),
    "pad_edge": (lambda x: ops.pad(x, [0, 0, 1, 1, 2, 0], mode="edge"),
                 lambda x: np.pad(x, [(0, 0), (1, 1), (2, 0)], mode="edge")),
    "tile": (lambda x: ops.tile(x, [1, 2, 1]), lambda x: np.tile(x, (1, 2, 1))),
    "expand_squeeze": (lambda x: ops.squeeze(ops.expand_dims(x, [0, 3]), [0]),
                       lambda x: x[:, :, None, :]),
    "broadcast_to": (lambda x: ops.broadcast_to(ops.slice(x, [0, 0, 0], [1, 2, 8]), [3, 2, 8]),
                     lambda x: np.broadcast_to(x[:1], (3, 2, 8))),
    "gather": (lambda x: ops.gather(x, np.array([7, 0, -1]), axis=2),
               lambda x: x[:, :, [7, 0, -1]]),
    "cast_round_trip": (lambda x: ops.cast(ops.cast(x * 10, "int32"), np.float32),
                        lambda x: np.trunc(x * 10)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_op_matches_numpy(name, rng):
    build, reference = UNARY[name]
    x = f32(rng, 3, 2, 8)
    g = geflow.Graph(name)
    g.output(build(g.data("x", x.shape)), "y")
    (y,) = run_graph(g, x)
    ref = reference(x.astype(np.float64))
    assert y.shape == np.shape(ref)
    assert_close(y, ref)


POSITIVE = {
    "log": (ops.log, np.log),
    "sqrt": (ops.sqrt, np.sqrt),
    "rsqrt": (ops.rsqrt, lambda x: 1 / np.sqrt(x)),
    "reciprocal": (ops.reciprocal, lambda x: 1 / x),
    "identity": (ops.identity, lambda x: x),
    "bias_add_nchw": (lambda x: ops.bias_add(x, np.array([1.0, -2.0]), data_format="NCHW"),
                      lambda x: x + np.array([1.0, -2.0]).reshape(1, 2, 1)),
    "bias_add_nhwc": (lambda x: ops.bias_add(x, np.arange(8.0)), lambda x: x + np.arange(8.0)),
}


@pytest.mark.parametrize("name", sorted(POSITIVE))
def test_op_on_positive_inputs_matches_numpy(name, rng):
    build, reference = POSITIVE[name]
    x = (np.abs(f32(rng, 3, 2, 8)) + 0.1).astype(np.float32)
    g = geflow.Graph(name)
    g.output(build(g.data("x", x.shape)), "y")
    (y,) = run_graph(g, x)
    assert_close(y, reference(x.astype(np.float64)))


BINARY = {
    "add": (ops.add, np.add), "sub": (ops.sub, np.subtract), "mul": (ops.mul, np.multiply),
    "div": (ops.div, np.divide), "maximum": (ops.maximum, np.maximum),
    "minimum": (ops.minimum, np.minimum),
    "pow": (lambda a, b: ops.pow(ops.abs(a), b), lambda a, b: np.abs(a) ** b),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_broadcasting(name, rng):
    build, reference = BINARY[name]
    a, b = f32(rng, 4, 1, 5), f32(rng, 3, 1) + 2.5  # b > 0 keeps div and pow tame
    g = geflow.Graph(name)
    g.output(build(g.data("a", a.shape), g.data("b", b.shape)), "y")
    (y,) = run_graph(g, a, b)
    assert y.shape == (4, 3, 5)
    assert_close(y, reference(a.astype(np.float64), b.astype(np.float64)))


def test_comparisons_where_concat_split(rng):
    a, b = f32(rng, 2, 6), f32(rng, 2, 6)
    g = geflow.Graph("cmp")
    va, vb = g.data("a", a.shape), g.data("b", b.shape)
    g.output(ops.where(ops.greater(va, vb), va, vb), "max")
    g.output(ops.equal(va, va), "eq")
    g.output(ops.less(va, 0.0), "neg")
    parts = ops.split(ops.concat([va, vb], axis=1), [4, 8], axis=1)
    g.output(parts[1], "tail")
    halves = ops.split(va, 2, axis=1)
    g.output(halves[0] - halves[1], "halves")
    mx, eq, neg, tail, diff = run_graph(g, a, b)
    np.testing.assert_array_equal(mx, np.maximum(a, b))
    assert eq.dtype == np.bool_ and eq.all()
    np.testing.assert_array_equal(neg, a < 0)
    np.testing.assert_array_equal(tail, np.concatenate([a, b], 1)[:, 4:])
    np.testing.assert_array_equal(diff, a[:, :3] - a[:, 3:])


def test_operators_and_numpy_constants(rng):
    x = f32(rng, 4, 3)
    w = rng.standard_normal((3, 5))  # float64: becomes float32 next to x
    g = geflow.Graph("operators")
    v = g.data("x", x.shape)
    y = (2 * v + 1) / 4 - v ** 2          # Python scalars on either side
    z = np.ones(3) - v                    # a NumPy array on the left
    m = v @ w                             # MatMulV2 with a constant
    g.output(y, "y")
    g.output(-abs(z), "z")
    g.output(m, "m")
    assert m.shape == (4, 5) and m.dtype == np.float32
    yo, zo, mo = run_graph(g, x)
    xd = x.astype(np.float64)
    assert_close(yo, (2 * xd + 1) / 4 - xd ** 2)
    assert_close(zo, -np.abs(1 - xd))
    assert_close(mo, xd @ w.astype(np.float32))


def test_matmul_variants(rng):
    a, b = f32(rng, 5, 3), f32(rng, 4, 3)
    q, k = f32(rng, 2, 3, 6, 8), f32(rng, 2, 3, 7, 8)
    bias = f32(rng, 4)
    g = geflow.Graph("mm")
    va, vb, vq, vk = (g.data(n, t.shape) for n, t in
                      (("a", a), ("b", b), ("q", q), ("k", k)))
    g.output(ops.matmul(va, vb, bias=bias, transpose_x2=True), "ab")
    g.output(ops.matmul(vq, vk, transpose_x2=True), "qk")  # rank 4: BatchMatMulV2
    qt = g.data("qt", (2, 3, 8, 6))
    g.output(ops.batch_matmul(qt, vk, adj_x1=True, adj_x2=True), "qk_adj")
    ab, qk, qk_adj = run_graph(g, a, b, q, k, q.transpose(0, 1, 3, 2).copy())
    assert_close(ab, a.astype(np.float64) @ b.T + bias)
    assert_close(qk, q.astype(np.float64) @ k.transpose(0, 1, 3, 2))
    assert_close(qk_adj, qk, rtol=1e-6, atol=1e-6)


def test_small_cnn_block_matches_numpy(rng):
    """conv(3x3, pad 1) + batch norm + relu -> depthwise conv stride 2 ->
    max pool -> avg pool -> global average pool -> flatten -> linear."""
    x = f32(rng, 2, 3, 16, 16)
    w1, b1 = f32(rng, 8, 3, 3, 3, scale=0.3), f32(rng, 8, scale=0.1)
    scale, offset = 1 + f32(rng, 8, scale=0.1), f32(rng, 8, scale=0.1)
    mean, var = f32(rng, 8, scale=0.1), 1 + np.abs(f32(rng, 8, scale=0.1))
    w2 = f32(rng, 8, 1, 3, 3, scale=0.3)
    fc = f32(rng, 8, 5, scale=0.3)

    g = geflow.Graph("cnn")
    v = g.data("image", x.shape)
    y = ops.conv2d(v, w1, bias=b1, pads=1, name="conv1")
    y = ops.relu(ops.batch_norm(y, scale, offset, mean, var, epsilon=1e-5))
    y = ops.conv2d(y, w2, strides=2, pads=[1, 1, 1, 1], groups=8, name="dw")
    assert y.shape == (2, 8, 8, 8)
    y = ops.max_pool(y, ksize=3, strides=1, pads=1)
    y = ops.avg_pool(y, ksize=2, strides=2)
    y = ops.flatten(ops.global_avg_pool(y))
    g.output(y @ fc, "logits")
    (out,) = run_graph(g, x)

    conv = geflow_models._conv
    r = conv(x, w1, b1, (1, 1), (1, 1, 1, 1))
    sh = (1, -1, 1, 1)
    r = (r - mean.reshape(sh)) / np.sqrt(var.reshape(sh) + 1e-5) * scale.reshape(sh) \
        + offset.reshape(sh)
    r = np.maximum(r, 0)
    r = conv(r, w2, None, (2, 2), (1, 1, 1, 1), group=8)
    r = geflow_models._maxpool(r, (3, 3), (1, 1), (1, 1, 1, 1))
    r = r.reshape(2, 8, 4, 2, 4, 2).mean(axis=(3, 5))
    r = r.mean(axis=(2, 3)) @ fc
    assert out.shape == (2, 5)
    assert_close(out, r)


def test_attention_block_matches_numpy(rng):
    """Multi-head self-attention + residual + layer norm + GELU FFN."""
    batch, seq, hidden, heads = 2, 8, 32, 4
    d = hidden // heads
    x = f32(rng, batch, seq, hidden)
    wq, wk, wv, wo = (f32(rng, hidden, hidden, scale=hidden ** -0.5) for _ in range(4))
    w1, w2 = f32(rng, hidden, 64, scale=hidden ** -0.5), f32(rng, 64, hidden, scale=0.125)
    gamma, beta = 1 + f32(rng, hidden, scale=0.1), f32(rng, hidden, scale=0.1)

    g = geflow.Graph("attention")
    v = g.data("hidden", x.shape)

    def heads_of(t):
        return ops.transpose(ops.reshape(t, [batch, seq, heads, d]), [0, 2, 1, 3])

    q, k, val = heads_of(v @ wq), heads_of(v @ wk), heads_of(v @ wv)
    probs = ops.softmax(ops.matmul(q, k, transpose_x2=True) / math.sqrt(d))
    ctx = ops.reshape(ops.transpose(probs @ val, [0, 2, 1, 3]), [batch, seq, hidden])
    h = ops.layer_norm(v + ctx @ wo, gamma, beta, epsilon=1e-6)
    out = ops.layer_norm(h + ops.gelu(h @ w1) @ w2, gamma, beta, epsilon=1e-6)
    g.output(out, "encoded")
    (y,) = run_graph(g, x)

    def layer_norm(t):
        mu = t.mean(-1, keepdims=True)
        return (t - mu) / np.sqrt(((t - mu) ** 2).mean(-1, keepdims=True) + 1e-6) * gamma \
            + beta

    xd = x.astype(np.float64)
    split = lambda t: t.reshape(batch, seq, heads, d).transpose(0, 2, 1, 3)  # noqa: E731
    qd, kd, vd = split(xd @ wq), split(xd @ wk), split(xd @ wv)
    s = qd @ kd.transpose(0, 1, 3, 2) / math.sqrt(d)
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    ctx_ref = (p @ vd).transpose(0, 2, 1, 3).reshape(batch, seq, hidden)
    hd = layer_norm(xd + ctx_ref @ wo)
    ffn = hd @ w1
    ffn = ffn * (1 + np.vectorize(math.erf)(ffn / math.sqrt(2))) / 2
    assert_close(y, layer_norm(hd + ffn @ w2))


# --- Errors at the line that adds the op ------------------------------------

def test_shape_error_names_op_rule_and_line():
    g = geflow.Graph("errors")
    x = g.data("x", [1, 3, 8, 8])
    w = np.zeros((4, 5, 3, 3), np.float32)
    line = inspect.currentframe().f_lineno + 2
    with pytest.raises(ValueError) as info:
        ops.conv2d(x, w, name="conv_bad")
    message = str(info.value)
    assert isinstance(info.value, geflow.InvalidArgumentError)
    assert f"{__file__}:{line}:1: conv_bad: 'ge.Conv2D' op input channels 3 != filter " \
           "in-channels 5 x groups 1" in message
    assert "Conv2D" not in str(g)  # the failed op left the graph unchanged


def test_more_shape_errors():
    g = geflow.Graph("errors2")
    a, b = g.data("a", [2, 3]), g.data("b", [4, 5])
    with pytest.raises(ValueError, match="contraction dims differ"):
        ops.matmul(a, b)
    with pytest.raises(ValueError, match="'ge.Add' op"):
        a + b
    with pytest.raises(ValueError, match="'ge.Reshape' op"):
        ops.reshape(a, [5, -1])
    assert "Reshape" not in str(g)  # the failed reshape left nothing behind
    with pytest.raises(ValueError, match="'ge.Transpose' op"):
        ops.transpose(a, [0, 0])
    with pytest.raises(ValueError, match="'ge.MaxPool' op"):
        ops.max_pool(g.data("img", [1, 1, 2, 2]), ksize=5)
    with pytest.raises(ValueError, match="'ge.Split' op"):
        ops.split(a, [1, 1], axis=1)
    with pytest.raises(ValueError, match="does not split into 2 equal pieces"):
        ops.split(a, 2, axis=1)


def test_graph_level_errors():
    g, other = geflow.Graph("one"), geflow.Graph("two")
    x, y = g.data("x", [2]), other.data("y", [2])
    with pytest.raises(ValueError, match="value of graph 'two' cannot be used in graph 'one'"):
        x + y
    with pytest.raises(ValueError, match="already has an input named 'x'"):
        g.data("x", [3])
    with pytest.raises(ValueError, match="dims are >= 0, or -1"):
        g.data("z", [2, -5])
    with pytest.raises(ValueError, match="dtype complex64 is not supported"):
        g.data("d", [2], np.complex64)
    g.output(x, "out")
    with pytest.raises(ValueError, match="already has an output named 'out'"):
        g.output(x * 2.0, "out")
    with pytest.raises(ValueError, match="has no outputs"):
        geflow.compile(geflow.Graph("empty"))
    with pytest.raises(ValueError, match="needs at least one geflow.Value"):
        ops.add(np.ones(2), np.ones(2))


def test_compile_error_points_at_the_python_line():
    g = geflow.Graph("late")
    x = g.data("x", [-1, 4])  # dynamic, but no gears requested
    g.output(ops.relu(x), "y")
    with pytest.raises(geflow.CompileError) as info:
        geflow.compile(g)
    assert "late" in str(info.value)


def test_graph_text_and_values():
    g = geflow.Graph("text")
    x = g.data("x", [1, 4])
    c = ops.constant(np.arange(4, dtype=np.int64), graph=g, name="idx")
    with g:
        k = ops.constant(np.float64(2))  # default graph from `with`
    y = ops.mul(x, k, name="scaled")
    g.output(y)
    assert (y.name, y.shape, y.dtype) == ("scaled", (1, 4), np.float32)
    assert c.dtype == np.int64 and k.dtype == np.float32 and k.shape == ()
    assert g.inputs == ["x"] and g.outputs == ["output0"]
    text = str(g)
    assert "func.func @text" in text and 'ge.name = "x"' in text and "ge.Mul" in text
    assert "Value('scaled'" in repr(y) and "<geflow.Graph 'text'" in repr(g)


def test_bfloat16_values():
    g = geflow.Graph("bf16")
    x = g.data("x", [4], "bfloat16")
    y = x * 0.5
    assert x.dtype == "bfloat16" and y.dtype == "bfloat16"
    g.output(y, "y")
    exe = geflow.compile(g)
    assert exe.inputs[0].dtype == np.uint16  # bf16 travels as its bits
    bits = (np.array([1.0, -2.0, 3.0, 0.25], np.float32).view(np.uint32) >> 16).astype(np.uint16)
    (out,) = exe.run(bits)
    halves = (out.astype(np.uint32) << 16).view(np.float32)
    np.testing.assert_array_equal(halves, [0.5, -1.0, 1.5, 0.125])
