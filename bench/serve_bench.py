#!/usr/bin/env python3
"""geflow-serve load benchmark (issue 20), loopback, bounded.

The ResNet-style test model (resnet_small, batch gears 1,2,4,8,16,32) served
by geflow-serve; 1, 8 and 32 concurrent clients send batch-1 KServe v2
binary-tensor requests over keep-alive HTTP for --seconds each, without and
with dynamic batching. Prints throughput and p50/p99 latency per point,
beside the in-process Executable.run throughput of the same model at batch 1
(serving overhead as a ratio), and the first-request latency after a load
against the steady median. Clients are Python threads on the same machine:
the figures include the client's cost.

Usage: serve_bench.py --bin BUILD/bin [--seconds S]
"""
import argparse
import http.client
import json
import os
import signal
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


def start(bin_dir, base, extra, workdir):
    port, grpc_port = free_port(), free_port()
    log = open(os.path.join(workdir, f"serve-{port}.log"), "w")
    proc = subprocess.Popen([os.path.join(bin_dir, "geflow-serve"), "--model_name=cnn",
                             f"--model_base_path={base}", f"--rest_api_port={port}",
                             f"--port={grpc_port}", "--bind_address=127.0.0.1",
                             "--rest_api_num_threads=48", "--file_system_poll_wait_seconds=0"]
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


def one(conn, body, headers):
    t = time.perf_counter()
    conn.request("POST", "/v2/models/cnn/infer", body, headers)
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        raise SystemExit(f"request failed: {r.status}")
    return time.perf_counter() - t


def load(port, clients, seconds, body, headers):
    latencies = []
    lock = threading.Lock()
    start_at = time.monotonic() + 0.2
    stop_at = start_at + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        one(conn, body, headers)
        mine = []
        while time.monotonic() < start_at:
            time.sleep(0.001)
        while time.monotonic() < stop_at:
            mine.append(one(conn, body, headers))
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
    args = p.parse_args()
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
        for _ in range(50):
            exe.run({"image": x})
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < args.seconds:
            exe.run({"image": x})
            n += 1
        inproc = n / (time.perf_counter() - t0)
        print(f"in-process Executable.run, batch 1, one thread: {inproc:.0f} inferences/s "
              f"({1e3 / inproc:.3f} ms each)")

        print(f"{'batching':<9} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'vs in-process':>14}")
        for label, extra in (("off", []), ("on", ["--enable_batching",
                                                  f"--batching_parameters_file={batching}"])):
            proc, port = start(args.bin, base, extra, work)
            try:
                if label == "off":
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    conn.connect()  # time the request, not the TCP handshake
                    first = one(conn, body, headers)
                    steady = np.median([one(conn, body, headers) for _ in range(200)])
                    conn.close()
                for clients in (1, 8, 32):
                    rps, p50, p99 = load(port, clients, args.seconds, body, headers)
                    print(f"{label:<9} {clients:>7} {rps:>8.0f} {p50:>8.3f} {p99:>8.3f} "
                          f"{rps / inproc:>13.2f}x")
            finally:
                stop(proc)
        print(f"first request after load (warm-up on): {first * 1e3:.3f} ms; steady median "
              f"{steady * 1e3:.3f} ms ({first / steady:.2f}x)")


if __name__ == "__main__":
    main()
