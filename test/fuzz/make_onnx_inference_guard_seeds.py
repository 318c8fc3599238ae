"""Writes ONNX models on which the ONNX library's own shape inference
crashes, divides by zero or loops (lib/Frontend/ONNX/InferenceGuards.cpp
refuses each before it runs), as regress-infer-*.onnx, and one model for a
translator overflow found after them. Run from the corpus
directory: /usr/bin/python3 ../../make_onnx_inference_guard_seeds.py
Where the bad shape is inferred (a Reshape before the node), no check before
inference could see it; the guard runs inside inference."""
import math

import onnx
from onnx import helper as h, TensorProto as T


def model(name, nodes, inputs, outputs, inits=(), opset=13):
    g = h.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 7
    onnx.save(m, ("regress-" if name.startswith("convtranspose-output") else "regress-infer-")
              + name + ".onnx")


vi = h.make_tensor_value_info


def w(name, dims):
    return h.make_tensor(name, T.FLOAT, dims, [0.5] * math.prod(dims))



# RNN-1 (opsets 1 to 6) reads dims 0 and 1 of X whatever its rank: X of
# rank 1, declared and inferred through a Reshape.
model("rnn-v1-rank1-input", [h.make_node("RNN", ["x", "W", "R"], ["y"], hidden_size=2)],
      [vi("x", T.FLOAT, [3])], [vi("y", T.FLOAT, None)],
      [w("W", [1, 2, 3]), w("R", [1, 2, 2])], opset=6)
model("lstm-v1-inferred-rank1-input",
      [h.make_node("Reshape", ["x", "s"], ["x1"]),
       h.make_node("LSTM", ["x1", "W", "R"], ["y"], hidden_size=2)],
      [vi("x", T.FLOAT, [3, 1])], [vi("y", T.FLOAT, None)],
      [h.make_tensor("s", T.INT64, [1], [3]), w("W", [1, 8, 3]), w("R", [1, 8, 2])], opset=5)
model("gru-v3-rank0-input", [h.make_node("GRU", ["x", "W", "R"], ["y"], hidden_size=2)],
      [vi("x", T.FLOAT, [])], [vi("y", T.FLOAT, None)],
      [w("W", [1, 6, 3]), w("R", [1, 6, 2])], opset=3)
# ConvTranspose taking its kernel from a weight of rank 2 for a rank-4 input
# (an empty kernel vector read), and from a weight of rank 1.
model("convtranspose-weight-rank2", [h.make_node("ConvTranspose", ["x", "W"], ["y"], auto_pad="SAME_UPPER")],
      [vi("x", T.FLOAT, [1, 2, 4, 4])], [vi("y", T.FLOAT, None)], [w("W", [2, 2])])
model("convtranspose-weight-rank1-kernel-given",
      [h.make_node("ConvTranspose", ["x", "W"], ["y"], kernel_shape=[3, 3], output_shape=[6, 6])],
      [vi("x", T.FLOAT, [1, 2, 4, 4])], [vi("y", T.FLOAT, None)], [w("W", [2])])
# A zero stride: integer division by zero in the conv/pool inference.
model("conv-zero-stride", [h.make_node("Conv", ["x", "W"], ["y"], strides=[0, 1])],
      [vi("x", T.FLOAT, [1, 1, 4, 4])], [vi("y", T.FLOAT, None)], [w("W", [1, 1, 2, 2])])
model("maxpool-zero-stride", [h.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2], strides=[0])],
      [vi("x", T.FLOAT, [1, 1, 8])], [vi("y", T.FLOAT, None)])
# Blocksize 2^32: its square overflows to 0.
model("depthtospace-blocksize-2pow32", [h.make_node("DepthToSpace", ["x"], ["y"], blocksize=2**32)],
      [vi("x", T.FLOAT, [1, 4, 2, 2])], [vi("y", T.FLOAT, None)])
# SAME padding of a pool over a dim of 2^50 with stride 2: the library
# subtracts the stride once per step (2^49 iterations).
model("averagepool-same-huge-dim",
      [h.make_node("AveragePool", ["x"], ["y"], kernel_shape=[2], strides=[2], auto_pad="SAME_UPPER")],
      [vi("x", T.FLOAT, [1, 1, 2**50])], [vi("y", T.FLOAT, None)])
# ConstantOfShape and Expand whose shape input is declared [3e9] without
# values: the library adds one dim per value (out of memory).
model("constantofshape-huge-shape-input", [h.make_node("ConstantOfShape", ["s"], ["y"])],
      [vi("s", T.INT64, [3000000000])], [vi("y", T.FLOAT, None)], opset=9)
model("expand-huge-shape-input", [h.make_node("Expand", ["x", "s"], ["y"])],
      [vi("x", T.FLOAT, [1]), vi("s", T.INT64, [3000000000])], [vi("y", T.FLOAT, None)])
# Found by the campaign after the guards, in geflow's own translator:
# ConvTranspose output_shape holding INT64_MIN passed the range check as a
# "dynamic" dim and overflowed the padding arithmetic (UBSan).
model("convtranspose-output-shape-int64-min",
      [h.make_node("ConvTranspose", ["x", "W"], ["y"], output_shape=[-2**63, 6])],
      [vi("x", T.FLOAT, [1, 2, 4, 4])], [vi("y", T.FLOAT, None)], [w("W", [2, 2, 3, 3])])
# LayerNormalization of a rank-0 input with the default axis -1, refused by
# the axis check (ONNX's Python infer_shapes survives this one; the
# campaign's crashing input had a sparse bias, refused by the tensor-input
# check first).
model("layernorm-rank0-input", [h.make_node("LayerNormalization", ["x", "s", "b"], ["y"])],
      [vi("x", T.FLOAT, [])], [vi("y", T.FLOAT, None)],
      [h.make_tensor("s", T.FLOAT, [], [1.0]), h.make_tensor("b", T.FLOAT, [], [0.0])], opset=17)
