"""The .air (GE IR) frontend: hand-built ModelDefs (geflow.ge_ir_pb2) imported
by geflow.compile, run and checked against NumPy (rtol = atol = 1e-4 for
float32; exact for integer and layout ops), and every malformed input a
clear CompileError."""
import os
import sys

import numpy as np
import pytest

import geflow
from conftest import REPO, assert_close

sys.path.insert(0, os.path.join(REPO, "test", "lit", "Frontend", "AIR", "Inputs"))
from air_models import AirGraph, Dt  # noqa: E402


def compile_air(g, tmp_path, name="m.air"):
    return geflow.compile(g.save(str(tmp_path / name)))


def unary_graph(op_type, x_shape=(2, 3), attrs=None, dtype=np.float32, out_shape=None):
    g = AirGraph(op_type)
    x = g.data("x", dtype, x_shape)
    g.add(op_type, "op", [x], attrs, [(dtype, out_shape or x_shape)])
    g.output("op:0")
    return g


# --- Data, Const, NetOutput, edges ----------------------------------------

def test_data_ops_bind_by_index_not_file_order(tmp_path, rng):
    g = AirGraph()
    b = g.data("b", np.float32, [3], index=1)
    a = g.data("a", np.float32, [3], index=0)
    g.add("Sub", "sub", [a, b], outputs=[(np.float32, [3])])
    g.output("sub:0")
    exe = compile_air(g, tmp_path)
    xa, xb = rng.standard_normal(3).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    (y,) = exe.run([xa, xb])
    assert_close(y, xa - xb)


def test_ops_out_of_order_and_control_edges(tmp_path):
    g = AirGraph()
    g.add("Mul", "mul", ["add:0", "c:0", "x:-1"], outputs=[(np.float32, [2])])
    g.add("Add", "add", ["x:0", "c:0"], outputs=[(np.float32, [2])])
    g.const("c", np.array([2, 3], np.float32))
    g.data("x", np.float32, [2])
    g.output("mul:0")
    (y,) = compile_air(g, tmp_path).run([np.array([1, 1], np.float32)])
    assert_close(y, [6, 12])


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int8, np.uint8, np.int32,
                                   np.int64, np.bool_])
def test_const_dtypes_proto_numbering(tmp_path, dtype):
    value = np.array([1, 0, 1, 1], dtype)
    g = AirGraph()
    g.const("c", value)
    g.output("c:0")
    (y,) = compile_air(g, tmp_path).run([])
    assert y.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(y, value)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int8, np.uint8, np.int32,
                                   np.int64, np.bool_])
def test_cast_dst_type_cpp_numbering(tmp_path, dtype):
    g = AirGraph()
    x = g.data("x", np.float32, [4])
    g.add("Cast", "cast", [x], {"dst_type": Dt(dtype)}, [(dtype, [4])])
    g.output("cast:0")
    x = np.array([0, 1, 2, 3], np.float32)
    (y,) = compile_air(g, tmp_path).run([x])
    assert y.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(y, x.astype(dtype))


# --- Op forms ----------------------------------------------------------------

def test_transpose_perm_input_and_transposed_attr(tmp_path, rng):
    g = AirGraph()
    x = g.data("x", np.float32, [2, 3, 4])
    perm = g.const("perm", np.array([2, 0, 1], np.int64))
    g.add("Transpose", "t", [x, perm], outputs=[(np.float32, [4, 2, 3])])
    g.add("TransposeD", "td", ["t:0"], {"perm": [0, 2, 1]}, [(np.float32, [4, 3, 2])])
    g.output("td:0")
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    (y,) = compile_air(g, tmp_path).run([x])
    np.testing.assert_array_equal(y, x.transpose(2, 0, 1).transpose(0, 2, 1))


@pytest.mark.parametrize("op,ref", [("ReduceSum", np.sum), ("ReduceMean", np.mean),
                                    ("ReduceMax", np.max), ("ReduceProd", np.prod)])
def test_reductions_axes_input_and_d_attr(tmp_path, rng, op, ref):
    g = AirGraph()
    x = g.data("x", np.float32, [2, 3, 4])
    axes = g.const("axes", np.array([1], np.int32))
    g.add(op, "r", [x, axes], {"keep_dims": True}, [(np.float32, [2, 1, 4])])
    g.add(op + "D", "rd", ["r:0"], {"axes": [0, 2], "keep_dims": False}, [(np.float32, [1])])
    g.output("r:0", "rd:0")
    x = rng.uniform(0.5, 1.5, (2, 3, 4)).astype(np.float32)
    r, rd = compile_air(g, tmp_path).run([x])
    assert_close(r, ref(x, axis=1, keepdims=True))
    assert_close(rd, ref(ref(x, axis=1, keepdims=True), axis=(0, 2)))


