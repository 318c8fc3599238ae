"""Several virtual devices from Python (docs/distributed.md#devices).

The device split is read from GEFLOW_DEVICE_COUNT when the runtime first
uses its device table, so each scenario runs in a child interpreter with
the variable set. Tolerance: the tiny graph's fp32 results are exact
(rtol = atol = 0 against NumPy); the CNN on two single-core devices must
give identical results (same kernels, same tiling).
"""
import os
import subprocess
import sys
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

TWO_DEVICES = textwrap.dedent("""
    import threading
    import numpy as np
    import geflow
    from conftest import geflow_models, tiny_graph, tiny_reference

    assert geflow.get_device_count() == 2
    p0, p1 = geflow.get_device_properties(0), geflow.get_device_properties(1)
    assert p0["cpus"] and p1["cpus"] and not set(p0["cpus"]) & set(p1["cpus"]), (p0, p1)
    assert p0["ai_core_count"] == len(p0["cpus"])

    # set_device chooses where compile/load/Stream put work.
    assert geflow.get_device() == 0
    tiny0 = geflow.compile(tiny_graph())
    geflow.set_device(1)
    assert geflow.get_device() == 1
    tiny1 = geflow.compile(tiny_graph())
    assert (tiny0.device_id, tiny1.device_id) == (0, 1)
    assert geflow.Stream().device_id == 1
    x = np.linspace(-2, 2, 8, dtype=np.float32).reshape(2, 4)
    for exe in (tiny0, tiny1):
        for got, want in zip(exe.run(x), tiny_reference(x)):
            np.testing.assert_array_equal(got, want)

    # Memory is accounted per device.
    free0, total0 = geflow.get_mem_info(0)
    free1, total1 = geflow.get_mem_info(1)
    assert total0 == total1 > 0 and free0 <= total0 and free1 <= total1

    # The demo CNN on both devices at once, one thread each.
    model = geflow_models.MODELS["resnet_small"]()
    cnn = [geflow.compile(model, {"ge.exec.deviceId": d}) for d in (0, 1)]
    rng = np.random.default_rng(3)
    inputs = [rng.standard_normal((1, 3, 32, 32)).astype(np.float32) for _ in range(8)]
    results = [[None] * len(inputs) for _ in cnn]
    errors = []

    def worker(d):
        try:
            for i, x in enumerate(inputs):
                results[d][i] = cnn[d].run(x)[0]
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(d,)) for d in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)

    # Each device counts its own AI cores' work (geflow.core_stats).
    for d in (0, 1):
        cores = geflow.core_stats(d)
        assert len(cores) == geflow.get_device_properties(d)["ai_core_count"], cores
        assert sum(c["busy_ns"] for c in cores) > 0, cores
        assert sum(c["work_items"] for c in cores) > 0, cores

    # A Session on device 1 through TF's session_device_id.
    geflow.initialize({"ge.exec.deviceId": "0"})
    s = geflow.Session({"session_device_id": "1"})
    s.add_graph(1, tiny_graph("s"))
    for got, want in zip(s.run_graph(1, [x]), tiny_reference(x)):
        np.testing.assert_array_equal(got, want)
    del s

    try:
        geflow.set_device(2)
    except geflow.InvalidArgumentError as e:
        assert "out of range: 2 device(s) exist" in str(e), e
    else:
        raise AssertionError("set_device(2) was accepted")
    print("two devices OK")
""")

BAD_SPLIT = textwrap.dedent("""
    import geflow
    try:
        geflow.set_device(0)
    except geflow.InvalidArgumentError as e:
        assert "GEFLOW_DEVICE_CORES" in str(e) and "expected CPU numbers" in str(e), e
    else:
        raise AssertionError("a bad GEFLOW_DEVICE_CORES was accepted")
    print("bad split OK")
""")


def run_child(script, **env):
    full = dict(os.environ, **env)
    full["PYTHONPATH"] = os.pathsep.join([HERE, full.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", script], env=full, capture_output=True,
                          text=True, timeout=240)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two host CPUs")
def test_two_devices_run_two_models_at_once():
    r = run_child(TWO_DEVICES, GEFLOW_DEVICE_COUNT="2")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "two devices OK" in r.stdout


def test_a_bad_split_is_an_error_not_the_default():
    r = run_child(BAD_SPLIT, GEFLOW_DEVICE_CORES="zero")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "bad split OK" in r.stdout
