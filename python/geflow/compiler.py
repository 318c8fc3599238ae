"""geflow.compile: any model source to a loaded Executable."""
import os

from . import _geflow
from .errors import ArgumentTypeError
from .graph import Graph
from .debug import apply_run_options
from .options import options_dict

__all__ = ["compile", "options_dict"]


def compile(model, options=None, soc=None):  # noqa: A001 - the API's name
    """Compiles ``model`` and loads it on the virtual NPU.

    ``model`` is a path (.onnx, .mlir), ONNX model bytes (``bytes``,
    ``bytearray`` or ``memoryview``), an
    ``onnx.ModelProto`` or a :class:`geflow.Graph`. ``options`` are GE
    options (``precision_mode``, ``input_shape``, ``dynamic_dims``, ...);
    an unknown name or a bad value raises InvalidArgumentError (a
    ValueError) listing the allowed values. A model that does not import or
    compile raises CompileError with every diagnostic and its location.
    """
    opts = options_dict(options, soc)
    exe = _compile(model, opts)
    # Run-time options (profiling_mode, ...) act on the loaded executable.
    return apply_run_options(exe, opts)


def _compile(model, opts):
    if isinstance(model, Graph):
        return _geflow._compile_graph(model._b, opts)
    if isinstance(model, (str, os.PathLike)):
        return _geflow._compile_file(os.fspath(model), opts)
    if isinstance(model, (bytes, bytearray, memoryview)):
        return _geflow._compile_onnx_bytes(bytes(model), "model", opts)
    if hasattr(model, "SerializeToString") and hasattr(model, "graph"):
        # An onnx.ModelProto; duck-typed so that onnx stays optional.
        name = model.graph.name or "model"
        return _geflow._compile_onnx_bytes(model.SerializeToString(), name, opts)
    raise ArgumentTypeError("geflow.compile takes a path, ONNX bytes, an onnx.ModelProto "
                            f"or a geflow.Graph, got {type(model).__name__}")
