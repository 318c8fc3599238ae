"""Bad requests get 4xx with a message naming the problem, while a
concurrent good load keeps succeeding (and gets the right answers)."""
import json
import os
import threading

import numpy as np
import pytest
import requests

from conftest import Server, image

X = np.random.default_rng(5).standard_normal((1, 3, 32, 32)).astype(np.float32)
GOOD = {"inputs": [{"name": "image", "shape": [1, 3, 32, 32], "datatype": "FP32",
                    "data": X.ravel().tolist()}]}


def kserve(**change):
    body = json.loads(json.dumps(GOOD))
    body["inputs"][0].update(change)
    return body


BINARY_HEAD = json.dumps({"inputs": [{"name": "image", "shape": [1, 3, 32, 32],
                                      "datatype": "FP32",
                                      "parameters": {"binary_data_size": X.nbytes}}]}).encode()

# (method, path, body, headers, status, words in the error)
CASES = [
    ("POST", "/v1/models/nope:predict", {"instances": [1]}, None, 404, "unknown model 'nope'"),
    ("POST", "/v1/models/cnn/versions/4:predict", {"instances": X.tolist()}, None, 404,
     "no available version 4"),
    ("GET", "/v1/models/cnn/versions/x1", None, None, 400, "not a version number"),
    ("POST", "/v1/models/cnn:predict", b'{"instances": [1, 2', None, 400, "malformed JSON"),
    ("POST", "/v1/models/cnn:predict", b"[" * 300 + b"]" * 300, None, 400, "nest more than 256"),
    ("POST", "/v1/models/cnn:predict", b"", None, 400, "body is empty"),
    ("POST", "/v1/models/cnn:predict", {"instance": []}, None, 400, "unknown key 'instance'"),
    ("POST", "/v1/models/cnn:predict", {"instances": []}, None, 400, "'instances' is empty"),
    ("POST", "/v1/models/cnn:predict", {"instances": X.tolist(), "inputs": X.tolist()}, None,
     400, "not both"),
    ("POST", "/v1/models/cnn:predict", {"instances": [[[[1.0]]]]}, None, 400,
     "has shape [1,1,1,1] but the model's input 'image' takes [1,3,32,32]"),
    ("POST", "/v1/models/cnn:predict", {"instances": [{"img": 1}]}, None, 400,
     "names input 'img', which the model does not have"),
    ("POST", "/v1/models/cnn:predict", {"instances": [[[[1, "a"]]]]}, None, 400,
     "instances[0][0][0][1] is not a number"),
    ("POST", "/v1/models/cnn:predict", {"instances": [{"b64": "AAAA"}]}, None, 400,
     "names input 'b64'"),
    ("POST", "/v1/models/pair:predict", {"instances": [[1, 2, 3, 4]]}, None, 400,
     "must be an object naming them ('a', 'b')"),
    ("POST", "/v1/models/pair:predict", {"inputs": {"a": [[1] * 4] * 2}}, None, 400,
     "'inputs' lacks input 'b'"),
    ("POST", "/v1/models/cnnb:predict", {"instances": image(np.random.default_rng(0), 9).tolist()},
     None, 400, "batch gears are 1,2,4,8"),
    ("POST", "/v1/models/cnn:classify", {"examples": []}, None, 400, "answer ':predict'"),
    ("POST", "/v2/models/cnn/infer", kserve(name="x"), None, 400, "unknown input 'x'"),
    ("POST", "/v2/models/cnn/infer", kserve(datatype="BYTES"), None, 400, "datatype 'BYTES'"),
    ("POST", "/v2/models/cnn/infer", kserve(datatype="INT32"), None, 400,
     "dtype INT32 but the model's input 'image' is FP32"),
    ("POST", "/v2/models/cnn/infer", kserve(shape=[1, 3, 32, 31]), None, 400,
     "data has 3072 elements but shape [1,3,32,31] takes 2976"),
    ("POST", "/v2/models/cnn/infer", kserve(data=[1, 2, 3]), None, 400, "data has 3 elements"),
    ("POST", "/v2/models/cnn/infer", kserve(shape=[1, -3]), None, 400,
     "not a non-negative integer"),
    ("POST", "/v2/models/cnn/infer", {"inputs": []}, None, 400, "input 'image' is missing"),
    ("POST", "/v2/models/cnn/infer", {"inputs": [GOOD["inputs"][0], GOOD["inputs"][0]]}, None,
     400, "given twice"),
    ("POST", "/v2/models/cnn/infer", dict(GOOD, outputs=[{"name": "probs"}]), None, 400,
     "unknown output 'probs'"),
    ("POST", "/v2/models/cnn/infer", BINARY_HEAD + X.tobytes()[:1000],
     {"Inference-Header-Content-Length": str(len(BINARY_HEAD))}, 400,
     "truncated binary data: input 'image' needs 12288 bytes, 1000 remain"),
    ("POST", "/v2/models/cnn/infer", BINARY_HEAD + X.tobytes() + b"xx",
     {"Inference-Header-Content-Length": str(len(BINARY_HEAD))}, 400, "2 bytes of binary data"),
    ("POST", "/v2/models/cnn/infer", BINARY_HEAD,
     {"Inference-Header-Content-Length": "99999"}, 400, "the body has only"),
    ("POST", "/v2/models/cnn/infer", BINARY_HEAD, {"Inference-Header-Content-Length": "ab"}, 400,
     "is not a byte count"),
    ("POST", "/v2/models/cnn/infer", BINARY_HEAD + X.tobytes(), None, 400,
     "needs the Inference-Header-Content-Length header"),
    ("GET", "/v2/models/nope", None, None, 404, "unknown model 'nope'"),
    ("GET", "/v3/anything", None, None, 404, "no such endpoint"),
]