def test_shape_ops_with_constant_inputs(tmp_path, rng):
    """Reshape, ConcatV2 / ConcatV2D, SplitV, Slice, StridedSliceD (masks),
    ExpandDims, Tile, BroadcastTo, GatherV2 (axis input), PadV3, ClipByValue."""
    g = AirGraph()
    x = g.data("x", np.float32, [2, 6])
    shape = g.const("shape", np.array([3, 4], np.int64))
    g.add("Reshape", "reshape", [x, shape], outputs=[(np.float32, [3, 4])])
    dim = g.const("dim", np.array(0, np.int32))
    g.add("ConcatV2", "cat", ["reshape:0", "reshape:0", dim], {"N": 2}, [(np.float32, [6, 4])])
    g.add("ConcatV2D", "catd", ["cat:0", "cat:0"], {"concat_dim": 1, "N": 2},
          [(np.float32, [6, 8])])
    sizes, sdim = g.const("sizes", np.array([2, 6], np.int64)), g.const("sdim", np.array(1, np.int32))
    g.add("SplitV", "split", ["catd:0", sizes, sdim], {"num_split": 2},
          [(np.float32, [6, 2]), (np.float32, [6, 6])])
    off, size = g.const("off", np.array([1, 0], np.int64)), g.const("size", np.array([2, -1], np.int64))
    g.add("Slice", "slice", ["split:1", off, size], outputs=[(np.float32, [2, 6])])
    g.add("StridedSliceD", "ss", ["slice:0"], {"begin": [0, 5], "end": [2, 0], "strides": [1, -2],
                                               "begin_mask": 0, "end_mask": 2},
          [(np.float32, [2, 3])])
    axis = g.const("axis", np.array([0], np.int32))
    g.add("ExpandDims", "ed", ["ss:0", axis], outputs=[(np.float32, [1, 2, 3])])
    mult = g.const("mult", np.array([2, 1, 1], np.int64))
    g.add("Tile", "tile", ["ed:0", mult], outputs=[(np.float32, [2, 2, 3])])
    bshape = g.const("bshape", np.array([3, 2, 2, 3], np.int64))
    g.add("BroadcastTo", "bt", ["tile:0", bshape], outputs=[(np.float32, [3, 2, 2, 3])])
    idx, gaxis = g.const("idx", np.array([2, 0], np.int32)), g.const("gaxis", np.array(3, np.int32))
    g.add("GatherV2", "gather", ["bt:0", idx, gaxis], {"batch_dims": 0},
          [(np.float32, [3, 2, 2, 2])])
    pads, pv = g.const("pads", np.array([[0, 0], [0, 0], [1, 0], [0, 1]], np.int64)), \
        g.const("pv", np.array(7.0, np.float32))
    g.add("PadV3", "pad", ["gather:0", pads, pv], {"mode": "constant", "paddings_contiguous": True},
          [(np.float32, [3, 2, 3, 3])])
    lo, hi = g.const("lo", np.array(-0.5, np.float32)), g.const("hi", np.array(0.5, np.float32))
    g.add("ClipByValue", "clip", ["pad:0", lo, hi], outputs=[(np.float32, [3, 2, 3, 3])])
    g.output("clip:0", "split:0")
    x = rng.standard_normal((2, 6)).astype(np.float32)
    clip, first = compile_air(g, tmp_path).run([x])
    r = x.reshape(3, 4)
    c = np.concatenate([r, r], 0)
    cd = np.concatenate([c, c], 1)
    s0, s1 = cd[:, :2], cd[:, 2:]
    ss = s1[1:3, :][:, 5::-2]
    ref = np.broadcast_to(np.tile(ss[None], (2, 1, 1)), (3, 2, 2, 3))[..., [2, 0]]
    ref = np.clip(np.pad(ref, [(0, 0), (0, 0), (1, 0), (0, 1)], constant_values=7.0), -0.5, 0.5)
    np.testing.assert_array_equal(first, s0)
    np.testing.assert_array_equal(clip, ref)


