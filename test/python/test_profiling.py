"""Profiling (GE 5.3): trace.json, op_summary.csv, op_statistic.csv, the
profiling options and Executable.profile, on the small ResNet compiled onto two
streams (its downsample shortcuts run beside the main branch)."""
import csv
import json
import os
import subprocess

import numpy as np
import pytest

import geflow
import geflow_models

BUILD_BIN = os.path.join(os.path.dirname(os.path.dirname(geflow.__file__)), "..", "bin")


@pytest.fixture(scope="module")
def two_stream():
    model = geflow_models.MODELS["resnet_small"]()
    exe = geflow.compile(model, options={"stream_max_parallel_num": "2"})
    assert exe.summary["streams"] == 2
    return model, exe


def _x():
    return np.random.default_rng(7).standard_normal((1, 3, 32, 32)).astype(np.float32)


def test_trace_tracks_names_and_flows(two_stream, tmp_path):
    _, exe = two_stream
    rows = exe.profile({"image": _x()}, runs=2, output=str(tmp_path))
    trace = json.load(open(tmp_path / "trace.json"))
    events = trace["traceEvents"]
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
             if e["ph"] == "M" and e["name"] == "thread_name"}
    procs = {e["pid"]: e["args"]["name"] for e in events
             if e["ph"] == "M" and e["name"] == "process_name"}
    assert procs == {0: "Host", 1: "Streams", 2: "AI Cores"}
    # A track per program stream and per AI core that ran a block.
    assert names[(1, 0)] == "Stream 0" and names[(1, 1)] == "Stream 1"
    assert any(pid == 2 and n.startswith("AI Core") for (pid, _), n in names.items())
    slices = [e for e in events if e["ph"] == "X"]
    tasks = [e for e in slices if e["pid"] == 1 and e["cat"] == "AI_CORE"]
    # Task names are "<GE op name> (<GE op type>)"; args carry the details.
    conv = next(e for e in tasks if e["args"]["op_type"] == "Conv2D")
    assert conv["name"] == f'{conv["args"]["op_name"]} (Conv2D)'
    for key in ("block_dim", "tiling_bytes", "inputs", "outputs", "bytes", "flops"):
        assert key in conv["args"]
    assert conv["args"]["inputs"][0]["shape"] == [1, 3, 32, 32]
    # Conv 3->8, 7x7, stride 2 on 32x32: 2 * (8*16*16) * (3*7*7) FLOPs.
    assert conv["args"]["flops"] == 2 * 8 * 16 * 16 * 3 * 7 * 7
    # Every kernel block lies inside its task's span.
    blocks = [e for e in slices if e["pid"] == 2]
    assert blocks
    # Host spans: one enqueue per run plus the synchronizes.
    host = [e["name"] for e in slices if e["pid"] == 0]
    assert host.count("enqueue " + exe.name) == 2 and "synchronize" in host
    # One flow per record -> wait, going between the two streams.
    starts = {e["id"]: e for e in events if e["ph"] == "s"}
    ends = {e["id"]: e for e in events if e["ph"] == "f"}
    records = [e for e in slices if e["cat"] == "event" and e["name"].startswith("EventRecord")]
    assert len(starts) == len(records) > 0
    assert set(ends) <= set(starts) and len(ends) > 0
    for fid, f in ends.items():
        assert f["tid"] != starts[fid]["tid"], "a flow joins two streams"
        assert f["ts"] >= starts[fid]["ts"], "a wait ends after its record"
    # The rows Executable.profile returns are the CSV's.
    assert len(rows) == len(tasks) + sum(1 for e in slices
                                         if e["pid"] == 1 and e["cat"] in ("MEMCPY", "HOST_CPU"))


