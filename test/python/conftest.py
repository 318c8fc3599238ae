"""Shared fixtures of the Python API tests.

Run with `PYTHONPATH=build/python /usr/bin/python3 -m pytest test/python`
(CTest does). Tolerances: fp32 results are compared with float64 NumPy
references at rtol = atol = 1e-4 unless a test states otherwise.
"""
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "test", "models"))

import geflow  # noqa: E402
import geflow_models  # noqa: E402,F401

RTOL = ATOL = 1e-4


def assert_close(actual, expected, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(actual, np.asarray(expected, np.float64), rtol=rtol, atol=atol)


def tiny_graph(name="tiny", batch=2):
    """y = relu(x * 2 - 1), z = x + [0, 1, 2, 3] on float32[batch, 4]."""
    g = geflow.Graph(name)
    x = g.data("x", [batch, 4], "float32")
    g.output(geflow.ops.relu(x * 2.0 - 1.0), "y")
    g.output(x + np.arange(4, dtype=np.float32), "z")
    return g


def tiny_reference(x):
    return [np.maximum(x * 2 - 1, 0), x + np.arange(4, dtype=np.float32)]


@pytest.fixture(scope="session")
def tiny_exe():
    return geflow.compile(tiny_graph())


@pytest.fixture(scope="session")
def resnet_small():
    """The small ResNet ONNX model (ModelProto) and its compiled executable."""
    model = geflow_models.MODELS["resnet_small"]()
    return model, geflow.compile(model)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
