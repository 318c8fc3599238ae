"""run_async, Stream and Event: many runs in flight on many streams and threads."""
import gc
import threading

import numpy as np
import pytest

import geflow
from conftest import assert_close, geflow_models, tiny_reference


def test_run_async_default_and_explicit_stream(tiny_exe):
    x = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
    for run in (tiny_exe.run_async(x), tiny_exe.run_async({"x": x}, geflow.Stream())):
        outs = run.result()
        assert run.done()
        for out, ref in zip(outs, tiny_reference(x)):
            assert_close(out, ref, rtol=0, atol=0)


def test_many_runs_in_flight_on_one_stream_collected_in_any_order(tiny_exe):
    stream = geflow.Stream()
    xs = [np.full((2, 4), i, np.float32) for i in range(16)]
    runs = [tiny_exe.run_async([x], stream) for x in xs]
    for i in reversed(range(16)):
        assert_close(runs[i].result()[1], tiny_reference(xs[i])[1], rtol=0, atol=0)
    stream.synchronize()
    assert stream.query()


def test_async_run_keeps_its_inputs_alive(resnet_small):
    model, exe = resnet_small
    rng = np.random.default_rng(7)
    x = rng.standard_normal((1, 3, 32, 32)).astype(np.float32)
    expected = geflow_models.reference(model, {"image": x})[0]
    runs = []
    for _ in range(4):
        runs.append(exe.run_async({"image": x.copy()}))  # the only reference is the run's
    gc.collect()
    for run in runs:
        assert_close(run.result()[0], expected)
    # A handle dropped without result() waits for its run before freeing buffers.
    exe.run_async({"image": x.copy()})
    gc.collect()


def test_threads_times_streams_match_sequential(resnet_small):
    """4 Python threads, each with its own stream and 3 runs in flight at a
    time, give exactly the sequential results."""
    _, exe = resnet_small
    rng = np.random.default_rng(11)
    inputs = [rng.standard_normal((1, 3, 32, 32)).astype(np.float32) for _ in range(12)]
    sequential = [exe.run(x)[0] for x in inputs]
    results = [None] * len(inputs)
    errors = []

    def worker(t):
        try:
            stream = geflow.Stream()
            mine = list(range(t, len(inputs), 4))
            runs = [(i, exe.run_async(inputs[i], stream)) for i in mine]
            for i, run in runs:
                results[i] = run.result()[0]
        except Exception as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for got, want in zip(results, sequential):
        np.testing.assert_array_equal(got, want)


def test_async_errors_are_raised_when_enqueued(tiny_exe):
    with pytest.raises(ValueError, match="expected float32"):
        tiny_exe.run_async(np.ones((2, 4)), geflow.Stream())
    with pytest.raises(ValueError, match=r"has shape \[1,4\]"):
        tiny_exe.run_async(np.ones((1, 4), np.float32))


def test_events_order_streams_and_time_work(resnet_small):
    _, exe = resnet_small
    x = np.ones((1, 3, 32, 32), np.float32)
    s1, s2 = geflow.Stream(), geflow.Stream()
    start, mid, end = geflow.Event(), geflow.Event(), geflow.Event()
    start.record(s1)
    first = exe.run_async(x, s1)
    mid.record(s1)
    s2.wait_event(mid)  # s2's work starts after s1's run
    second = exe.run_async(x, s2)
    s2.record_event(end)
    end.synchronize()
    assert end.query() and mid.query() and second.done() and first.done()
    assert start.elapsed_time(end) >= start.elapsed_time(mid) >= 0
    np.testing.assert_array_equal(first.result()[0], second.result()[0])


def test_event_errors():
    e = geflow.Event()
    assert e.query()  # never recorded: nothing pending
    e.synchronize()
    with pytest.raises(geflow.Error, match="never recorded|not recorded"):
        e.elapsed_time(geflow.Event())


def test_stream_repr_and_ids():
    a, b = geflow.Stream(), geflow.Stream()
    assert a.id != b.id and a.device_id == 0
    assert "geflow.Stream" in repr(a)
