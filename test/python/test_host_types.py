"""DOUBLE, INT16, UINT16, UINT32 and UINT64 tensors through the Python API.

The device kernels have none of these dtypes: under mix_compile_mode the ops
on them run on the host CPU engine (docs/mixed-compute.md), NumPy arrays of
them go in and come out with their own dtype, and results equal NumPy
(floats at rtol = 1e-12, integers exact). Without mixed compute the compile
fails naming the dtype and the option.
"""
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import geflow


def typed_model():
    D, I16, U16, U32, U64 = (TensorProto.DOUBLE, TensorProto.INT16,
                             TensorProto.UINT16, TensorProto.UINT32,
                             TensorProto.UINT64)
    nodes = [
        helper.make_node("Mul", ["d", "dk"], ["dm"], name="d_mul"),
        helper.make_node("ReduceLogSumExp", ["dm"], ["d_lse"], name="d_lse",
                         axes=[1], keepdims=1),
        helper.make_node("Cast", ["dm"], ["d_f16"], name="d_cast", to=TensorProto.FLOAT16),
        helper.make_node("Max", ["i16", "i16k"], ["i16_max"], name="i16_max"),
        helper.make_node("Mod", ["u16", "u16k"], ["u16_mod"], name="u16_mod"),
        helper.make_node("Pow", ["f", "u32"], ["f_pow"], name="f_pow"),
        helper.make_node("Add", ["u64", "u64"], ["u64_sum"], name="u64_add"),
    ]
    inits = [numpy_helper.from_array(np.array([0.5, -2.0, 3.25]), "dk"),
             numpy_helper.from_array(np.array([-3, 0, 3], np.int16), "i16k"),
             numpy_helper.from_array(np.array([7, 7, 7], np.uint16), "u16k")]
    vi = helper.make_tensor_value_info
    graph = helper.make_graph(
        nodes, "typed",
        [vi("d", D, [2, 3]), vi("i16", I16, [3]), vi("u16", U16, [3]),
         vi("f", TensorProto.FLOAT, [3]), vi("u32", U32, [3]), vi("u64", U64, [3])],
        [vi("d_lse", D, [2, 1]), vi("d_f16", TensorProto.FLOAT16, [2, 3]),
         vi("i16_max", I16, [3]), vi("u16_mod", U16, [3]),
         vi("f_pow", TensorProto.FLOAT, [3]), vi("u64_sum", U64, [3])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def test_host_dtypes_run_end_to_end(rng):
    exe = geflow.compile(typed_model(), {"mix_compile_mode": "true"})
    d = rng.standard_normal((2, 3))
    i16 = np.array([-32768, 5, 32767], np.int16)
    u16 = np.array([65535, 6, 14], np.uint16)
    f = np.array([1.5, -2.0, 0.5], np.float32)
    u32 = np.array([3, 2, 0], np.uint32)
    u64 = np.array([2**63 + 5, 1, 2**64 - 1], np.uint64)
    lse, f16, mx, mod, pw, s = exe.run(
        {"d": d, "i16": i16, "u16": u16, "f": f, "u32": u32, "u64": u64})
    dm = d * np.array([0.5, -2.0, 3.25])
    ref = np.log(np.exp(dm).sum(axis=1, keepdims=True))
    assert lse.dtype == np.float64
    np.testing.assert_allclose(lse, ref, rtol=1e-12, atol=0)
    assert f16.dtype == np.float16
    np.testing.assert_array_equal(f16, dm.astype(np.float16))
    assert mx.dtype == np.int16
    np.testing.assert_array_equal(mx, np.maximum(i16, np.array([-3, 0, 3], np.int16)))
    assert mod.dtype == np.uint16
    np.testing.assert_array_equal(mod, u16 % np.uint16(7))
    np.testing.assert_allclose(pw, np.power(f, u32.astype(np.float32)), rtol=1e-6)
    assert s.dtype == np.uint64
    np.testing.assert_array_equal(s, u64 + u64)  # wraps like NumPy
    reasons = {op["reason"] for op in exe.summary["host_ops"]}
    assert "the device has no float64 kernels" in reasons


def test_host_dtypes_need_mixed_compute():
    with pytest.raises(geflow.CompileError,
                       match=r"computes in (float64|int16|uint16|uint32|uint64), which only "
                             r"the host CPU engine does: compile with mix_compile_mode=true"):
        geflow.compile(typed_model())


def test_wrong_input_dtype_names_the_dtype():
    exe = geflow.compile(typed_model(), {"mix_compile_mode": "true"})
    with pytest.raises(geflow.GeflowError if hasattr(geflow, "GeflowError") else Exception,
                       match="expected uint64"):
        exe.run({"d": np.zeros((2, 3)), "i16": np.zeros(3, np.int16),
                 "u16": np.zeros(3, np.uint16), "f": np.zeros(3, np.float32),
                 "u32": np.zeros(3, np.uint32), "u64": np.zeros(3, np.int64)})
