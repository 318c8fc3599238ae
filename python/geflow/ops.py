"""Ops for building graphs: one function per GE op.

Operands are :class:`geflow.Value` objects of one graph, or NumPy arrays /
Python scalars (added to the graph as constants). Attribute names and
defaults are GE's: ``strides``/``dilations``/``ksize`` take one int, an
(h, w) pair or the 4 entries in ``data_format`` order; ``pads`` take one
int, an (h, w) pair or GE's 4 entries ``[top, bottom, left, right]``.
Every op takes ``name=`` (its node name; default ``<OpType>_<n>``).

Shape errors raise :class:`geflow.InvalidArgumentError` (a ValueError) at
once, naming the op, the rule and the line that added it.
"""
import builtins

import numpy as np

from . import _geflow
from ._dtypes import dtype_name, numpy_dtype, to_bfloat16_bits
from .errors import InvalidArgumentError
from .graph import Value, _loc, default_graph

__all__ = [
    "constant", "add", "sub", "mul", "div", "maximum", "minimum", "pow",
    "equal", "less", "greater", "where", "relu", "relu6", "sigmoid", "tanh",
    "exp", "log", "sqrt", "rsqrt", "reciprocal", "neg", "abs", "erf",
    "hard_swish", "identity", "gelu", "leaky_relu", "clip", "cast",
    "conv2d", "matmul", "batch_matmul", "bias_add", "softmax", "log_softmax",
    "layer_norm", "batch_norm", "max_pool", "avg_pool", "global_avg_pool",
    "reshape", "flatten", "transpose", "concat", "split", "slice",
    "strided_slice", "gather", "pad", "reduce_sum", "reduce_mean",
    "reduce_max", "expand_dims", "squeeze", "tile", "broadcast_to",
    "hcom_all_reduce", "hcom_all_gather", "hcom_reduce_scatter",
    "hcom_broadcast", "hcom_send", "hcom_receive",
    "variable", "assign", "assign_add", "assign_sub",
]

_WORLD = "hccl_world_group"

_U = _geflow.UnaryKind
_B = _geflow.BinaryKind


def _graph(*operands):
    for x in operands:
        if isinstance(x, Value):
            return x.graph
        if isinstance(x, (list, tuple)):
            for y in x:
                if isinstance(y, Value):
                    return y.graph
    raise InvalidArgumentError(
        "an op needs at least one geflow.Value operand to know its graph "
        "(use geflow.ops.constant(..., graph=g) for constants)")


def _values(g, *operands):
    """The operands as Values of ``g``; constants take the dtype of the
    first Value operand where the kinds agree."""
    like = next((x for x in operands if isinstance(x, Value)), None)
    return [g._value(x, like) for x in operands]


def _ints(v, what):
    if isinstance(v, (int, np.integer)):
        return [int(v)]
    try:
        return [int(i) for i in v]
    except TypeError as e:
        raise InvalidArgumentError(f"{what} must be an int or a list of ints, "
                                   f"got {v!r}") from e


def _window(v, what, data_format, fill=1):
    """strides / dilations / ksize: int, (h, w) or 4 entries in
    data_format order."""
    v = _ints(v, what)
    if len(v) == 1:
        v = v * 2
    if len(v) == 2:
        h, w = v
        return [fill, fill, h, w] if data_format == "NCHW" else [fill, h, w, fill]
    return v


def _pads(v):
    """int, (h, w) or GE's [top, bottom, left, right]."""
    v = _ints(v, "pads")
    if len(v) == 1:
        return v * 4
    if len(v) == 2:
        return [v[0], v[0], v[1], v[1]]
    return v


def _axes(v):
    return [] if v is None else _ints(v, "axes")


def _unary(kind, x, name):
    g = _graph(x)
    (x,) = _values(g, x)
    return Value(g, g._b.unary(kind, x._ref, _loc(name)))


