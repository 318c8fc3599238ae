"""geflow: compile models for the (virtual) NPU and run them from Python.

    import geflow, numpy as np
    exe = geflow.compile("model.onnx", options={"precision_mode": "allow_mix_precision"})
    (y,) = exe.run({"x": np.ones((1, 3, 224, 224), np.float32)})

See docs/python.md for the compile, runtime, session and graph-builder APIs.
"""
import json as _json

from . import errors
from . import debug
from . import compare
from . import _geflow
from ._geflow import Dumper, Profiler
from ._geflow import (AsyncRun, Event, Executable, Session, SessionFuture, Stream, finalize,
                      initialize, is_initialized, load, option_specs)
from ._geflow import (core_stats, get_device, get_device_count, get_device_properties,
                      get_mem_info, set_device)
from .air import export_air
from .compiler import compile
from .errors import (ArgumentTypeError, CompileError, CorruptFileError, Error, FileError,
                     InvalidArgumentError, NotFoundError, OutOfMemoryError, TaskFailedError,
                     UnsupportedError)
from .graph import Graph, Value
from .library import load_library
from .sequences import run_values
from .types import TensorSpec
from . import ops
from . import distributed

__version__ = "0.1.0"

__all__ = [
    "compile", "load", "load_library", "Executable", "AsyncRun", "Stream", "Event", "Session",
    "SessionFuture", "initialize", "finalize", "is_initialized", "option_specs", "Graph",
    "Value", "ops", "TensorSpec", "errors", "Error", "InvalidArgumentError",
    "CompileError", "NotFoundError", "UnsupportedError", "OutOfMemoryError",
    "CorruptFileError", "FileError", "TaskFailedError", "ArgumentTypeError", "Profiler", "Dumper",
    "export_air", "compare", "distributed", "set_device", "get_device", "get_device_count",
    "get_device_properties", "get_mem_info", "run_values", "core_stats",
]


def _summary(self):
    """The executable's summary as a dict. From the .gfm (also for a loaded
    executable): soc, options (the GE options it was compiled with),
    precision_mode (if an option set it), gears, kernels (over all gears),
    kernels_per_gear, tasks_per_gear, arena_bytes, weights_bytes, streams,
    events. A compile in this process adds graph_ops (of the model's graph,
    which every gear compiles), precision_mode as resolved and its source,
    naive_bytes, max_live_bytes, fusion_off and seconds."""
    summary = self._file_summary
    if self.summary_json:
        summary.update(_json.loads(self.summary_json))
    return summary


Executable.summary = property(_summary)
Executable.profile = debug.profile
Executable.dumper = property(lambda self: _geflow._get_dumper(self),
                             doc="The geflow.Dumper of the enable_dump / enable_dump_debug / "
                             "enable_exception_dump options, or None.")
Executable.profiler = property(lambda self: _geflow._get_profiler(self),
                               doc="The geflow.Profiler recording this executable's runs "
                               "(profiling_mode), or None.")
Executable.__call__ = Executable.run
