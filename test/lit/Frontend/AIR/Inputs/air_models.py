"""Hand-built GE IR (.air) files, written with geflow's generated protobuf
classes (geflow.ge_ir_pb2), for the lit and pytest tests of the .air
frontend.

    air_models.py PYTHONPATH_DIR CASE OUT.air   (lit: writes one case)

Each case builds a ModelDef the way GE and TorchAir write them: Data ops
with `index`, descriptors with the proto DataType numbering and a layout,
list attributes with val_type, `dt` attributes in the C++ numbering.
"""
import os
import sys

import numpy as np

# numpy dtype -> (proto DataType, C++ ge::DataType), air-format.md's table.
DTYPES = {
    np.dtype(np.float32): (1, 0), np.dtype(np.float16): (2, 1), np.dtype(np.int8): (3, 2),
    np.dtype(np.uint8): (4, 4), np.dtype(np.int16): (5, 6), np.dtype(np.int32): (7, 3),
    np.dtype(np.int64): (8, 9), np.dtype(np.bool_): (11, 12), np.dtype(np.float64): (12, 11),
}


def _pb():
    from geflow import ge_ir_pb2
    return ge_ir_pb2


class Dt:
    """An attribute of kind `dt` (C++ numbering) for a numpy dtype."""

    def __init__(self, dtype):
        self.value = DTYPES[np.dtype(dtype)][1]


class AirGraph:
    def __init__(self, name="g"):
        pb = _pb()
        self.pb = pb
        self.model = pb.ModelDef(name=name)
        self.graph = self.model.graph.add(name=name)
        self.ndata = 0

    def desc(self, d, dtype, shape, layout="ND"):
        d.dtype = DTYPES[np.dtype(dtype)][0] if not isinstance(dtype, int) else dtype
        d.shape.dim.extend(list(shape))
        d.layout = layout
        return d

    def attr(self, a, value):
        pb = self.pb
        if isinstance(value, Dt):
            a.dt = value.value
        elif isinstance(value, bool):
            a.b = value
        elif isinstance(value, int):
            a.i = value
        elif isinstance(value, float):
            a.f = value
        elif isinstance(value, str):
            a.s = value.encode()
        elif isinstance(value, np.ndarray):
            self.desc(a.t.desc, value.dtype, value.shape)
            a.t.data = np.ascontiguousarray(value).tobytes()
        elif isinstance(value, (list, tuple)):
            a.list.i.extend(int(v) for v in value)
            a.list.val_type = pb.AttrDef.ListValue.VT_LIST_INT
        else:
            raise TypeError(value)

    def add(self, op_type, name, inputs=(), attrs=None, outputs=()):
        op = self.graph.op.add(name=name, type=op_type)
        op.input.extend(inputs)
        for key, value in (attrs or {}).items():
            self.attr(op.attr[key], value)
        for dtype, shape in outputs:
            self.desc(op.output_desc.add(), dtype, shape)
        return name + ":0"

    def data(self, name, dtype, shape, index=None):
        index = self.ndata if index is None else index
        self.ndata += 1
        return self.add("Data", name, attrs={"index": index}, outputs=[(dtype, shape)])

    def const(self, name, array):
        array = np.asarray(array)
        return self.add("Const", name, attrs={"value": array}, outputs=[(array.dtype, array.shape)])

    def output(self, *inputs):
        self.add("NetOutput", "NetOutput", inputs)

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.model.SerializeToString())
        return path


# --- The lit cases ----------------------------------------------------------

def case_mixed():
    """Conv2D + BiasAdd-free bias, Relu, TransposeD, Transpose (perm input),
    ReduceSumD, ReduceMean (axes input), ConcatV2 (concat_dim input),
    Cast (dt), a control edge, ops listed out of order."""
    g = AirGraph("mixed")
    x = g.data("x", np.float32, [1, 2, 4, 4])
    w = g.const("w", np.ones((3, 2, 3, 3), np.float32))
    b = g.const("b", np.arange(3, dtype=np.float32))
    g.add("Relu", "relu", ["conv:0"], outputs=[(np.float32, [1, 3, 4, 4])])
    g.add("Conv2D", "conv", [x, w, b], {"strides": [1, 1, 1, 1], "pads": [1, 1, 1, 1],
                                        "dilations": [1, 1, 1, 1], "groups": 1,
                                        "data_format": "NCHW", "offset_x": 0},
          outputs=[(np.float32, [1, 3, 4, 4])])
    g.add("TransposeD", "td", ["relu:0", "relu:-1"], {"perm": [0, 2, 3, 1]},
          outputs=[(np.float32, [1, 4, 4, 3])])
    perm = g.const("perm", np.array([0, 3, 1, 2], np.int32))
    g.add("Transpose", "t", ["td:0", perm], outputs=[(np.float32, [1, 3, 4, 4])])
    g.add("ReduceSumD", "rs", ["t:0"], {"axes": [2, 3], "keep_dims": False},
          outputs=[(np.float32, [1, 3])])
    axes = g.const("axes", np.array([1], np.int64))
    g.add("ReduceMean", "rm", ["rs:0", axes], {"keep_dims": True}, outputs=[(np.float32, [1, 1])])
    dim = g.const("dim", np.array(1, np.int32))
    g.add("ConcatV2", "cat", ["rs:0", "rm:0", dim], {"N": 2}, outputs=[(np.float32, [1, 4])])
    g.add("Cast", "cast", ["cat:0"], {"dst_type": Dt(np.float16)},
          outputs=[(np.float16, [1, 4])])
    g.output("cast:0", "rs:0")
    return g


def case_unsupported():
    """Three unknown op types (one used twice), reported together."""
    g = AirGraph("bad")
    x = g.data("x", np.float32, [2])
    g.add("FancyOp", "f1", [x], outputs=[(np.float32, [2])])
    g.add("FancyOp", "f2", ["f1:0"], outputs=[(np.float32, [2])])
    g.add("OtherOp", "o", [x], outputs=[(np.float32, [2])])
    g.add("If", "cond", [x], outputs=[(np.float32, [2])])
    g.output("f2:0", "o:0", "cond:0")
    return g


CASES = {name[len("case_"):]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    sys.path.insert(0, sys.argv[1])
    CASES[sys.argv[2]]().save(sys.argv[3])
