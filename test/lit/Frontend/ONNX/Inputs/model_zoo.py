"""Whole-model ONNX graphs for the importer's end-to-end lit test.

Usage: model_zoo.py resnet|transformer OUTPUT.onnx

Both are built the way exporters write them (Conv+BatchNormalization+Relu
blocks with residual Adds; attention with Shape/Slice/Concat-computed
Reshape targets, Erf-based GELU and LayerNormalization), with small random
weights so the files stay small.
"""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

rng = np.random.default_rng(0)


class Builder:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    def weight(self, shape, scale=0.1, prefix="w"):
        n = self.name(prefix)
        self.inits.append(numpy_helper.from_array(
            (rng.standard_normal(shape) * scale).astype(np.float32), n))
        return n

    def const(self, array, prefix="c"):
        n = self.name(prefix)
        self.inits.append(numpy_helper.from_array(np.asarray(array), n))
        return n

    def op(self, op_type, inputs, num_outputs=1, **attrs):
        outs = [self.name(op_type.lower()) for _ in range(num_outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, outs,
                                           name=self.name(op_type), **attrs))
        return outs[0] if num_outputs == 1 else outs

    def model(self, inputs, outputs, opset, name):
        g = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = 8
        return m


# ---------------------------------------------------------------------------
# ResNet-style CNN
# ---------------------------------------------------------------------------


def conv_bn(b, x, cin, cout, k, stride, relu=True):
    w = b.weight((cout, cin, k, k), scale=(2.0 / (cin * k * k)) ** 0.5)
    y = b.op("Conv", [x, w], kernel_shape=[k, k], strides=[stride, stride],
             pads=[k // 2] * 4)
    bn = [b.const(np.ones(cout, np.float32), "gamma"),
          b.const(np.zeros(cout, np.float32), "beta"),
          b.const(rng.standard_normal(cout).astype(np.float32) * 0.1, "mean"),
          b.const(np.ones(cout, np.float32), "var")]
    y = b.op("BatchNormalization", [y] + bn, epsilon=1e-5)
    return b.op("Relu", [y]) if relu else y


def basic_block(b, x, cin, cout, stride):
    y = conv_bn(b, x, cin, cout, 3, stride)
    y = conv_bn(b, y, cout, cout, 3, 1, relu=False)
    shortcut = x if stride == 1 and cin == cout else conv_bn(
        b, x, cin, cout, 1, stride, relu=False)
    return b.op("Relu", [b.op("Add", [y, shortcut])])


def resnet():
    b = Builder()
    x = conv_bn(b, "input", 3, 16, 7, 2)
    x = b.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 16
    for cout, stride in [(16, 1), (16, 1), (32, 2), (32, 1), (64, 2), (64, 1),
                         (128, 2), (128, 1)]:
        x = basic_block(b, x, cin, cout, stride)
        cin = cout
    x = b.op("GlobalAveragePool", [x])
    x = b.op("Flatten", [x], axis=1)
    logits = b.op("Gemm", [x, b.weight((10, 128)), b.weight((10,))], transB=1)
    b.nodes.append(helper.make_node("Softmax", [logits], ["probs"], axis=1,
                                    name="softmax"))
    return b.model(
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 64, 64])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 10])],
        opset=13, name="resnet")


# ---------------------------------------------------------------------------
# Transformer encoder
# ---------------------------------------------------------------------------

D_MODEL, HEADS, FFN, LAYERS = 64, 4, 128, 2


def linear(b, x, din, dout):
    return b.op("Add", [b.op("MatMul", [x, b.weight((din, dout))]),
                        b.weight((dout,), scale=0.01, prefix="bias")])


def split_heads(b, x, batch_seq):
    """[B, S, D] -> [B, H, S, D/H] with the target shape computed from x."""
    target = b.op("Concat", [batch_seq, b.const(np.array([HEADS, D_MODEL // HEADS],
                                                         np.int64))], axis=0)
    return b.op("Transpose", [b.op("Reshape", [x, target])], perm=[0, 2, 1, 3])


def attention(b, x, mask):
    shape = b.op("Shape", [x])
    batch_seq = b.op("Slice", [shape, b.const(np.array([0], np.int64)),
                               b.const(np.array([2], np.int64))])
    q = split_heads(b, linear(b, x, D_MODEL, D_MODEL), batch_seq)
    k = split_heads(b, linear(b, x, D_MODEL, D_MODEL), batch_seq)
    v = split_heads(b, linear(b, x, D_MODEL, D_MODEL), batch_seq)
    scores = b.op("MatMul", [q, b.op("Transpose", [k], perm=[0, 1, 3, 2])])
    scores = b.op("Div", [scores, b.const(np.float32(np.sqrt(D_MODEL // HEADS)))])
    scores = b.op("Add", [scores, mask])
    probs = b.op("Softmax", [scores], axis=-1)
    context = b.op("Transpose", [b.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
    merged = b.op("Concat", [batch_seq, b.const(np.array([D_MODEL], np.int64))], axis=0)
    context = b.op("Reshape", [context, merged])
    return linear(b, context, D_MODEL, D_MODEL)


def layer_norm(b, x):
    return b.op("LayerNormalization",
                [x, b.const(np.ones(D_MODEL, np.float32), "ln_scale"),
                 b.const(np.zeros(D_MODEL, np.float32), "ln_bias")],
                axis=-1, epsilon=1e-5)


def gelu(b, x):
    """x * 0.5 * (1 + erf(x / sqrt(2))), as exporters write it."""
    e = b.op("Erf", [b.op("Div", [x, b.const(np.float32(np.sqrt(2.0)))])])
    one = b.op("Add", [e, b.const(np.float32(1.0))])
    return b.op("Mul", [b.op("Mul", [x, one]), b.const(np.float32(0.5))])


def transformer():
    b = Builder()
    # mask [B, 1, 1, S]: 0 where attended, -1e4 where padded.
    mask = b.op("Mul", [b.op("Sub", [b.const(np.float32(1.0)),
                                     b.op("Unsqueeze", ["mask", b.const(
                                         np.array([1, 2], np.int64))])]),
                        b.const(np.float32(-1e4))])
    x = "x"
    for _ in range(LAYERS):
        x = b.op("Add", [x, attention(b, layer_norm(b, x), mask)])
        h = gelu(b, linear(b, layer_norm(b, x), D_MODEL, FFN))
        x = b.op("Add", [x, linear(b, h, FFN, D_MODEL)])
    b.nodes.append(helper.make_node("LayerNormalization",
                                    [x, b.const(np.ones(D_MODEL, np.float32)),
                                     b.const(np.zeros(D_MODEL, np.float32))],
                                    ["encoded"], axis=-1, name="final_ln"))
    return b.model(
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["batch", "seq", D_MODEL]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "seq"])],
        [helper.make_tensor_value_info("encoded", TensorProto.FLOAT,
                                       ["batch", "seq", D_MODEL])],
        opset=17, name="encoder")


if __name__ == "__main__":
    save({"resnet": resnet, "transformer": transformer}[sys.argv[1]](), sys.argv[2])
