"""A golden data dump of an ONNX model, for geflow-compare.

    geflow-reference-dump --model=m.onnx --input=x=x.npy --output=golden
    geflow-compare golden d16          # d16: geflow-run --dump of a force_fp16 build

Evaluates the model node by node with NumPy in float64 (no geflow, no
onnxruntime) and writes every node's outputs in the layout of a geflow /
GE data dump: {output}/{time}/0/{model}/1/0/{op_type}.{op_name}.{task}.{ts}.
output.{i}.npy, with mapping.csv. Op names follow geflow's ONNX importer (the
node's name, else its first output's), so geflow-compare matches them with a
geflow dump of the same model; a kernel that fused several nodes is matched
by its last node's output. Nodes of the default domain only; an op the
evaluator lacks is an error naming the node (the list is in OPS).
"""
import argparse
import math
import os
import sys
import time

import numpy as np

__all__ = ["ReferenceDumpError", "evaluate", "write_dump", "main", "OPS"]

# What geflow's dump calls the ops whose GE type differs from the ONNX one.
_GE_TYPES = {"MatMul": "MatMulV2", "Gemm": "MatMulV2", "Conv": "Conv2D",
             "MaxPool": "MaxPool", "GlobalAveragePool": "GlobalAveragePool",
             "BatchNormalization": "BatchNorm"}


class ReferenceDumpError(ValueError):
    """A model or input the reference evaluator cannot take."""


def _attrs(node):
    from onnx import helper
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _pads2d(pads):
    return [(0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])]


def _windows(x, kh, kw, strides, dilations=(1, 1)):
    """x[n, c, oh, ow, kh, kw] views of the (padded) input."""
    n, c, h, w = x.shape
    oh = (h - (kh - 1) * dilations[0] - 1) // strides[0] + 1
    ow = (w - (kw - 1) * dilations[1] - 1) // strides[1] + 1
    s = x.strides
    return np.lib.stride_tricks.as_strided(
        x, (n, c, oh, ow, kh, kw),
        (s[0], s[1], s[2] * strides[0], s[3] * strides[1], s[2] * dilations[0],
         s[3] * dilations[1]), writeable=False)