def _binary(kind, x1, x2, name):
    g = _graph(x1, x2)
    x1, x2 = _values(g, x1, x2)
    return Value(g, g._b.binary(kind, x1._ref, x2._ref, _loc(name)))


def constant(value, dtype=None, name=None, graph=None):
    """A constant (GE Const). ``graph`` defaults to the innermost ``with
    graph:`` block, else the graph created last on this thread."""
    g = graph or default_graph()
    if g is None:
        raise InvalidArgumentError("no graph to add the constant to; create a "
                                   "geflow.Graph or pass graph=")
    return g.constant(value, dtype, name)


# --- Variables and weight update (GE 5.5, docs/weight-update.md) -----------

def variable(name, shape=None, dtype="float32", value=None, graph=None):
    """A variable (GE Variable) named ``name``: an updatable weight with
    initial value ``value`` (array-like; it gives the shape, and the dtype
    unless ``dtype`` is given), or without one (``shape`` and ``dtype``
    needed; set by weight update or an assignment first). Never folded, so
    ``update_weights`` and update graphs can replace it."""
    g = graph or default_graph()
    if g is None:
        raise InvalidArgumentError("no graph to add the variable to; create a "
                                   "geflow.Graph or pass graph=")
    dtype = dtype_name(dtype)
    initial = None
    if value is not None:
        array = np.asarray(value)
        if dtype == "bfloat16":
            initial = np.ascontiguousarray(to_bfloat16_bits(array))
        else:
            initial = np.ascontiguousarray(array, dtype=numpy_dtype(dtype))
        if shape is not None and tuple(_ints(shape, "shape")) != initial.shape:
            raise InvalidArgumentError(
                f"variable '{name}': shape {list(shape)} differs from the initial "
                f"value's {list(initial.shape)}")
        shape = list(initial.shape)
    if shape is None:
        raise InvalidArgumentError(f"variable '{name}' needs a shape or an initial value")
    return Value(g, g._b.variable(str(name), _ints(shape, "shape"), dtype, initial,
                                  _loc(None)))


def _assign(kind, name, value, op_name):
    if isinstance(value, Value):
        g = value.graph
    else:
        g = default_graph()
        if g is None:
            raise InvalidArgumentError(f"{kind}: no graph to add it to; pass a "
                                       "geflow.Value or build inside `with graph:`")
    (value,) = _values(g, value)
    return Value(g, g._b.assign(kind, str(name), value._ref, _loc(op_name)))


def assign(name, value, op_name=None):
    """Stores ``value`` into variable ``name`` of another graph of the
    Session (GE Assign); returns the stored value. A graph with assignments
    is a weight-update graph: ``Session.run_graph`` of it updates every
    built graph holding the variable in place."""
    return _assign("Assign", name, value, op_name)


def assign_add(name, value, op_name=None):
    """Adds ``value`` to variable ``name`` (GE AssignAdd)."""
    return _assign("AssignAdd", name, value, op_name)


def assign_sub(name, value, op_name=None):
    """Subtracts ``value`` from variable ``name`` (GE AssignSub)."""
    return _assign("AssignSub", name, value, op_name)


# --- Elementwise binary (NumPy broadcasting) --------------------------------

def add(x1, x2, name=None):
    """x1 + x2 (GE Add)."""
    return _binary(_B.Add, x1, x2, name)


def sub(x1, x2, name=None):
    """x1 - x2 (GE Sub)."""
    return _binary(_B.Sub, x1, x2, name)


def mul(x1, x2, name=None):
    """x1 * x2 (GE Mul)."""
    return _binary(_B.Mul, x1, x2, name)


def div(x1, x2, name=None):
    """x1 / x2 (GE RealDiv; integers truncate toward zero)."""
    return _binary(_B.Div, x1, x2, name)


def maximum(x1, x2, name=None):
    """Elementwise maximum (GE Maximum)."""
    return _binary(_B.Maximum, x1, x2, name)


