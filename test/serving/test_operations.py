"""Dynamic batching, overload, hot reload and graceful shutdown, each under
a concurrent load of real clients."""
import os
import shutil
import signal
import subprocess
import threading
import time

import geflow
import geflow.air
import numpy as np
import requests

from conftest import BIN, Server, image

# Different gears may sum in a different order: rows that ran in a batch
# are compared with Executable.run at rtol = atol = 1e-5.
TOL = 1e-5


def batching_file(workdir, name, **params):
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        for k, v in params.items():
            f.write(f"{k} {{ value: {v} }}\n")
    return path


def load(server, n_threads, seconds, make_request, check):
    """Runs n_threads clients for `seconds`; returns (ok, failures)."""
    stop = time.monotonic() + seconds
    ok, failures = [0], []
    lock = threading.Lock()

    def client(i):
        rng = np.random.default_rng(i)
        with requests.Session() as s:
            while time.monotonic() < stop:
                path, body, expect = make_request(rng)
                r = s.post(server.url(path), json=body, timeout=30)
                problem = check(r, expect)
                with lock:
                    if problem:
                        failures.append(problem)
                    else:
                        ok[0] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    return ok[0], failures


def metric(server, name):
    text = requests.get(server.url("/metrics"), timeout=10).text
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            if line.rsplit(" ", 1)[0] == name or line.startswith(name):
                return float(line.rsplit(" ", 1)[1])
    return None


def test_dynamic_batching_exact_rows(models, workdir, executables):
    params = batching_file(workdir, "batching.txt", max_batch_size=8,
                           batch_timeout_micros=20000, num_batch_threads=1)
    exe = executables["cnnb"]
    args = [f"--model_name=cnnb", f"--model_base_path={os.path.join(models['repo'], 'cnnb')}",
            "--enable_batching", f"--batching_parameters_file={params}"]

    def make(rng):
        x = image(rng, int(rng.integers(1, 3)))
        (ref,) = exe.run({"image": np.concatenate([x, np.zeros((8 - len(x), 3, 32, 32),
                                                                np.float32)])})
        return "/v1/models/cnnb:predict", {"instances": x.tolist()}, ref[:len(x)]

    def check(r, expect):
        if r.status_code != 200:
            return r.text
        got = np.array(r.json()["predictions"], np.float32)
        if got.shape != expect.shape or not np.allclose(got, expect, rtol=TOL, atol=TOL):
            return f"wrong rows: {got.shape} vs {expect.shape}"
        return None

    with Server(args, workdir) as server:
        ok, failures = load(server, 8, 2.0, make, check)
        assert not failures, failures[:3]
        assert ok > 0
        rows = metric(server, 'geflow_serve_batch_size_sum{model="cnnb"}')
        batches = metric(server, 'geflow_serve_batch_size_count{model="cnnb"}')
        # Requests were merged: fewer batches than requests.
        assert batches < ok, (batches, ok)
        assert rows >= ok


