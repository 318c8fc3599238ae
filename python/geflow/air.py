"""GE IR (.air) export: :func:`export_air`.

A ``.air`` file is one serialized GE IR ``ge.proto.ModelDef``, the graph
format ATC compiles with ``--framework=1`` and TorchAir's ``dynamo_export``
writes. ``geflow.compile("m.air")`` imports one; :func:`export_air` writes
one. The protobuf classes are ``geflow.ge_ir_pb2`` (generated from geflow's
own schema at build time). See docs/air.md.
"""
import os

from . import _geflow
from .errors import ArgumentTypeError
from .graph import Graph
from .options import options_dict

__all__ = ["export_air", "DEFAULT_WEIGHT_THRESHOLD"]

#: Float weights stay inline (Const) until they total more than this: the
#: ``air_weight_threshold`` option's default, TorchAir's 2048 - 200 MiB.
DEFAULT_WEIGHT_THRESHOLD = (2048 - 200) << 20


def export_air(model, path, weight_threshold=None, weight_dir=None,
               file_path_prefix="", weight_names=None, text=True, options=None):
    """Writes ``model`` (a :class:`geflow.Graph` or a model file path: .onnx,
    .air, .mlir) to ``path`` as GE IR.

    When the float weights (constants of more than one element) total more
    than ``weight_threshold`` bytes (default: the ``air_weight_threshold``
    option of ``options``, GE options as for :func:`geflow.compile`, which
    also apply ``input_shape`` to a model file), every one of them is written as a raw
    file (named after its constant, ``.`` and ``/`` turned into ``_``) into
    ``weight_dir`` (default: the .air's directory) and referenced by a
    ``FileConstant`` whose ``file_path`` is ``file_path_prefix`` + the file
    name; 0 puts every weight in a file. ``weight_names`` instead names
    exactly the constants that go to files. With ``text`` a readable
    ``dynamo.pbtxt`` is written into ``weight_dir`` too.

    Returns a dict: ``path``, ``weight_files``, ``weight_bytes``, ``text``
    (the dump's path or "").
    """
    if isinstance(model, Graph):
        source = model._b
    elif isinstance(model, (str, os.PathLike)):
        source = os.fspath(model)
    else:
        raise ArgumentTypeError("export_air takes a geflow.Graph or a model path, got "
                                f"{type(model).__name__}")
    return _geflow._export_air(source, os.fspath(path),
                               None if weight_threshold is None else int(weight_threshold),
                               os.fspath(weight_dir) if weight_dir else "",
                               str(file_path_prefix), list(weight_names or []), bool(text),
                               options_dict(options))
