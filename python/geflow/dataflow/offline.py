"""DataFlow offline compilation (reference 000, DataFlow离线编译): the flow's
files in ge.graph_compiler_cache_dir and the resource configuration.

For ge.graph_key K the cache directory holds
- K.idx: the flow's index (JSON): its process points, the compile-cache key
  and files of each graph process point, and the resource description;
- K_<process point>.gfm / .idx / .lock: each graph process point's entry in
  geflow's compile cache (lib/Session/CompileCache.cpp), written and checked
  by the Session that compiles or loads it;
- K.resource.json: the resources the flow was compiled for (the
  RESOURCE_CONFIG_PATH numa config, or the runtime's devices without one).
Copying the directory to another machine (or directory) deploys the flow:
the same FlowGraph with the same key loads every graph instead of compiling.
"""
import json
import os
import platform
import stat

from .. import _geflow
from .status import PARAM_INVALID, DfException

__all__ = ["read_resource_config", "FlowCache"]

_MAX_JSON_BYTES = 16 << 20
_INDEX_FORMAT = "geflow dataflow cache 1"


def _read_json(path, what):
    """A JSON file under geflow's input limits: a regular file of at most
    16 MiB; bad nesting or syntax is an error naming the file."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise DfException(PARAM_INVALID, f"{what} '{path}' cannot be read: {e.strerror}") \
            from None
    if not stat.S_ISREG(st.st_mode):
        raise DfException(PARAM_INVALID, f"{what} '{path}' is not a regular file")
    if st.st_size > _MAX_JSON_BYTES:
        raise DfException(PARAM_INVALID, f"{what} '{path}' has {st.st_size} bytes; at most "
                                         f"{_MAX_JSON_BYTES} are read")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (ValueError, RecursionError) as e:
        raise DfException(PARAM_INVALID, f"{what} '{path}' is not valid JSON: {e}") from None


def _host_resource_type():
    machine = platform.machine().lower()
    return {"x86_64": "X86", "amd64": "X86", "aarch64": "ARM", "arm64": "ARM"}.get(
        machine, machine)


def _positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def read_resource_config(path):
    """Reads and checks numa_config.json (RESOURCE_CONFIG_PATH): a devList
    (top level or under "host") of entries with the required chip_count and
    optional deviceIdList, resourceType ("Ascend"), ipaddr, port, token.
    Returns the config as read."""
    where = f"RESOURCE_CONFIG_PATH '{path}'"
    config = _read_json(path, "RESOURCE_CONFIG_PATH")
    if not isinstance(config, dict):
        raise DfException(PARAM_INVALID, f"{where} must hold a JSON object")
    host = config.get("host", {})
    if not isinstance(host, dict):
        raise DfException(PARAM_INVALID, f"{where}: 'host' must be an object")
    dev_list = config.get("devList", host.get("devList"))
    if not isinstance(dev_list, list) or not dev_list:
        raise DfException(PARAM_INVALID, f"{where} has no devList (a list of the runtime "
                                         "environment's device groups, each with chip_count)")
    for i, dev in enumerate(dev_list):
        at = f"{where} devList[{i}]"
        if not isinstance(dev, dict):
            raise DfException(PARAM_INVALID, f"{at} must be an object")
        if "chip_count" not in dev:
            raise DfException(PARAM_INVALID, f"{at} has no chip_count: it is required (the "
                                             "number of accelerator cards of the runtime "
                                             "environment)")
        if not _positive_int(dev["chip_count"]):
            raise DfException(PARAM_INVALID, f"{at} chip_count must be a positive integer, "
                                             f"got {dev['chip_count']!r}")
        ids = dev.get("deviceIdList")
        if ids is not None:
            if not isinstance(ids, list) or not all(
                    isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in ids) \
                    or len(set(ids)) != len(ids):
                raise DfException(PARAM_INVALID, f"{at} deviceIdList must be a list of "
                                                 f"distinct device ids, got {ids!r}")
            if len(ids) != dev["chip_count"]:
                raise DfException(PARAM_INVALID, f"{at} lists {len(ids)} device(s) in "
                                                 f"deviceIdList but chip_count is "
                                                 f"{dev['chip_count']}")
        kind = dev.get("resourceType")
        if kind is not None and kind != "Ascend":
            raise DfException(PARAM_INVALID, f"{at} resourceType {kind!r}: the only value is "
                                             "'Ascend'")
    return config


def _dev_list(config):
    return config.get("devList", config.get("host", {}).get("devList"))


def _without_ipaddr(value):
    """The config with every ipaddr removed: the one field that may differ
    between the compile and the runtime environment."""
    if isinstance(value, dict):
        return {k: _without_ipaddr(v) for k, v in value.items() if k != "ipaddr"}
    if isinstance(value, list):
        return [_without_ipaddr(v) for v in value]
    return value


def describe_resources(config, soc_version):
    """The resource description written beside the cache: the numa config,
    or without one the runtime's devices."""
    if config is None:
        count = _geflow.get_device_count()
        config = {"host": {"resourceType": _host_resource_type()},
                  "devList": [{"resourceType": "Ascend", "chip_count": count,
                               "deviceIdList": list(range(count))}]}
        source = "runtime"
    else:
        source = "RESOURCE_CONFIG_PATH"
    return {"producer": "geflow", "source": source, "socVersion": soc_version,
            "numa_config": config}


