"""Graphs built from Python: :class:`Graph` and the :class:`Value` of an op.

A graph is built op by op (see :mod:`geflow.ops`); every op infers its
result type when it is added, so a shape error raises at the line that
made it, with the op and the rule in the message. Each op records the file
and line of the Python call that created it, so compile errors point there
too.

NumPy arrays and Python scalars may stand wherever a value is expected:
they become constants of the graph. A constant combined with a value takes
the value's dtype when the kinds agree (a Python float or a float64 array
next to a float16 value becomes float16); on its own, float64 becomes
float32, since the NPU has no float64.
"""
import os
import sys
import threading
import weakref

import numpy as np

from . import _geflow
from ._dtypes import coerced_dtype, dtype_name, numpy_dtype, to_bfloat16_bits
from .errors import InvalidArgumentError
from .options import options_dict

__all__ = ["Graph", "Value"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_state = threading.local()


def _loc(name=None):
    """An OpLoc naming the op and the user's line that created it."""
    frame = sys._getframe(1)
    while frame is not None and os.path.dirname(
            os.path.abspath(frame.f_code.co_filename)) == _PACKAGE_DIR:
        frame = frame.f_back
    if frame is None:
        return _geflow.OpLoc(name or "")
    return _geflow.OpLoc(name or "", frame.f_code.co_filename, frame.f_lineno)


def default_graph():
    """The graph of the innermost ``with graph:`` block, else the graph
    created last on this thread; None when there is none."""
    stack = getattr(_state, "stack", None)
    if stack:
        return stack[-1]
    last = getattr(_state, "last", None)
    return last() if last is not None else None


class Value:
    """The result of an op (or a graph input) while building a graph.

    Supports ``+ - * / ** @``, unary ``-`` and ``abs``, with values or
    NumPy/Python constants on either side, and ``reshape``/``astype``
    (installed by :mod:`geflow.ops`, which defines them).
    """

    __slots__ = ("graph", "_ref")
    # NumPy arrays on the left of an operator defer to Value's reflected
    # operators instead of broadcasting the Value as an object.
    __array_ufunc__ = None

    def __init__(self, graph, ref):
        self.graph = graph
        self._ref = ref

    @property
    def shape(self):
        """The inferred shape; -1 for a dim unknown until run time."""
        return self._ref.shape

    @property
    def ndim(self):
        return len(self._ref.shape)

    @property
    def dtype(self):
        """The NumPy dtype (the string 'bfloat16' for bfloat16 values)."""
        name = self._ref.dtype
        return name if name == "bfloat16" else np.dtype(name)

    @property
    def name(self):
        """The op's name (its node name in profiles and messages)."""
        return self._ref.name

    def __repr__(self):
        return (f"Value({self.name!r}, shape={self.shape}, "
                f"dtype={self._ref.dtype}, graph={self.graph.name!r})")


class Graph:
    """A graph under construction.

    >>> g = geflow.Graph("mlp")
    >>> x = g.data("x", [8, 16], "float32")
    >>> y = geflow.ops.relu(x @ np.ones((16, 4), np.float32))
    >>> g.output(y, "y")
    >>> exe = geflow.compile(g)

    ``str(g)`` is the graph as MLIR (ge dialect). A graph stays usable after
    it is compiled: compiling works on a copy.
    """

    def __init__(self, name="graph"):
        self._b = _geflow.GraphBuilder(name)
        _state.last = weakref.ref(self)

    @property
    def name(self):
        return self._b.name

    @property
    def inputs(self):
        """Input names, in order."""
        return list(self._b.input_names)

    @property
    def outputs(self):
        """Output names, in order."""
        return list(self._b.output_names)

    def data(self, name, shape, dtype="float32"):
        """Declares input ``name`` (GE Data) of ``shape`` (-1: dim known
        only at run time, see the dynamic_dims options)."""
        return Value(self, self._b.data(name, list(shape), dtype, _loc(name)))

    def constant(self, value, dtype=None, name=None):
        """A constant (GE Const) holding ``value`` (array-like)."""
        array = np.asarray(value)
        if dtype is None:
            dtype = "float32" if array.dtype == np.float64 else array.dtype
        dtype = dtype_name(dtype)
        if dtype == "bfloat16":
            array = to_bfloat16_bits(array)
        else:
            array = np.asarray(array, dtype=numpy_dtype(dtype), order="C")
        return Value(self, self._b.constant(array, dtype, _loc(name)))

    def output(self, value, name=None):
        """Marks ``value`` as the next output, named ``name`` (default
        ``output<i>``)."""
        value = self._value(value)
        self._b.output(value._ref, name or f"output{len(self.outputs)}")

    def compile(self, options=None, soc=None):
        """Shorthand for ``geflow.compile(self, options, soc)``."""
        return _geflow._compile_graph(self._b, options_dict(options, soc))

    def _value(self, x, like=None):
        """``x`` as a Value of this graph (constants are added)."""
        if isinstance(x, Value):
            return x
        array = np.asarray(x)
        if array.dtype == object:
            raise InvalidArgumentError(
                f"cannot use {type(x).__name__} as a value of graph {self.name!r}")
        dtype = None
        if like is not None:
            dtype = coerced_dtype(array, like._ref.dtype)
        return self.constant(array, dtype)

    def __str__(self):
        return str(self._b)

    def __repr__(self):
        return (f"<geflow.Graph {self.name!r}: inputs {self.inputs}, "
                f"outputs {self.outputs}>")

    def __enter__(self):
        if not hasattr(_state, "stack"):
            _state.stack = []
        _state.stack.append(self)
        return self

    def __exit__(self, *exc):
        _state.stack.pop()
        return False
