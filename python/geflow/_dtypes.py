"""Dtypes of graph values: the runtime's dtype table, as the extension
module exports it, and the conversions the graph builder makes.

The runtime names dtypes ('float32', 'bfloat16', 'bool', ...); NumPy arrays
of bfloat16 tensors hold uint16 bit patterns, since NumPy has no bfloat16.
"""
import numpy as np

from . import _geflow
from .errors import InvalidArgumentError

# _geflow.DTYPES: (runtime name, NumPy dtype of its arrays, is float) per
# dtype, in the runtime's order.
_NUMPY_DTYPES = {name: np_dtype for name, np_dtype, _ in _geflow.DTYPES}
FLOAT_DTYPE_NAMES = frozenset(
    name for name, _, is_float in _geflow.DTYPES if is_float)


def numpy_dtype(name):
    """The NumPy dtype of the arrays of runtime dtype ``name``."""
    known = _NUMPY_DTYPES.get(name)
    return known if known is not None else np.dtype(name)


def to_bfloat16_bits(array):
    """float32 values to bfloat16 bit patterns (round to nearest even)."""
    bits = np.asarray(array, dtype=np.float32, order="C").view(np.uint32)
    rounded = bits + (((bits >> 16) & 1) + 0x7FFF)
    return np.asarray((rounded >> 16).astype(np.uint16))


def dtype_name(dtype):
    """A dtype argument as the runtime's name ('float32', 'bfloat16')."""
    if isinstance(dtype, str) and dtype == "bfloat16":
        return dtype
    try:
        d = np.dtype(dtype)
    except TypeError as e:
        raise InvalidArgumentError(f"unknown dtype {dtype!r}") from e
    return "bool" if d == np.bool_ else d.name


def coerced_dtype(array, like):
    """The dtype a constant takes next to a value of dtype ``like``: the
    value's when the kinds agree, or integers meet a float value."""
    kind = array.dtype.kind
    like_kind = "f" if like in FLOAT_DTYPE_NAMES else (
        "b" if like == "bool" else "i")
    if kind == "f" and like_kind == "f":
        return like
    if kind in "iu" and like_kind in "if":
        return like
    if kind == "b" and like_kind == "b":
        return like
    return None
