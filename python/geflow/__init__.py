"""geflow: compile models for the (virtual) NPU and run them from Python.

    import geflow, numpy as np
    exe = geflow.compile("model.onnx", options={"precision_mode": "allow_mix_precision"})
    (y,) = exe.run({"x": np.ones((1, 3, 224, 224), np.float32)})

See docs/python.md for the compile, runtime, session and graph-builder APIs.
"""
import json as _json

from . import errors
from ._geflow import (AsyncRun, Event, Executable, Session, SessionFuture, Stream, finalize,
                      initialize, is_initialized, load, option_specs)
from .compiler import compile
from .errors import (CompileError, CorruptFileError, Error, FileError, InvalidArgumentError,
                     NotFoundError, OutOfMemoryError, TaskFailedError, UnsupportedError)
from .graph import Graph, Value
from .types import TensorSpec
from . import ops

__version__ = "0.1.0"

__all__ = [
    "compile", "load", "Executable", "AsyncRun", "Stream", "Event", "Session",
    "SessionFuture", "initialize", "finalize", "is_initialized", "option_specs", "Graph",
    "Value", "ops", "TensorSpec", "errors", "Error", "InvalidArgumentError",
    "CompileError", "NotFoundError", "UnsupportedError", "OutOfMemoryError",
    "CorruptFileError", "FileError", "TaskFailedError",
]


def _summary(self):
    """The compile summary (ops, kernels, gears, arena and weight bytes,
    streams, events, seconds) as a dict; None for a loaded executable."""
    return _json.loads(self.summary_json) if self.summary_json else None


Executable.summary = property(_summary)
Executable.__call__ = Executable.run