def _conv(x, w, b, a):
    strides, group = a.get("strides", [1, 1]), a.get("group", 1)
    x = np.pad(x, _pads2d(a.get("pads", [0] * 4)))
    win = _windows(x, w.shape[2], w.shape[3], strides, a.get("dilations", [1, 1]))
    cin = w.shape[1]
    outs = []
    for g in range(group):
        wg = w[g * (w.shape[0] // group):(g + 1) * (w.shape[0] // group)]
        outs.append(np.einsum("nchwij,ocij->nohw", win[:, g * cin:(g + 1) * cin], wg))
    y = np.concatenate(outs, axis=1)
    return y if b is None else y + b.reshape(1, -1, 1, 1)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _gemm(ins, a):
    A = ins[0].T if a.get("transA", 0) else ins[0]
    B = ins[1].T if a.get("transB", 0) else ins[1]
    y = a.get("alpha", 1.0) * (A @ B)
    return y + a.get("beta", 1.0) * ins[2] if len(ins) > 2 else y


def _reshape(x, shape):
    return x.reshape([int(d) if d != 0 else x.shape[i] for i, d in enumerate(shape)])


def _batchnorm(ins, a):
    x, g, b, m, v = ins
    sh = (1, -1) + (1,) * (x.ndim - 2)
    return (x - m.reshape(sh)) / np.sqrt(v.reshape(sh) + a.get("epsilon", 1e-5)) \
        * g.reshape(sh) + b.reshape(sh)


def _layernorm(ins, a):
    axes = tuple(range(a.get("axis", -1) % ins[0].ndim, ins[0].ndim))
    mu = ins[0].mean(axis=axes, keepdims=True)
    var = ((ins[0] - mu) ** 2).mean(axis=axes, keepdims=True)
    y = (ins[0] - mu) / np.sqrt(var + a.get("epsilon", 1e-5)) * ins[1]
    return y + ins[2] if len(ins) > 2 else y


def _maxpool(x, a):
    kh, kw = a["kernel_shape"]
    x = np.pad(x, _pads2d(a.get("pads", [0] * 4)), constant_values=-np.inf)
    return _windows(x, kh, kw, a.get("strides", [1, 1])).max(axis=(4, 5))


OPS = {
    "Add": lambda i, a: i[0] + i[1],
    "Sub": lambda i, a: i[0] - i[1],
    "Mul": lambda i, a: i[0] * i[1],
    "Div": lambda i, a: i[0] / i[1],
    "Relu": lambda i, a: np.maximum(i[0], 0),
    "Sigmoid": lambda i, a: 1 / (1 + np.exp(-i[0])),
    "Tanh": lambda i, a: np.tanh(i[0]),
    "Exp": lambda i, a: np.exp(i[0]),
    "Sqrt": lambda i, a: np.sqrt(i[0]),
    "Erf": lambda i, a: np.vectorize(math.erf)(i[0]),
    "Identity": lambda i, a: i[0],
    "MatMul": lambda i, a: np.matmul(i[0], i[1]),
    "Gemm": _gemm,
    "Softmax": lambda i, a: _softmax(i[0], a.get("axis", -1)),
    "Reshape": lambda i, a: _reshape(i[0], i[1]),
    "Transpose": lambda i, a: np.transpose(i[0], a.get("perm")),
    "Flatten": lambda i, a: i[0].reshape(int(np.prod(i[0].shape[:a.get("axis", 1)])), -1),
    "Conv": lambda i, a: _conv(i[0], i[1], i[2] if len(i) > 2 else None, a),
    "BatchNormalization": _batchnorm,
    "LayerNormalization": _layernorm,
    "MaxPool": _maxpool,
    "GlobalAveragePool": lambda i, a: i[0].mean(axis=(2, 3), keepdims=True),
}


def node_name(node):
    """The GE op name geflow's ONNX importer gives the node."""
    return node.name or (node.output[0] if node.output else node.op_type)


def evaluate(model, inputs):
    """Evaluates ``model`` (an onnx.ModelProto) on ``inputs`` (name -> array)
    in float64; returns [(node, [outputs])] in graph order."""
    from onnx import numpy_helper
    env = {}
    for init in model.graph.initializer:
        a = numpy_helper.to_array(init)
        env[init.name] = a.astype(np.float64) if a.dtype.kind == "f" else a
    for inp in model.graph.input:
        if inp.name in env:
            continue
        if inp.name not in inputs:
            raise ReferenceDumpError(f"no value for model input '{inp.name}' (pass --input="
                                 f"{inp.name}=FILE.npy)")
        v = np.asarray(inputs[inp.name])
        env[inp.name] = v.astype(np.float64) if v.dtype.kind == "f" else v
    unknown = set(inputs) - {i.name for i in model.graph.input}
    if unknown:
        raise ReferenceDumpError(f"the model has no input {', '.join(sorted(unknown))}")
    steps = []
    for node in model.graph.node:
        where = f"node '{node_name(node)}' ({node.op_type})"
        if node.domain not in ("", "ai.onnx"):
            raise ReferenceDumpError(f"{where}: domain '{node.domain}' is not evaluated")
        if node.op_type == "Constant":
            env[node.output[0]] = numpy_helper.to_array(_attrs(node)["value"]).astype(np.float64)
            continue
        fn = OPS.get(node.op_type)
        if fn is None:
            raise ReferenceDumpError(f"{where}: the reference evaluator has no {node.op_type}; "
                                 f"it evaluates {', '.join(sorted(OPS))}")
        try:
            y = fn([env[i] for i in node.input if i], _attrs(node))
        except KeyError as e:
            raise ReferenceDumpError(f"{where}: input {e} is not computed before it") from None
        env[node.output[0]] = y
        steps.append((node, [y]))
    return steps


def write_dump(steps, output, model_name):
    """Writes ``steps`` (from evaluate) as run 0 of a dump under ``output``;
    returns the run's directory."""
    stamp = time.strftime("%Y%m%d%H%M%S")
    run_dir = os.path.join(output, stamp, "0", _file_name(model_name), "1", "0")
    os.makedirs(run_dir, exist_ok=True)
    now = int(time.time() * 1e6)
    rows = ["Task ID,Op Type,Op Name,Task Type,Kernel,Stream ID,Dumped,File Prefix,"
            "Covered Ops,Padding"]
    for task, (node, outs) in enumerate(steps):
        op_type = _GE_TYPES.get(node.op_type, node.op_type)
        name = node_name(node)
        prefix = f"{_file_name(op_type)}.{_file_name(name)}.{task}"
        for i, y in enumerate(outs):
            np.save(os.path.join(run_dir, f"{prefix}.{now + task}.output.{i}.npy"), y)
        rows.append(",".join([str(task), _csv(op_type), _csv(name), "REFERENCE", "numpy", "0",
                              "yes", _csv(prefix), _csv(name), ""]))
    with open(os.path.join(run_dir, "mapping.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    return run_dir


def _file_name(name):
    for c in "./\\ ":
        name = name.replace(c, "_")
    return name


def _csv(s):
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s


def main(argv=None):
    p = argparse.ArgumentParser(prog="geflow-reference-dump", description=(
        "Evaluates an ONNX model node by node with NumPy (float64) and writes a golden "
        "data dump in GE's layout for geflow-compare."))
    p.add_argument("--model", required=True, help="the .onnx model")
    p.add_argument("--input", action="append", default=[], metavar="NAME=FILE.npy",
                   help="a model input (repeat for each)")
    p.add_argument("--output", required=True, help="the dump path to write")
    args = p.parse_args(argv)
    try:
        import onnx
        inputs = {}
        for item in args.input:
            name, eq, path = item.partition("=")
            if not eq or not name or not path:
                raise ReferenceDumpError(f"--input expects NAME=FILE.npy, got '{item}'")
            try:
                inputs[name] = np.load(path, allow_pickle=False)
            except (OSError, ValueError) as e:
                raise ReferenceDumpError(f"--input {name}: cannot read '{path}': {e}") from None
        try:
            model = onnx.load(args.model)
        except Exception as e:  # noqa: BLE001 - onnx raises several kinds
            raise ReferenceDumpError(f"cannot load '{args.model}': {e}") from None
        steps = evaluate(model, inputs)
        name = os.path.splitext(os.path.basename(args.model))[0]
        run_dir = write_dump(steps, args.output, name)
    except (ReferenceDumpError, OSError) as e:
        print(f"geflow-reference-dump: error: {e}", file=sys.stderr)
        return 2
    print(f"reference dump of {len(steps)} op(s) written to {run_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
