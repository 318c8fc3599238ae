"""Test and benchmark models, built with onnx.helper, with NumPy references.

Two families, both parameterized so tests stay small and benchmarks can use
the real sizes:

  resnet(...)       ResNet-style CNN: Conv+BatchNormalization+Relu blocks
                    with residual Adds (bottleneck blocks for ResNet-50's
                    [3, 4, 6, 3] stages, basic blocks for small variants),
                    MaxPool, GlobalAveragePool, Flatten, Gemm.
  transformer(...)  BERT-style encoder layers: MatMul+Add projections,
                    multi-head attention via Reshape/Transpose/MatMul/Softmax,
                    residual Add, LayerNormalization, Erf-based GELU FFN.

Every model has a numpy reference (`reference(model, inputs)`) that
interprets the ONNX graph with float64 accumulation, so tests compare
geflow's outputs against an independent implementation.

Command line: geflow_models.py resnet50|resnet_small|bert12|bert_small OUT.onnx
"""
import math
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

__all__ = ["resnet", "transformer", "reference", "MODELS"]


class Builder:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    def weight(self, shape, scale, prefix="w"):
        n = self.name(prefix)
        data = (self.rng.standard_normal(shape) * scale).astype(np.float32)
        self.inits.append(numpy_helper.from_array(data, n))
        return n

    def const(self, array, prefix="c"):
        n = self.name(prefix)
        self.inits.append(numpy_helper.from_array(np.asarray(array), n))
        return n

    def op(self, op_type, inputs, **attrs):
        out = self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out],
                                           name=self.name(op_type), **attrs))
        return out

    def model(self, name, inputs, outputs, opset=17):
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="geflow-test-models")
        m.ir_version = 8
        return m


# ---------------------------------------------------------------------------
# ResNet
# ---------------------------------------------------------------------------

