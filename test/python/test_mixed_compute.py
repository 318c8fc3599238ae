"""Mixed compute (GE 5.2, docs/mixed-compute.md): ops on the host CPU engine.

A model with pre-processing (scale, shift), a main part (MatMul, Relu) and
post-processing (Softmax), compiled with in_out_pair in both flag
directions, equals the NumPy reference at rtol = atol = 1e-5 (and the
all-device compile at rtol = atol = 1e-6: host kernels are the device
kernels tiled for one thread). An ONNX CumSum, which the device lacks,
compiles and runs only under mix_compile_mode (exact against np.cumsum: the
host kernel sums in element order as NumPy does), with its axis a constant
or a graph input the host kernel reads when it runs.
"""
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import geflow
from conftest import assert_close


def pipeline_model(w):
    nodes = [helper.make_node("Mul", ["x", "scale"], ["pre_scale_out"], name="pre_scale"),
             helper.make_node("Add", ["pre_scale_out", "shift"], ["pre_shift_out"], name="pre_shift"),
             helper.make_node("MatMul", ["pre_shift_out", "w"], ["mm"], name="main_mm"),
             helper.make_node("Relu", ["mm"], ["relu"], name="main_relu"),
             helper.make_node("Softmax", ["relu"], ["y"], name="post_softmax", axis=1)]
    inits = [numpy_helper.from_array(np.full((1, 16), 0.5, np.float32), "scale"),
             numpy_helper.from_array(np.full((1, 16), -0.25, np.float32), "shift"),
             numpy_helper.from_array(w, "w")]
    graph = helper.make_graph(
        nodes, "pipeline", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 8])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def pipeline_reference(x, w):
    r = np.maximum((x.astype(np.float64) * 0.5 - 0.25) @ w, 0)
    e = np.exp(r - r.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cumsum_model(exclusive=0, reverse=0):
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="relu"),
             helper.make_node("CumSum", ["r", "axis"], ["c"], name="scan",
                              exclusive=exclusive, reverse=reverse),
             helper.make_node("Mul", ["c", "two"], ["y"], name="double")]
    inits = [numpy_helper.from_array(np.array(1, np.int64), "axis"),
             numpy_helper.from_array(np.array([2.0], np.float32), "two")]
    graph = helper.make_graph(
        nodes, "scan", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 50])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 50])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def runtime_axis_cumsum_model(axis_type, exclusive=0, reverse=0):
    node = helper.make_node("CumSum", ["x", "axis"], ["y"], name="scan",
                            exclusive=exclusive, reverse=reverse)
    graph = helper.make_graph(
        [node], "scan", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 4, 5]),
                         helper.make_tensor_value_info("axis", axis_type, [])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 4, 5])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])


