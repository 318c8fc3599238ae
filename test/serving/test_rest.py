"""TF Serving REST and KServe v2 REST against geflow-run / Executable.run.

Results must equal geflow-run's (the demo CNN) and Executable.run's bit for
bit: the server prints float32 with 9 significant digits, which read back
to the same float32.
"""
import json
import os

import numpy as np
import requests

from conftest import BIN, image, run_tool, same_bits


def geflow_run(model, x, workdir, name="image"):
    path = os.path.join(workdir, "x.npy")
    out = os.path.join(workdir, "run-out")
    np.save(path, x)
    run_tool([os.path.join(BIN, "geflow-run"), f"--model={model}", f"--input={name}={path}",
              f"--output-dir={out}"])
    return np.load(os.path.join(out, "logits.npy"))


# ---- TF Serving ----

def test_status_and_metadata(server):
    r = requests.get(server.url("/v1/models/cnn"), timeout=10)
    assert r.status_code == 200
    assert r.json() == {"model_version_status": [
        {"version": "1", "state": "AVAILABLE",
         "status": {"error_code": "OK", "error_message": ""}}]}
    assert requests.get(server.url("/v1/models/cnn/versions/1"), timeout=10).status_code == 200
    meta = requests.get(server.url("/v1/models/cnnb/metadata"), timeout=10).json()
    assert meta["model_spec"] == {"name": "cnnb", "signature_name": "", "version": "1"}
    sig = meta["metadata"]["signature_def"]["signature_def"]["serving_default"]
    assert sig["inputs"]["image"]["dtype"] == "DT_FLOAT"
    assert [d["size"] for d in sig["inputs"]["image"]["tensor_shape"]["dim"]] == \
        ["-1", "3", "32", "32"]
    assert list(sig["outputs"]) == ["logits"]


def test_predict_rows_equal_geflow_run(server, models, workdir, rng):
    x = image(rng)
    expected = geflow_run(models["cnn"], x, workdir)
    r = requests.post(server.url("/v1/models/cnn:predict"),
                      json={"instances": x.tolist()}, timeout=30)
    assert r.status_code == 200, r.text
    same_bits(r.json()["predictions"], expected)
    # With the version in the path, and the columnar format.
    r = requests.post(server.url("/v1/models/cnn/versions/1:predict"),
                      json={"inputs": x.tolist()}, timeout=30)
    assert r.status_code == 200, r.text
    same_bits(r.json()["outputs"], expected)
    r = requests.post(server.url("/v1/models/cnn:predict"),
                      json={"signature_name": "serving_default",
                            "instances": [{"image": x[0].tolist()}]}, timeout=30)
    same_bits(r.json()["predictions"], expected)


def test_predict_batch_rows_on_gears(server, executables, rng):
    # 3 rows run on gear 4, padded; each row equals the same gear run
    # directly (Executable.run with the zero-padded batch).
    x = image(rng, 3)
    padded = np.concatenate([x, np.zeros((1, 3, 32, 32), np.float32)])
    (expected,) = executables["cnnb"].run({"image": padded})
    r = requests.post(server.url("/v1/models/cnnb:predict"),
                      json={"instances": x.tolist()}, timeout=30)
    assert r.status_code == 200, r.text
    same_bits(r.json()["predictions"], expected[:3])


def test_predict_two_inputs_two_outputs(server, executables, rng):
    a = rng.standard_normal((2, 4)).astype(np.float32)
    b = rng.standard_normal((2, 4)).astype(np.float32)
    s, p = executables["pair"].run({"a": a, "b": b})
    rows = [{"a": a[i].tolist(), "b": b[i].tolist()} for i in range(2)]
    r = requests.post(server.url("/v1/models/pair:predict"), json={"instances": rows}, timeout=30)
    assert r.status_code == 200, r.text
    predictions = r.json()["predictions"]
    assert [sorted(row) for row in predictions] == [["prod", "sum"]] * 2
    same_bits([row["sum"] for row in predictions], s)
    same_bits([row["prod"] for row in predictions], p)
    r = requests.post(server.url("/v1/models/pair:predict"),
                      json={"inputs": {"a": a.tolist(), "b": b.tolist()}}, timeout=30)
    outputs = r.json()["outputs"]
    same_bits(outputs["sum"], s)
    same_bits(outputs["prod"], p)


# ---- KServe v2 ----

def test_kserve_health_and_metadata(server):
    assert requests.get(server.url("/v2/health/live"), timeout=10).status_code == 200
    assert requests.get(server.url("/v2/health/ready"), timeout=10).status_code == 200
    meta = requests.get(server.url("/v2"), timeout=10).json()
    assert meta["name"] == "geflow-serve" and "binary_tensor_data" in meta["extensions"]
    m = requests.get(server.url("/v2/models/cnnb"), timeout=10).json()
    assert m == {"name": "cnnb", "versions": ["1"], "platform": "geflow_gfm",
                 "inputs": [{"name": "image", "datatype": "FP32", "shape": [-1, 3, 32, 32]}],
                 "outputs": [{"name": "logits", "datatype": "FP32", "shape": [-1, 10]}]}
    assert requests.get(server.url("/v2/models/cnn/ready"), timeout=10).status_code == 200
    assert requests.get(server.url("/v2/models/cnn/versions/1/ready"),
                        timeout=10).status_code == 200
    assert requests.get(server.url("/v2/models/cnn/versions/9/ready"),
                        timeout=10).status_code == 400


