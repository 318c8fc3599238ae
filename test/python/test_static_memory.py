"""static_memory_policy / GE_USE_STATIC_MEMORY (docs/static-memory.md): a
Session's graphs share one feature-map arena sized by the largest run."""
import threading

import numpy as np
import pytest

import geflow
from geflow import ops
from conftest import assert_close

SHAPES = {1: (2, 16), 2: (8, 64), 3: (4, 32)}


def mlp(name, batch, k):
    """y = relu(x . W1 - 1) . W2: the hidden activation lives in the arena."""
    rng = np.random.default_rng(k)
    w1 = rng.standard_normal((k, k)).astype(np.float32) / np.sqrt(k)
    w2 = rng.standard_normal((k, k)).astype(np.float32) / np.sqrt(k)
    g = geflow.Graph(name)
    x = g.data("x", [batch, k], "float32")
    g.output(ops.matmul(ops.relu(ops.matmul(x, w1) - 1.0), w2), "y")
    return g, lambda v: np.maximum(v @ w1 - 1.0, 0) @ w2


def add_graphs(session, options=None):
    refs = {}
    for gid, (batch, k) in SHAPES.items():
        g, ref = mlp(f"mlp{gid}", batch, k)
        session.add_graph(gid, g, options or {})
        refs[gid] = ref
    return refs


def inputs(seed):
    rng = np.random.default_rng(seed)
    return {gid: rng.standard_normal(shape).astype(np.float32)
            for gid, shape in SHAPES.items()}


def test_graphs_share_one_arena_sized_by_the_largest():
    own = geflow.Session()
    shared = geflow.Session({"static_memory_policy": 2})
    refs = add_graphs(own)
    add_graphs(shared)
    for seed in range(3):
        xs = inputs(seed)
        for gid, x in xs.items():
            expected = own.run_graph(gid, [x])[0]
            got = shared.run_graph(gid, [x])[0]
            assert_close(got, refs[gid](x), rtol=1e-5, atol=1e-5)
            np.testing.assert_array_equal(got, expected)
    info, own_info = shared.memory_info(), own.memory_info()
    assert info["policy"] == 2 and own_info["policy"] == 0
    assert own_info["shared_arena_bytes"] == 0
    sizes = [g["arena_bytes"] for g in info["graphs"].values()]
    assert all(g["shared"] for g in info["graphs"].values())
    assert not any(g["shared"] for g in own_info["graphs"].values())
    assert sizes == [g["arena_bytes"] for g in own_info["graphs"].values()]
    assert min(sizes) > 0 and max(sizes) < sum(sizes)
    assert info["shared_arena_bytes"] == max(sizes)
    assert info["shared_arena_peak_bytes"] == max(sizes)
    assert info["shared_arena_growths"] == 1  # graph 2 outgrew graph 1
    assert info["shared_arena_runs"] == 9


def test_arena_grows_for_a_bigger_gear():
    g = geflow.Graph("geared")
    x = g.data("x", [-1, 32], "float32")
    w = np.full((32, 32), 0.125, np.float32)
    g.output(ops.matmul(ops.relu(ops.matmul(x, w)), w), "y")
    session = geflow.Session({"ge.exec.staticMemoryPolicy": "1"})  # GE: 1 is 2
    session.add_graph(1, g, {"input_shape": "x:-1,32", "dynamic_batch_size": "1,16"})
    seen = []
    for batch in (1, 16, 1):
        v = np.linspace(-1, 1, batch * 32, dtype=np.float32).reshape(batch, 32)
        assert_close(session.run_graph(1, [v])[0], np.maximum(v @ w, 0) @ w,
                     rtol=1e-5, atol=1e-6)
        seen.append(session.memory_info()["shared_arena_bytes"])
    info = session.memory_info()
    assert seen[0] < seen[1] == seen[2] == info["graphs"][1]["arena_bytes"]
    assert info["shared_arena_growths"] == 1
    assert info["shared_arena_peak_bytes"] == seen[1]


def test_runs_from_several_threads_stay_correct():
    shared = geflow.Session({"static_memory_policy": 4})
    refs = add_graphs(shared)
    errors = []

    def worker(t):
        try:
            for r in range(8):
                xs = inputs(100 * t + r)
                gid = (t + r) % 3 + 1
                got = shared.run_graph(gid, [xs[gid]])[0]
                assert_close(got, refs[gid](xs[gid]), rtol=1e-5, atol=1e-5)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    info = shared.memory_info()
    assert info["shared_arena_runs"] == 32
    assert info["shared_arena_bytes"] == max(
        g["arena_bytes"] for g in info["graphs"].values())


def test_bad_values_name_the_option(monkeypatch):
    with pytest.raises(geflow.InvalidArgumentError,
                       match=r"static_memory_policy.*\[0, 4\]"):
        geflow.Session({"static_memory_policy": 5})
    with pytest.raises(ValueError, match="option 'static_memory_policy' applies to graphs "
                                         "added to a Session"):
        geflow.compile(mlp("c", 2, 16)[0], options={"static_memory_policy": 2})
    monkeypatch.setenv("GE_USE_STATIC_MEMORY", "yes")
    with pytest.raises(geflow.InvalidArgumentError, match="GE_USE_STATIC_MEMORY='yes'"):
        geflow.Session()
    monkeypatch.setenv("GE_USE_STATIC_MEMORY", "2")
    with pytest.raises(geflow.InvalidArgumentError,
                       match="static_memory_policy=4 and environment variable "
                             "GE_USE_STATIC_MEMORY=2 conflict"):
        geflow.Session({"static_memory_policy": 4})
    session = geflow.Session()
    add_graphs(session)
    session.run_graph(2, [inputs(0)[2]])
    assert session.memory_info()["policy"] == 2
    assert session.memory_info()["graphs"][2]["shared"]
