"""Executable.save / geflow.load round trips and corrupt files."""
import numpy as np
import pytest

import geflow
from conftest import tiny_reference


def test_save_load_round_trip(resnet_small, tmp_path, rng):
    _, exe = resnet_small
    path = tmp_path / "resnet.gfm"
    exe.save(str(path))
    loaded = geflow.load(str(path))
    assert loaded.inputs == exe.inputs and loaded.outputs == exe.outputs
    assert loaded.gears == exe.gears and loaded.summary is None
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
