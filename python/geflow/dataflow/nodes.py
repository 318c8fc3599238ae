"""The building blocks of a FlowGraph, with GE DataFlow's names: FlowData
(graph inputs), FlowNode (a compute node carrying one process point),
FlowOutput, the process points, FlowInfo and FlowFlag."""
import enum
import json
import os
import stat
from numbers import Integral

import numpy as np

from ..graph import Graph
from .status import PARAM_INVALID, DfException

__all__ = [
    "FlowInfo", "FlowFlag", "Framework", "TensorDesc", "FlowData", "FlowOutput",
    "FlowNode", "GraphProcessPoint", "FuncProcessPoint",
]

# Most bytes of a process point's compile_config_path JSON (as geflow's other
# JSON option files).
_MAX_CONFIG_BYTES = 16 << 20


class FlowFlag(enum.IntFlag):
    """Flags of a flow message (GE's dataflow.FlowFlag): EOS ends a sequence,
    SEG marks a segment; geflow carries them from feed to fetch."""

    DATA_FLOW_FLAG_EOS = 1
    DATA_FLOW_FLAG_SEG = 2


class FlowInfo:
    """The flow information fed with an input and fetched with its outputs
    (GE's dataflow.FlowInfo): start_time and end_time (ms, user values carried
    through the flow) and flow_flags (FlowFlag bits)."""

    def __init__(self, start_time=0, end_time=0, flow_flags=0):
        for name, value in (("start_time", start_time), ("end_time", end_time),
                            ("flow_flags", flow_flags)):
            if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
                raise TypeError(f"FlowInfo.{name} must be a non-negative int, got {value!r}")
        self.start_time = int(start_time)
        self.end_time = int(end_time)
        self.flow_flags = int(flow_flags)

    def _copy(self):
        return FlowInfo(self.start_time, self.end_time, self.flow_flags)

    def __repr__(self):
        return (f"FlowInfo(start_time={self.start_time}, end_time={self.end_time}, "
                f"flow_flags={self.flow_flags})")


class Framework(enum.Enum):
    """Framework of a GraphProcessPoint's graph file (GE's dataflow.Framework).
    geflow imports ONNX and ge-dialect MLIR (and graphs built with
    geflow.Graph, which need no framework)."""

    TENSORFLOW = 3
    ONNX = 5
    MINDSPORE = 1
    MLIR = 100  # geflow: a .mlir file in the ge dialect


class TensorDesc:
    """Shape and dtype of a FlowData (GE's dataflow.TensorDesc); -1 (or None)
    marks a dim of any size."""

    def __init__(self, dtype=None, shape=None):
        self.dtype = None if dtype is None else np.dtype(dtype)
        self.shape = None if shape is None else tuple(
            -1 if d is None else int(d) for d in shape)

    def __repr__(self):
        return f"TensorDesc(dtype={self.dtype}, shape={self.shape})"


class FlowData:
    """An input of a FlowGraph (GE's dataflow.FlowData). ``schema`` (a
    TensorDesc) or ``shape``/``dtype`` are optional: when given, a fed value
    is checked against them (SHAPE_INVALID / DATATYPE_INVALID)."""

    def __init__(self, schema=None, name=None, *, shape=None, dtype=None):
        if schema is not None and not isinstance(schema, TensorDesc):
            raise DfException(PARAM_INVALID,
                              f"FlowData schema must be a dataflow.TensorDesc, got "
                              f"{type(schema).__name__}")
        if schema is None:
            schema = TensorDesc(dtype, shape)
        self.schema = schema
        self.name = name

    def __repr__(self):
        return f"FlowData(name={self.name!r}, {self.schema})"


class FlowOutput:
    """Output ``index`` of a FlowNode (GE's dataflow.FlowOutput)."""

    def __init__(self, node, index):
        self.node = node
        self.index = index

    def __repr__(self):
        return f"FlowOutput({self.node.name or 'FlowNode'}:{self.index})"


class _ProcessPoint:
    _default_name = "ProcessPoint"

    def __init__(self, name):
        if name is not None and (not isinstance(name, str) or not name):
            raise DfException(PARAM_INVALID, f"process point name must be a non-empty "
                                             f"str, got {name!r}")
        self.name = name


