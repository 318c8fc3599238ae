"""TF Serving's stored warm-up requests (assets.extra/tf_serving_warmup_requests):
geflow-serve replays them before a version serves, and a malformed file fails
that version's load with a message naming the file and the record while the
other models and versions serve."""
import os
import shutil
import time

import numpy as np
import requests

import geflow.serving
from conftest import Server, image, same_bits, write_config


def version_dir(root, name, version, gfm):
    d = os.path.join(root, name, str(version))
    os.makedirs(d)
    shutil.copy(gfm, os.path.join(d, "model.gfm"))
    return d


def state(server, name, version=None, timeout=60.0):
    """The version's status once it is no longer LOADING (bounded wait)."""
    path = f"/v1/models/{name}" + (f"/versions/{version}" if version else "")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = requests.get(server.url(path), timeout=5)
        if r.status_code == 200:
            s = r.json()["model_version_status"][0]
            if s["state"] != "LOADING":
                return s
        time.sleep(0.05)
    raise AssertionError(f"{path} still loading:\n" + server.log())


def test_warmup_requests_are_replayed(models, workdir, executables, rng):
    root = os.path.join(workdir, "warm_good")
    d = version_dir(root, "cnnb", 1, models["cnnb"])
    path = geflow.serving.write_warmup_requests(
        d, [{"image": image(rng, 1)}, {"image": image(rng, 3)},
            {"image": image(rng, 8)}], model_name="cnnb")
    assert path == os.path.join(d, "assets.extra", "tf_serving_warmup_requests")
    with Server([f"--model_base_path={os.path.join(root, 'cnnb')}", "--model_name=cnnb",
                 "--file_system_poll_wait_seconds=0"], workdir) as s:
        assert "3 warm-up requests replayed" in s.log()
        metrics = requests.get(s.url("/metrics"), timeout=5).text
        assert 'geflow_serve_warmup_requests_total{model="cnnb"} 3' in metrics, metrics
        x = image(rng, 2)
        r = requests.post(s.url("/v1/models/cnnb:predict"),
                          json={"instances": x.tolist()}, timeout=30)
        assert r.status_code == 200, r.text
        same_bits(r.json()["predictions"], executables["cnnb"].run({"image": x})[0])


def test_malformed_warmup_files_fail_only_their_version(models, workdir, rng):
    root = os.path.join(workdir, "warm_bad")
    a, b = rng.standard_normal((2, 2, 4)).astype(np.float32)
    good = {"a": a, "b": b}
    cases = {
        "badcrc": ([good, good], "record 2 (at byte {second}) has data whose CRC does not match"),
        "truncated": ([good, good], "record 2 (at byte {second}) is truncated"),
        "unknown": ([good, dict(good, c=a)], "record 2: unknown input 'c'"),
        "dtype": ([good, {"a": a.astype(np.float64), "b": b}],
                  "record 2: input 'a' has dtype DT_DOUBLE but the model's input 'a' is DT_FLOAT"),
        "shape": ([good, {"a": np.zeros((3, 4), np.float32), "b": b}],
                  "record 2: input 'a' has shape [3,4] but the model's input 'a' takes [2,4]"),
    }
    entries, expected = [], {}
    for name, (records, message) in cases.items():
        d = version_dir(root, name, 1, models["pair"])
        path = geflow.serving.write_warmup_requests(d, records)
        data = bytearray(open(path, "rb").read())
        second = len(data) // 2
        if name == "badcrc":
            data[second + 20] ^= 0x40
        elif name == "truncated":
            data = data[:-7]
        open(path, "wb").write(bytes(data))
        entries.append((name, os.path.join(root, name)))
        expected[name] = (path, message.format(second=second))
    # A good version 1 and a bad version 2 of one model: version 1 serves.
    version_dir(root, "mixed", 1, models["pair"])
    geflow.serving.write_warmup_requests(version_dir(root, "mixed", 2, models["pair"]),
                                         [{"a": a}])
    entries.append(("mixed", os.path.join(root, "mixed"), "all {}"))
    config = write_config(os.path.join(workdir, "warm_bad.config"), entries)
    s = Server([f"--model_config_file={config}", "--file_system_poll_wait_seconds=0"],
               workdir)
    s.start(wait_ready=False)
    try:
        for name, (path, message) in expected.items():
            st = state(s, name)
            assert st["state"] == "END", st
            error = st["status"]["error_message"]
            assert f"warm-up file '{path}': {message}" in error, (name, error)
            assert st["status"]["error_code"] == "INVALID_ARGUMENT", st
        bad = state(s, "mixed", 2)
        assert bad["state"] == "END" and "record 1: input 'b' is missing" in \
            bad["status"]["error_message"], bad
        assert state(s, "mixed", 1)["state"] == "AVAILABLE"
        r = requests.post(s.url("/v1/models/mixed/versions/1:predict"),
                          json={"inputs": {"a": a.tolist(), "b": b.tolist()}},
                          timeout=30)
        assert r.status_code == 200, r.text
        same_bits(r.json()["outputs"]["sum"], a + b)
        assert requests.get(s.url("/v2/models/unknown/ready"), timeout=5).status_code == 400
    finally:
        assert s.stop() == 0, s.log()


def test_python_writer_frames_like_tensorflow():
    # CRC-32C's check value, and a record whose bytes are known: TFRecord
    # frames b"" as 8 zero bytes, their masked CRC, nothing, the masked CRC
    # of nothing.
    assert geflow.serving.crc32c(b"123456789") == 0xE3069283
    assert geflow.serving.masked_crc32c(b"") == 0xA282EAD8
    framed = geflow.serving.tfrecord(b"")
    assert framed[:8] == bytes(8) and len(framed) == 16
    assert framed[12:] == (0xA282EAD8).to_bytes(4, "little")


def test_python_writer_matches_the_tensorflow_format_golden_file(workdir):
    # Record 8 of the golden file (written with protobuf's own library and
    # TFRecord framing, test/serving/make_golden_warmup.py) holds float32
    # [3.5, -0.5] as tensor_content, as geflow's writer stores values.
    golden = open(os.path.join(os.path.dirname(__file__), "data",
                               "golden_tf_serving_warmup_requests"), "rb").read()
    path = geflow.serving.write_warmup_requests(
        os.path.join(workdir, "golden_like"), [{"x": np.array([3.5, -0.5], np.float32)}],
        model_name="golden")
    ours = open(path, "rb").read()
    assert golden.endswith(ours), (ours.hex(), golden[-len(ours):].hex())
