"""Executable.run: outputs by name (output_names, as_dict), preallocated
outputs written in place, and the errors of both."""
import numpy as np
import pytest

import geflow
from conftest import assert_close, tiny_reference

X = np.linspace(-2, 2, 8, dtype=np.float32).reshape(2, 4)


def test_as_dict_returns_every_output_by_name(tiny_exe):
    out = tiny_exe.run(X, as_dict=True)
    assert list(out) == ["y", "z"]
    for name, ref in zip(("y", "z"), tiny_reference(X)):
        assert_close(out[name], ref, rtol=0, atol=0)
    assert list(tiny_exe(X, as_dict=True)) == ["y", "z"]  # __call__ too


def test_output_names_select_and_order(tiny_exe):
    y, z = tiny_reference(X)
    (only_z,) = tiny_exe.run(X, output_names=["z"])
    assert_close(only_z, z, rtol=0, atol=0)
    swapped = tiny_exe.run(X, output_names=("z", "y"))
    assert_close(swapped[0], z, rtol=0, atol=0)
    assert_close(swapped[1], y, rtol=0, atol=0)
    as_dict = tiny_exe.run({"x": X}, output_names=["z"], as_dict=True)
    assert list(as_dict) == ["z"]
    assert_close(as_dict["z"], z, rtol=0, atol=0)


def test_unknown_output_name_lists_the_real_ones(tiny_exe):
    with pytest.raises(geflow.InvalidArgumentError,
                       match="unknown output 'w' in output_names; the model's outputs are "
                             "'y', 'z'"):
        tiny_exe.run(X, output_names=["y", "w"])
    with pytest.raises(TypeError, match=r"output_names takes a list of names, got the str 'y' "
                                        r"\(write \['y'\]\)") as info:
        tiny_exe.run(X, output_names="y")
    assert isinstance(info.value, geflow.ArgumentTypeError)
    with pytest.raises(TypeError, match="names outputs by str, got int"):
        tiny_exe.run(X, output_names=[0])


def test_preallocated_outputs_are_written_in_place(tiny_exe):
    y_ref, z_ref = tiny_reference(X)
    y = np.full((2, 4), np.nan, np.float32)
    z = np.full((2, 4), np.nan, np.float32)
    out = tiny_exe.run(X, outputs=[y, z])
    assert out[0] is y and out[1] is z
    assert_close(y, y_ref, rtol=0, atol=0)
    assert_close(z, z_ref, rtol=0, atol=0)
    # Reused for the next run: the same memory, new values.
    tiny_exe.run(-X, outputs={"y": y, "z": z})
    assert_close(y, tiny_reference(-X)[0], rtol=0, atol=0)


def test_preallocated_subset_by_name_others_allocated(tiny_exe):
    z = np.empty((2, 4), np.float32)
    out = tiny_exe.run(X, outputs={"z": z}, as_dict=True)
    assert out["z"] is z and out["y"] is not z
    assert_close(out["y"], tiny_reference(X)[0], rtol=0, atol=0)
    assert_close(z, tiny_reference(X)[1], rtol=0, atol=0)
    # With output_names, a list holds one array per selected output.
    (same,) = tiny_exe.run(X, outputs=[z], output_names=["z"])
    assert same is z
    # An unaligned (but contiguous) buffer is written in place too.
    buf = np.zeros(9, np.float32)
    view = buf[1:].reshape(2, 4)
    tiny_exe.run(X, outputs={"y": view})
    assert_close(buf[1:].reshape(2, 4), tiny_reference(X)[0], rtol=0, atol=0)


