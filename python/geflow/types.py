"""Small value types shared by the compiler and runtime APIs."""
from typing import NamedTuple, Tuple

import numpy as np

__all__ = ["TensorSpec"]


class TensorSpec(NamedTuple):
    """One input or output of an executable or session graph.

    ``shape`` has -1 for a dim that differs between gears; ``dtype`` is the
    NumPy dtype of the arrays it takes (uint16 bit patterns for bfloat16);
    ``format`` is the GE memory format (ND, NCHW, ...).
    """

    name: str
    shape: Tuple[int, ...]
    dtype: np.dtype
    format: str