def minimum(x1, x2, name=None):
    """Elementwise minimum (GE Minimum)."""
    return _binary(_B.Minimum, x1, x2, name)


def pow(x1, x2, name=None):  # noqa: A001 - GE's name
    """x1 ** x2 (GE Pow)."""
    return _binary(_B.Pow, x1, x2, name)


def equal(x1, x2, name=None):
    """x1 == x2 as bool (GE Equal)."""
    return _binary(_B.Equal, x1, x2, name)


def less(x1, x2, name=None):
    """x1 < x2 as bool (GE Less)."""
    return _binary(_B.Less, x1, x2, name)


def greater(x1, x2, name=None):
    """x1 > x2 as bool (GE Greater)."""
    return _binary(_B.Greater, x1, x2, name)


def where(condition, x1, x2, name=None):
    """condition ? x1 : x2 with broadcasting (GE SelectV2)."""
    g = _graph(condition, x1, x2)
    x1, x2 = _values(g, x1, x2)
    condition = g._value(condition)
    return Value(g, g._b.select(condition._ref, x1._ref, x2._ref, _loc(name)))


# --- Elementwise unary -------------------------------------------------------

def relu(x, name=None):
    """max(x, 0) (GE Relu)."""
    return _unary(_U.Relu, x, name)


def relu6(x, name=None):
    """min(max(x, 0), 6) (GE Relu6)."""
    return _unary(_U.Relu6, x, name)


def sigmoid(x, name=None):
    """1 / (1 + exp(-x)) (GE Sigmoid)."""
    return _unary(_U.Sigmoid, x, name)


def tanh(x, name=None):
    """GE Tanh."""
    return _unary(_U.Tanh, x, name)


def exp(x, name=None):
    """GE Exp."""
    return _unary(_U.Exp, x, name)


def log(x, name=None):
    """Natural logarithm (GE Log)."""
    return _unary(_U.Log, x, name)


def sqrt(x, name=None):
    """GE Sqrt."""
    return _unary(_U.Sqrt, x, name)


def rsqrt(x, name=None):
    """1 / sqrt(x) (GE Rsqrt)."""
    return _unary(_U.Rsqrt, x, name)


def reciprocal(x, name=None):
    """1 / x (GE Reciprocal)."""
    return _unary(_U.Reciprocal, x, name)


def neg(x, name=None):
    """-x (GE Neg)."""
    return _unary(_U.Neg, x, name)


def abs(x, name=None):  # noqa: A001 - GE's name
    """|x| (GE Abs)."""
    return _unary(_U.Abs, x, name)


def erf(x, name=None):
    """Gauss error function (GE Erf)."""
    return _unary(_U.Erf, x, name)


def hard_swish(x, name=None):
    """x * relu6(x + 3) / 6 (GE HardSwish)."""
    return _unary(_U.HardSwish, x, name)


def identity(x, name=None):
    """x (GE Identity)."""
    return _unary(_U.Identity, x, name)


def gelu(x, approximate="none", name=None):
    """GE Gelu: erf form (``approximate="none"``) or ``"tanh"``."""
    g = _graph(x)
    return Value(g, g._b.gelu(x._ref, approximate, _loc(name)))


def leaky_relu(x, negative_slope=0.0, name=None):
    """x if x >= 0 else negative_slope * x (GE LeakyRelu; GE's default
    slope is 0)."""
    g = _graph(x)
    return Value(g, g._b.leaky_relu(x._ref, float(negative_slope), _loc(name)))


def clip(x, min=None, max=None, name=None):  # noqa: A002 - ONNX's names
    """min(max(x, min), max); a bound left None is open (GE ClipByValue)."""
    g = _graph(x)
    lo = None if min is None else float(min)
    hi = None if max is None else float(max)
    return Value(g, g._b.clip(x._ref, lo, hi, _loc(name)))


