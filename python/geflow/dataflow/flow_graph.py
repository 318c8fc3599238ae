"""FlowGraph: the flow built from its outputs back to its FlowData, compiled
on the first feed_data (through geflow Sessions and their compile cache) and
run as a pipeline (pipeline.py)."""
import os
import threading
import weakref
from numbers import Integral

import numpy as np

from .. import _geflow
from ..errors import CompileError, Error, InvalidArgumentError
from ..graph import Graph
from . import context
from .nodes import FlowData, FlowInfo, FlowNode, FlowOutput, FuncProcessPoint, \
    GraphProcessPoint
from .offline import FlowCache, check_deployable, describe_resources, read_resource_config
from .pipeline import Deadline, Failure, NodeWorker, OutputCollector
from .status import (DATATYPE_INVALID, FAILED, MODEL_EXECUTE_TIMEOUT, NOT_INIT, PARAM_INVALID,
                     QUEUE_FULL, SHAPE_INVALID, SUCCESS, DfException, Status, failed)

__all__ = ["FlowGraph"]

# Items fed and not yet fetched, at most (GE's default queue depth); a
# feed_data beyond it waits for a fetch_data up to its timeout.
QUEUE_DEPTH = 128

_DT_NAMES = {"DT_FLOAT": "float32", "DT_FLOAT16": "float16", "DT_DOUBLE": "float64",
             "DT_INT8": "int8", "DT_INT16": "int16", "DT_INT32": "int32", "DT_INT64": "int64",
             "DT_UINT8": "uint8", "DT_UINT16": "uint16", "DT_UINT32": "uint32",
             "DT_UINT64": "uint64", "DT_BOOL": "bool", "DT_BF16": "uint16"}


def _unique(base, taken):
    name, i = base, 1
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    taken.add(name)
    return name


def _check_timeout(timeout):
    if isinstance(timeout, bool) or not isinstance(timeout, Integral) or timeout < -1:
        raise DfException(PARAM_INVALID, f"timeout must be an int of ms (-1: never), got "
                                         f"{timeout!r}")
    return int(timeout)


class _GraphRunner:
    """Runs one graph process point: on the node's own stream, or
    synchronously when an output has geared dims (the output shapes are
    known only per run)."""

    def __init__(self, session, graph_id, geared):
        self.session = session
        self.graph_id = graph_id
        self.geared = geared
        self.stream = _geflow.Stream()

    def __call__(self, args):
        if self.geared:
            return self.session.run_graph(self.graph_id, args)
        run = self.session.run_graph_with_stream_async(self.graph_id, self.stream, args)
        try:
            return run.result()
        except Error:
            # A failed task leaves the stream skipping work until it is
            # synchronized: clear it so that later items run.
            try:
                self.stream.synchronize()
            except Error:
                pass
            raise


def _func_runner(func, outputs):
    def run(args):
        result = func(*args)
        if outputs == 1:
            if isinstance(result, tuple) and len(result) == 1:
                result = result[0]
            return [result]
        if not isinstance(result, (tuple, list)) or len(result) != outputs:
            got = (f"{len(result)} values" if isinstance(result, (tuple, list))
                   else type(result).__name__)
            raise DfException(FAILED, f"the function returned {got}; its node maps "
                                      f"{outputs} outputs, so it must return a tuple of "
                                      f"{outputs}")
        return list(result)
    return run


