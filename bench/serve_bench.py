#!/usr/bin/env python3
"""geflow-serve load benchmark (issue 20), loopback, bounded.

The ResNet-style test model (resnet_small, batch gears 1,2,4,8,16,32) served
by geflow-serve; 1, 8 and 32 concurrent clients send batch-1 KServe v2
binary-tensor requests over keep-alive HTTP for --seconds each, without and
with dynamic batching. Prints throughput and p50/p99 latency per point,
beside the in-process Executable.run throughput of the same model at batch 1
(serving overhead as a ratio); the first-request latency after a load (a
fresh server, over a connection opened beforehand; client side and server
side from the access log, against the steady median and against requests
sent after 10 ms idle) and after a hot reload
(the first answer of each new version under a steady request stream),
each against the steady median of back-to-back requests; and isolation: the
p99 latency of model A under load while model B is reloaded in a loop,
against A's p99 without reloads. Clients are Python threads on the same
machine: the figures include the client's cost.

Usage: serve_bench.py --bin BUILD/bin [--seconds S] [--trials N] [--parts first,...]
"""
import argparse
import http.client
import json
import os
import signal
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "models"))
sys.path.insert(0, os.path.join(HERE, "..", "build", "python"))
import geflow_models  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(bin_dir, base, extra, workdir, poll="0"):
    port, grpc_port = free_port(), free_port()
    log = open(os.path.join(workdir, f"serve-{port}.log"), "w")
    models = [f"--model_config_file={base}"] if base.endswith(".config") else \
        ["--model_name=cnn", f"--model_base_path={base}"]
    proc = subprocess.Popen([os.path.join(bin_dir, "geflow-serve")] + models +
                            [f"--rest_api_port={port}",
                             f"--port={grpc_port}", "--bind_address=127.0.0.1",
                             "--rest_api_num_threads=48", f"--file_system_poll_wait_seconds={poll}"]
                            + extra, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/v2/health/ready")
            if c.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.02)
    proc.kill()
    raise SystemExit("geflow-serve did not get ready")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)


def request_bytes(x):
    head = json.dumps({"inputs": [{"name": "image", "shape": list(x.shape), "datatype": "FP32",
                                   "parameters": {"binary_data_size": x.nbytes}}],
                       "parameters": {"binary_data_output": True}}).encode()
    return head + x.tobytes(), {"Inference-Header-Content-Length": str(len(head)),
                                "Content-Type": "application/octet-stream"}


def one(conn, body, headers, model="cnn", answer=None):
    t = time.perf_counter()
    conn.request("POST", f"/v2/models/{model}/infer", body, headers)
    r = conn.getresponse()
    data = r.read()
    elapsed = time.perf_counter() - t
    if r.status != 200:
        raise SystemExit(f"request failed: {r.status}")
    if answer is not None:
        n = int(r.getheader("Inference-Header-Content-Length"))
        answer.update(json.loads(data[:n]))
    return elapsed


def publish(base, version, gfm):
    """A new version directory, appearing whole (renamed into place)."""
    staging = os.path.join(base, f".staging{version}")
    os.makedirs(staging)
    shutil.copy(gfm, os.path.join(staging, "model.gfm"))
    os.rename(staging, os.path.join(base, str(version)))


def server_ms(log_path):
    """The server's own time (access log "ms", from the request's headers
    parsed to its answer) and phases of each inference, in order."""
    with open(log_path) as f:
        entries = [json.loads(line) for line in f]
    return [e for e in entries if e["path"].endswith("/infer")]


def first_after_load(bin_dir, base, body, headers, work, trials):
    """Per fresh server: the first inference (over a connection opened and
    used for a readiness GET beforehand, so no TCP or thread start-up is
    timed) against the median of the next 200 on the same connection, and
    the median of 20 more each sent after 10 ms idle (AI cores asleep again
    after DeviceOptions::runSpinMicros, caches cold: what a first request
    meets), as the client sees them and as the server's access log does."""
    trials_out = []
    for trial in range(trials):
        log = os.path.join(work, f"first-{trial}.access.log")
        proc, port = start(bin_dir, base, [f"--access_log={log}"], work)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/v2/models/cnn/ready")
            conn.getresponse().read()
            first = one(conn, body, headers)
            steady = np.median([one(conn, body, headers) for _ in range(200)])
            idle = []
            for _ in range(20):
                time.sleep(0.01)
                idle.append(one(conn, body, headers))
            conn.close()
        finally:
            stop(proc)
        served = server_ms(log)
        trials_out.append({
            "client": (first, steady, float(np.median(idle))),
            "server": (served[0]["ms"] / 1e3,
                       float(np.median([e["ms"] for e in served[1:201]])) / 1e3,
                       float(np.median([e["ms"] for e in served[201:]])) / 1e3),
            "first": served[0]})
    return trials_out