def test_csv_consistent_with_trace(two_stream, tmp_path):
    _, exe = two_stream
    exe.profile({"image": _x()}, runs=3, output=str(tmp_path))
    summary = list(csv.DictReader(open(tmp_path / "op_summary.csv")))
    statistic = list(csv.DictReader(open(tmp_path / "op_statistic.csv")))
    events = json.load(open(tmp_path / "trace.json"))["traceEvents"]
    for col in ("Op Name", "OP Type", "Task Type", "Stream ID", "Task Start Time(us)",
                "Task Duration(us)", "Block Dim", "Input Shapes", "Input Data Types",
                "Input Formats", "Output Shapes", "Output Data Types", "Output Formats",
                "GFLOP/s", "GB/s"):
        assert col in summary[0]
    tasks = {(e["args"]["run"], e["args"]["task_id"]): e for e in events
             if e["ph"] == "X" and e["pid"] == 1 and e["cat"] != "event"}
    assert len(tasks) == len(summary)
    for r in summary:
        e = tasks[(int(r["Run"]), int(r["Task ID"]))]
        assert abs(float(r["Task Duration(us)"]) - e["dur"]) < 0.002
        assert abs(float(r["Task Start Time(us)"]) - e["ts"]) < 0.002
        assert r["Op Name"] == e["args"]["op_name"]
    assert {int(r["Run"]) for r in summary} == {0, 1, 2}
    total = sum(float(r["Task Duration(us)"]) for r in summary)
    assert abs(sum(float(s["Total Time(us)"]) for s in statistic) - total) < 0.01 * len(statistic)
    assert abs(sum(float(s["Ratio(%)"]) for s in statistic) - 100) < 0.1
    for s in statistic:
        mine = [float(r["Task Duration(us)"]) for r in summary if r["OP Type"] == s["OP Type"]]
        assert int(s["Count"]) == len(mine)
        assert abs(float(s["Max Time(us)"]) - max(mine)) < 0.002


def test_profiling_does_not_change_outputs(two_stream, tmp_path):
    model, exe = two_stream
    x = _x()
    (plain,) = exe.run({"image": x})
    exe.profile({"image": x}, runs=1)
    (again,) = exe.run({"image": x})
    prof = geflow.compile(model, options={"stream_max_parallel_num": "2", "profiling_mode": "true",
                                          "profiling_options": json.dumps({"output": str(tmp_path)})})
    (profiled,) = prof.run({"image": x})
    assert prof.profiler.runs() == 1
    assert np.array_equal(plain, again) and np.array_equal(plain, profiled)
    assert exe.profiler is None  # profile() detaches its profiler


@pytest.mark.parametrize("options, message", [
    ({"profiling_mode": "yes"}, "option 'profiling_mode' has value 'yes': expected true or false"),
    ({"profiling_mode": "true", "profiling_options": "{\"outptu\": \"d\", \"l3\": \"on\"}"},
     "unknown keys 'l3', 'outptu'"),
    ({"profiling_mode": "true", "profiling_options": "{\"task_trace\": \"yes\"}"},
     "key 'task_trace' takes \"on\" or \"off\""),
    ({"profiling_mode": "true", "profiling_options": "[1]"}, "expected a JSON object"),
    ({"profiling_mode": "true", "profiling_options": "{\"output\": "}, "not valid JSON"),
    ({"profiling_mode": "true", "profiling_options": "{\"aic_metrics\": \"Fast\"}"},
     "key 'aic_metrics' has value 'Fast'"),
    ({"profiling_options": "{\"output\": \"d\"}"}, "needs profiling_mode true"),
])
def test_bad_profiling_options(tiny_exe, options, message):
    from conftest import tiny_graph
    with pytest.raises(geflow.InvalidArgumentError, match=message.replace("(", r"\(").replace("'", "'")):
        geflow.compile(tiny_graph(), options=options)


def test_environment_variables(tmp_path, monkeypatch):
    from conftest import tiny_graph
    monkeypatch.setenv("PROFILING_MODE", "true")
    monkeypatch.setenv("PROFILING_OPTIONS", json.dumps({"output": str(tmp_path), "task_trace": "on"}))
    exe = geflow.compile(tiny_graph())
    exe.run({"x": np.ones((2, 4), np.float32)})
    assert exe.profiler is not None and exe.profiler.output == str(tmp_path)
    exe.profiler.write()
    assert {"trace.json", "op_summary.csv", "op_statistic.csv"} <= set(os.listdir(tmp_path))
    monkeypatch.setenv("PROFILING_OPTIONS", "{\"bogus\": 1}")
    with pytest.raises(geflow.InvalidArgumentError, match="environment variable PROFILING_OPTIONS"):
        geflow.compile(tiny_graph())


def test_profile_rejects_bad_runs(tiny_exe):
    with pytest.raises(geflow.InvalidArgumentError, match="runs must be a positive integer"):
        tiny_exe.profile({"x": np.ones((2, 4), np.float32)}, runs=0)