def test_kserve_infer_json(server, models, workdir, rng):
    x = image(rng)
    expected = geflow_run(models["cnn"], x, workdir)
    body = {"id": "req-7", "inputs": [{"name": "image", "shape": [1, 3, 32, 32],
                                       "datatype": "FP32", "data": x.ravel().tolist()}]}
    r = requests.post(server.url("/v2/models/cnn/infer"), json=body, timeout=30)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["model_name"] == "cnn" and out["model_version"] == "1" and out["id"] == "req-7"
    (o,) = out["outputs"]
    assert o["name"] == "logits" and o["datatype"] == "FP32" and o["shape"] == [1, 10]
    same_bits(np.reshape(o["data"], o["shape"]), expected)
    # Nested data is accepted too.
    body["inputs"][0]["data"] = x.tolist()
    r = requests.post(server.url("/v2/models/cnn/versions/1/infer"), json=body, timeout=30)
    same_bits(np.reshape(r.json()["outputs"][0]["data"], (1, 10)), expected)


def binary_request(inputs, outputs=None, binary_output=True):
    """A KServe binary-tensor request: JSON header, then the raw inputs."""
    header = {"inputs": [{"name": n, "shape": list(a.shape), "datatype": d,
                          "parameters": {"binary_data_size": a.nbytes}}
                         for n, a, d in inputs],
              "parameters": {"binary_data_output": binary_output}}
    if outputs is not None:
        header["outputs"] = outputs
    head = json.dumps(header).encode()
    body = head + b"".join(a.tobytes() for _, a, _ in inputs)
    return body, {"Inference-Header-Content-Length": str(len(head)),
                  "Content-Type": "application/octet-stream"}


def split_binary(r):
    n = int(r.headers["Inference-Header-Content-Length"])
    return json.loads(r.content[:n]), r.content[n:]


def test_kserve_binary_tensors(server, executables, rng):
    x = image(rng, 2)
    (expected,) = executables["cnnb"].run({"image": x})
    body, headers = binary_request([("image", x, "FP32")])
    r = requests.post(server.url("/v2/models/cnnb/infer"), data=body, headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    header, raw = split_binary(r)
    (o,) = header["outputs"]
    assert o["parameters"]["binary_data_size"] == expected.nbytes == len(raw)
    same_bits(np.frombuffer(raw, np.float32).reshape(o["shape"]), expected)


def test_kserve_requested_outputs(server, executables, rng):
    a = rng.standard_normal((2, 4)).astype(np.float32)
    b = rng.standard_normal((2, 4)).astype(np.float32)
    s, p = executables["pair"].run({"a": a, "b": b})
    # Inputs in any order; only 'prod', in binary; 'sum' as JSON.
    body, headers = binary_request(
        [("b", b, "FP32"), ("a", a, "FP32")],
        outputs=[{"name": "prod", "parameters": {"binary_data": True}},
                 {"name": "sum", "parameters": {"binary_data": False}}],
        binary_output=False)
    r = requests.post(server.url("/v2/models/pair/infer"), data=body, headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    header, raw = split_binary(r)
    assert [o["name"] for o in header["outputs"]] == ["prod", "sum"]
    same_bits(np.frombuffer(raw, np.float32).reshape(2, 4), p)
    same_bits(np.reshape(header["outputs"][1]["data"], (2, 4)), s)


def test_metrics(server, rng):
    x = image(rng)
    requests.post(server.url("/v1/models/cnn:predict"), json={"instances": x.tolist()}, timeout=30)
    requests.post(server.url("/v1/models/cnn:predict"), json={"instances": []}, timeout=30)
    text = requests.get(server.url("/metrics"), timeout=10).text
    lines = {ln.rsplit(" ", 1)[0]: float(ln.rsplit(" ", 1)[1])
             for ln in text.splitlines() if ln and not ln.startswith("#")}
    assert lines['geflow_serve_requests_total{model="cnn",protocol="tfserving",code="200"}'] >= 1
    assert lines['geflow_serve_requests_total{model="cnn",protocol="tfserving",code="400"}'] >= 1
    assert lines['geflow_serve_request_duration_seconds_count{model="cnn"}'] >= 2
    assert lines['geflow_serve_model_versions_available{model="pair"}'] == 1
    assert "# TYPE geflow_serve_request_duration_seconds histogram" in text


def test_float_text_round_trips(server):
    # Values whose shortest text needs all 9 digits come back exactly.
    a = np.array([[1 / 3, 2 / 3, 1e-38, 3.4028235e38], [-0.1, 7e-45, 16777217, -0.0]],
                 np.float32)
    zeros = np.zeros_like(a)
    r = requests.post(server.url("/v1/models/pair:predict"),
                      json={"inputs": {"a": a.tolist(), "b": zeros.tolist()}}, timeout=30)
    assert r.status_code == 200, r.text
    same_bits(r.json()["outputs"]["sum"], a + zeros)

