"""Writes the ONNX models with huge declared shapes that the onnx_import
campaign's out-of-memory came from (translators building an iota or mask
sized by a shape), as regress-huge-shape-*.onnx. Run from the corpus
directory: /usr/bin/python3 ../../make_onnx_huge_shape_seeds.py
(the ConstantOfShape, Expand, Dropout and HannWindow models were refused or
fine before the fix and are written for completeness, not checked in)."""
import onnx
from onnx import helper as h, TensorProto as T
BIG = 2**32
def model(name, nodes, inputs, outputs, inits=(), opset=13):
    g = h.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 8
    onnx.save(m, "regress-huge-shape-" + name + ".onnx")
vi = h.make_tensor_value_info
# Hardmax over a 2^32 axis (the campaign's example)
model("hardmax", [h.make_node("Hardmax", ["x"], ["y"], axis=1)],
      [vi("x", T.FLOAT, [16, BIG])], [vi("y", T.FLOAT, None)])
# OneHot with a huge constant depth
model("onehot", [h.make_node("OneHot", ["i", "d", "v"], ["y"])],
      [vi("i", T.INT64, [2])], [vi("y", T.FLOAT, None)],
      [h.make_tensor("d", T.INT64, [], [BIG]), h.make_tensor("v", T.FLOAT, [2], [0, 1])], opset=11)
# ReverseSequence with a huge time axis
model("reversesequence", [h.make_node("ReverseSequence", ["x", "l"], ["y"], batch_axis=1, time_axis=0)],
      [vi("x", T.FLOAT, [BIG, 2]), vi("l", T.INT64, [2])], [vi("y", T.FLOAT, None)], opset=10)
# Trilu on a huge matrix, constant k and runtime k
model("trilu", [h.make_node("Trilu", ["x"], ["y"])],
      [vi("x", T.FLOAT, [65536, 65536])], [vi("y", T.FLOAT, None)], opset=14)
model("trilu-runtime-k", [h.make_node("Trilu", ["x", "k"], ["y"])],
      [vi("x", T.FLOAT, [65536, 65536]), vi("k", T.INT64, [])], [vi("y", T.FLOAT, None)], opset=14)
# EyeLike of a huge matrix
model("eyelike", [h.make_node("EyeLike", ["x"], ["y"])],
      [vi("x", T.FLOAT, [65536, 65536])], [vi("y", T.FLOAT, None)], opset=9)
# Range with runtime bounds and a known huge output length: via declared output
model("range-runtime", [h.make_node("Range", ["s", "l", "d"], ["y"])],
      [vi("s", T.FLOAT, []), vi("l", T.FLOAT, []), vi("d", T.FLOAT, [])], [vi("y", T.FLOAT, [BIG])], opset=11)
# Slice with runtime starts/ends of a huge declared length
model("slice-runtime", [h.make_node("Slice", ["x", "s", "e"], ["y"])],
      [vi("x", T.FLOAT, [4]), vi("s", T.INT64, [BIG]), vi("e", T.INT64, [BIG])], [vi("y", T.FLOAT, [4])], opset=13)
# ConstantOfShape / Expand / Dropout mask / window
model("constantofshape", [h.make_node("ConstantOfShape", ["s"], ["y"])],
      [], [vi("y", T.FLOAT, None)], [h.make_tensor("s", T.INT64, [2], [BIG, BIG])], opset=9)
model("expand", [h.make_node("Expand", ["x", "s"], ["y"])],
      [vi("x", T.FLOAT, [1])], [vi("y", T.FLOAT, None)], [h.make_tensor("s", T.INT64, [2], [BIG, 16])], opset=13)
model("dropout-mask", [h.make_node("Dropout", ["x"], ["y", "m"])],
      [vi("x", T.FLOAT, [BIG, 16])], [vi("y", T.FLOAT, None), vi("m", T.BOOL, None)], opset=13)
model("hannwindow", [h.make_node("HannWindow", ["s"], ["y"])],
      [], [vi("y", T.FLOAT, None)], [h.make_tensor("s", T.INT64, [], [BIG])], opset=17)
model("hardmax-opset11", [h.make_node("Hardmax", ["x"], ["y"], axis=1)],
      [vi("x", T.FLOAT, [16, BIG])], [vi("y", T.FLOAT, None)], opset=11)
