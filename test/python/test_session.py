"""geflow.Session: the GE-style API (add/build/run graphs, async, streams)."""
import gc
import threading

import numpy as np
import onnx
import pytest

import geflow
from geflow import ops
from conftest import assert_close, geflow_models, tiny_graph, tiny_reference


@pytest.fixture
def session():
    s = geflow.Session({"ge.exec.deviceId": "0"})
    yield s
    s.synchronize()


def test_graph_from_builder(session):
    session.add_graph(1, tiny_graph("s1"))
    session.build_graph(1)
    assert [i.name for i in session.get_inputs(1)] == ["x"]
    assert [o.name for o in session.get_outputs(1)] == ["y", "z"]
    assert session.get_gears(1) == [[(2, 4)]]
    x = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
    for inputs in ([x], {"x": x}):
        for out, ref in zip(session.run_graph(1, inputs), tiny_reference(x)):
            assert_close(out, ref, rtol=0, atol=0)


def test_builder_graph_with_gears(session):
    g = geflow.Graph("geared")
    x = g.data("x", [-1, 4])
    g.output(ops.reduce_sum(x, axes=[1]), "s")
    session.add_graph(11, g, {"input_shape": "x:-1,4", "dynamic_batch_size": "1,3"})
    assert session.get_gears(11) == [[(1, 4)], [(3, 4)]]
    v = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert_close(session.run_graph(11, [v])[0], v.sum(1), rtol=0, atol=0)


def test_graph_from_onnx_file_with_graph_options(session, tmp_path, rng):
    model = geflow_models.MODELS["resnet_small"]()
    path = tmp_path / "r.onnx"
    onnx.save(model, str(path))
    session.add_graph(7, path, {"precision_mode": "must_keep_origin_dtype"})
    session.add_graph(8, str(path), {"precision_mode": "allow_fp32_to_fp16"})
    x = rng.standard_normal((1, 3, 32, 32)).astype(np.float32)
    ref = geflow_models.reference(model, {"image": x})[0]
    (exact,) = session.run_graph(7, [x])  # builds on first use
    (half,) = session.run_graph(8, [x])
    assert_close(exact, ref)
    # The graph option applies: fp16 compute, within fp16 tolerance.
    assert not np.allclose(half, ref, rtol=1e-5, atol=1e-5)
    assert_close(half, ref, rtol=1e-2, atol=1e-2)


def test_gfm_graph(session, tiny_exe, tmp_path):
    path = str(tmp_path / "t.gfm")
    tiny_exe.save(path)
    session.add_graph(3, path)
    x = np.ones((2, 4), np.float32)
    np.testing.assert_array_equal(session.run_graph(3, [x])[1], tiny_reference(x)[1])


def test_run_graph_async_future_and_callback(session):
    session.add_graph(1, tiny_graph("async"))
    seen, done = [], threading.Event()

    def callback(error, outputs):
        seen.append((error, [o.copy() for o in outputs]))
        done.set()

    xs = [np.full((2, 4), v, np.float32) for v in (-1.0, 0.25, 3.0)]
    futures = [session.run_graph_async(1, [x]) for x in xs]
    session.run_graph_async(1, {"x": xs[2]}, callback)
    for x, f in zip(xs, futures):
        for out, ref in zip(f.result(), tiny_reference(x)):
            assert_close(out, ref, rtol=0, atol=0)
        assert f.done()
    assert done.wait(30)
    session.synchronize()
    error, outputs = seen[0]
    assert error is None
    assert_close(outputs[1], tiny_reference(xs[2])[1], rtol=0, atol=0)


def test_run_graph_async_failure_reaches_callback_and_future(session):
    session.add_graph(2, tiny_graph("failing", batch=2))
    errors, done = [], threading.Event()

    def callback(error, outputs):
        errors.append((error, outputs))
        done.set()

    # Shapes are checked when the run executes on the session's worker.
    wrong = np.ones((3, 4), np.float32)
    future = session.run_graph_async(2, [wrong], callback)
    with pytest.raises(ValueError, match=r"input 'x' has shape \[3,4\], expected \[2,4\]"):
        future.result()
    assert done.wait(30)
    error, outputs = errors[0]
    assert isinstance(error, geflow.InvalidArgumentError) and outputs == []
    # Unknown graphs fail when enqueued.
    with pytest.raises(geflow.NotFoundError, match="graph 99 was not added"):
        session.run_graph_async(99, [np.ones((2, 4), np.float32)])


def test_run_graph_with_stream_async(session):
    session.add_graph(5, tiny_graph("streamed"))
    stream = geflow.Stream()
    x = np.linspace(0, 1, 8, dtype=np.float32).reshape(2, 4)
    run = session.run_graph_with_stream_async(5, stream, [x])
    outs = run.result()
    for out, ref in zip(outs, tiny_reference(x)):
        assert_close(out, ref, rtol=0, atol=0)
    y, z = np.empty((2, 4), np.float32), np.empty((2, 4), np.float32)
    session.run_graph_with_stream_async(5, stream, [x], [y, z])
    stream.synchronize()
    assert_close(z, tiny_reference(x)[1], rtol=0, atol=0)
    with pytest.raises(ValueError, match="writeable C-contiguous float32"):
        session.run_graph_with_stream_async(5, stream, [x], [y, np.empty((2, 4))])