def check_deployable(description, config, device_id, where):
    """Deployment checks (DataFlow离线编译, step 2 and its constraint): the
    runtime environment's numa config, when given, equals the compile-time one
    but for ipaddr; chip_count is at most the runtime's devices; every listed
    device exists; the host's resourceType matches this machine."""
    compiled = description["numa_config"]
    if config is not None and description["source"] == "RESOURCE_CONFIG_PATH" and \
            _without_ipaddr(config) != _without_ipaddr(compiled):
        raise DfException(PARAM_INVALID,
                          f"{where}: the numa config of RESOURCE_CONFIG_PATH differs from the "
                          "one the flow was compiled with (only ipaddr may differ); compile "
                          "again with this config or deploy with the original one")
    devices = _geflow.get_device_count()
    dev_list = _dev_list(compiled)
    chips = sum(d["chip_count"] for d in dev_list)
    if chips > devices:
        raise DfException(PARAM_INVALID,
                          f"{where}: chip_count {chips} is more than the {devices} device(s) "
                          "of the runtime environment; the flow was compiled for "
                          f"{chips} (GE: chip_count greater than the devices deployed is an "
                          "error at deployment)")
    for d in dev_list:
        for dev_id in d.get("deviceIdList") or []:
            if dev_id >= devices:
                raise DfException(PARAM_INVALID,
                                  f"{where}: deviceIdList names device {dev_id}, but the "
                                  f"runtime environment has {devices} device(s)")
    listed = [i for d in dev_list for i in (d.get("deviceIdList") or [])]
    if listed and device_id not in listed:
        raise DfException(PARAM_INVALID,
                          f"{where}: ge.exec.deviceId {device_id} is not in the numa "
                          f"config's deviceIdList {listed}")
    kind = compiled.get("host", {}).get("resourceType")
    if kind is not None and kind != _host_resource_type():
        raise DfException(PARAM_INVALID,
                          f"{where}: host resourceType {kind!r} does not match this "
                          f"machine's {_host_resource_type()!r}")


class FlowCache:
    """The flow-level files of one ge.graph_key in one cache directory."""

    def __init__(self, cache_dir, graph_key):
        self.dir = cache_dir
        self.key = graph_key
        self.index_path = os.path.join(cache_dir, f"{graph_key}.idx")
        self.resource_path = os.path.join(cache_dir, f"{graph_key}.resource.json")

    def pp_key(self, pp_name):
        """The compile-cache key of a graph process point (a plain file name)."""
        safe = "".join(c if c.isalnum() or c in "_-." else "_" for c in pp_name)
        return f"{self.key}_{safe}"

    def load(self):
        """(index, resource description) when the flow has files here, else
        None. A damaged index or description is an error naming the file."""
        if not os.path.exists(self.index_path):
            return None
        hint = (f"; remove {self.key}.idx and {self.key}.resource.json (and the "
                f"{self.key}_* files) to compile the flow again")
        try:
            index = _read_json(self.index_path, "DataFlow cache index")
        except DfException as e:
            raise DfException(PARAM_INVALID, e.message + hint) from None
        ok = (isinstance(index, dict) and index.get("format") == _INDEX_FORMAT
              and index.get("graph_key") == self.key
              and isinstance(index.get("process_points"), list))
        if not ok:
            raise DfException(PARAM_INVALID, f"DataFlow cache index '{self.index_path}' is "
                                             f"not geflow's index of graph_key "
                                             f"'{self.key}'{hint}")
        try:
            description = _read_json(self.resource_path, "DataFlow resource description")
        except DfException as e:
            raise DfException(PARAM_INVALID, e.message + hint) from None
        if not isinstance(description, dict) or not isinstance(
                description.get("numa_config"), dict) or _dev_list(
                    description["numa_config"]) is None:
            raise DfException(PARAM_INVALID, f"DataFlow resource description "
                                             f"'{self.resource_path}' is damaged{hint}")
        return index, description

    def store(self, process_points, description):
        """Writes the description, then the index (each through a temporary
        file renamed into place)."""
        os.makedirs(self.dir, exist_ok=True)
        index = {"format": _INDEX_FORMAT, "graph_key": self.key, "producer": "geflow",
                 "resource": os.path.basename(self.resource_path),
                 "process_points": process_points}
        for path, value in ((self.resource_path, description), (self.index_path, index)):
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(value, f, indent=2)
                f.write("\n")
            os.replace(tmp, path)
