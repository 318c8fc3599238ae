"""ONNX models of the integer and host-window lit tests.

Usage: host_nn_models.py NAME OUTPUT.onnx

ConvInteger, MatMulInteger, QLinearConv, QLinearMatMul, MaxPool on uint8 and
with Indices, MaxUnpool, RoiAlign and Reshape with allowzero, plus models
whose attributes or inputs are wrong (each must fail naming its node).
"""
import sys

import numpy as np
from onnx import TensorProto, helper

from onnx_models import const, graph, vi

F = TensorProto.FLOAT
U8 = TensorProto.UINT8
I8 = TensorProto.INT8
I32 = TensorProto.INT32
I64 = TensorProto.INT64
MODELS = {}


def model(name):
    def register(fn):
        MODELS[name] = fn
        return fn

    return register


@model("integer")
def _():
    nodes = [
        helper.make_node("ConvInteger", ["x", "w", "xzp"], ["conv"], pads=[1, 1, 1, 1],
                         name="conv_int"),
        helper.make_node("ConvInteger", ["x", "w"], ["conv_nozp"], strides=[2, 2],
                         name="conv_nozp"),
        helper.make_node("MatMulInteger", ["a", "b", "azp", "bzp"], ["mm"],
                         name="matmul_int"),
        helper.make_node("QLinearConv", ["x", "xs", "xzp", "w", "ws", "wzp", "ys", "yzp",
                                         "bias"], ["qconv"], name="qconv"),
        helper.make_node("QLinearMatMul", ["qa", "as", "qazp", "qb", "bs", "qbzp", "ys",
                                           "yzp"], ["qmm"], name="qmatmul"),
    ]
    return graph(nodes,
                 [vi("x", U8, [1, 2, 4, 4]), vi("w", I8, [3, 2, 2, 2]),
                  vi("xzp", U8, []), vi("a", U8, [2, 4, 3]), vi("b", I8, [3, 5]),
                  vi("azp", U8, [4]), vi("bzp", I8, [5]), vi("xs", F, []),
                  vi("ws", F, [3]), vi("wzp", I8, [3]), vi("ys", F, []),
                  vi("yzp", U8, []), vi("bias", I32, [3]), vi("qa", I8, [2, 3]),
                  vi("as", F, [1]), vi("qazp", I8, [1]), vi("qb", I8, [3, 4]),
                  vi("bs", F, [1]), vi("qbzp", I8, [1])],
                 [vi("conv", I32, None), vi("conv_nozp", I32, None), vi("mm", I32, None),
                  vi("qconv", U8, None), vi("qmm", U8, None)], opset=10)


@model("host_windows")
def _():
    nodes = [
        helper.make_node("MaxPool", ["xu8"], ["pu8"], kernel_shape=[2, 2], name="pool_u8"),
        helper.make_node("MaxPool", ["x"], ["p", "pi"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         strides=[2, 2], storage_order=1, name="pool_idx"),
        helper.make_node("MaxPool", ["x1d"], ["p1", "pi1"], kernel_shape=[2],
                         name="pool_idx_1d"),
        helper.make_node("MaxUnpool", ["p", "pi"], ["up"], kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], strides=[2, 2], name="unpool"),
        helper.make_node("MaxUnpool", ["p", "pi", "oshape"], ["up_shape"],
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2],
                         name="unpool_shape"),
        helper.make_node("RoiAlign", ["x", "rois", "bi"], ["roi"], output_height=2,
                         output_width=3, sampling_ratio=2, spatial_scale=0.5, mode="max",
                         name="roi_align"),
        helper.make_node("Reshape", ["d", "shape"], ["r"], allowzero=1, name="reshape_az"),
        helper.make_node("Reshape", ["e", "zshape"], ["rz"], allowzero=1,
                         name="reshape_zero"),
    ]
    return graph(nodes,
                 [vi("xu8", U8, [1, 2, 4, 4]), vi("x", F, [1, 2, 5, 5]),
                  vi("x1d", F, [1, 2, 6]), vi("oshape", I64, [4]),
                  vi("rois", F, [3, 4]), vi("bi", I64, [3]), vi("d", F, [0, 3, 4]),
                  vi("shape", I64, [3]), vi("e", F, [2, 0])],
                 [vi("pu8", U8, None), vi("p", F, None), vi("pi", I64, None),
                  vi("p1", F, None), vi("pi1", I64, None), vi("up", F, None),
                  vi("up_shape", F, [1, 2, 6, 6]), vi("roi", F, None),
                  vi("r", F, [3, 4, 0]), vi("rz", F, None)],
                 [const("zshape", np.array([0, 5], np.int64))], opset=16)


# Bad nodes: each fails the import with an error naming it.
BAD = {
    "zp_type": (helper.make_node("ConvInteger", ["x", "w", "izp"], ["y"], name="zp_type"),
                [vi("x", U8, [1, 1, 3, 3]), vi("w", U8, [1, 1, 2, 2]), vi("izp", I8, [])]),
    "zp_shape": (helper.make_node("MatMulInteger", ["a", "b", "zp3"], ["y"],
                                  name="zp_shape"),
                 [vi("a", U8, [2, 4]), vi("b", U8, [4, 2]), vi("zp3", U8, [3])]),
    "float_x": (helper.make_node("ConvInteger", ["fx", "w"], ["y"], name="float_x"),
                [vi("fx", F, [1, 1, 3, 3]), vi("w", U8, [1, 1, 2, 2])]),
    "scale_type": (helper.make_node("QLinearMatMul", ["a", "is", "zp", "b", "s", "zp",
                                                      "s", "zp"], ["y"], name="scale_type"),
                   [vi("a", U8, [2, 4]), vi("b", U8, [4, 2]), vi("zp", U8, []),
                    vi("s", F, []), vi("is", I32, [])]),
    "storage": (helper.make_node("MaxPool", ["fx"], ["y", "i"], kernel_shape=[2, 2],
                                 storage_order=2, name="storage"),
                [vi("fx", F, [1, 1, 3, 3])]),
    "roi_mode": (helper.make_node("RoiAlign", ["fx", "rois", "bi"], ["y"], mode="median",
                                  name="roi_mode"),
                 [vi("fx", F, [1, 1, 3, 3]), vi("rois", F, [1, 4]), vi("bi", I64, [1])]),
    "unpool_idx": (helper.make_node("MaxUnpool", ["fx", "ii"], ["y"], kernel_shape=[2, 2],
                                    name="unpool_idx"),
                   [vi("fx", F, [1, 1, 3, 3]), vi("ii", I32, [1, 1, 3, 3])]),
}


def main():
    name, out = sys.argv[1], sys.argv[2]
    if name in MODELS:
        m = MODELS[name]()
    else:
        node, inputs = BAD[name]
        types = {"ConvInteger": [I32], "MatMulInteger": [I32], "QLinearMatMul": [U8],
                 "MaxPool": [F, I64]}.get(node.op_type, [F])
        m = graph([node], inputs, [vi(o, t, None) for o, t in zip(node.output, types)],
                  opset=16 if node.op_type in ("RoiAlign", "MaxUnpool", "MaxPool") else 10)
    with open(out, "wb") as f:
        f.write(m.SerializeToString())


if __name__ == "__main__":
    main()