def first_after_reload(bin_dir, gfm, body, headers, work, reloads):
    """One client sends back to back while new versions are published; the
    first answer of each new version against the median of the others."""
    base = os.path.join(work, "reload")
    os.makedirs(base)
    publish(base, 1, gfm)
    proc, port = start(bin_dir, base, [], work, poll="0.05")
    firsts, others = [], []
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        current = "1"
        for _ in range(200):
            one(conn, body, headers)
        for v in range(2, reloads + 2):
            publish(base, v, gfm)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                answer = {}
                t = one(conn, body, headers, answer=answer)
                if answer["model_version"] != current:
                    current = answer["model_version"]
                    firsts.append(t)
                    break
                others.append(t)
            else:
                raise SystemExit(f"version {v} did not come up")
            for _ in range(100):
                others.append(one(conn, body, headers))
            shutil.rmtree(os.path.join(base, str(v - 1)))
        conn.close()
    finally:
        stop(proc)
    return firsts, float(np.median(others))


def isolation(bin_dir, gfm, body, headers, work, seconds, clients):
    """p99 of model A (`clients` back-to-back clients) without, then with,
    model B reloaded in a loop (a new .gfm version every 0.2 s, polled every
    0.05 s); returns (p99 without, p99 with, B's reloads)."""
    a, b = os.path.join(work, "iso_a"), os.path.join(work, "iso_b")
    os.makedirs(a)
    os.makedirs(b)
    publish(a, 1, gfm)
    publish(b, 1, gfm)
    config = os.path.join(work, "iso.config")
    with open(config, "w") as f:
        f.write(f'model_config_list {{ config {{ name: "a" base_path: "{a}" }} '
                f'config {{ name: "b" base_path: "{b}" }} }}\n')
    proc, port = start(bin_dir, config, [], work, poll="0.05")
    try:
        quiet = load(port, clients, seconds, body, headers, model="a")
        stop_reloads = threading.Event()
        published = [1]

        def reloader():
            while not stop_reloads.is_set():
                v = published[0] + 1
                publish(b, v, gfm)
                published[0] = v
                stop_reloads.wait(0.2)
                old = os.path.join(b, str(v - 2))
                if os.path.isdir(old):
                    shutil.rmtree(old)

        thread = threading.Thread(target=reloader)
        thread.start()
        try:
            busy = load(port, clients, seconds, body, headers, model="a")
        finally:
            stop_reloads.set()
            thread.join()
    finally:
        stop(proc)
    with open(os.path.join(work, f"serve-{port}.log")) as f:
        loaded = sum("model 'b' version" in line and " available " in line
                     for line in f) - 1
    return quiet, busy, published[0] - 1, loaded