def test_preallocated_output_errors_name_the_output(tiny_exe):
    good = np.empty((2, 4), np.float32)
    with pytest.raises(ValueError, match="output 'y' has dtype float64, expected float32"):
        tiny_exe.run(X, outputs={"y": np.empty((2, 4))})
    with pytest.raises(ValueError, match=r"output 'z' has shape \[3,4\], expected \[2,4\]"):
        tiny_exe.run(X, outputs={"y": good, "z": np.empty((3, 4), np.float32)})
    with pytest.raises(ValueError, match="output 'y' is not C-contiguous"):
        tiny_exe.run(X, outputs={"y": np.empty((2, 8), np.float32)[:, ::2]})
    with pytest.raises(ValueError, match="output 'y' is not C-contiguous"):
        tiny_exe.run(X, outputs={"y": np.empty((4, 2), np.float32).T})
    readonly = np.empty((2, 4), np.float32)
    readonly.setflags(write=False)
    with pytest.raises(ValueError, match="output 'y' is a read-only array"):
        tiny_exe.run(X, outputs={"y": readonly})
    with pytest.raises(TypeError, match="output 'y' must be a NumPy array, got list"):
        tiny_exe.run(X, outputs={"y": [[0.0] * 4] * 2})
    with pytest.raises(ValueError, match="unknown output 'w' in outputs; the model's outputs "
                                         "are 'y', 'z'"):
        tiny_exe.run(X, outputs={"w": good})
    with pytest.raises(ValueError, match=r"outputs has 1 array\(s\), but the run returns 2 "
                                         r"\('y', 'z'\)"):
        tiny_exe.run(X, outputs=[good])
    with pytest.raises(TypeError, match="outputs takes a dict by output name or a list"):
        tiny_exe.run(X, outputs=good)  # two outputs: one array is ambiguous
    v = X.copy()
    with pytest.raises(ValueError, match="output 'y' overlaps input 'x'"):
        tiny_exe.run(v, outputs={"y": v})
    np.testing.assert_array_equal(v, X)  # refused before anything ran


def test_preallocated_outputs_follow_the_gear(rng):
    g = geflow.Graph("geared")
    x = g.data("x", [-1, 3])
    g.output(x * 2.0, "y")
    exe = geflow.compile(g, options={"input_shape": {"x": [-1, 3]}, "dynamic_batch_size": [1, 4]})
    v = rng.standard_normal((4, 3)).astype(np.float32)
    y = np.empty((4, 3), np.float32)
    assert exe.run(v, outputs=[y])[0] is y
    assert_close(y, v * 2)
    with pytest.raises(ValueError, match=r"output 'y' has shape \[4,3\], expected \[1,3\] "
                                         "for these inputs"):
        exe.run(v[:1], outputs=[y])


def test_run_none_is_a_type_error_naming_the_inputs(tiny_exe):
    with pytest.raises(TypeError, match=r"Executable.run\(\) takes the inputs as a dict by "
                                        r"input name, a list in input order or one array; "
                                        r"got None \(the model's inputs are 'x'\)") as info:
        tiny_exe.run(None)
    assert isinstance(info.value, geflow.InvalidArgumentError)
    assert isinstance(info.value, ValueError)
    with pytest.raises(geflow.ArgumentTypeError):
        tiny_exe(None)


def test_run_async_takes_the_same_output_parameters(tiny_exe):
    """run_async: output_names/as_dict shape result() as for run(), and
    outputs= arrays are written in place."""
    y_ref, z_ref = tiny_reference(X)
    out = tiny_exe.run_async(X, as_dict=True).result()
    assert list(out) == ["y", "z"]
    assert_close(out["z"], z_ref, rtol=0, atol=0)
    (only_z,) = tiny_exe.run_async(X, output_names=["z"]).result()
    assert_close(only_z, z_ref, rtol=0, atol=0)
    y = np.full((2, 4), np.nan, np.float32)
    stream = geflow.Stream()
    run = tiny_exe.run_async({"x": X}, stream, outputs={"y": y}, output_names=["y"],
                             as_dict=True)
    got = run.result()
    assert list(got) == ["y"] and got["y"] is y
    assert_close(y, y_ref, rtol=0, atol=0)
    assert isinstance(tiny_exe.run_async(X).result(), list)  # the default


def test_run_async_errors_name_what_is_wrong(tiny_exe):
    with pytest.raises(geflow.ArgumentTypeError, match=r"Executable.run_async\(\) takes the "
                                                       r"inputs .* got None"):
        tiny_exe.run_async(None)
    with pytest.raises(geflow.InvalidArgumentError, match="unknown output 'w' in output_names"):
        tiny_exe.run_async(X, output_names=["w"])
    with pytest.raises(ValueError, match="'y'"):
        tiny_exe.run_async(X, outputs={"y": np.empty((3, 4), np.float32)})
