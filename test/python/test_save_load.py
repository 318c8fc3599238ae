"""Executable.save / geflow.load round trips and corrupt files."""
import numpy as np
import pytest

import geflow
from conftest import tiny_graph, tiny_reference


def test_save_load_round_trip(resnet_small, tmp_path, rng):
    _, exe = resnet_small
    path = tmp_path / "resnet.gfm"
    exe.save(str(path))
    loaded = geflow.load(str(path))
    assert loaded.inputs == exe.inputs and loaded.outputs == exe.outputs
    assert loaded.gears == exe.gears
    x = rng.standard_normal((1, 3, 32, 32)).astype(np.float32)
    np.testing.assert_array_equal(loaded.run(x)[0], exe.run(x)[0])
    # From bytes, and saved again from the loaded file (also over itself).
    from_bytes = geflow.load(path.read_bytes())
    np.testing.assert_array_equal(from_bytes.run(x)[0], exe.run(x)[0])
    loaded.save(str(tmp_path / "copy.gfm"))
    loaded.save(str(path))
    assert (tmp_path / "copy.gfm").read_bytes() == path.read_bytes()
    np.testing.assert_array_equal(loaded.run(x)[0], exe.run(x)[0])


def test_load_errors(tiny_exe, tmp_path):
    with pytest.raises(geflow.FileError, match="no such model file"):
        geflow.load(str(tmp_path / "missing.gfm"))
    path = tmp_path / "m.gfm"
    tiny_exe.save(str(path))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # breaks a checksum
    bad = tmp_path / "bad.gfm"
    bad.write_bytes(bytes(data))
    with pytest.raises(geflow.CorruptFileError) as info:
        geflow.load(str(bad))
    assert isinstance(info.value, ValueError) and "bad.gfm" in str(info.value)
    with pytest.raises(geflow.CorruptFileError):
        geflow.load(b"GFM!" + bytes(100))
    with pytest.raises(geflow.CorruptFileError):
        geflow.load(bytes(data[:40]))


def test_save_to_unwritable_path(tiny_exe, tmp_path):
    with pytest.raises(geflow.FileError, match="cannot write"):
        tiny_exe.save(str(tmp_path / "no" / "such" / "dir" / "m.gfm"))


def test_loaded_tiny_model_runs(tiny_exe, tmp_path):
    path = str(tmp_path / "tiny.gfm")
    tiny_exe.save(path)
    exe = geflow.load(path)
    x = np.full((2, 4), 0.75, np.float32)
    for out, ref in zip(exe.run(x), tiny_reference(x)):
        np.testing.assert_array_equal(out, ref)


def test_loaded_summary_comes_from_the_file(tmp_path):
    exe = geflow.compile(tiny_graph(), options={"precision_mode": "force_fp32"}, soc="host")
    path = tmp_path / "tiny.gfm"
    exe.save(str(path))
    for loaded in (geflow.load(str(path)), geflow.load(path.read_bytes())):
        summary = loaded.summary
        assert summary["soc"] == "host" and summary["precision_mode"] == "force_fp32"
        assert summary["options"] == {"precision_mode": "force_fp32", "soc_version": "host"}
        assert summary["producer"].startswith("geflow ")
        # The figures the compile summary also gives agree with it.
        for key in ("gears", "kernels", "kernels_per_gear", "arena_bytes", "weights_bytes",
                    "streams", "events"):
            assert summary[key] == exe.summary[key], key
        assert summary["gears"] == 1 and summary["kernels_per_gear"] == [summary["kernels"]]
        assert summary["kernels"] >= 1 and summary["tasks_per_gear"][0] >= summary["kernels"]
        assert "seconds" not in summary and "graph_ops" not in summary  # compile-only figures


def test_loaded_summary_of_a_geared_model(tmp_path):
    g = geflow.Graph("geared")
    x = g.data("x", [-1, 3])
    g.output(geflow.ops.relu(x * 2.0), "y")
    exe = geflow.compile(g, options={"input_shape": {"x": [-1, 3]},
                                     "dynamic_batch_size": [1, 2, 8]})
    exe.save(str(tmp_path / "g.gfm"))
    summary = geflow.load(str(tmp_path / "g.gfm")).summary
    assert summary["gears"] == 3 and len(summary["kernels_per_gear"]) == 3
    assert summary["kernels"] == sum(summary["kernels_per_gear"])
    assert summary["kernels_per_gear"] == exe.summary["kernels_per_gear"]
    assert summary["options"]["dynamic_batch_size"] == "1,2,8"
    assert summary["precision_mode"] is None  # no option set it; the compile resolved it
    assert exe.summary["precision_mode"] == "must_keep_origin_dtype"


def test_load_bytes_like_and_wrong_types(tmp_path):
    exe = geflow.compile(tiny_graph())
    path = tmp_path / "m.gfm"
    exe.save(str(path))
    data = path.read_bytes()
    x = np.ones((2, 4), np.float32)
    for source in (bytearray(data), memoryview(data), path):
        np.testing.assert_array_equal(geflow.load(source).run(x)[0], exe.run(x)[0])
    with pytest.raises(geflow.CorruptFileError, match="'<bytes>' is not a valid .gfm") as info:
        geflow.load(bytearray(b"junk-content " * 1000))
    assert "junk-content" not in str(info.value)
    with pytest.raises(geflow.ArgumentTypeError,
                       match="geflow.load takes a .gfm path or .gfm bytes, got NoneType"):
        geflow.load(None)
    with pytest.raises(TypeError, match="got list"):
        geflow.load([1, 2, 3])
    with pytest.raises(geflow.FileError, match=f"'{tmp_path}' is a directory"):
        geflow.load(str(tmp_path))