def cast(x, dtype, name=None):
    """Converts to ``dtype`` (GE Cast; float to int truncates)."""
    g = _graph(x)
    return Value(g, g._b.cast(x._ref, dtype_name(dtype), _loc(name)))


# --- Cube ops, normalization, pooling ---------------------------------------

def conv2d(x, filter, bias=None, strides=1, pads=0, dilations=1, groups=1,  # noqa: A002
           data_format="NCHW", name=None):
    """2-D convolution (GE Conv2D). ``filter`` is [Cout, Cin/groups, KH, KW]
    whatever the data format; ``bias`` is [Cout]."""
    g = _graph(x)
    x, filter = _values(g, x, filter)
    bias = None if bias is None else g._value(bias, x)
    return Value(g, g._b.conv2d(
        x._ref, filter._ref, None if bias is None else bias._ref,
        _window(strides, "strides", data_format), _pads(pads),
        _window(dilations, "dilations", data_format), int(groups), data_format,
        _loc(name)))


def matmul(x1, x2, bias=None, transpose_x1=False, transpose_x2=False, name=None):
    """Matrix product: GE MatMulV2 for 2-D operands, BatchMatMulV2 (batch
    dims broadcast) otherwise; ``bias`` is [N]."""
    g = _graph(x1, x2)
    x1, x2 = _values(g, x1, x2)
    bias = None if bias is None else g._value(bias, x1)
    batch = len(x1.shape) != 2 or len(x2.shape) != 2
    return Value(g, g._b.matmul(x1._ref, x2._ref, None if bias is None else bias._ref,
                                bool(transpose_x1), bool(transpose_x2), batch, _loc(name)))


def batch_matmul(x1, x2, bias=None, adj_x1=False, adj_x2=False, name=None):
    """Batched matrix product over the last two dims (GE BatchMatMulV2)."""
    g = _graph(x1, x2)
    x1, x2 = _values(g, x1, x2)
    bias = None if bias is None else g._value(bias, x1)
    return Value(g, g._b.matmul(x1._ref, x2._ref, None if bias is None else bias._ref,
                                bool(adj_x1), bool(adj_x2), True, _loc(name)))


def bias_add(x, bias, data_format="NHWC", name=None):
    """Adds a 1-D bias along the channel dim: dim 1 for NCHW, the last dim
    for NHWC and ND (GE BiasAdd, whose default is NHWC). Built as a
    broadcasting Add, which every backend lowers (ge.BiasAdd has no kernel
    of its own yet)."""
    g = _graph(x)
    x, bias = _values(g, x, bias)
    if data_format == "NCHW":
        if len(x.shape) < 2:
            raise InvalidArgumentError(f"bias_add: NCHW needs rank >= 2, got {x.shape}")
        bias = reshape(bias, [-1] + [1] * (len(x.shape) - 2))
    elif data_format not in ("NHWC", "ND"):
        raise InvalidArgumentError(
            f'bias_add: data_format must be "NCHW", "NHWC" or "ND", got {data_format!r}')
    return add(x, bias, name)


def softmax(x, axes=-1, name=None):
    """Softmax over ``axes`` (GE SoftmaxV2)."""
    g = _graph(x)
    return Value(g, g._b.softmax(x._ref, _ints(axes, "axes"), False, _loc(name)))


def log_softmax(x, axes=-1, name=None):
    """log(softmax(x)) over ``axes`` (GE LogSoftmaxV2)."""
    g = _graph(x)
    return Value(g, g._b.softmax(x._ref, _ints(axes, "axes"), True, _loc(name)))


def layer_norm(x, gamma, beta, begin_norm_axis=-1, begin_params_axis=-1, epsilon=1e-5,
               name=None):
    """Normalizes over dims [begin_norm_axis, rank), then scales and shifts
    (GE LayerNorm; gamma/beta have the dims from begin_params_axis)."""
    g = _graph(x)
    x, gamma, beta = _values(g, x, gamma, beta)
    return Value(g, g._b.layer_norm(x._ref, gamma._ref, beta._ref, int(begin_norm_axis),
                                    int(begin_params_axis), float(epsilon), _loc(name)))