def test_dynamic_batching_on_a_shape_range(models, workdir):
    """A model ranged in the batch (input_shape_range image:[2~8,...]):
    requests of 1 to 3 rows are merged into runs of their total rows (a
    lone 1-row request padded to the minimum 2), and each answer holds
    exactly its own rows, equal to running those rows alone."""
    base = os.path.join(workdir, "ranged")
    os.makedirs(os.path.join(base, "1"))
    out = os.path.join(base, "1", "model")
    done = subprocess.run([os.path.join(BIN, "geflow-compile"), f"--model={models['onnx']}",
                           "--input_shape_range=image:[2~8,3,32,32]", f"--output={out}"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    exe = geflow.load(out + ".gfm")
    params = batching_file(workdir, "ranged-batching.txt", max_batch_size=8,
                           batch_timeout_micros=20000, num_batch_threads=1)
    args = ["--model_name=ranged", f"--model_base_path={base}", "--enable_batching",
            f"--batching_parameters_file={params}"]

    def make(rng):
        x = image(rng, int(rng.integers(1, 4)))
        # The rows alone (padded with a zero row to the range's minimum).
        (ref,) = exe.run({"image": np.concatenate([x, np.zeros((max(0, 2 - len(x)), 3, 32, 32),
                                                                np.float32)])})
        return "/v1/models/ranged:predict", {"instances": x.tolist()}, ref[:len(x)]

    def check(r, expect):
        if r.status_code != 200:
            return r.text
        got = np.array(r.json()["predictions"], np.float32)
        if got.shape != expect.shape or not np.allclose(got, expect, rtol=TOL, atol=TOL):
            return f"wrong rows: {got.shape} vs {expect.shape}"
        return None

    with Server(args, workdir) as server:
        assert ", batching)" in server.log(), server.log()
        ok, failures = load(server, 6, 2.0, make, check)
        assert not failures, failures[:3]
        assert ok > 0
        rows = metric(server, 'geflow_serve_batch_size_sum{model="ranged"}')
        batches = metric(server, 'geflow_serve_batch_size_count{model="ranged"}')
        assert batches < ok, (batches, ok)  # merged
        assert rows >= ok
        # More rows than max_batch_size: refused, naming the bound.
        r = requests.post(server.url("/v1/models/ranged:predict"),
                          json={"instances": np.zeros((9, 3, 32, 32)).tolist()}, timeout=30)
        assert r.status_code == 400 and "max_batch_size 8" in r.text, r.text


def test_full_queue_answers_429(models, workdir):
    params = batching_file(workdir, "tiny-queue.txt", max_batch_size=1,
                           batch_timeout_micros=0, max_enqueued_batches=1, num_batch_threads=1)
    args = [f"--model_name=cnnb", f"--model_base_path={os.path.join(models['repo'], 'cnnb')}",
            "--enable_batching", f"--batching_parameters_file={params}"]
    x = image(np.random.default_rng(1)).tolist()
    with Server(args, workdir) as server:
        codes, messages = [], []
        lock = threading.Lock()

        def client():
            with requests.Session() as s:
                for _ in range(20):
                    r = s.post(server.url("/v1/models/cnnb:predict"), json={"instances": x},
                               timeout=30)
                    with lock:
                        codes.append(r.status_code)
                        if r.status_code != 200:
                            messages.append(r.json()["error"])

        threads = [threading.Thread(target=client) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert set(codes) <= {200, 429}, set(codes)
        assert 429 in codes and 200 in codes
        assert all("batching queue is full" in m for m in messages)
        assert metric(server, 'geflow_serve_requests_total{model="cnnb",protocol="tfserving",'
                              'code="429"}') == codes.count(429)


def test_hot_reload_under_load(models, workdir, executables):
    base = os.path.join(workdir, "reload")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(base, "1"))
    shutil.copy(models["cnn"], os.path.join(base, "1", "model.gfm"))
    x = image(np.random.default_rng(2))
    (expected,) = executables["cnn"].run({"image": x})
    body = {"inputs": [{"name": "image", "shape": [1, 3, 32, 32], "datatype": "FP32",
                        "data": x.ravel().tolist()}]}
    versions = set()

    def make(rng):
        return "/v2/models/m/infer", body, expected

    def check(r, expect):
        if r.status_code != 200:
            return r.text
        out = r.json()
        versions.add(out["model_version"])
        got = np.array(out["outputs"][0]["data"], np.float32)
        return None if got.tobytes() == expect.tobytes() else "wrong result"

    args = ["--model_name=m", f"--model_base_path={base}", "--file_system_poll_wait_seconds=0.1"]
    with Server(args, workdir) as server:
        def publish():
            time.sleep(0.5)
            staging = os.path.join(base, ".staging")
            os.makedirs(staging)
            shutil.copy(models["cnn"], os.path.join(staging, "model.gfm"))
            os.rename(staging, os.path.join(base, "2"))  # appears whole

        publisher = threading.Thread(target=publish)
        publisher.start()
        ok, failures = load(server, 4, 2.0, make, check)
        publisher.join()
        assert not failures, failures[:3]
        assert versions == {"1", "2"}, versions
        status = requests.get(server.url("/v1/models/m"), timeout=10).json()
        assert [v["version"] for v in status["model_version_status"]] == ["2"]
        assert "version 1 retired" in server.log()


def test_sigterm_drains_in_flight_requests(models, workdir):
    args = [f"--model_name=cnn", f"--model_base_path={os.path.join(models['repo'], 'cnn')}"]
    server = Server(args, workdir).start()
    x = image(np.random.default_rng(3)).tolist()
    answered, bad, refused = [0], [], [0]
    lock = threading.Lock()
    stop = threading.Event()

    def client():
        with requests.Session() as s:
            while not stop.is_set():
                try:
                    r = s.post(server.url("/v1/models/cnn:predict"), json={"instances": x},
                               timeout=30)
                except requests.ConnectionError:
                    # Not accepted: the server had stopped listening.
                    with lock:
                        refused[0] += 1
                    if server.proc.poll() is not None:
                        return
                    time.sleep(0.01)
                    continue
                with lock:
                    if r.status_code == 200:
                        answered[0] += 1
                    else:
                        bad.append((r.status_code, r.text))

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    code = server.stop(signal.SIGTERM)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert code == 0, server.log()
    assert not bad, bad[:3]
    assert answered[0] > 0
    assert "draining" in server.log() and "stopped" in server.log()


def test_deadline_in_queue_and_access_log(models, workdir):
    # A lone request waits batch_timeout_micros (200 ms) for company, past
    # its 20 ms deadline: answered 504 without running.
    params = batching_file(workdir, "slow-batch.txt", max_batch_size=8,
                           batch_timeout_micros=200000)
    log = os.path.join(workdir, "access.log")
    args = [f"--model_name=cnnb", f"--model_base_path={os.path.join(models['repo'], 'cnnb')}",
            "--enable_batching", f"--batching_parameters_file={params}",
            "--rest_api_timeout_in_ms=20", f"--access_log={log}"]
    x = image(np.random.default_rng(4)).tolist()
    with Server(args, workdir) as server:
        r = requests.post(server.url("/v1/models/cnnb:predict"), json={"instances": x}, timeout=30)
        assert r.status_code == 504, r.text
        assert "timed out waiting for a batch" in r.json()["error"]
    import json
    with open(log) as f:
        entries = [json.loads(line) for line in f]
    predict = [e for e in entries if e["path"] == "/v1/models/cnnb:predict"]
    assert len(predict) == 1 and predict[0]["status"] == 504 and predict[0]["method"] == "POST"
    assert predict[0]["request_bytes"] > 0 and predict[0]["ms"] >= 0
    # Its phases: the body was read and decoded, Servable::infer answered
    # (with the timeout) and nothing was encoded.
    e = predict[0]
    assert all(k in e for k in ("read_ms", "decode_ms", "infer_ms")), e
    assert "encode_ms" not in e and e["page_faults"] >= 0, e
    assert e["read_ms"] + e["decode_ms"] + e["infer_ms"] <= e["ms"], e


def test_compile_at_load_onnx_and_air(models, workdir):
    """.onnx and .air versions are compiled when they load, with the GE options
    of options.txt (the .onnx: conftest's cnnb gears; the .air: none, as
    conftest's cnn); answers equal the geflow-compile'd .gfm's bit for bit."""
    base = os.path.join(workdir, "compiled")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(base, "1"))
    os.makedirs(os.path.join(base, "2"))
    shutil.copy(models["onnx"], os.path.join(base, "1", "cnn.onnx"))
    geflow.air.export_air(models["onnx"], os.path.join(base, "2", "cnn.air"), text=False)
    with open(os.path.join(base, "1", "options.txt"), "w") as f:
        f.write("# the batch gears of conftest's cnnb\n"
                "input_shape=image:-1,3,32,32\ndynamic_batch_size=1,2,4,8\n")
    config = os.path.join(workdir, "compiled.config")
    with open(config, "w") as f:
        f.write(f'model_config_list {{ config {{ name: "m" base_path: "{base}" '
                f'model_version_policy {{ all {{}} }} }} }}\n')
    rng = np.random.default_rng(3)
    cases = {"1": ("cnnb", image(rng, batch=2)), "2": ("cnn", image(rng))}
    with Server([f"--model_config_file={config}", "--file_system_poll_wait_seconds=0"],
                workdir) as server:
        for v, (reference, x) in cases.items():
            (expected,) = geflow.load(models[reference]).run({"image": x})
            r = requests.post(server.url(f"/v1/models/m/versions/{v}:predict"),
                              json={"instances": x.tolist()}, timeout=30)
            assert r.status_code == 200, r.text
            got = np.array(r.json()["predictions"], np.float32)
            assert got.tobytes() == expected.tobytes(), v
    # A version with two models is refused, naming the directory.
    bad = os.path.join(workdir, "twomodels")
    shutil.rmtree(bad, ignore_errors=True)
    os.makedirs(os.path.join(bad, "1"))
    shutil.copy(models["onnx"], os.path.join(bad, "1", "a.onnx"))
    shutil.copy(os.path.join(base, "2", "cnn.air"), os.path.join(bad, "1", "b.air"))
    server = Server(["--model_name=t", f"--model_base_path={bad}",
                     "--file_system_poll_wait_seconds=0"], workdir).start(wait_ready=False)
    try:
        status = requests.get(server.url("/v1/models/t"), timeout=10).json()
        (v,) = status["model_version_status"]
        assert v["state"] == "END", v
        assert "must hold exactly one model (a .gfm, .onnx, .air or .mlir)" in \
            v["status"]["error_message"], v
    finally:
        assert server.stop() == 0, server.log()
