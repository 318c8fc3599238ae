"""df.init / df.finalize: DataFlow's global options and the flows alive."""
import threading
import weakref

from .. import _geflow
from ..errors import Error
from ..options import options_dict
from .status import NOT_INIT, PARAM_INVALID, DfException

__all__ = ["init", "finalize", "is_initialized", "options", "register", "CACHE_OPTIONS"]

# Options the flow itself handles: its cache key, directory and run flag are
# per FlowGraph (each graph process point gets a key of its own).
CACHE_OPTIONS = ("ge.graph_key", "ge.graph_compiler_cache_dir", "ge.runFlag")

_lock = threading.Lock()
_state = {"initialized": False, "options": {}}
_flows = weakref.WeakSet()


def validate_options(raw, what):
    """GE options as registry text, checked by the registry and against the
    runtime's devices (a throwaway Session does both; adding a probe graph
    checks the graph-only ones: the cache key's syntax, the run flag)."""
    try:
        opts = options_dict(raw)
        session = _geflow.Session(opts)
        if any(k in opts for k in CACHE_OPTIONS):
            probe = {"ge.graph_key": "probe", "ge.graph_compiler_cache_dir": "."}
            probe.update({k: v for k, v in opts.items() if k in CACHE_OPTIONS})
            # add_graph parses the options; it reads the model only when built.
            session.add_graph(0, "probe.onnx", probe)
    except Error as e:
        raise DfException(PARAM_INVALID, f"{what}: {e}") from None
    return opts


def init(options=None):
    """Initializes DataFlow with GE options (GE's dataflow.init):
    ge.exec.deviceId, ge.socVersion, ge.exec.logicalDeviceClusterDeployMode,
    ge.exec.logicalDeviceId, and options applied to every FlowGraph
    (ge.graph_compiler_cache_dir, ge.runFlag, compile options). A bad name or
    value raises DfException(PARAM_INVALID)."""
    with _lock:
        if _state["initialized"]:
            raise DfException(PARAM_INVALID,
                              "dataflow is already initialized; call df.finalize() first")
        opts = validate_options(options, "df.init")
        _state["options"] = opts
        _state["initialized"] = True


def finalize():
    """Stops every FlowGraph (items still in flight are dropped) and ends
    DataFlow (GE's dataflow.finalize); feed_data and fetch_data then return
    NOT_INIT."""
    with _lock:
        flows = list(_flows)
        _state["initialized"] = False
        _state["options"] = {}
    for flow in flows:
        flow._close()


def is_initialized():
    return _state["initialized"]


def options():
    """The df.init options (registry text)."""
    if not _state["initialized"]:
        raise DfException(NOT_INIT, "dataflow is not initialized: call df.init(options) "
                                    "first")
    return dict(_state["options"])


def register(flow):
    _flows.add(flow)
