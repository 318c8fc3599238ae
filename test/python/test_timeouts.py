"""GE's timeout options through geflow.compile: they act on the run (as a
Session's do), a run that times out raises naming the stuck task, its
output buffers are left alone once the call returns, and the process runs
normally afterwards."""
import numpy as np
import onnx
import pytest

import geflow
from conftest import geflow_models


@pytest.fixture
def big_batch_cnn(tmp_path):
    path = tmp_path / "cnn.onnx"
    onnx.save(geflow_models.MODELS["resnet_small"](), str(path))
    return str(path), {"input_shape": "image:256,3,32,32"}


def test_stream_sync_timeout_raises_then_runs_normally(big_batch_cnn):
    path, shape = big_batch_cnn
    x = np.random.default_rng(0).standard_normal((256, 3, 32, 32), dtype=np.float32)
    (expected,) = geflow.compile(path, options=shape).run({"image": x})
    stuck = geflow.compile(path, options={**shape, "stream_sync_timeout": "0"})
    try:
        with pytest.raises(geflow.TaskFailedError, match=r"synchronize timed out after 0 ms "
                           r"\(stream_sync_timeout\).*waiting for kernel task"):
            stuck.run({"image": x})
    finally:
        # Process-wide, as ACL's: the next options given set them again.
        relaxed = geflow.compile(path, options={**shape, "stream_sync_timeout": "-1"})
    (again,) = stuck.run({"image": x})
    (relaxed_out,) = relaxed.run({"image": x})
    assert np.array_equal(again, expected) and np.array_equal(relaxed_out, expected)


def test_timeout_values_are_checked():
    with pytest.raises(ValueError, match="op_execute_timeout"):
        geflow.compile(geflow_models.MODELS["resnet_small"](), options={"op_execute_timeout": "-2"})