def _conv_bn(b, x, cin, cout, k, stride, relu=True):
    w = b.weight((cout, cin, k, k), (2.0 / (cin * k * k)) ** 0.5)
    y = b.op("Conv", [x, w], kernel_shape=[k, k], strides=[stride, stride],
             pads=[k // 2] * 4)
    gamma = b.const((1.0 + 0.1 * b.rng.standard_normal(cout)).astype(np.float32))
    beta = b.const((0.1 * b.rng.standard_normal(cout)).astype(np.float32))
    mean = b.const((0.1 * b.rng.standard_normal(cout)).astype(np.float32))
    var = b.const((1.0 + 0.1 * b.rng.random(cout)).astype(np.float32))
    y = b.op("BatchNormalization", [y, gamma, beta, mean, var], epsilon=1e-5)
    return b.op("Relu", [y]) if relu else y


def _bottleneck(b, x, cin, width, stride):
    cout = width * 4
    y = _conv_bn(b, x, cin, width, 1, 1)
    y = _conv_bn(b, y, width, width, 3, stride)
    y = _conv_bn(b, y, width, cout, 1, 1, relu=False)
    if stride != 1 or cin != cout:
        x = _conv_bn(b, x, cin, cout, 1, stride, relu=False)
    return b.op("Relu", [b.op("Add", [y, x])]), cout


def _basic(b, x, cin, cout, stride):
    y = _conv_bn(b, x, cin, cout, 3, stride)
    y = _conv_bn(b, y, cout, cout, 3, 1, relu=False)
    if stride != 1 or cin != cout:
        x = _conv_bn(b, x, cin, cout, 1, stride, relu=False)
    return b.op("Relu", [b.op("Add", [y, x])]), cout


def resnet(batch=1, image=224, blocks=(3, 4, 6, 3), base=64, bottleneck=True,
           classes=1000, seed=0, batch_dim=None):
    """ResNet-50 by default; `batch_dim` names a symbolic batch dim."""
    b = Builder(seed)
    x = _conv_bn(b, "image", 3, base, 7, 2)
    x = b.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    c = base
    for stage, count in enumerate(blocks):
        width = base * (2 ** stage)
        for i in range(count):
            stride = 2 if stage > 0 and i == 0 else 1
            if bottleneck:
                x, c = _bottleneck(b, x, c, width, stride)
            else:
                x, c = _basic(b, x, c, width, stride)
    x = b.op("GlobalAveragePool", [x])
    x = b.op("Flatten", [x], axis=1)
    w = b.weight((classes, c), (1.0 / c) ** 0.5)
    bias = b.const(np.zeros(classes, np.float32))
    logits = b.op("Gemm", [x, w, bias], transB=1)
    b.nodes[-1].output[0] = "logits"
    dim = batch_dim if batch_dim else batch
    inp = helper.make_tensor_value_info("image", TensorProto.FLOAT, [dim, 3, image, image])
    out = helper.make_tensor_value_info("logits", TensorProto.FLOAT, [dim, classes])
    return b.model("resnet", [inp], [out])


# ---------------------------------------------------------------------------
# Transformer encoder
# ---------------------------------------------------------------------------

def _linear(b, x, din, dout):
    w = b.weight((din, dout), (1.0 / din) ** 0.5)
    bias = b.const((0.02 * b.rng.standard_normal(dout)).astype(np.float32))
    return b.op("Add", [b.op("MatMul", [x, w]), bias])


def _layer_norm(b, x, hidden):
    gamma = b.const((1.0 + 0.1 * b.rng.standard_normal(hidden)).astype(np.float32))
    beta = b.const((0.1 * b.rng.standard_normal(hidden)).astype(np.float32))
    return b.op("LayerNormalization", [x, gamma, beta], axis=-1, epsilon=1e-12)


def _gelu(b, x):
    # x * 0.5 * (1 + erf(x / sqrt(2))), as PyTorch exports it.
    e = b.op("Erf", [b.op("Div", [x, b.const(np.float32(math.sqrt(2.0)))])])
    return b.op("Mul", [b.op("Mul", [x, b.op("Add", [e, b.const(np.float32(1.0))])]),
                        b.const(np.float32(0.5))])


def _attention(b, x, hidden, heads):
    d = hidden // heads
    # 0 copies the input dim (ONNX Reshape), so batch and sequence may vary.
    split = b.const(np.array([0, 0, heads, d], np.int64))

    def heads_of(t, perm):
        return b.op("Transpose", [b.op("Reshape", [t, split])], perm=perm)

    q = heads_of(_linear(b, x, hidden, hidden), [0, 2, 1, 3])
    k = heads_of(_linear(b, x, hidden, hidden), [0, 2, 3, 1])
    v = heads_of(_linear(b, x, hidden, hidden), [0, 2, 1, 3])
    scores = b.op("Div", [b.op("MatMul", [q, k]), b.const(np.float32(math.sqrt(d)))])
    probs = b.op("Softmax", [scores], axis=-1)
    ctx = b.op("Transpose", [b.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
    ctx = b.op("Reshape", [ctx, b.const(np.array([0, 0, hidden], np.int64))])
    return _linear(b, ctx, hidden, hidden)


def transformer(batch=1, seq=128, hidden=768, heads=12, layers=12, ffn=3072, seed=0,
                seq_dim=None):
    """A 12-layer BERT-base-shaped encoder by default; `seq_dim` names a
    symbolic sequence dim."""
    b = Builder(seed)
    x = "hidden"
    for _ in range(layers):
        x = _layer_norm(b, b.op("Add", [x, _attention(b, x, hidden, heads)]), hidden)
        y = _linear(b, _gelu(b, _linear(b, x, hidden, ffn)), ffn, hidden)
        x = _layer_norm(b, b.op("Add", [x, y]), hidden)
    b.nodes[-1].output[0] = "encoded"
    s = seq_dim if seq_dim else seq
    inp = helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [batch, s, hidden])
    out = helper.make_tensor_value_info("encoded", TensorProto.FLOAT, [batch, s, hidden])
    return b.model("encoder", [inp], [out])


MODELS = {
    "resnet50": lambda: resnet(),
    "resnet_small": lambda: resnet(image=32, blocks=(1, 1, 1), base=8, bottleneck=False,
                                   classes=10),
    "bert12": lambda: transformer(),
    "bert_small": lambda: transformer(seq=16, hidden=64, heads=4, layers=2, ffn=128),
}


# ---------------------------------------------------------------------------
# NumPy reference
# ---------------------------------------------------------------------------

def _conv(x, w, b, strides, pads, group=1, dilations=(1, 1)):
    n, c, h, wd = x.shape
    cout, cpg, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (x.shape[2] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (x.shape[3] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    out = np.zeros((n, cout, oh, ow))
    opg = cout // group
    for g in range(group):
        xs = x[:, g * cpg:(g + 1) * cpg]
        cols = np.empty((n, cpg, kh, kw, oh, ow))
        for i in range(kh):
            for j in range(kw):
                hi, wj = i * dilations[0], j * dilations[1]
                cols[:, :, i, j] = xs[:, :, hi:hi + strides[0] * oh:strides[0],
                                      wj:wj + strides[1] * ow:strides[1]]
        wg = w[g * opg:(g + 1) * opg].reshape(opg, -1).astype(np.float64)
        out[:, g * opg:(g + 1) * opg] = np.einsum("ok,nkhw->nohw", wg,
                                                  cols.reshape(n, -1, oh, ow))
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def _maxpool(x, k, s, p):
    x = np.pad(x, ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])), constant_values=-np.inf)
    oh = (x.shape[2] - k[0]) // s[0] + 1
    ow = (x.shape[3] - k[1]) // s[1] + 1
    out = np.full(x.shape[:2] + (oh, ow), -np.inf)
    for i in range(k[0]):
        for j in range(k[1]):
            out = np.maximum(out, x[:, :, i:i + s[0] * oh:s[0], j:j + s[1] * ow:s[1]])
    return out


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def reference(model, inputs):
    """Evaluates `model` on `inputs` (name -> array) in float64; returns the
    outputs in graph order as float32 arrays. Covers the ops of this file."""
    env = {k: np.asarray(v, np.float64) if np.asarray(v).dtype.kind == "f" else np.asarray(v)
           for k, v in inputs.items()}
    for init in model.graph.initializer:
        a = numpy_helper.to_array(init)
        env[init.name] = a.astype(np.float64) if a.dtype.kind == "f" else a
    for node in model.graph.node:
        a, ins = _attrs(node), [env[i] for i in node.input if i]
        op = node.op_type
        if op == "Conv":
            y = _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                      a.get("strides", [1, 1]), a.get("pads", [0] * 4), a.get("group", 1),
                      a.get("dilations", [1, 1]))
        elif op == "BatchNormalization":
            x, g, bt, m, v = ins
            sh = (1, -1) + (1,) * (x.ndim - 2)
            y = (x - m.reshape(sh)) / np.sqrt(v.reshape(sh) + a.get("epsilon", 1e-5)) \
                * g.reshape(sh) + bt.reshape(sh)
        elif op == "Relu":
            y = np.maximum(ins[0], 0)
        elif op == "Add":
            y = ins[0] + ins[1]
        elif op == "Mul":
            y = ins[0] * ins[1]
        elif op == "Div":
            y = ins[0] / ins[1]
        elif op == "Erf":
            y = np.vectorize(math.erf)(ins[0])
        elif op == "MaxPool":
            y = _maxpool(ins[0], a["kernel_shape"], a.get("strides", [1, 1]),
                         a.get("pads", [0] * 4))
        elif op == "GlobalAveragePool":
            y = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Gemm":
            A = ins[0].T if a.get("transA", 0) else ins[0]
            B = ins[1].T if a.get("transB", 0) else ins[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2:
                y = y + a.get("beta", 1.0) * ins[2]
        elif op == "MatMul":
            y = np.matmul(ins[0], ins[1])
        elif op == "Reshape":
            y = ins[0].reshape([int(d) if d != 0 else ins[0].shape[i]
                                for i, d in enumerate(ins[1])])
        elif op == "Transpose":
            y = np.transpose(ins[0], a["perm"])
        elif op == "Softmax":
            e = np.exp(ins[0] - ins[0].max(axis=a.get("axis", -1), keepdims=True))
            y = e / e.sum(axis=a.get("axis", -1), keepdims=True)
        elif op == "LayerNormalization":
            ax = a.get("axis", -1)
            axes = tuple(range(ax % ins[0].ndim, ins[0].ndim))
            mu = ins[0].mean(axis=axes, keepdims=True)
            var = ((ins[0] - mu) ** 2).mean(axis=axes, keepdims=True)
            y = (ins[0] - mu) / np.sqrt(var + a.get("epsilon", 1e-5)) * ins[1] + ins[2]
        else:
            raise NotImplementedError(f"reference: no {op}")
        env[node.output[0]] = y
    return [env[o.name].astype(np.float32) for o in model.graph.output]


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(MODELS)} OUT.onnx")
    save(MODELS[sys.argv[1]](), sys.argv[2])