def numpy_cumsum(x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    c = np.cumsum(x, axis=axis, dtype=x.dtype)
    if exclusive:
        c = np.roll(c, 1, axis=axis)
        np.moveaxis(c, axis, 0)[0] = 0
    return np.flip(c, axis) if reverse else c


@pytest.mark.parametrize("flag,host_ops", [
    ("true", {"pre_shift, pre_scale", "post_softmax"}),
    ("false", {"pre_shift, pre_scale"})])
def test_in_out_pair_both_directions(flag, host_ops, rng):
    w = (rng.standard_normal((16, 8)) * 0.3).astype(np.float32)
    x = rng.standard_normal((4, 16)).astype(np.float32)
    pair = ("[[['main_mm'], ['main_relu']]]" if flag == "true"
            else "[[['pre_scale'], ['pre_shift']]]")
    exe = geflow.compile(pipeline_model(w), {"mix_compile_mode": "true",
                                             "in_out_pair": pair,
                                             "in_out_pair_flag": flag})
    summary = exe.summary
    assert {op["name"] for op in summary["host_ops"]} == host_ops
    assert summary["engine_copies"] >= 2
    device = geflow.compile(pipeline_model(w))
    assert device.summary["host_ops"] == [] and device.summary["engine_copies"] == 0
    # The profile shows the copies between the engines and the host tasks.
    rows = exe.profile({"x": x})
    kernels = {r["kernel"] for r in rows}
    assert {"memcpy_d2h", "memcpy_h2d"} <= kernels
    first_names = {op["name"].split(", ")[0] for op in summary["host_ops"]}
    host_streams = {r["stream"] for r in rows if r["op_name"] in first_names}
    device_streams = {r["stream"] for r in rows if r["op_name"] == "main_mm"}
    assert host_streams and not host_streams & device_streams
    for _ in range(3):
        y = exe.run({"x": x})[0]
        assert_close(y, pipeline_reference(x, w), rtol=1e-5, atol=1e-5)
        assert_close(y, device.run({"x": x})[0], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("exclusive,reverse", [(0, 0), (1, 0), (0, 1), (1, 1)])
def test_onnx_op_the_device_lacks_runs_on_the_host(exclusive, reverse, rng):
    model = cumsum_model(exclusive, reverse)
    x = rng.standard_normal((3, 50)).astype(np.float32)
    exe = geflow.compile(model, {"mix_compile_mode": "true"})
    [op] = exe.summary["host_ops"]
    assert op == {"name": "scan", "type": "Cumsum", "reason": "no device kernel"}
    r = np.maximum(x, 0)
    if reverse:
        r = r[:, ::-1]
    c = np.cumsum(r, axis=1, dtype=np.float32)
    if exclusive:
        c = np.concatenate([np.zeros((3, 1), np.float32), c[:, :-1]], axis=1)
    if reverse:
        c = c[:, ::-1]
    np.testing.assert_array_equal(exe.run({"x": x})[0], c * 2)


@pytest.mark.parametrize("exclusive,reverse", [(0, 0), (1, 0), (0, 1), (1, 1)])
def test_cumsum_axis_read_at_run_time(exclusive, reverse, rng):
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    for axis_type, dtype in ((TensorProto.INT64, np.int64), (TensorProto.INT32, np.int32)):
        exe = geflow.compile(runtime_axis_cumsum_model(axis_type, exclusive, reverse),
                             {"mix_compile_mode": "true"})
        # One program serves every axis, negative ones counted from the end.
        for axis in (0, 1, 2, -1, -3):
            y = exe.run({"x": x, "axis": np.array(axis, dtype)})[0]
            # Exact: both sum in element order in float32.
            np.testing.assert_array_equal(y, numpy_cumsum(x, axis, exclusive, reverse))


@pytest.mark.parametrize("axis", [3, -4])
def test_cumsum_runtime_axis_out_of_range_names_the_node(axis):
    exe = geflow.compile(runtime_axis_cumsum_model(TensorProto.INT64),
                         {"mix_compile_mode": "true"})
    x = np.ones((3, 4, 5), np.float32)
    with pytest.raises(Exception, match=r"scan[\s\S]*Cumsum: axis %d is outside "
                                        r"\[-3, 3\)" % axis):
        exe.run({"x": x, "axis": np.array(axis, np.int64)})


def test_op_the_device_lacks_fails_clearly_without_mixed_compute():
    with pytest.raises(geflow.CompileError,
                       match=r"no kernel for 1 op type\(s\):\s+ge.Cumsum \(scan\)"
                             r"[\s\S]*Cumsum run on the host CPU engine: compile "
                             r"with mix_compile_mode=true"):
        geflow.compile(cumsum_model())


@pytest.mark.parametrize("options,message", [
    ({"in_out_pair": "[[['main_mm'], ['main_relu']]]"},
     "option 'in_out_pair' places ops for mixed compute; it needs mix_compile_mode=true"),
    ({"mix_compile_mode": "true", "in_out_pair": "[['main_mm'], 'x']"},
     "option 'in_out_pair' has value .*expected \\[\\[in_nodes, out_nodes\\], ...\\]"),
    ({"mix_compile_mode": "true", "in_out_pair": "[[['main_mn'], ['main_relu']]]"},
     "in_out_pair 0 names in node 'main_mn', which is no op or input of the graph "
     "\\(did you mean 'main_mm'\\?\\)"),
    ({"mix_compile_mode": "true", "dynamic_batch_size": "1,2", "input_shape": "x:-1,16"},
     "options 'mix_compile_mode' and 'dynamic_batch_size' cannot be used together"),
    ({"mix_compile_mode": "yes"}, "option 'mix_compile_mode' has value 'yes'"),
])
def test_bad_placement_options_name_the_option_and_node(options, message, rng):
    w = np.ones((16, 8), np.float32)
    with pytest.raises((geflow.CompileError, ValueError), match=message):
        geflow.compile(pipeline_model(w), options)
