"""ONNX window functions (opset 17), ReverseSequence and Det against NumPy.

HannWindow, HammingWindow and BlackmanWindow with a constant size and with
a size given at run time (the length the model declares), periodic and
symmetric, at rtol = 1e-5, atol = 1e-6 (cosines in float32); ReverseSequence
exactly (a gather), with both axis orders and lengths 0 to the full time;
Det on the host against float64 np.linalg.det at rtol = atol = 1e-5.
"""
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import geflow


def reference(op, n, periodic):
    m = n + 1 if periodic else n
    k = np.arange(m, dtype=np.float64)
    phase = 2 * np.pi * k / (m - 1)
    if op == "HannWindow":
        w = 0.5 - 0.5 * np.cos(phase)
    elif op == "HammingWindow":
        w = 25 / 46 - 21 / 46 * np.cos(phase)
    else:
        w = 0.42 - 0.5 * np.cos(phase) + 0.08 * np.cos(2 * phase)
    return w[:n]


@pytest.mark.parametrize("op", ["HannWindow", "HammingWindow", "BlackmanWindow"])
@pytest.mark.parametrize("periodic", [0, 1])
@pytest.mark.parametrize("runtime_size", [False, True])
def test_window(op, periodic, runtime_size):
    n = 16
    node = helper.make_node(op, ["size"], ["y"], periodic=periodic)
    if runtime_size:
        inputs, inits = [helper.make_tensor_value_info("size", TensorProto.INT32, [])], []
    else:
        inputs, inits = [], [numpy_helper.from_array(np.array(n, np.int32), "size")]
    graph = helper.make_graph([node], "w", inputs,
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n])],
                              inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    exe = geflow.compile(m)
    [y] = exe.run({"size": np.array(n, np.int32)} if runtime_size else {})
    np.testing.assert_allclose(y, reference(op, n, periodic), rtol=1e-5, atol=1e-6)


def test_window_with_unknown_length_is_unsupported():
    node = helper.make_node("HannWindow", ["size"], ["y"], name="hann")
    graph = helper.make_graph([node], "w",
                              [helper.make_tensor_value_info("size", TensorProto.INT32, [])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(geflow.CompileError,
                       match=r"node 'hann' \(HannWindow\): the size input must be a "
                             r"constant, or the output length known"):
        geflow.compile(m)


@pytest.mark.parametrize("batch_axis,time_axis", [(0, 1), (1, 0)])
def test_reverse_sequence(batch_axis, time_axis, rng):
    shape = [5, 6, 3] if batch_axis == 0 else [6, 5, 3]
    x = rng.standard_normal(shape).astype(np.float32)
    lens = np.array([1, 6, 3, 0, 4], np.int64)
    node = helper.make_node("ReverseSequence", ["x", "lens"], ["y"],
                            batch_axis=batch_axis, time_axis=time_axis)
    graph = helper.make_graph(
        [node], "r", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape),
                      helper.make_tensor_value_info("lens", TensorProto.INT64, [5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    [y] = geflow.compile(m).run({"x": x, "lens": lens})
    want = x.copy()
    for b, n in enumerate(lens):
        if batch_axis == 0:
            want[b, :n] = x[b, :n][::-1]
        else:
            want[:n, b] = x[:n, b][::-1]
    np.testing.assert_array_equal(y, want)


def test_det_runs_on_the_host(rng):
    x = rng.standard_normal((3, 4, 4)).astype(np.float32)
    x[1, 2] = x[1, 0] * 2  # singular
    node = helper.make_node("Det", ["x"], ["y"], name="det")
    graph = helper.make_graph(
        [node], "d", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    exe = geflow.compile(m, {"mix_compile_mode": "true"})
    assert [op["type"] for op in exe.summary["host_ops"]] == ["MatrixDeterminant"]
    [y] = exe.run({"x": x})
    np.testing.assert_allclose(y, np.linalg.det(x.astype(np.float64)), rtol=1e-5, atol=1e-5)