def batch_norm(x, scale, offset, mean, variance, epsilon=1e-4, data_format="NCHW",
               name=None):
    """Inference batch normalization per channel (GE BatchNorm,
    is_training=false; GE's default epsilon is 1e-4)."""
    g = _graph(x)
    x, scale, offset, mean, variance = _values(g, x, scale, offset, mean, variance)
    return Value(g, g._b.batch_norm(x._ref, scale._ref, offset._ref, mean._ref,
                                    variance._ref, float(epsilon), data_format, _loc(name)))


def _pool(kind, x, ksize, strides, pads, dilations, ceil_mode, exclusive, data_format,
          name):
    g = _graph(x)
    ksize = [] if ksize is None else _window(ksize, "ksize", data_format)
    return Value(g, g._b.pool(kind, x._ref, ksize, _window(strides, "strides", data_format),
                              _pads(pads), _window(dilations, "dilations", data_format),
                              bool(ceil_mode), bool(exclusive), data_format, _loc(name)))


def max_pool(x, ksize, strides=1, pads=0, dilations=1, ceil_mode=False, data_format="NCHW",
             name=None):
    """2-D max pooling (GE MaxPoolV3 with explicit pads)."""
    return _pool("max", x, ksize, strides, pads, dilations, ceil_mode, True, data_format,
                 name)


def avg_pool(x, ksize, strides=1, pads=0, ceil_mode=False, exclusive=True,
             data_format="NCHW", name=None):
    """2-D average pooling (GE AvgPoolV2); ``exclusive`` leaves padding out
    of the divisor."""
    return _pool("avg", x, ksize, strides, pads, 1, ceil_mode, exclusive, data_format, name)


def global_avg_pool(x, data_format="NCHW", name=None):
    """Mean over H and W, kept as size-1 dims (GE GlobalAveragePool)."""
    return _pool("global_avg", x, None, 1, 0, 1, False, True, data_format, name)


# --- Shapes and reductions ---------------------------------------------------

def reshape(x, shape, name=None):
    """Reshape (GE Reshape): one -1 is inferred, 0 copies the input dim."""
    g = _graph(x)
    return Value(g, g._b.reshape(x._ref, _ints(shape, "shape"), _loc(name)))


def flatten(x, axis=1, name=None):
    """[d0 * ... * d(axis-1), rest] as ONNX Flatten (a Reshape)."""
    shape = x.shape
    axis = axis % len(shape) if len(shape) else 0
    outer = int(np.prod(shape[:axis])) if axis else 1
    if builtins.any(d < 0 for d in shape[:axis]):
        raise InvalidArgumentError(f"flatten needs static leading dims, got {shape}")
    return reshape(x, [outer, -1], name)


def transpose(x, perm, name=None):
    """Permutes dims: y.shape[i] = x.shape[perm[i]] (GE TransposeD)."""
    g = _graph(x)
    return Value(g, g._b.transpose(x._ref, _ints(perm, "perm"), _loc(name)))


def concat(xs, axis=0, name=None):
    """Concatenates along ``axis`` (GE ConcatV2)."""
    g = _graph(list(xs))
    xs = _values(g, *xs)
    return Value(g, g._b.concat([x._ref for x in xs], int(axis), _loc(name)))


