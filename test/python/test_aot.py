"""Executable.export_library and geflow.load_library (docs/aot.md): one
library build (a C compile and a link) for the small ResNet."""
import os

import numpy as np
import pytest

import geflow


def test_export_library_round_trip(tmp_path, resnet_small, rng):
    _, exe = resnet_small
    path = tmp_path / "libresnet_small.so"
    files = exe.export_library(str(path))
    assert sorted(files) == sorted([str(tmp_path / "resnet_small.h"), str(path)])
    with open(tmp_path / "resnet_small.h") as f:
        assert "gfaot_status resnet_small_run(" in f.read()

    lib = geflow.load_library(path)
    assert [(s.name, s.shape, s.dtype) for s in lib.inputs] == \
        [(s.name, s.shape, s.dtype) for s in exe.inputs]
    assert [(s.name, s.shape) for s in lib.outputs] == [(s.name, s.shape) for s in exe.outputs]
    x = rng.standard_normal(exe.inputs[0].shape).astype(np.float32)
    want = exe.run([x])[0]
    # The library holds the same executable: bit-identical outputs.
    assert np.array_equal(lib.run([x])[0], want)
    assert np.array_equal(lib.run_async([x]).result()[0], want)


def test_export_library_bad_runtime(tiny_exe, tmp_path):
    with pytest.raises(geflow.InvalidArgumentError, match="runtime='dynamic'"):
        tiny_exe.export_library(str(tmp_path / "libtiny.so"), runtime="dynamic")
    assert os.listdir(tmp_path) == []


def test_load_library_errors(tmp_path):
    with pytest.raises(geflow.NotFoundError, match="does not exist"):
        geflow.load_library(tmp_path / "libnone.so")
    bogus = tmp_path / "libbogus.so"
    bogus.write_bytes(b"not an ELF file")
    with pytest.raises(geflow.InvalidArgumentError, match="cannot load"):
        geflow.load_library(bogus)