def test_nn_ops(tmp_path, rng):
    """Conv2D (+bias), MaxPoolV3, AvgPoolV2, MaxPool SAME, MatMulV2, SoftmaxV2,
    LayerNorm (3 GE outputs, only y used), BatchMatMulV2, Gelu."""
    g = AirGraph()
    x = g.data("x", np.float32, [1, 2, 6, 6])
    w = g.const("w", rng.standard_normal((4, 2, 3, 3)).astype(np.float32))
    b = g.const("b", rng.standard_normal(4).astype(np.float32))
    g.add("Conv2D", "conv", [x, w, b], {"strides": [1, 1, 1, 1], "pads": [1, 1, 1, 1],
                                        "dilations": [1, 1, 1, 1], "groups": 1,
                                        "data_format": "NCHW"}, [(np.float32, [1, 4, 6, 6])])
    g.add("MaxPoolV3", "mp", ["conv:0"], {"ksize": [1, 1, 2, 2], "strides": [1, 1, 2, 2],
                                          "padding_mode": "CALCULATED", "pads": [0, 0, 0, 0],
                                          "data_format": "NCHW", "global_pooling": False,
                                          "ceil_mode": False}, [(np.float32, [1, 4, 3, 3])])
    g.add("MaxPool", "mps", ["conv:0"], {"ksize": [1, 1, 3, 3], "strides": [1, 1, 2, 2],
                                         "padding": "SAME", "data_format": "NCHW"},
          [(np.float32, [1, 4, 3, 3])])
    g.add("AvgPoolV2", "ap", ["mp:0"], {"ksize": [1, 1, 3, 3], "strides": [1, 1, 1, 1],
                                        "padding_mode": "CALCULATED", "pads": [1, 1, 1, 1],
                                        "exclusive": True, "data_format": "NCHW"},
          [(np.float32, [1, 4, 3, 3])])
    shape = g.const("shape", np.array([4, 9], np.int64))
    g.add("Reshape", "flat", ["ap:0", shape], outputs=[(np.float32, [4, 9])])
    m = g.const("m", rng.standard_normal((5, 9)).astype(np.float32))
    g.add("MatMulV2", "mm", ["flat:0", m], {"transpose_x1": False, "transpose_x2": True},
          [(np.float32, [4, 5])])
    g.add("SoftmaxV2", "sm", ["mm:0"], {"axes": [-1]}, [(np.float32, [4, 5])])
    gamma, beta = g.const("gamma", np.full(5, 2, np.float32)), g.const("beta", np.ones(5, np.float32))
    g.add("LayerNorm", "ln", ["mm:0", gamma, beta], {"begin_norm_axis": 1, "begin_params_axis": 1,
                                                      "epsilon": 1e-5},
          [(np.float32, [4, 5]), (np.float32, [4, 1]), (np.float32, [4, 1])])
    g.add("BatchMatMulV2", "bmm", ["ln:0", "sm:0"], {"adj_x1": False, "adj_x2": True},
          [(np.float32, [4, 4])])
    g.add("Gelu", "gelu", ["bmm:0"], outputs=[(np.float32, [4, 4])])
    g.output("gelu:0", "mps:0")
    xin = rng.standard_normal((1, 2, 6, 6)).astype(np.float32)
    gelu, mps = compile_air(g, tmp_path).run([xin])
    # Same graph through the ONNX-free NumPy reference.
    import torch
    import torch.nn.functional as F
    t = torch.from_numpy(xin).double()
    wt = torch.from_numpy(np.frombuffer(g.graph.op[1].attr["value"].t.data, np.float32)
                          .reshape(4, 2, 3, 3).copy()).double()
    bt = torch.from_numpy(np.frombuffer(g.graph.op[2].attr["value"].t.data, np.float32)
                          .copy()).double()
    conv = F.conv2d(t, wt, bt, padding=1)
    mp = F.max_pool2d(conv, 2, 2)
    # TensorFlow SAME: the odd padding row/column goes after.
    mps_ref = F.max_pool2d(F.pad(conv, (0, 1, 0, 1), value=-np.inf), 3, 2)
    ap = F.avg_pool2d(mp, 3, 1, padding=1, count_include_pad=False)
    mt = torch.from_numpy(np.frombuffer(g.graph.op[[o.name for o in g.graph.op].index("m")]
                                        .attr["value"].t.data, np.float32).reshape(5, 9).copy())
    mm = ap.reshape(4, 9) @ mt.double().T
    sm = torch.softmax(mm, -1)
    ln = F.layer_norm(mm, (5,), eps=1e-5) * 2 + 1
    ref = F.gelu(ln @ sm.T)
    assert_close(gelu, ref.numpy())
    assert_close(mps, mps_ref.numpy())


UNARY = {
    "Relu": lambda x: np.maximum(x, 0), "Sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "Tanh": np.tanh, "Exp": np.exp, "Abs": np.abs, "Neg": np.negative, "Floor": np.floor,
    "Ceil": np.ceil, "Sin": np.sin, "Cos": np.cos, "Erf": None, "Relu6": lambda x: np.clip(x, 0, 6),
    "Identity": lambda x: x, "HardSwish": lambda x: x * np.clip(x + 3, 0, 6) / 6,
}


@pytest.mark.parametrize("op", sorted(UNARY))
def test_same_named_unary_ops(tmp_path, rng, op):
    x = rng.standard_normal((2, 3)).astype(np.float32) * 3
    (y,) = compile_air(unary_graph(op), tmp_path).run([x])
    ref = UNARY[op]
    if ref is None:
        import math
        ref = np.vectorize(math.erf)
    assert_close(y, ref(x.astype(np.float64)))


@pytest.mark.parametrize("op,ref", [("Add", np.add), ("Sub", np.subtract), ("Mul", np.multiply),
                                    ("RealDiv", np.divide), ("Maximum", np.maximum),
                                    ("Minimum", np.minimum)])
def test_same_named_binary_ops(tmp_path, rng, op, ref):
    g = AirGraph()
    a, b = g.data("a", np.float32, [2, 3]), g.data("b", np.float32, [3])
    g.add(op, "op", [a, b], outputs=[(np.float32, [2, 3])])
    g.output("op:0")
    xa = rng.standard_normal((2, 3)).astype(np.float32)
    xb = rng.uniform(0.5, 2, 3).astype(np.float32)
    (y,) = compile_air(g, tmp_path).run([xa, xb])
    assert_close(y, ref(xa.astype(np.float64), xb))