def send(server, session, method, path, body, headers):
    kwargs = {"timeout": 30, "headers": headers}
    if isinstance(body, (bytes, bytearray)):
        kwargs["data"] = body
    elif body is not None:
        kwargs["json"] = body
    return session.request(method, server.url(path), **kwargs)


def test_bad_requests_under_good_load(server, executables):
    (expected,) = executables["cnn"].run({"image": X})
    stop = threading.Event()
    results = []

    def good_load():
        with requests.Session() as s:
            while not stop.is_set():
                r = s.post(server.url("/v2/models/cnn/infer"), json=GOOD, timeout=30)
                ok = r.status_code == 200 and np.array(
                    r.json()["outputs"][0]["data"], np.float32).tobytes() == expected.tobytes()
                results.append(ok)

    threads = [threading.Thread(target=good_load) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        with requests.Session() as s:
            for method, path, body, headers, status, words in CASES:
                r = send(server, s, method, path, body, headers)
                assert r.status_code == status, (path, body if not isinstance(body, bytes)
                                                 else body[:80], r.status_code, r.text)
                assert words in r.json()["error"], (path, r.json()["error"])
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert results and all(results), f"{results.count(False)} of {len(results)} good requests failed"



def test_body_size_limit(models, workdir):
    with Server([f"--model_name=cnn", f"--model_base_path={os.path.join(models['repo'], 'cnn')}",
                 "--max_request_bytes=4096"], workdir) as server:
        r = requests.post(server.url("/v2/models/cnn/infer"), json=GOOD, timeout=30)
        assert r.status_code == 413
        assert "larger than the server accepts" in r.json()["error"]
        # The server keeps serving small requests.
        r = requests.get(server.url("/v2/models/cnn"), timeout=30)
        assert r.status_code == 200


@pytest.mark.parametrize("args, words", [
    ([], "give --model_base_path"),
    (["--model_base_path=/x", "--model_config_file=/y"], "not both"),
    (["--model_config_file=/nonexistent.config"], "cannot read '/nonexistent.config'"),
    (["--model_base_path=/x", "--enable_batching=false", "--batching_parameters_file=/b"],
     "needs --enable_batching"),
    (["--model_base_path=/x", "--rest_api_timeout_in_ms=0"], "at least 1"),
])
def test_flag_errors(args, words):
    import subprocess
    from conftest import SERVE
    done = subprocess.run([SERVE, "--rest_api_port=0", "--port=1"] + args, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 1
    assert words in done.stderr, done.stderr


def test_config_file_errors(workdir):
    import subprocess
    from conftest import SERVE
    path = os.path.join(workdir, "bad.config")
    with open(path, "w") as f:
        f.write('model_config_list { config { name: "a" base_path: "/m" bogus: 1 } }\n')
    done = subprocess.run([SERVE, f"--model_config_file={path}"], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 1
    assert f"{path}:1:" in done.stderr and "bogus" in done.stderr, done.stderr