def load(port, clients, seconds, body, headers, model="cnn"):
    latencies = []
    lock = threading.Lock()
    start_at = time.monotonic() + 0.2
    stop_at = start_at + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        one(conn, body, headers, model)
        mine = []
        while time.monotonic() < start_at:
            time.sleep(0.001)
        while time.monotonic() < stop_at:
            mine.append(one(conn, body, headers, model))
        with lock:
            latencies.extend(mine)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    ms = np.array(latencies) * 1e3
    return len(ms) / seconds, np.percentile(ms, 50), np.percentile(ms, 99)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--trials", type=int, default=5,
                   help="fresh servers / reloads timed for the first request")
    p.add_argument("--parts", default="load,first,reload,isolation",
                   help="what to measure: comma-separated of load (throughput and "
                        "latency at 1/8/32 clients), first (first request after a "
                        "load), reload (first answer of a new version), isolation")
    args = p.parse_args()
    parts = set(args.parts.split(","))
    import geflow  # the build's package (PYTHONPATH or build/python)

    with tempfile.TemporaryDirectory(prefix="serve-bench-") as work:
        onnx_path = os.path.join(work, "cnn.onnx")
        geflow_models.save(geflow_models.MODELS["resnet_small"](), onnx_path)
        base = os.path.join(work, "cnn")
        os.makedirs(os.path.join(base, "1"))
        gfm = os.path.join(base, "1", "model")
        subprocess.run([os.path.join(args.bin, "geflow-compile"), f"--model={onnx_path}",
                        f"--output={gfm}", "--input_shape=image:-1,3,32,32",
                        "--dynamic_batch_size=1,2,4,8,16,32", "--quiet"], check=True)
        batching = os.path.join(work, "batching.txt")
        with open(batching, "w") as f:
            f.write("max_batch_size { value: 32 }\nbatch_timeout_micros { value: 500 }\n"
                    "num_batch_threads { value: 2 }\nmax_enqueued_batches { value: 64 }\n")
        x = np.random.default_rng(0).standard_normal((1, 3, 32, 32)).astype(np.float32)
        body, headers = request_bytes(x)

        exe = geflow.load(gfm + ".gfm")
        for _ in range(50 if "load" in parts else 0):
            exe.run({"image": x})
        n, t0 = 0, time.perf_counter()
        while "load" in parts and time.perf_counter() - t0 < args.seconds:
            exe.run({"image": x})
            n += 1
        inproc = n / (time.perf_counter() - t0)
        if "load" in parts:
            print(f"in-process Executable.run, batch 1, one thread: {inproc:.0f} inferences/s "
                  f"({1e3 / inproc:.3f} ms each)")
            print(f"{'batching':<9} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
                  f"{'vs in-process':>14}")
            for label, extra in (("off", []), ("on", ["--enable_batching",
                                                      f"--batching_parameters_file={batching}"])):
                proc, port = start(args.bin, base, extra, work)
                try:
                    for clients in (1, 8, 32):
                        rps, p50, p99 = load(port, clients, args.seconds, body, headers)
                        print(f"{label:<9} {clients:>7} {rps:>8.0f} {p50:>8.3f} {p99:>8.3f} "
                              f"{rps / inproc:>13.2f}x")
                finally:
                    stop(proc)

        if "first" in parts:
            trials = first_after_load(args.bin, base, body, headers, work, args.trials)
            for side in ("client", "server"):
                print(f"first request after a load (warm-up on), {side} side, per fresh "
                      "server: first / steady median / after-10ms-idle median (ms)")
                print("  " + ", ".join(" / ".join(f"{v * 1e3:.3f}" for v in t[side])
                                       for t in trials))
                firsts = [t[side][0] for t in trials]
                print(f"  median first/steady {np.median([f / t[side][1] for f, t in zip(firsts, trials)]):.2f}x "
                      f"(target 1.5x), first/after-idle "
                      f"{np.median([f / t[side][2] for f, t in zip(firsts, trials)]):.2f}x")
            phases = ("read_ms", "decode_ms", "infer_ms", "encode_ms", "page_faults")
            print("  server phases of each first request: " + "; ".join(
                " ".join(f"{k.replace('_ms', '')}={t['first'].get(k)}" for k in phases)
                for t in trials))
        if "reload" in parts:
            firsts, steady = first_after_reload(args.bin, gfm + ".gfm", body, headers, work,
                                                args.trials)
            print("first request of each new version under a steady stream: " +
                  ", ".join(f"{f * 1e3:.3f}" for f in firsts) +
                  f" ms; steady median {steady * 1e3:.3f} ms; worst "
                  f"{max(firsts) / steady:.2f}x, median {np.median(firsts) / steady:.2f}x "
                  f"(target 1.5x)")
        if "isolation" in parts:
            clients = 4
            quiet, busy, reloads, loaded = isolation(args.bin, gfm + ".gfm", body, headers,
                                                    work, args.seconds, clients)
            print(f"isolation, model A at {clients} clients for {args.seconds:.0f} s: p99 "
                  f"{quiet[2]:.3f} ms ({quiet[0]:.0f} req/s) without reloads, {busy[2]:.3f} "
                  f"ms ({busy[0]:.0f} req/s) while model B got {reloads} new versions "
                  f"({loaded} loaded): {busy[2] / quiet[2]:.2f}x (target 1.25x); p50 "
                  f"{quiet[1]:.3f} -> {busy[1]:.3f} ms")


if __name__ == "__main__":
    main()
