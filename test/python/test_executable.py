"""Executable: signature, run() input forms, zero-copy binding, input errors."""
import numpy as np
import pytest

import geflow
from conftest import assert_close, tiny_reference


def test_signature(tiny_exe):
    (x,) = tiny_exe.inputs
    assert isinstance(x, geflow.TensorSpec)
    assert x == ("x", (2, 4), np.dtype(np.float32), "ND")
    assert [o.name for o in tiny_exe.outputs] == ["y", "z"]
    assert all(o.shape == (2, 4) and o.dtype == np.float32 for o in tiny_exe.outputs)
    assert tiny_exe.gears == [[(2, 4)]]
    assert tiny_exe.name == "tiny" and "tiny" in repr(tiny_exe)


def test_run_dict_list_single_and_call(tiny_exe):
    x = np.linspace(-2, 2, 8, dtype=np.float32).reshape(2, 4)
    expected = tiny_reference(x)
    for outputs in (tiny_exe.run({"x": x}), tiny_exe.run([x]), tiny_exe.run((x,)),
                    tiny_exe.run(x), tiny_exe(x)):
        assert isinstance(outputs, list) and len(outputs) == 2
        for out, ref in zip(outputs, expected):
            assert out.dtype == np.float32 and out.shape == (2, 4)
            assert_close(out, ref, rtol=0, atol=0)


def test_inputs_that_need_conversion(tiny_exe):
    x = np.linspace(-2, 2, 8, dtype=np.float32).reshape(2, 4)
    expected = tiny_reference(x)
    wide = np.zeros((2, 8), np.float32)
    wide[:, ::2] = x  # non-contiguous view: copied once
    as_list = x.tolist()  # Python lists take the model's dtype
    readonly = np.broadcast_to(x, (2, 4))  # read-only views bind directly
    assert not readonly.flags.writeable
    for inp in (wide[:, ::2], as_list, readonly):
        for out, ref in zip(tiny_exe.run([inp]), expected):
            assert_close(out, ref, rtol=0, atol=0)


def test_unaligned_contiguous_input_is_bound_in_place(tiny_exe):
    # A view one element into a buffer: contiguous but only 4-byte aligned.
    buf = np.arange(9, dtype=np.float32)
    x = buf[1:].reshape(2, 4)
    assert x.ctypes.data % 16 != 0 and x.flags.c_contiguous
    for out, ref in zip(tiny_exe.run([x]), tiny_reference(x)):
        assert_close(out, ref, rtol=0, atol=0)


def test_outputs_are_fresh_aligned_arrays(tiny_exe):
    x = np.ones((2, 4), np.float32)
    first = tiny_exe.run(x)
    second = tiny_exe.run(x)
    for a, b in zip(first, second):
        assert a.ctypes.data % 64 == 0 and a.flags.owndata is False and a.flags.writeable
        assert not np.shares_memory(a, b)
    first[0][:] = 42  # outputs belong to the caller
    assert_close(second[0], tiny_reference(x)[0])


def test_wrong_dtype_is_an_error_not_a_cast(tiny_exe):
    with pytest.raises(ValueError, match=r"input 'x' has dtype float64, expected float32 "
                                         r"\(convert it with .astype\(numpy.float32\)\)"):
        tiny_exe.run(np.ones((2, 4)))
    with pytest.raises(geflow.InvalidArgumentError, match="has dtype int32"):
        tiny_exe.run(np.ones((2, 4), np.int32))


def test_wrong_shape(tiny_exe):
    with pytest.raises(ValueError, match=r"input 'x' has shape \[3,4\], expected \[2,4\]"):
        tiny_exe.run(np.ones((3, 4), np.float32))
    with pytest.raises(ValueError, match=r"input 'x' has shape \[8\], expected \[2,4\]"):
        tiny_exe.run(np.ones(8, np.float32))


def test_unknown_missing_and_extra_inputs(tiny_exe):
    x = np.ones((2, 4), np.float32)
    with pytest.raises(ValueError, match="unknown input 'y'; the model's inputs are 'x'"):
        tiny_exe.run({"x": x, "y": x})
    with pytest.raises(ValueError, match="input 'x' is missing"):
        tiny_exe.run({})
    with pytest.raises(ValueError, match=r"the model has 1 input\(s\) \('x'\), got 2"):
        tiny_exe.run([x, x])
    with pytest.raises(ValueError, match="input .x. cannot be read as float32"):
        tiny_exe.run({"x": "text"})


def test_multi_input_model_needs_names_or_order(rng):
    g = geflow.Graph("two")
    a, b = g.data("a", [3]), g.data("b", [3])
    g.output(a - b, "d")
    exe = geflow.compile(g)
    va, vb = rng.standard_normal(3).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    assert_close(exe.run({"b": vb, "a": va})[0], va - vb, rtol=0, atol=0)
    assert_close(exe.run([va, vb])[0], va - vb, rtol=0, atol=0)
    with pytest.raises(ValueError, match="must be a dict by name or a list"):
        exe.run(va)


def test_integer_and_bool_io(rng):
    g = geflow.Graph("ints")
    i = g.data("i", [5], "int32")
    g.output(i * 3 + 1, "j")
    g.output(geflow.ops.greater(i, 2), "big")
    exe = geflow.compile(g)
    assert exe.outputs[1].dtype == np.bool_
    v = np.array([-4, 0, 2, 3, 9], np.int32)
    j, big = exe.run(v)
    np.testing.assert_array_equal(j, v * 3 + 1)
    np.testing.assert_array_equal(big, v > 2)


def test_float16_io():
    g = geflow.Graph("half")
    x = g.data("x", [4, 8], np.float16)
    g.output(geflow.ops.sigmoid(x) * 2.0, "y")  # the constant takes float16
    exe = geflow.compile(g)
    assert exe.inputs[0].dtype == np.float16 and exe.outputs[0].dtype == np.float16
    v = np.linspace(-4, 4, 32, dtype=np.float16).reshape(4, 8)
    ref = 2 / (1 + np.exp(-v.astype(np.float64)))
    # fp16: results within a few ulps of the float64 reference.
    np.testing.assert_allclose(exe.run(v)[0].astype(np.float64), ref, rtol=2e-3, atol=2e-3)


def test_threads_share_one_executable(tiny_exe):
    from concurrent.futures import ThreadPoolExecutor

    def work(seed):
        x = np.random.default_rng(seed).standard_normal((2, 4)).astype(np.float32)
        for _ in range(20):
            out = tiny_exe.run(x)
        return all(np.array_equal(o, r) for o, r in zip(out, tiny_reference(x)))

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(work, range(8)))
