"""geflow.torch's collectives: ``torch.distributed.all_reduce`` inside a
traced module becomes one graph node, and the multi-rank export layout and
ATC json templates TorchAir writes (reference document 001).

torch.fx cannot trace c10d calls (they check for real tensors, and work
in place), so while tracing ``torch.distributed.all_reduce`` is replaced by
a function that records a call of :func:`all_reduce` (a pure function:
returns the reduced tensor). The in-place effect is then made explicit:
every later use of the reduced tensor uses the node's result. Running the
traced graph on the example inputs (for shapes) does not communicate.
Other collectives raise UnsupportedError while tracing.
"""
import contextlib
import json
import os

import torch
import torch.distributed as dist
import torch.fx

from .errors import InvalidArgumentError, UnsupportedError

_REDUCTIONS = {"SUM": "sum", "PRODUCT": "prod", "MAX": "max", "MIN": "min"}
_UNSUPPORTED = ("all_gather", "all_gather_into_tensor", "broadcast", "reduce_scatter",
                "reduce_scatter_tensor", "reduce", "send", "recv", "all_to_all",
                "all_to_all_single", "scatter", "gather", "barrier")

#: The GE group name of the default (world) process group.
WORLD_GROUP = "hccl_world_group"


def all_reduce(tensor, reduction, group_index):
    """What a traced all_reduce node computes when the graph runs on the
    example inputs: only shapes and dtypes are needed, so no communication
    (the pre-reduce value)."""
    return tensor.clone()


def _reduction_name(op):
    for name, ge_name in _REDUCTIONS.items():
        if op == getattr(dist.ReduceOp, name):
            return ge_name
    shown = getattr(op, "op", op)  # a ReduceOp wraps its RedOpType in .op
    raise UnsupportedError(f"torch.distributed.all_reduce with op {shown}: GE "
                           "HcomAllReduce reduces by sum, prod, max or min")


class CollectiveTracing:
    """Patches torch.distributed while a module is traced, and records the
    process groups the graph uses (by index: fx arguments must be plain)."""

    def __init__(self):
        self.groups = []

    def _traced_all_reduce(self, original):
        def traced(tensor, op=dist.ReduceOp.SUM, group=None, async_op=False):
            if not isinstance(tensor, torch.fx.Proxy):
                return original(tensor, op=op, group=group, async_op=async_op)
            if async_op:
                raise UnsupportedError("torch.distributed.all_reduce(async_op=True): export "
                                       "needs the synchronous form")
            if group not in self.groups:
                self.groups.append(group)
            tensor.tracer.create_proxy("call_function", all_reduce,
                                       (tensor, _reduction_name(op), self.groups.index(group)),
                                       {})
            return None
        return traced

    @staticmethod
    def _refused(name, original):
        def refused(*args, **kwargs):
            if any(isinstance(a, torch.fx.Proxy) for a in list(args) + list(kwargs.values())):
                raise UnsupportedError(f"torch.distributed.{name} in a module: geflow.torch "
                                       "exports all_reduce (HcomAllReduce) only")
            return original(*args, **kwargs)
        return refused

    @contextlib.contextmanager
    def patched(self):
        saved = {}
        try:
            saved["all_reduce"] = dist.all_reduce
            dist.all_reduce = self._traced_all_reduce(saved["all_reduce"])
            for name in _UNSUPPORTED:
                if hasattr(dist, name):
                    saved[name] = getattr(dist, name)
                    setattr(dist, name, self._refused(name, saved[name]))
            yield saved["all_reduce"]
        finally:
            for name, fn in saved.items():
                setattr(dist, name, fn)


def functionalize(graph):
    """all_reduce works in place: every use of the reduced tensor after the
    call reads the reduced value, the node's result."""
    order = {n: i for i, n in enumerate(graph.nodes)}
    for node in list(graph.nodes):
        if node.op != "call_function" or node.target is not all_reduce:
            continue
        source = node.args[0]
        for user in list(source.users):
            if user is not node and order[user] > order[node]:
                user.replace_input_with(source, node)


class RankInfo:
    """The exporting rank and the world: from config.export (rank,
    world_size) or from an initialized default process group."""

    def __init__(self, export_config):
        self.rank = self.world = None
        pg_ready = dist.is_available() and dist.is_initialized()
        if pg_ready:
            self.rank, self.world = dist.get_rank(), dist.get_world_size()
            if export_config.rank is not None and \
                    (export_config.rank, export_config.world_size) != (self.rank, self.world):
                raise InvalidArgumentError(
                    f"config.export.rank/world_size {export_config.rank}/"
                    f"{export_config.world_size} contradict the process group's "
                    f"{self.rank}/{self.world}")
        elif export_config.rank is not None:
            self.rank, self.world = export_config.rank, export_config.world_size

    @property
    def multi(self):
        return self.rank is not None

    def group(self, group):
        """(GE group name, its ranks) of a torch process group (None: the
        world)."""
        if group is None or (dist.is_initialized() and group is dist.group.WORLD):
            return WORLD_GROUP, list(range(self.world or 1))
        if not dist.is_initialized():
            raise InvalidArgumentError("all_reduce over a process group needs an initialized "
                                       "default process group")
        ranks = sorted(dist.get_process_group_ranks(group))
        return "group_" + "_".join(str(r) for r in ranks), ranks


def rank_air_name(export_name, rank):
    return f"{export_name}{rank}.air"


def write_atc_configs(export_path, export_name, world, groups):
    """The ATC json templates of a multi-rank export (TorchAir's
    model_relation_config.json for --model_relation_config and
    numa_config.json for --cluster_config): every rank one submodel
    instance on node 0, the communication groups the graphs use. Users
    move items to other nodes by hand, as with TorchAir."""
    ranks = list(range(world))
    relation = {
        "deploy_config": [{"submodel_name": rank_air_name(export_name, r),
                           "deploy_device_id_list": f"0:0:{r}"} for r in ranks],
        "model_name_to_instance_id": [{"submodel_name": rank_air_name(export_name, r),
                                       "model_instance_id": r} for r in ranks],
        "comm_group": [{"group_name": name, "group_rank_list": str(list(members))}
                       for name, members in groups],
        "rank_table": [{"rank_id": r, "model_instance_id": r} for r in ranks],
    }
    numa = {
        "cluster": [{"cluster_nodes": [{"node_id": 0, "node_type": "ATLAS800",
                                        "ipaddr": "127.0.0.1", "port": 29500,
                                        "item_list": [{"item_id": r} for r in ranks]}],
                     "nodes_toplogy": {}}],
        "item_def": [{"item_type": "Ascend910"}],
        "node_def": [{"item": [{"item_type": "Ascend910"}]}],
    }
    written = []
    for name, content in (("model_relation_config.json", relation),
                          ("numa_config.json", numa)):
        path = os.path.join(export_path, name)
        with open(path, "w") as f:
            json.dump(content, f, indent=4)
        written.append(path)
    return written
