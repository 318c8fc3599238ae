"""geflow.torch: export a PyTorch module to GE IR (.air), as TorchAir's
``torchair.dynamo_export`` does, so that ``geflow-compile --framework=1``
compiles it and geflow runs it without PyTorch.

    import geflow.torch
    geflow.torch.export(x, model=net, export_path="export_file")
    # export_file/export.air, one raw weight file per parameter/buffer
    # (its FQN with '.' -> '_'), export_file/dynamo.pbtxt

The tracer is ``torch.fx`` symbolic tracing (PyTorch 1.13 has no dynamo):
it keeps the module hierarchy, so every weight is the parameter or buffer
of its fully qualified name, as in TorchAir's graphs, it sees the model's
Python code as written (no ONNX decompositions or constant folding), and
it needs no ``onnx`` package. Leaf modules (Conv2d, Linear, BatchNorm,
LayerNorm, pools, activations, Dropout, Embedding) become GE ops directly;
everything else is traced through. Shapes and dtypes come from running the
traced graph on the example inputs (``torch.fx.Interpreter``); with
``dynamic=True`` a second run at other batch (and sequence) sizes finds
which dims follow the inputs' and writes them as -1. See docs/air.md.
"""
import collections
import operator
import os

import numpy as np
import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F

from . import _torch_dist as _dist
from . import ops as _ops
from ._torch_config import CompilerConfig, resolve_config
from .air import export_air
from .errors import InvalidArgumentError, UnsupportedError
from .graph import Graph

__all__ = ["export", "CompilerConfig"]

_LEAVES = (nn.Conv2d, nn.Linear, nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm, nn.ReLU,
           nn.ReLU6, nn.GELU, nn.Sigmoid, nn.Tanh, nn.Hardswish, nn.Hardsigmoid, nn.SiLU,
           nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.Flatten, nn.Dropout,
           nn.Identity, nn.Softmax, nn.Embedding)

_DTYPES = {torch.float32: "float32", torch.float16: "float16", torch.bfloat16: "bfloat16",
           torch.int8: "int8", torch.uint8: "uint8", torch.int32: "int32",
           torch.int64: "int64", torch.bool: "bool"}


class _Tracer(torch.fx.Tracer):
    """fx's tracer with geflow's leaf modules, recording each node's
    nn_module_stack ({module path: module class}, outermost first: what
    dynamo records and TorchAir writes) in node.meta."""

    def __init__(self):
        super().__init__()
        self.module_stack = collections.OrderedDict()

    def is_leaf_module(self, m, qualname):
        return isinstance(m, _LEAVES)

    def call_module(self, m, forward, args, kwargs):
        path = self.path_of_module(m)
        self.module_stack[path] = type(m)
        try:
            return super().call_module(m, forward, args, kwargs)
        finally:
            self.module_stack.pop(path, None)

    def create_node(self, *args, **kwargs):
        node = super().create_node(*args, **kwargs)
        node.meta["nn_module_stack"] = collections.OrderedDict(self.module_stack)
        return node


class _Recorder(torch.fx.Interpreter):
    """Runs the traced graph and keeps every node's result."""

    def __init__(self, gm):
        super().__init__(gm)
        self.results = {}

    def run_node(self, n):
        result = super().run_node(n)
        self.results[n] = result
        return result


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