def test_session_errors(session):
    with pytest.raises(ValueError, match="unknown option 'precision'"):
        geflow.Session({"precision": "force_fp16"})
    with pytest.raises(geflow.NotFoundError, match="graph 42 was not added"):
        session.build_graph(42)
    session.add_graph(1, tiny_graph("dup"))
    with pytest.raises(ValueError, match="graph 1 is already added"):
        session.add_graph(1, tiny_graph("dup2"))
    with pytest.raises(ValueError, match="option 'precision_mode' has value 'x'"):
        session.add_graph(2, tiny_graph("bad"), {"precision_mode": "x"})
    with pytest.raises(ValueError, match="takes a model path"):
        session.add_graph(3, 12)
    with pytest.raises(ValueError, match="has dtype float64"):
        session.run_graph(1, [np.ones((2, 4))])
    session.add_graph(4, "/nonexistent/model.onnx")
    with pytest.raises(geflow.Error, match="nonexistent/model.onnx"):
        session.build_graph(4)


def test_initialize_finalize():
    gc.collect()  # sessions of earlier tests must be gone before finalize
    if geflow.is_initialized():
        geflow.finalize()
    with pytest.raises(ValueError, match="did you mean 'ge.exec.deviceId'"):
        geflow.initialize({"ge.exec.deviceid": "0"})
    geflow.initialize({"ge.exec.deviceId": "0", "precision_mode": "force_fp32"})
    with pytest.raises(geflow.Error, match="already called"):
        geflow.initialize()
    s = geflow.Session()
    with pytest.raises(geflow.Error, match="session\\(s\\) still alive"):
        geflow.finalize()
    del s
    gc.collect()
    geflow.finalize()
    assert not geflow.is_initialized()
    geflow.Session()  # initializes again with the defaults
    assert geflow.is_initialized()


def test_compile_cache_offline_then_run(tmp_path):
    """GE offline compilation: build with ge.runFlag=0 into the cache, then a
    later session loads the cached executable and runs it."""
    cache = str(tmp_path / "cache")
    options = {"ge.graph_compiler_cache_dir": cache, "ge.graph_key": "tiny"}
    dev = geflow.Session({})
    dev.add_graph(1, tiny_graph("c1"), dict(options, **{"ge.runFlag": "0"}))
    dev.build_graph(1)
    assert not dev.is_built_from_cache(1)
    x = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
    with pytest.raises(ValueError, match="ge.runFlag=0 \\(compile only\\)"):
        dev.run_graph(1, [x])
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [
        "tiny.gfm", "tiny.idx", "tiny.lock"]

    run = geflow.Session({})
    run.add_graph(1, tiny_graph("c1"), options)
    assert run.is_built_from_cache(1)
    for out, ref in zip(run.run_graph(1, [x]), tiny_reference(x)):
        assert_close(out, ref, rtol=0, atol=0)


def test_session_graph_options_are_refused_by_compile(tmp_path):
    with pytest.raises(ValueError, match="option 'ge.graph_key' applies to graphs added "
                                         "to a Session"):
        geflow.compile(tiny_graph("c2"), options={"ge.graph_key": "k"})


@pytest.mark.parametrize("make", [
    lambda o: geflow.Session(o),
    lambda o: geflow.Session().add_graph(7, tiny_graph("opts"), o),
    lambda o: geflow.initialize(o),
])
def test_session_options_are_checked_as_compile_checks_them(make):
    """Session, add_graph and initialize take options as geflow.compile
    does: a str, None values or other types are errors saying what to
    write, not pybind's list of overloads."""
    with pytest.raises(geflow.ArgumentTypeError,
                       match=r"options must be a dict .* got the str 'precision_mode=force_fp16' "
                             r"\(write options=\{'precision_mode': 'force_fp16'\}\)"):
        make("precision_mode=force_fp16")
    with pytest.raises(geflow.ArgumentTypeError, match="options must be a dict .* got list"):
        make(["precision_mode"])
    with pytest.raises(geflow.InvalidArgumentError,
                       match="option 'precision_mode' has a value of type NoneType"):
        make({"precision_mode": None})


def test_session_options_convert_like_compile(rng):
    """Non-str values (ints, bools, lists) are converted as for compile."""
    s = geflow.Session({"ge.exec.deviceId": 0})
    s.add_graph(1, tiny_graph("gears", batch=-1), {"input_shape": {"x": [-1, 4]},
                                                    "dynamic_batch_size": [1, 2]})
    s.build_graph(1)
    x = rng.standard_normal((2, 4)).astype(np.float32)
    y, _ = s.run_graph(1, [x])
    assert_close(y, tiny_reference(x)[0])
    s.synchronize()