def split(x, sizes, axis=0, name=None):
    """Splits along ``axis`` into pieces of ``sizes``, or into ``sizes``
    equal pieces when it is an int (GE SplitVD). Returns a list."""
    g = _graph(x)
    if isinstance(sizes, (int, np.integer)):
        dim = x.shape[axis]
        if dim < 0 or dim % int(sizes):
            raise InvalidArgumentError(
                f"split: dim {axis} of {x.shape} does not split into {sizes} equal pieces")
        sizes = [dim // int(sizes)] * int(sizes)
    refs = g._b.split(x._ref, int(axis), _ints(sizes, "sizes"), _loc(name))
    return [Value(g, r) for r in refs]


def slice(x, offsets, size, name=None):  # noqa: A001 - GE's name
    """``size`` elements from ``offsets`` in every dim, -1 meaning to the
    end (GE SliceD)."""
    g = _graph(x)
    return Value(g, g._b.slice(x._ref, _ints(offsets, "offsets"), _ints(size, "size"),
                               _loc(name)))


def strided_slice(x, begin, end, strides=None, name=None):
    """One begin/end/stride per dim, already clamped to the dims (GE
    StridedSliceD with its masks resolved)."""
    g = _graph(x)
    begin, end = _ints(begin, "begin"), _ints(end, "end")
    strides = [1] * len(begin) if strides is None else _ints(strides, "strides")
    return Value(g, g._b.strided_slice(x._ref, begin, end, strides, _loc(name)))


def gather(x, indices, axis=0, name=None):
    """Slices of ``x`` along ``axis`` at ``indices`` (int32/int64; negative
    ones count from the end) (GE GatherV2)."""
    g = _graph(x)
    if not isinstance(indices, Value):
        array = np.asarray(indices)
        indices = g.constant(array, "int32" if array.dtype == np.int32 else "int64")
    return Value(g, g._b.gather(x._ref, indices._ref, int(axis), _loc(name)))


def pad(x, paddings, mode="constant", value=0.0, name=None):
    """Pads each dim: ``paddings`` is [(before, after), ...] or the flat
    list; ``mode`` is constant, reflect or edge (GE PadV3)."""
    g = _graph(x)
    flat = [int(p) for pair in paddings for p in (pair if isinstance(pair, (list, tuple))
                                                  else [pair])]
    return Value(g, g._b.pad(x._ref, flat, mode, float(value), _loc(name)))


def _reduce(kind, x, axes, keep_dims, name):
    g = _graph(x)
    return Value(g, g._b.reduce(kind, x._ref, _axes(axes), bool(keep_dims), _loc(name)))


def reduce_sum(x, axes=None, keep_dims=False, name=None):
    """Sum over ``axes`` (None: every axis) (GE ReduceSumD)."""
    return _reduce(_geflow.ReduceKind.Sum, x, axes, keep_dims, name)


def reduce_mean(x, axes=None, keep_dims=False, name=None):
    """Mean over ``axes`` (None: every axis) (GE ReduceMeanD)."""
    return _reduce(_geflow.ReduceKind.Mean, x, axes, keep_dims, name)


def reduce_max(x, axes=None, keep_dims=False, name=None):
    """Maximum over ``axes`` (None: every axis) (GE ReduceMaxD)."""
    return _reduce(_geflow.ReduceKind.Max, x, axes, keep_dims, name)


def expand_dims(x, axes, name=None):
    """Inserts size-1 dims at ``axes`` of the result (GE ExpandDims)."""
    g = _graph(x)
    return Value(g, g._b.expand_dims(x._ref, _ints(axes, "axes"), _loc(name)))


def squeeze(x, axes=None, name=None):
    """Removes the size-1 dims ``axes`` (None: all of them) (GE Squeeze)."""
    g = _graph(x)
    return Value(g, g._b.squeeze(x._ref, _axes(axes), _loc(name)))


def tile(x, multiples, name=None):
    """Repeats ``multiples[i]`` times along dim i (GE TileD)."""
    g = _graph(x)
    return Value(g, g._b.tile(x._ref, _ints(multiples, "multiples"), _loc(name)))


def broadcast_to(x, shape, name=None):
    """Broadcasts to ``shape`` with NumPy's rules (GE BroadcastToD)."""
    g = _graph(x)
    return Value(g, g._b.broadcast_to(x._ref, _ints(shape, "shape"), _loc(name)))


def hcom_all_reduce(x, reduction="sum", group="hccl_world_group", fusion=1, ranklist=(),
                    name=None):
    """GE HcomAllReduce: ``reduction`` ("sum", "prod", "max", "min") of
    ``x`` over the ranks of ``group``. ``ranklist`` (the group's ranks, as
    TorchAir records them) is written to .air exports; on one device the
    op passes ``x`` through."""
    g = _graph(x)
    return Value(g, g._b.hcom_all_reduce(x._ref, str(reduction), str(group), int(fusion),
                                         [int(r) for r in ranklist], _loc(name)))


# --- Value's operators --------------------------------------------------------
# They are the ops above; graph.py defines Value without them so that it does
# not import this module.

def _value_reshape(self, *shape):
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    return reshape(self, shape)


def _install_value_operators():
    for method, op in (("add", add), ("sub", sub), ("mul", mul),
                       ("truediv", div), ("matmul", matmul)):
        setattr(Value, f"__{method}__", lambda self, other, op=op: op(self, other))
        setattr(Value, f"__r{method}__", lambda self, other, op=op: op(other, self))
    Value.__pow__ = lambda self, other: pow(self, other)
    Value.__neg__ = lambda self: neg(self)
    Value.__abs__ = lambda self: abs(self)
    Value.reshape = _value_reshape
    Value.astype = lambda self, dtype: cast(self, dtype)


_install_value_operators()


# Collectives (GE Hcom*): run across the ranks of ``group`` when the model is
# run by every rank under mpirun (docs/distributed.md); with one rank they
# are copies.

def hcom_all_gather(x, rank_size, group=_WORLD, name=None):
    """The ``x`` of every rank, concatenated along dim 0 in rank order (GE
    HcomAllGather); ``rank_size`` is the group's size."""
    g = _graph(x)
    (x,) = _values(g, x)
    return Value(g, g._b.hcom_all_gather(x._ref, int(rank_size), str(group),
                                         _loc(name)))


def hcom_reduce_scatter(x, rank_size, reduction="sum", group=_WORLD, name=None):
    """The reduction of ``x`` over the ranks, split along dim 0 into
    ``rank_size`` slices: this rank's slice (GE HcomReduceScatter)."""
    g = _graph(x)
    (x,) = _values(g, x)
    return Value(g, g._b.hcom_reduce_scatter(x._ref, int(rank_size),
                                             str(reduction), str(group),
                                             _loc(name)))


def hcom_broadcast(xs, root_rank, group=_WORLD, name=None):
    """Rank ``root_rank``'s tensors on every rank (GE HcomBroadcast). Takes
    a Value or a list; returns the same."""
    single = isinstance(xs, Value)
    xs = [xs] if single else list(xs)
    g = _graph(xs)
    xs = _values(g, *xs)
    out = [Value(g, r) for r in g._b.hcom_broadcast(
        [x._ref for x in xs], int(root_rank), str(group), _loc(name))]
    return out[0] if single else out


def hcom_send(x, dest_rank, sr_tag=0, group=_WORLD, name=None):
    """Sends ``x`` to rank ``dest_rank`` (GE HcomSend; matched by the
    HcomReceive with the same ``sr_tag``). Returns None."""
    g = _graph(x)
    (x,) = _values(g, x)
    g._b.hcom_send(x._ref, int(dest_rank), int(sr_tag), str(group), _loc(name))


def hcom_receive(shape, dtype, src_rank, sr_tag=0, group=_WORLD, graph=None,
                 name=None):
    """Receives a tensor of ``shape`` and ``dtype`` from rank ``src_rank``
    (GE HcomReceive)."""
    g = graph if graph is not None else default_graph()
    if g is None:
        raise InvalidArgumentError("no graph to add the HcomReceive to; create "
                                   "a geflow.Graph or pass graph=")
    return Value(g, g._b.hcom_receive([int(d) for d in shape], dtype,
                                      int(src_rank), int(sr_tag), str(group),
                                      _loc(name)))