class _Exporter:
    def __init__(self, gm, results, varied, name, ranks=None, collective_groups=(),
                 record_module_stack=False):
        self.gm = gm
        self.ranks = ranks                          # _dist.RankInfo
        self.collective_groups = collective_groups  # torch process groups by index
        self.used_groups = {}                       # GE group name -> ranks
        self.record_module_stack = record_module_stack
        self.results = results  # node -> value on the example inputs
        self.varied = varied    # node -> value at other sizes (dynamic) or None
        self.g = Graph(name)
        self.values = {}
        self.weights = {}
        self.weight_names = []

    # --- shapes -------------------------------------------------------------
    def dims(self, node):
        """The node's shape, -1 where it follows the dynamic input dims."""
        t = self.results[node]
        shape = list(t.shape)
        if self.varied is not None:
            other = self.varied[node]
            shape = [-1 if a != b else a for a, b in zip(shape, other.shape)]
        return shape

    def reshape_target(self, node, src):
        """A Reshape shape for `node` from `src`: static dims as they are,
        a dynamic dim copied (0) where src has it at the same position, at
        most one other dynamic dim inferred (-1)."""
        out, ins = self.dims(node), self.dims(src)
        target = []
        for i, d in enumerate(out):
            if d != -1:
                target.append(d)
            elif i < len(ins) and ins[i] == -1 and \
                    self.results[node].shape[i] == self.results[src].shape[i]:
                target.append(0)
            else:
                target.append(-1)
        if target.count(-1) > 1:
            raise UnsupportedError(f"{node.name}: a reshape to {out} has more than one "
                                   "dynamic dim not copied from its input")
        return target

    # --- values ---------------------------------------------------------------
    def weight(self, fqn):
        if fqn not in self.weights:
            obj = self.gm
            for part in fqn.split("."):
                obj = getattr(obj, part)
            self.weights[fqn] = self.g.constant(obj.detach().cpu().numpy(), name=fqn)
            self.weight_names.append(fqn)
        return self.weights[fqn]

    def arg(self, a):
        if isinstance(a, torch.fx.Node):
            if a in self.values:
                return self.values[a]
            return self.static(a)
        if isinstance(a, (list, tuple)):
            return type(a)(self.arg(x) for x in a)
        return a

    def static(self, node):
        """A non-tensor node (sizes, shapes, scalars): its value, which may
        not depend on the dynamic dims."""
        value = self.results[node]
        if self.varied is not None and self.varied[node] != value:
            raise UnsupportedError(f"{node.name}: the Python value {value!r} depends on a "
                                   "dynamic dim; geflow exports it only through reshapes")
        return value

    # --- the walk ---------------------------------------------------------------
    def run(self, input_names):
        outputs = []
        for node in self.gm.graph.nodes:
            if self.record_module_stack:
                stack = node.meta.get("nn_module_stack")
                self.g._b.set_scope_attrs([("nn_module_stack", str(dict(stack)))]
                                          if stack else [])
            if node.op == "placeholder":
                t = self.results[node]
                if t.dtype not in _DTYPES:
                    raise UnsupportedError(f"input {node.target}: dtype {t.dtype}")
                self.values[node] = self.g.data(input_names.get(node.target, node.target),
                                                self.dims(node), _DTYPES[t.dtype])
            elif node.op == "get_attr":
                self.values[node] = self.weight(node.target)
            elif node.op == "call_module":
                mod = self.gm.get_submodule(node.target)
                self.values[node] = self.module(node, mod)
            elif node.op in ("call_function", "call_method"):
                if not isinstance(self.results[node], torch.Tensor):
                    continue  # sizes and scalars: read through static()
                self.values[node] = self.function(node)
            elif node.op == "output":
                outs = node.args[0]
                outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
                for i, o in enumerate(outs):
                    self.g.output(self.values[o], f"output{i}")
                    outputs.append(o)
        return self.g

    def module(self, node, m):
        x = self.arg(node.args[0])
        name = node.target
        w = lambda p: self.weight(f"{name}.{p}")  # noqa: E731
        if isinstance(m, nn.Conv2d):
            if m.padding_mode != "zeros" or isinstance(m.padding, str):
                raise UnsupportedError(f"{name}: Conv2d padding {m.padding!r} / "
                                       f"{m.padding_mode!r}")
            return _ops.conv2d(x, w("weight"), w("bias") if m.bias is not None else None,
                               strides=_pair(m.stride), pads=_pair(m.padding),
                               dilations=_pair(m.dilation), groups=m.groups, name=name)
        if isinstance(m, nn.Linear):
            return _ops.matmul(x, w("weight"), w("bias") if m.bias is not None else None,
                               transpose_x2=True, name=name)
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            if not m.track_running_stats:
                raise UnsupportedError(f"{name}: BatchNorm without running statistics")
            c = m.num_features
            scale = w("weight") if m.affine else np.ones(c, np.float32)
            offset = w("bias") if m.affine else np.zeros(c, np.float32)
            if len(self.dims(node.args[0])) != 4:
                raise UnsupportedError(f"{name}: BatchNorm of a rank-"
                                       f"{len(self.dims(node.args[0]))} input")
            return _ops.batch_norm(x, scale, offset, w("running_mean"), w("running_var"),
                                   epsilon=m.eps, name=name)
        if isinstance(m, nn.LayerNorm):
            k = len(m.normalized_shape)
            gamma = w("weight") if m.elementwise_affine else \
                np.ones(m.normalized_shape, np.float32)
            beta = w("bias") if m.elementwise_affine else \
                np.zeros(m.normalized_shape, np.float32)
            return _ops.layer_norm(x, gamma, beta, -k, -k, m.eps, name=name)
        if isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
            k, s = _pair(m.kernel_size), _pair(m.stride or m.kernel_size)
            p = _pair(m.padding)
            if isinstance(m, nn.MaxPool2d):
                if m.return_indices:
                    raise UnsupportedError(f"{name}: MaxPool2d return_indices")
                return _ops.max_pool(x, k, s, p, _pair(m.dilation), m.ceil_mode, name=name)
            if m.divisor_override:
                raise UnsupportedError(f"{name}: AvgPool2d divisor_override")
            return _ops.avg_pool(x, k, s, p, m.ceil_mode, not m.count_include_pad, name=name)
        if isinstance(m, nn.AdaptiveAvgPool2d):
            return self.adaptive_avg_pool(node, x, m.output_size, name)
        if isinstance(m, nn.Flatten):
            return _ops.reshape(x, self.reshape_target(node, node.args[0]), name=name)
        if isinstance(m, nn.Softmax):
            return _ops.softmax(x, m.dim, name=name)
        if isinstance(m, nn.Embedding):
            return _ops.gather(w("weight"), x, axis=0, name=name)
        if isinstance(m, (nn.Dropout, nn.Identity)):
            return x
        return self.activation(type(m), x, name, m)

    def activation(self, kind, x, name, m=None):
        if kind in (nn.ReLU, F.relu, torch.relu, "relu"):
            return _ops.relu(x, name=name)
        if kind in (nn.ReLU6, F.relu6):
            return _ops.relu6(x, name=name)
        if kind in (nn.GELU, F.gelu, "gelu"):
            approximate = getattr(m, "approximate", "none") if m is not None else "none"
            return _ops.gelu(x, approximate, name=name)
        if kind in (nn.Sigmoid, torch.sigmoid, F.sigmoid, "sigmoid"):
            return _ops.sigmoid(x, name=name)
        if kind in (nn.Tanh, torch.tanh, F.tanh, "tanh"):
            return _ops.tanh(x, name=name)
        if kind in (nn.Hardswish, F.hardswish):
            return _ops.hard_swish(x, name=name)
        if kind in (nn.Hardsigmoid, F.hardsigmoid):
            return _ops.clip(_ops.add(_ops.mul(x, 1.0 / 6), 0.5), 0.0, 1.0, name=name)
        if kind in (nn.SiLU, F.silu):
            return _ops.mul(x, _ops.sigmoid(x), name=name)
        raise UnsupportedError(f"{name}: {getattr(kind, '__name__', kind)} has no GE "
                               "translation in geflow.torch")

    def promote(self, node, x):
        """PyTorch's type promotion made explicit: a tensor operand of
        another dtype than the result is cast to it (GE's binary ops take
        one dtype)."""
        want = _DTYPES.get(self.results[node].dtype)
        if isinstance(x, _ops.Value) and want and x.dtype != want:
            return _ops.cast(x, want)
        return x

    def adaptive_avg_pool(self, node, x, output_size, name):
        out = _pair(output_size)
        h, w = self.results[node.args[0]].shape[-2:]
        if out == (1, 1):
            return _ops.global_avg_pool(x, name=name)
        if h % out[0] or w % out[1]:
            raise UnsupportedError(f"{name}: adaptive pooling of {h}x{w} to {out}")
        k = (h // out[0], w // out[1])
        return _ops.avg_pool(x, k, k, 0, name=name)

    def function(self, node):  # noqa: C901 - one dispatch table
        f, name = node.target, node.name
        if f in (torch.flatten, "flatten", "view", "reshape", torch.reshape):
            # The target shape is the result's, so size arguments that follow
            # the dynamic dims are never evaluated.
            return _ops.reshape(self.arg(node.args[0]),
                                self.reshape_target(node, node.args[0]), name=name)
        a = [self.arg(x) for x in node.args]
        kw = {k: self.arg(v) for k, v in node.kwargs.items()}
        rank = len(self.results[node].shape)
        binary = {operator.add: _ops.add, torch.add: _ops.add, "add": _ops.add,
                  operator.sub: _ops.sub, torch.sub: _ops.sub, "sub": _ops.sub,
                  operator.mul: _ops.mul, torch.mul: _ops.mul, "mul": _ops.mul,
                  operator.truediv: _ops.div, torch.div: _ops.div, "div": _ops.div}
        if f in binary:
            x1, x2 = self.promote(node, a[0]), self.promote(node, a[1])
            if kw.get("alpha", 1) != 1:
                x2 = _ops.mul(x2, kw["alpha"])
            return binary[f](x1, x2, name=name)
        if f is _dist.all_reduce:
            group, ranks = self.ranks.group(self.collective_groups[a[2]])
            self.used_groups[group] = ranks
            # fusion 0 (no fusion), as TorchAir writes it.
            return _ops.hcom_all_reduce(a[0], a[1], group, fusion=0, ranklist=ranks, name=name)
        if f in (operator.neg, torch.neg, "neg"):
            return _ops.neg(a[0], name=name)
        if f in (operator.matmul, torch.matmul, torch.bmm, "matmul", "bmm"):
            return _ops.matmul(a[0], a[1], name=name)
        if f is F.linear:
            bias = a[2] if len(a) > 2 else kw.get("bias")
            return _ops.matmul(a[0], a[1], bias, transpose_x2=True, name=name)
        if f in ("contiguous", F.dropout, "clone"):
            return a[0]
        if f in (torch.transpose, "transpose"):
            d0, d1 = a[1] % rank, a[2] % rank
            perm = list(range(rank))
            perm[d0], perm[d1] = perm[d1], perm[d0]
            return _ops.transpose(a[0], perm, name=name)
        if f in (torch.permute, "permute"):
            perm = a[1] if isinstance(a[1], (list, tuple)) and len(a) == 2 else a[1:]
            return _ops.transpose(a[0], [p % rank for p in perm], name=name)
        if f in (F.softmax, torch.softmax, "softmax"):
            dim = kw.get("dim", a[1] if len(a) > 1 else -1)
            return _ops.softmax(a[0], dim, name=name)
        if f is F.layer_norm:
            shape = a[1]
            k = len(shape)
            gamma = kw.get("weight", a[2] if len(a) > 2 else np.ones(shape, np.float32))
            beta = kw.get("bias", a[3] if len(a) > 3 else np.zeros(shape, np.float32))
            return _ops.layer_norm(a[0], gamma, beta, -k, -k, kw.get("eps", 1e-5), name=name)
        if f in (torch.cat, torch.concat):
            return _ops.concat(a[0], kw.get("dim", a[1] if len(a) > 1 else 0), name=name)
        if f in (torch.mean, "mean", torch.sum, "sum"):
            dim = kw.get("dim", a[1] if len(a) > 1 else None)
            keep = kw.get("keepdim", a[2] if len(a) > 2 else False)
            reduce = _ops.reduce_mean if f in (torch.mean, "mean") else _ops.reduce_sum
            return reduce(a[0], dim, keep, name=name)
        if f in (torch.unsqueeze, "unsqueeze"):
            return _ops.expand_dims(a[0], [a[1]], name=name)
        if f in (torch.squeeze, "squeeze"):
            return _ops.squeeze(a[0], [a[1]] if len(a) > 1 else None, name=name)
        if f is F.adaptive_avg_pool2d:
            return self.adaptive_avg_pool(node, a[0], a[1], name)
        if f in (torch.sqrt, "sqrt"):
            return _ops.sqrt(a[0], name=name)
        if f in (torch.exp, "exp"):
            return _ops.exp(a[0], name=name)
        if f in (torch.rsqrt, "rsqrt"):
            return _ops.rsqrt(a[0], name=name)
        return self.activation(f, a[0], name)


def _vary(args, names, dynamic_dims):
    """The inputs at other batch (and sequence) sizes, for the second run."""
    varied = []
    for t, dims in zip(args, dynamic_dims):
        shape = list(t.shape)
        for d in dims:
            shape[d] += 1
        if t.dtype.is_floating_point:
            varied.append(torch.randn(shape, dtype=t.dtype))
        else:
            varied.append(torch.zeros(shape, dtype=t.dtype))
    return varied


def _trace(model, collectives):
    tracer = _Tracer()
    try:
        with collectives.patched():
            graph = tracer.trace(model)
    except UnsupportedError:
        raise
    except Exception as e:  # torch.fx raises many kinds
        raise UnsupportedError(f"torch.fx cannot trace {type(model).__name__}: {e}") from e
    _dist.functionalize(graph)
    return torch.fx.GraphModule(model, graph)


def _varied_results(gm, inputs):
    """The graph's values at other sizes, for dynamic=True: the batch dim of
    every input and the sequence dim (dim 1) of rank-2/3 inputs varied; if
    the model fixes the sequence length, the batch only; if it fixes both
    (a dim broadcast against a parameter), no dim stays dynamic, as dynamo
    specializes such dims. None in that case."""
    attempts = ([[0] + ([1] if t.dim() in (2, 3) else []) for t in inputs],
                [[0] for _ in inputs])
    for dims in attempts:
        try:
            rec = _Recorder(gm)
            rec.run(*_vary(inputs, None, dims))
            return rec.results
        except Exception:  # noqa: S112 - the model fixes these dims: try fewer
            continue
    return None


def export(*args, model, export_path="export_file", export_name="export", dynamic=False,
           config=None, **kwargs):
    """Exports ``model`` traced on the example inputs ``args`` (and keyword
    inputs ``kwargs``) to ``<export_path>/<export_name>.air``, with one raw
    weight file per parameter/buffer the graph uses, named by its fully
    qualified name with '.' turned into '_', in ``export_path`` and
    referenced by FileConstant ``file_path`` = ``<export_path>/<file>`` (as
    given: relative paths resolve against the working directory, as ATC
    does, or the .air's directory), and ``dynamo.pbtxt`` beside them.

    Multi-rank (a default process group is initialized, or
    ``config.export.rank``/``world_size`` are set): the graph goes to
    ``<export_path>/<export_name><rank>.air`` and the weights and
    ``dynamo.pbtxt`` to ``<export_path>/rank_<rank>/``;
    ``torch.distributed.all_reduce`` in the module is a GE HcomAllReduce.
    With ``config.export.experimental.auto_atc_config_generated`` rank 0
    also writes ``model_relation_config.json`` and ``numa_config.json``
    when the graph communicates.

    ``dynamic=True`` writes the batch dim of every input, and the sequence
    dim (dim 1) of inputs of rank 2 or 3, as -1 (dims the model ties to a
    parameter's stay static); compile with ``input_shape_range`` or gears.
    ``config``: a :class:`CompilerConfig` (TorchAir's names) or a dict of
    dotted option names; unknown options are refused. Returns the .air
    path.
    """
    if not isinstance(model, nn.Module):
        raise InvalidArgumentError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    cfg = resolve_config(config)
    ranks = _dist.RankInfo(cfg.export)
    was_training = model.training
    model.eval()
    try:
        collectives = _dist.CollectiveTracing()
        gm = _trace(model, collectives)
        placeholders = [n for n in gm.graph.nodes if n.op == "placeholder"]
        inputs = list(args)
        for n in placeholders[len(inputs):]:
            if n.target not in kwargs:
                raise InvalidArgumentError(f"no example input for '{n.target}'")
            inputs.append(kwargs[n.target])
        if len(inputs) != len(placeholders) or \
                not all(isinstance(t, torch.Tensor) for t in inputs):
            raise InvalidArgumentError(f"{type(model).__name__} takes {len(placeholders)} "
                                       f"tensor inputs, got {len(inputs)}")
        if collectives.groups and not ranks.multi:
            raise InvalidArgumentError(
                f"{type(model).__name__} calls torch.distributed.all_reduce: export it from "
                "each rank of an initialized process group, or set config.export.rank and "
                "config.export.world_size")
        with torch.no_grad():
            rec = _Recorder(gm)
            rec.run(*inputs)
            varied = _varied_results(gm, inputs) if dynamic else None
            exporter = _Exporter(gm, rec.results, varied, export_name, ranks,
                                 collectives.groups,
                                 cfg.export.experimental.enable_record_nn_module_stack)
            g = exporter.run({})
        os.makedirs(export_path, exist_ok=True)
        if ranks.multi:
            path = os.path.join(export_path, _dist.rank_air_name(export_name, ranks.rank))
            weight_dir = os.path.join(export_path, f"rank_{ranks.rank}")
        else:
            path = os.path.join(export_path, export_name + ".air")
            weight_dir = export_path
        export_air(g, path, weight_threshold=0, weight_dir=weight_dir,
                   file_path_prefix=weight_dir, weight_names=exporter.weight_names)
        if ranks.multi and ranks.rank == 0 and exporter.used_groups and \
                cfg.export.experimental.auto_atc_config_generated:
            _dist.write_atc_configs(export_path, export_name, ranks.world,
                                    sorted(exporter.used_groups.items()))
        return path
    finally:
        model.train(was_training)