def _read_compile_config(path):
    """GE's GraphProcessPoint JSON: {"build_options": {...},
    "inputs_tensor_desc": [{"data_type": "DT_FLOAT", "shape": [...]}, ...]}."""
    where = f"compile_config_path '{path}'"
    try:
        st = os.stat(path)
    except OSError as e:
        raise DfException(PARAM_INVALID, f"{where} cannot be read: {e.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise DfException(PARAM_INVALID, f"{where} is not a regular file")
    if st.st_size > _MAX_CONFIG_BYTES:
        raise DfException(PARAM_INVALID, f"{where} has {st.st_size} bytes; at most "
                                         f"{_MAX_CONFIG_BYTES} are read")
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except (ValueError, RecursionError) as e:
        raise DfException(PARAM_INVALID, f"{where} is not valid JSON: {e}") from None
    if not isinstance(config, dict):
        raise DfException(PARAM_INVALID, f"{where} must hold a JSON object")
    unknown = sorted(set(config) - {"build_options", "build_option", "inputs_tensor_desc"})
    if unknown:
        raise DfException(PARAM_INVALID, f"{where} has unknown keys {unknown}; GE's keys "
                                         "are build_options and inputs_tensor_desc")
    options = config.get("build_options", config.get("build_option", {}))
    if not isinstance(options, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in options.items()):
        raise DfException(PARAM_INVALID, f"{where}: build_options must map option names "
                                         "to string values")
    descs = config.get("inputs_tensor_desc", [])
    if not isinstance(descs, list) or not all(
            isinstance(d, dict) and isinstance(d.get("data_type", ""), str)
            and all(isinstance(x, int) for x in d.get("shape", [])) for d in descs):
        raise DfException(PARAM_INVALID, f"{where}: inputs_tensor_desc must be a list of "
                                         "{\"data_type\": \"DT_...\", \"shape\": [ints]}")
    return options, descs


class GraphProcessPoint(_ProcessPoint):
    """A graph compiled by geflow (GE's dataflow.GraphProcessPoint).

    ``graph_file`` is an ``.onnx`` or ``.mlir`` path, or a ``geflow.Graph``;
    ``framework`` is Framework.ONNX / Framework.MLIR (or None: from the file's
    extension). ``compile_config_path`` is GE's JSON of ``build_options``
    (any geflow compile option) and ``inputs_tensor_desc`` (checked against
    the compiled graph's inputs); ``options`` (geflow) gives compile options
    directly and overrides the file's.
    """

    _default_name = "GraphProcessPoint"

    def __init__(self, framework, graph_file, load_params=None, compile_config_path="",
                 name=None, *, options=None):
        super().__init__(name)
        if isinstance(graph_file, Graph):
            if framework not in (None,):
                raise DfException(PARAM_INVALID,
                                  "a GraphProcessPoint of a geflow.Graph takes framework=None")
        else:
            if not isinstance(graph_file, (str, os.PathLike)):
                raise DfException(PARAM_INVALID,
                                  "GraphProcessPoint graph_file must be a path (.onnx, .mlir) "
                                  f"or a geflow.Graph, got {type(graph_file).__name__}")
            graph_file = os.fspath(graph_file)
            ext = os.path.splitext(graph_file)[1].lower()
            expected = {".onnx": Framework.ONNX, ".mlir": Framework.MLIR}.get(ext)
            if framework is None:
                framework = expected
            if framework in (Framework.TENSORFLOW, Framework.MINDSPORE):
                raise DfException(PARAM_INVALID,
                                  f"GraphProcessPoint: framework {framework.name} is not "
                                  "supported; geflow imports ONNX (Framework.ONNX) and "
                                  "ge-dialect MLIR (Framework.MLIR)")
            if not isinstance(framework, Framework) or framework is not expected:
                raise DfException(PARAM_INVALID,
                                  f"GraphProcessPoint: graph_file '{graph_file}' does not "
                                  f"match framework {framework}; use an .onnx file with "
                                  "Framework.ONNX or an .mlir file with Framework.MLIR")
            if not os.path.isfile(graph_file):
                raise DfException(PARAM_INVALID,
                                  f"GraphProcessPoint: graph_file '{graph_file}' is not a file")
        if load_params:
            raise DfException(PARAM_INVALID,
                              f"GraphProcessPoint load_params {sorted(load_params)} are not "
                              "supported: geflow imports the whole model, whose inputs and "
                              "outputs are the process point's")
        build_options, descs = {}, []
        if compile_config_path:
            build_options, descs = _read_compile_config(os.fspath(compile_config_path))
        if options is not None and not isinstance(options, dict):
            raise DfException(PARAM_INVALID, "GraphProcessPoint options must be a dict")
        self.framework = framework
        self.graph_file = graph_file
        self.build_options = {**build_options, **(options or {})}
        self.inputs_tensor_desc = descs


class FuncProcessPoint(_ProcessPoint):
    """A Python function as a process point (GE's dataflow.FuncProcessPoint
    runs a UDF; geflow runs ``py_func``). It is called with the node's
    inputs as positional arguments and returns its output (one output) or a
    tuple/list of its outputs. It runs on the node's own thread, one item at
    a time in feed order; an exception fails that item only."""

    _default_name = "FuncProcessPoint"

    def __init__(self, py_func, name=None):
        super().__init__(name)
        if isinstance(py_func, (str, os.PathLike)):
            raise DfException(PARAM_INVALID,
                              f"FuncProcessPoint({os.fspath(py_func)!r}): GE's UDF projects "
                              "(compile_config_path) are not supported; pass a Python "
                              "function")
        if not callable(py_func):
            raise DfException(PARAM_INVALID, "FuncProcessPoint takes a Python function, got "
                                             f"{type(py_func).__name__}")
        self.py_func = py_func
        if name is None and getattr(py_func, "__name__", "<lambda>") != "<lambda>":
            self.name = py_func.__name__


def _check_index(what, value, limit):
    if isinstance(value, bool) or not isinstance(value, Integral) or not 0 <= value < limit:
        raise DfException(PARAM_INVALID, f"{what} {value!r} is out of range [0, {limit})")
    return int(value)


class FlowNode:
    """A compute node of a FlowGraph (GE's dataflow.FlowNode): ``input_num``
    inputs, ``output_num`` outputs and one process point. Call it on its
    inputs (FlowData or FlowOutput) to connect it: the result is its
    FlowOutput, or a tuple of them when it has several outputs."""

    def __init__(self, input_num, output_num, name=None):
        for what, n in (("input_num", input_num), ("output_num", output_num)):
            if isinstance(n, bool) or not isinstance(n, Integral) or n < 0:
                raise DfException(PARAM_INVALID,
                                  f"FlowNode {what} must be a non-negative int, got {n!r}")
        if output_num == 0:
            raise DfException(PARAM_INVALID, "FlowNode output_num must be at least 1")
        self.input_num = int(input_num)
        self.output_num = int(output_num)
        self.name = name
        self.pp = None
        self.input_map = {}   # node input index -> pp input index
        self.output_map = {}  # node output index -> pp output index
        self.inputs = None    # FlowData / FlowOutput per input, once called
        self.attrs = {}

    def add_process_point(self, pp):
        """Adds the node's process point (one per node, as in GE) and maps the
        node's inputs and outputs to the process point's in order."""
        if not isinstance(pp, _ProcessPoint):
            raise DfException(PARAM_INVALID, "add_process_point takes a GraphProcessPoint or "
                                             f"FuncProcessPoint, got {type(pp).__name__}")
        if self.pp is not None:
            raise DfException(PARAM_INVALID, f"FlowNode {self._label()} already has a process "
                                             "point; a FlowNode carries one")
        self.pp = pp
        self.input_map = {i: i for i in range(self.input_num)}
        self.output_map = {i: i for i in range(self.output_num)}
        return self

    def _check_pp(self, pp, call):
        if self.pp is None:
            raise DfException(PARAM_INVALID, f"{call} before add_process_point")
        if pp is not self.pp:
            raise DfException(PARAM_INVALID, f"{call}: the process point is not the node's")

    def map_input(self, node_input_index, pp, pp_input_index, input_attrs=None):
        """Sends node input ``node_input_index`` to process point input
        ``pp_input_index`` (instead of the same index)."""
        self._check_pp(pp, "map_input")
        node_input_index = _check_index("map_input node_input_index", node_input_index,
                                        self.input_num)
        if isinstance(pp_input_index, bool) or not isinstance(pp_input_index, Integral) \
                or pp_input_index < 0:
            raise DfException(PARAM_INVALID, f"map_input pp_input_index {pp_input_index!r} "
                                             "must be a non-negative int")
        if input_attrs:
            raise DfException(PARAM_INVALID, "map_input input_attrs are not supported")
        self.input_map[node_input_index] = int(pp_input_index)
        return self

    def map_output(self, node_output_index, pp, pp_output_index):
        """Takes node output ``node_output_index`` from process point output
        ``pp_output_index``."""
        self._check_pp(pp, "map_output")
        node_output_index = _check_index("map_output node_output_index", node_output_index,
                                         self.output_num)
        if isinstance(pp_output_index, bool) or not isinstance(pp_output_index, Integral) \
                or pp_output_index < 0:
            raise DfException(PARAM_INVALID, f"map_output pp_output_index {pp_output_index!r}"
                                             " must be a non-negative int")
        self.output_map[node_output_index] = int(pp_output_index)
        return self

    def set_attr(self, attr_name, attr_value):
        """GE's node attributes; geflow keeps them (none changes how it runs)."""
        self.attrs[attr_name] = attr_value
        return self

    def __call__(self, *inputs):
        if self.inputs is not None:
            raise DfException(PARAM_INVALID, f"FlowNode {self._label()} is already connected; "
                                             "create another FlowNode")
        if len(inputs) != self.input_num:
            raise DfException(PARAM_INVALID,
                              f"FlowNode {self._label()} has input_num={self.input_num} but "
                              f"was called with {len(inputs)} input(s)")
        for i, x in enumerate(inputs):
            if not isinstance(x, (FlowData, FlowOutput)):
                raise DfException(PARAM_INVALID,
                                  f"FlowNode {self._label()} input {i} must be a FlowData or "
                                  f"a FlowOutput, got {type(x).__name__}")
        self.inputs = list(inputs)
        outputs = tuple(FlowOutput(self, i) for i in range(self.output_num))
        return outputs[0] if self.output_num == 1 else outputs

    def _label(self):
        return f"'{self.name}'" if self.name else "(unnamed)"