class FlowGraph:
    """A DataFlow graph (GE's dataflow.FlowGraph) ending in ``outputs`` (a
    list of FlowOutput). ``options`` are GE options for the flow:
    ge.graph_key and ge.graph_compiler_cache_dir (offline compilation),
    ge.runFlag ("0": feed_data compiles only), and compile options for every
    graph process point. The first feed_data compiles (or loads from the
    cache) and starts the flow."""

    def __init__(self, outputs, options=None, graph_name=None):
        if not context.is_initialized():
            raise DfException(NOT_INIT, "dataflow is not initialized: call df.init(options) "
                                        "before building a FlowGraph")
        if isinstance(outputs, (FlowOutput, FlowData)):
            outputs = [outputs]
        if not isinstance(outputs, (list, tuple)) or not outputs:
            raise DfException(PARAM_INVALID, "FlowGraph takes a non-empty list of FlowOutput")
        for i, out in enumerate(outputs):
            if not isinstance(out, (FlowOutput, FlowData)):
                raise DfException(PARAM_INVALID, f"FlowGraph output {i} must be a FlowOutput, "
                                                 f"got {type(out).__name__}")
        self.name = graph_name or "FlowGraph"
        self._options = context.validate_options(options, f"FlowGraph '{self.name}' options")
        self._outputs = list(outputs)
        self._topology()
        self._lock = threading.Lock()
        self._built = False
        self._compile_only = False
        self._closed = False
        self._session = None
        self._workers = []
        self._collector = None
        self._fed = self._fetched = 0
        self._room = threading.Condition()
        self._pp_info = []
        context.register(self)
        weakref.finalize(self, FlowGraph._stop_workers, self._workers)

    # -- structure ---------------------------------------------------------

    def _topology(self):
        """Nodes in dependency order (inputs first), the FlowData in the order
        found, and graph-unique names for nodes and process points."""
        order, inputs, state = [], [], {}

        def visit(node):
            if state.get(id(node)) == "done":
                return
            if node.pp is None:
                raise DfException(PARAM_INVALID, f"FlowNode {node._label()} has no process "
                                                 "point (call add_process_point)")
            if node.inputs is None:
                raise DfException(PARAM_INVALID, f"FlowNode {node._label()} is not connected "
                                                 "(call it on its inputs)")
            if node.input_num == 0:
                raise DfException(PARAM_INVALID, f"FlowNode {node._label()} has no inputs; "
                                                 "geflow runs a node per item fed to it")
            state[id(node)] = "done"
            for x in node.inputs:
                if isinstance(x, FlowOutput):
                    visit(x.node)
                elif all(x is not d for d in inputs):
                    inputs.append(x)
            order.append(node)

        for out in self._outputs:
            if isinstance(out, FlowOutput):
                visit(out.node)
            elif all(out is not d for d in inputs):
                inputs.append(out)
        self._nodes = order
        self._inputs = inputs
        taken_nodes, taken_pps = set(), set()
        self._node_names, self._pp_names = {}, {}
        for node in order:
            self._node_names[id(node)] = _unique(node.name or "FlowNode", taken_nodes)
            self._pp_names[id(node)] = _unique(node.pp.name or node.pp._default_name,
                                               taken_pps)
        taken_data = set()
        self._data_names = {id(d): _unique(d.name or "FlowData", taken_data) for d in inputs}

    def _label(self, node):
        return (f"'{self._node_names[id(node)]}' ({type(node.pp).__name__} "
                f"'{self._pp_names[id(node)]}')")

    # -- build -------------------------------------------------------------

    def _build(self):
        opts = {**context.options(), **self._options}
        cache_dir = opts.get("ge.graph_compiler_cache_dir")
        key = opts.get("ge.graph_key")
        if (cache_dir is None) != (key is None):
            given, missing = (("ge.graph_key", "ge.graph_compiler_cache_dir") if cache_dir
                              is None else ("ge.graph_compiler_cache_dir", "ge.graph_key"))
            raise DfException(PARAM_INVALID, f"FlowGraph '{self.name}' has {given} but no "
                                             f"{missing} (in df.init or the FlowGraph "
                                             "options); offline compilation needs both")
        run_flag = opts.get("ge.runFlag", "1")
        device_id = int(opts.get("ge.exec.deviceId", "0"))
        soc = opts.get("ge.socVersion", opts.get("soc_version", "host"))
        config_path = os.environ.get("RESOURCE_CONFIG_PATH")
        config = read_resource_config(config_path) if config_path else None
        cache = FlowCache(cache_dir, key) if key is not None else None
        where = f"FlowGraph '{self.name}'" + (f" (cache '{cache.index_path}')" if cache else "")
        loaded = cache.load() if cache else None
        description = loaded[1] if loaded else describe_resources(config, soc)
        if run_flag == "1":
            check_deployable(description, config, device_id, where)

        self._session = _geflow.Session(
            {k: v for k, v in opts.items() if k not in context.CACHE_OPTIONS})
        runners, pps = {}, []
        for gid, node in enumerate(self._nodes):
            if isinstance(node.pp, GraphProcessPoint):
                runners[id(node)], entry = self._build_graph_node(gid, node, cache, run_flag)
                pps.append(entry)
            else:
                runners[id(node)] = self._build_func_node(node)
                pps.append({"name": self._pp_names[id(node)], "node":
                            self._node_names[id(node)], "kind": "function"})
        self._pp_info = pps
        if cache and (loaded is None or loaded[0]["process_points"] != pps_index(pps)):
            cache.store(pps_index(pps), description)
        if run_flag == "0":
            self._compile_only = True
            return
        self._start(runners)

    def _build_graph_node(self, gid, node, cache, run_flag):
        pp = node.pp
        name = self._pp_names[id(node)]
        graph_options = dict(pp.build_options)
        entry = {"name": name, "node": self._node_names[id(node)], "kind": "graph"}
        if cache:
            pp_key = cache.pp_key(name)
            graph_options.update({"ge.graph_compiler_cache_dir": cache.dir,
                                  "ge.graph_key": pp_key, "ge.runFlag": run_flag})
            entry.update({"graph_key": pp_key, "model": pp_key + ".gfm",
                          "index": pp_key + ".idx"})
        elif run_flag == "0":
            graph_options["ge.runFlag"] = "0"
        model = pp.graph_file
        try:
            self._session.add_graph(gid, model if isinstance(model, Graph) else model,
                                    graph_options)
            self._session.build_graph(gid)
            inputs = self._session.get_inputs(gid)
            outputs = self._session.get_outputs(gid)
            entry["from_cache"] = bool(cache) and self._session.is_built_from_cache(gid)
        except Error as e:
            # Bad options and damaged cache files are the caller's to fix
            # (PARAM_INVALID); a model that does not compile is FAILED.
            code = (PARAM_INVALID if isinstance(e, InvalidArgumentError)
                    and not isinstance(e, CompileError) else FAILED)
            raise DfException(code, f"FlowGraph '{self.name}': building node "
                                    f"{self._label(node)} failed: {e}") from None
        self._check_mapping(node, len(inputs), len(outputs))
        for i, desc in enumerate(pp.inputs_tensor_desc):
            if i >= len(inputs):
                raise DfException(PARAM_INVALID, f"node {self._label(node)}: "
                                                 f"inputs_tensor_desc lists {len(pp.inputs_tensor_desc)}"
                                                 f" inputs, the graph has {len(inputs)}")
            spec = inputs[i]
            dtype = _DT_NAMES.get(desc.get("data_type", ""), None)
            if "data_type" in desc and (dtype is None or np.dtype(dtype) != spec.dtype):
                raise DfException(DATATYPE_INVALID,
                                  f"node {self._label(node)}: inputs_tensor_desc[{i}] "
                                  f"data_type {desc['data_type']} does not match input "
                                  f"'{spec.name}' ({spec.dtype})")
            if "shape" in desc and tuple(desc["shape"]) != tuple(spec.shape):
                raise DfException(SHAPE_INVALID,
                                  f"node {self._label(node)}: inputs_tensor_desc[{i}] shape "
                                  f"{desc['shape']} does not match input '{spec.name}' "
                                  f"{list(spec.shape)}")
        geared = any(d < 0 for spec in outputs for d in spec.shape)
        run = _GraphRunner(self._session, gid, geared)
        return self._mapped(node, run, len(inputs)), entry

    def _check_mapping(self, node, pp_inputs, pp_outputs):
        mapped = sorted(node.input_map.values())
        if mapped != list(range(pp_inputs)):
            raise DfException(PARAM_INVALID,
                              f"node {self._label(node)}: its inputs map to process point "
                              f"inputs {mapped}, but the graph has {pp_inputs} input(s); "
                              "each must be fed by exactly one node input")
        for o, p in sorted(node.output_map.items()):
            if p >= pp_outputs:
                raise DfException(PARAM_INVALID,
                                  f"node {self._label(node)}: output {o} maps to process "
                                  f"point output {p}, but the graph has {pp_outputs}")

    def _build_func_node(self, node):
        mapped = sorted(node.input_map.values())
        if mapped != list(range(len(mapped))):
            raise DfException(PARAM_INVALID,
                              f"node {self._label(node)}: its inputs map to function "
                              f"arguments {mapped}; each argument 0..n-1 needs exactly one")
        outputs = max(node.output_map.values()) + 1
        return self._mapped(node, _func_runner(node.pp.py_func, outputs), len(mapped))

    @staticmethod
    def _mapped(node, run, pp_inputs):
        input_map = sorted(node.input_map.items())
        output_map = [node.output_map[o] for o in range(node.output_num)]

        def call(values):
            args = [None] * pp_inputs
            for node_in, pp_in in input_map:
                args[pp_in] = values[node_in]
            results = run(args)
            return [results[p] for p in output_map]
        return call

    def _start(self, runners):
        self._collector = OutputCollector(len(self._outputs))
        sinks = {}  # id(node) or id(FlowData) -> per output: [(sink, slot)]
        for node in self._nodes:
            sinks[id(node)] = [[] for _ in range(node.output_num)]
        for d in self._inputs:
            sinks[id(d)] = [[]]
        workers = {}
        for node in reversed(self._nodes):
            workers[id(node)] = NodeWorker(self._label(node), node.input_num,
                                           runners[id(node)], sinks[id(node)])
        for node in self._nodes:
            for slot, x in enumerate(node.inputs):
                target = workers[id(node)]
                if isinstance(x, FlowOutput):
                    sinks[id(x.node)][x.index].append((target, slot))
                else:
                    sinks[id(x)][0].append((target, slot))
        for slot, out in enumerate(self._outputs):
            if isinstance(out, FlowOutput):
                sinks[id(out.node)][out.index].append((self._collector, slot))
            else:
                sinks[id(out)][0].append((self._collector, slot))
        self._data_sinks = {id(d): sinks[id(d)][0] for d in self._inputs}
        self._workers.extend(workers.values())
        for w in self._workers:
            w.start()

    # -- feed and fetch ----------------------------------------------------

    def feed_data(self, feed_dict, flow_info=None, timeout=-1):
        """Feeds one item (asynchronously): ``feed_dict`` maps every FlowData
        of the graph to its value (NumPy array, list or scalar; copied).
        The first call compiles the graph process points, or loads them from
        the cache. Returns a Status: 0, or GE's code with a message."""
        try:
            return self._feed(feed_dict, flow_info, timeout)
        except DfException as e:
            return failed(e.error_code, e.message)
        except Error as e:
            return failed(FAILED, f"FlowGraph '{self.name}': {e}")

    def _feed(self, feed_dict, flow_info, timeout):
        if self._closed or not context.is_initialized():
            return failed(NOT_INIT, f"FlowGraph '{self.name}': dataflow is not initialized "
                                    "(df.finalize() was called, or df.init() was not); "
                                    "nothing was fed")
        timeout = _check_timeout(timeout)
        if flow_info is not None and not isinstance(flow_info, FlowInfo):
            return failed(PARAM_INVALID, "feed_data flow_info must be a dataflow.FlowInfo, got "
                                         f"{type(flow_info).__name__}")
        if not isinstance(feed_dict, dict):
            return failed(PARAM_INVALID, "feed_data takes a dict {FlowData: value}, got "
                                         f"{type(feed_dict).__name__}")
        known = {id(d) for d in self._inputs}
        for k in feed_dict:
            if not isinstance(k, FlowData) or id(k) not in known:
                return failed(PARAM_INVALID, f"feed_data: {k!r} is not a FlowData of "
                                             f"FlowGraph '{self.name}'")
        if len(feed_dict) != len(self._inputs):
            missing = [self._data_names[id(d)] for d in self._inputs
                       if all(d is not k for k in feed_dict)]
            return failed(PARAM_INVALID,
                          f"feed_data got {len(feed_dict)} input(s), FlowGraph '{self.name}' "
                          f"has {len(self._inputs)} FlowData; missing {missing}")
        values = {}
        for d, v in feed_dict.items():
            status, values[id(d)] = self._convert(d, v)
            if status != SUCCESS:
                return status
        with self._lock:
            if not self._built:
                self._build()
                self._built = True
                with self._room:
                    self._room.notify_all()  # a fetch_data waiting for the flow
        if self._compile_only:
            return Status(SUCCESS)
        deadline = Deadline(timeout)
        with self._room:
            if not self._room.wait_for(lambda: self._fed - self._fetched < QUEUE_DEPTH
                                       or self._closed, timeout=deadline.remaining()):
                return failed(QUEUE_FULL, f"feed_data timed out after {timeout} ms: "
                                          f"{QUEUE_DEPTH} items are in flight (fetch_data "
                                          "takes them out)")
            if self._closed:
                return failed(NOT_INIT, f"FlowGraph '{self.name}' was finalized")
            seq = self._fed
            self._fed += 1
            info = (flow_info or FlowInfo())._copy()
            for d in self._inputs:
                for sink, slot in self._data_sinks[id(d)]:
                    sink.deliver(seq, info, slot, values[id(d)])
        return Status(SUCCESS)

    def _convert(self, data, value):
        name = self._data_names[id(data)]
        schema = data.schema
        try:
            if isinstance(value, np.ndarray):
                array = np.array(value, copy=True, order="C")
            else:
                array = np.array(value, dtype=schema.dtype, order="C")
        except (TypeError, ValueError) as e:
            return failed(PARAM_INVALID, f"feed_data: FlowData '{name}' value cannot be an "
                                         f"array: {e}"), None
        if schema.dtype is not None and array.dtype != schema.dtype:
            return failed(DATATYPE_INVALID, f"feed_data: FlowData '{name}' has dtype "
                                            f"{array.dtype}, expected {schema.dtype}"), None
        if schema.shape is not None and (
                array.ndim != len(schema.shape) or any(
                    e != -1 and e != a for e, a in zip(schema.shape, array.shape))):
            return failed(SHAPE_INVALID, f"feed_data: FlowData '{name}' has shape "
                                         f"{list(array.shape)}, expected "
                                         f"{list(schema.shape)} (-1: any)"), None
        return Status(SUCCESS), array

    def fetch_data(self, indexes=None, timeout=-1):
        """The outputs of the next item in feed order: (list of arrays,
        FlowInfo, Status). ``indexes`` selects outputs (default: all);
        ``timeout`` is in ms (-1: wait). A failed item returns ([], its
        FlowInfo, the failure's code and message)."""
        try:
            return self._fetch(indexes, timeout)
        except DfException as e:
            return [], FlowInfo(), failed(e.error_code, e.message)

    def _fetch(self, indexes, timeout):
        if self._closed or not context.is_initialized():
            return [], FlowInfo(), failed(NOT_INIT, f"FlowGraph '{self.name}': dataflow is "
                                                    "not initialized (df.finalize() was "
                                                    "called, or df.init() was not)")
        timeout = _check_timeout(timeout)
        count = len(self._outputs)
        if indexes is None:
            indexes = list(range(count))
        if not isinstance(indexes, (list, tuple)) or len(set(indexes)) != len(indexes) or \
                not all(isinstance(i, Integral) and not isinstance(i, bool) and 0 <= i < count
                        for i in indexes):
            return [], FlowInfo(), failed(PARAM_INVALID,
                                          f"fetch_data indexes {indexes!r} must be distinct "
                                          f"output indexes in [0, {count})")
        if self._compile_only:
            return [], FlowInfo(), failed(PARAM_INVALID,
                                          f"FlowGraph '{self.name}' has ge.runFlag=0: it was "
                                          "compiled, not run; there is nothing to fetch")
        deadline = Deadline(timeout)
        while self._collector is None:  # not built yet: a feed on another thread builds it
            with self._room:
                if not self._room.wait_for(lambda: self._collector is not None or self._closed,
                                           timeout=deadline.remaining()):
                    break
                if self._closed:
                    return self._fetch(indexes, timeout)
        item = self._collector.take(deadline) if self._collector else None
        if item is None:
            with self._room:
                pending = self._fed - self._fetched
            return [], FlowInfo(), failed(MODEL_EXECUTE_TIMEOUT,
                                          f"fetch_data timed out after {timeout} ms: "
                                          f"{pending} item(s) in flight, none finished")
        seq, info, values = item
        with self._room:
            self._fetched += 1
            self._room.notify_all()
        failure = next((v for v in values if isinstance(v, Failure)), None)
        if failure is not None:
            return [], info, failed(failure.code, failure.message)
        return [np.asarray(values[i]) for i in indexes], info, Status(SUCCESS)

    # -- geflow extensions -------------------------------------------------

    @property
    def process_points(self):
        """Per process point after the first feed: name, node, kind
        ("graph"/"function") and, with the cache, graph_key, model, index and
        from_cache (loaded rather than compiled)."""
        return [dict(p) for p in self._pp_info]

    @property
    def built_from_cache(self):
        """True when every graph process point was loaded from the compile
        cache (nothing compiled); False before the first feed."""
        graphs = [p for p in self._pp_info if p["kind"] == "graph"]
        return bool(graphs) and all(p.get("from_cache") for p in graphs)

    def close(self):
        """Stops the flow's threads (items in flight are dropped); later
        feed_data and fetch_data return NOT_INIT."""
        self._close()

    def _close(self):
        with self._room:
            self._closed = True
            self._room.notify_all()
        FlowGraph._stop_workers(self._workers)
        # The workers' process points hold the Session: drop them, so that
        # geflow.finalize() finds no session of a closed flow alive.
        for w in self._workers:
            w.run = None
        self._session = None

    @staticmethod
    def _stop_workers(workers):
        for w in workers:
            w.stop()


def pps_index(pps):
    """The process points as the cache index lists them (without from_cache,
    which describes one build)."""
    return [{k: v for k, v in p.items() if k != "from_cache"} for p in pps]
