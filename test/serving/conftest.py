"""Fixtures of geflow-serve's integration tests.

Run by CTest (serving.integration) with PYTHONPATH holding build/python and
the generated gRPC stubs, and GEFLOW_BIN the build's bin directory. Every
server is the real geflow-serve on free loopback ports, started and stopped
(SIGTERM, exit code checked) by the test within bounded time.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np
import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "test", "models"))

import geflow  # noqa: E402
import geflow_models  # noqa: E402

BIN = os.environ.get("GEFLOW_BIN", os.path.join(REPO, "build", "bin"))
SERVE = os.path.join(BIN, "geflow-serve")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 60.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A geflow-serve process on loopback ports of its own."""

    def __init__(self, args, log_dir):
        self.args = list(args)
        self.rest_port = free_port()
        self.grpc_port = free_port()
        while self.grpc_port == self.rest_port:
            self.grpc_port = free_port()
        self.log_path = os.path.join(log_dir, f"serve-{self.rest_port}.log")
        self.proc = None

    def url(self, path):
        return f"http://127.0.0.1:{self.rest_port}{path}"

    @property
    def grpc_target(self):
        return f"127.0.0.1:{self.grpc_port}"

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def start(self, wait_ready=True):
        cmd = [SERVE, f"--rest_api_port={self.rest_port}", f"--port={self.grpc_port}",
               "--bind_address=127.0.0.1"] + self.args
        self.log_file = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"geflow-serve exited with {self.proc.returncode}:\n"
                                     + self.log())
            try:
                r = requests.get(self.url("/v2/health/ready" if wait_ready
                                          else "/v2/health/live"), timeout=2)
                if r.status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        self.proc.kill()
        raise AssertionError("geflow-serve did not get ready:\n" + self.log())

    def stop(self, sig=signal.SIGTERM):
        """Signals the server and returns its exit code (bounded wait)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("geflow-serve did not stop on SIGTERM:\n" + self.log())
        finally:
            self.log_file.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        code = self.stop()
        if exc[0] is None:
            assert code == 0, f"geflow-serve exited with {code}:\n" + self.log()


def run_tool(args, timeout=120):
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def pair_graph():
    """Two inputs, two outputs: sum = a + b, prod = a * b on float32[2, 4]."""
    g = geflow.Graph("pair")
    a = g.data("a", [2, 4], "float32")
    b = g.data("b", [2, 4], "float32")
    g.output(a + b, "sum")
    g.output(a * b, "prod")
    return g


@pytest.fixture(scope="session")
def workdir():
    with tempfile.TemporaryDirectory(prefix="geflow-serve-test-") as d:
        yield d


@pytest.fixture(scope="session")
def models(workdir):
    """A model repository: cnn (the demo CNN, batch 1), cnnb (the same CNN
    with batch gears 1,2,4,8), pair (two inputs, two outputs)."""
    repo = os.path.join(workdir, "models")
    onnx_path = os.path.join(workdir, "small_cnn.onnx")
    geflow_models.save(geflow_models.MODELS["resnet_small"](), onnx_path)
    compile_ = os.path.join(BIN, "geflow-compile")
    os.makedirs(os.path.join(repo, "cnn", "1"))
    run_tool([compile_, f"--model={onnx_path}",
              f"--output={os.path.join(repo, 'cnn', '1', 'model')}"])
    os.makedirs(os.path.join(repo, "cnnb", "1"))
    run_tool([compile_, f"--model={onnx_path}", "--input_shape=image:-1,3,32,32",
              "--dynamic_batch_size=1,2,4,8",
              f"--output={os.path.join(repo, 'cnnb', '1', 'model')}"])
    os.makedirs(os.path.join(repo, "pair", "1"))
    pair_graph().compile().save(os.path.join(repo, "pair", "1", "pair.gfm"))
    return {"repo": repo, "onnx": onnx_path,
            "cnn": os.path.join(repo, "cnn", "1", "model.gfm"),
            "cnnb": os.path.join(repo, "cnnb", "1", "model.gfm"),
            "pair": os.path.join(repo, "pair", "1", "pair.gfm")}


def write_config(path, entries):
    """A ModelServerConfig text file for (name, base_path[, policy]) entries."""
    with open(path, "w") as f:
        f.write("model_config_list {\n")
        for e in entries:
            policy = f" model_version_policy {{ {e[2]} }}" if len(e) > 2 else ""
            f.write(f'  config {{ name: "{e[0]}" base_path: "{e[1]}"{policy} }}\n')
        f.write("}\n")
    return path


@pytest.fixture(scope="session")
def server(models, workdir):
    """One server for the protocol tests: cnn, cnnb and pair."""
    config = write_config(os.path.join(workdir, "models.config"),
                          [(n, os.path.join(models["repo"], n)) for n in ("cnn", "cnnb", "pair")])
    s = Server([f"--model_config_file={config}", "--file_system_poll_wait_seconds=0"], workdir)
    with s:
        yield s


@pytest.fixture(scope="session")
def executables(models):
    return {n: geflow.load(models[n]) for n in ("cnn", "cnnb", "pair")}


def image(rng, batch=1):
    return rng.standard_normal((batch, 3, 32, 32)).astype(np.float32)


@pytest.fixture
def rng():
    return np.random.default_rng(20)


def same_bits(actual, expected):
    actual = np.asarray(actual, dtype=expected.dtype)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert actual.tobytes() == expected.tobytes(), (actual, expected)
