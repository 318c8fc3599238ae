"""Data dumps (GE 5.4), overflow detection and exception dumps: GE's directory
layout and file names for dump_step / dump_mode / dump_layer / dump_data, .npy
contents against NumPy references of each step of the graph (rtol = atol =
1e-5, fp32), bit-identical results with and without dumps, the first op that
overflows in fp16, and every bad option value."""
import csv
import os
import re

import numpy as np
import pytest

import geflow
from geflow import ops

RNG = np.random.default_rng(0)
W1 = RNG.standard_normal((8, 16)).astype(np.float32)
B1 = RNG.standard_normal(16).astype(np.float32)
W2 = RNG.standard_normal((16, 4)).astype(np.float32)
FILE = re.compile(r"^(?P<type>[A-Za-z0-9_]+)\.(?P<name>[^./\\ ]+)\.(?P<task>\d+)\.(?P<ts>\d{16})"
                  r"\.(?P<kind>input|output)\.(?P<index>\d+)\.npy$")


def mlp(batch=2):
    """fc1 (MatMul + bias Add + Relu, fused into one cube kernel), fc2, softmax;
    names with '.', ' ' and '/' to check GE's name rule."""
    g = geflow.Graph("mlp")
    x = g.data("x", [batch, 8], "float32")
    h = ops.matmul(x, g.constant(W1), name="fc1")
    h = ops.add(h, g.constant(B1), name="fc1.bias")
    h = ops.relu(h, name="act 1")
    y = ops.softmax(ops.matmul(h, g.constant(W2), name="fc2"), name="prob/out")
    g.output(y, "y")
    return g


def reference(x):
    """Each task's output, by GE op name (the task's first op)."""
    h = np.maximum(x.astype(np.float64) @ W1 + B1, 0)
    z = h @ W2
    e = np.exp(z - z.max(-1, keepdims=True))
    return {"fc1": h, "fc2": z, "prob/out": e / e.sum(-1, keepdims=True)}


def inputs(step):
    return np.random.default_rng(100 + step).standard_normal((2, 8)).astype(np.float32)


def run_dir(root):
    """root/{time}/{device}/{model}/{model_id}: the only one."""
    (stamp,) = os.listdir(root)
    assert re.fullmatch(r"\d{14}", stamp), stamp
    base = os.path.join(root, stamp, "0", "mlp", "1")
    assert os.path.isdir(base), os.listdir(os.path.join(root, stamp))
    return base


def files(step_dir):
    return sorted(f for f in os.listdir(step_dir) if f.endswith(".npy"))


def test_dump_layout_steps_and_contents(tmp_path):
    exe = geflow.compile(mlp(), options={"enable_dump": "true", "dump_path": str(tmp_path),
                                         "dump_step": "0|2-3", "dump_mode": "all"})
    plain = geflow.compile(mlp())
    for step in range(5):
        x = inputs(step)
        (y,) = exe.run({"x": x})
        (expected,) = plain.run({"x": x})
        assert np.array_equal(y, expected), "dumping changed the result"
    base = run_dir(tmp_path)
    assert sorted(os.listdir(base), key=int) == ["0", "2", "3"]
    for step in (0, 2, 3):
        d = os.path.join(base, str(step))
        names = files(d)
        parsed = [FILE.match(f) for f in names]
        assert all(parsed), names
        # One input and one output per task (weights are not dumped), one
        # timestamp per task, names with '.', ' ', '/' turned into '_'.
        tasks = {(m["type"], m["name"], m["task"]) for m in parsed}
        assert tasks == {("MatMulV2", "fc1", "0"), ("MatMulV2", "fc2", "1"),
                         ("Softmax", "prob_out", "2")}
        assert len(names) == 6
        assert len({(m["task"], m["ts"]) for m in parsed}) == 3
        ref = reference(inputs(step))
        for f, m in zip(names, parsed):
            arr = np.load(os.path.join(d, f))
            assert arr.dtype == np.float32
            if m["kind"] == "input" and m["task"] == "0":
                assert np.array_equal(arr, inputs(step))
            if m["kind"] == "output":
                op = {"0": "fc1", "1": "fc2", "2": "prob/out"}[m["task"]]
                np.testing.assert_allclose(arr, ref[op], rtol=1e-5, atol=1e-5)
        mapping = list(csv.DictReader(open(os.path.join(d, "mapping.csv"))))
        fused = next(r for r in mapping if r["Op Name"] == "fc1")
        # The fused kernel names every GE op it computes.
        assert fused["Covered Ops"].split(";") == ["fc1", "fc1.bias", "act 1"]
        assert fused["File Prefix"] == "MatMulV2.fc1.0"
    assert exe.dumper.files_written == 3 * 6


def test_dump_mode_layer_and_stats(tmp_path):
    out_only = tmp_path / "out"
    exe = geflow.compile(mlp(), options={"enable_dump": "true", "dump_path": str(out_only)})
    exe.run({"x": inputs(0)})
    names = files(os.path.join(run_dir(out_only), "0"))
    assert [FILE.match(f)["kind"] for f in names] == ["output"] * 3  # dump_mode output

    inp = tmp_path / "in"
    exe = geflow.compile(mlp(), options={"enable_dump": "true", "dump_path": str(inp),
                                         "dump_mode": "input"})
    exe.run({"x": inputs(0)})
    assert {FILE.match(f)["kind"] for f in files(os.path.join(run_dir(inp), "0"))} == {"input"}

    # A fused-away op (the bias Add, the Relu) selects the kernel that computes it.
    layer = tmp_path / "layer"
    exe = geflow.compile(mlp(), options={"enable_dump": "true", "dump_path": str(layer),
                                         "dump_layer": "fc1.bias prob/out"})
    exe.run({"x": inputs(0)})
    d = os.path.join(run_dir(layer), "0")
    assert [(FILE.match(f)["name"], FILE.match(f)["kind"]) for f in files(d)] == [
        ("fc1", "output"), ("prob_out", "output")]
    mapping = {r["Op Name"]: r["Dumped"] for r in csv.DictReader(open(os.path.join(d, "mapping.csv")))}
    assert mapping == {"fc1": "yes", "fc2": "no", "prob/out": "yes"}

    stats = tmp_path / "stats"
    exe = geflow.compile(mlp(), options={"enable_dump": "true", "dump_path": str(stats),
                                         "dump_data": "stats", "dump_layer": "fc2"})
    exe.run({"x": inputs(0)})
    d = os.path.join(run_dir(stats), "0")
    (name,) = [f for f in os.listdir(d) if f != "mapping.csv"]
    assert re.fullmatch(r"MatMulV2\.fc2\.1\.\d{16}\.csv", name)
    (row,) = list(csv.DictReader(open(os.path.join(d, name))))
    z = reference(inputs(0))["fc2"]
    assert row["Input/Output"] == "output" and row["Shape"] == "2x4" and row["Count"] == "8"
    assert abs(float(row["Min Value"]) - z.min()) < 1e-4
    assert abs(float(row["Max Value"]) - z.max()) < 1e-4
    assert abs(float(row["Avg Value"]) - z.mean()) < 1e-4
    assert row["NaN Count"] == "0" and row["Positive Inf Count"] == "0"


def overflowing():
    """x @ W1 is 80 per element, its product with W2 128000: beyond fp16's
    65504, so under force_fp16 'mm2' is the first op to produce Inf; the
    softmax after it turns the Inf into NaN (not counted: its input had Inf)."""
    g = geflow.Graph("ovf")
    x = g.data("x", [4, 8], "float32")
    h = ops.matmul(x, g.constant(np.full((8, 16), 10, np.float32)), name="mm1")
    z = ops.matmul(h, g.constant(np.full((16, 4), 100, np.float32)), name="mm2")
    g.output(ops.softmax(z, name="sm"), "y")
    return g


def test_overflow_first_op(tmp_path):
    x = np.ones((4, 8), np.float32)
    exe = geflow.compile(overflowing(), options={
        "precision_mode": "force_fp16", "enable_dump_debug": "true",
        "dump_path": str(tmp_path)})
    exe.run({"x": x})
    exe.run({"x": x})
    first = exe.dumper.first_overflow()
    assert first["op_name"] == "mm2" and first["op_type"] == "MatMulV2"
    assert first["step"] == 0 and first["inf_count"] == 16
    assert "f16" in first["precision"], first["precision"]
    assert [o["op_name"] for o in exe.dumper.overflows()] == ["mm2", "mm2"]
    # Its inputs and outputs were dumped.
    produced = sorted(os.listdir(os.path.dirname(first["files"])))
    assert any(".input.0.npy" in f for f in produced)
    out = next(f for f in produced if f.endswith(".output.0.npy"))
    assert np.isinf(np.load(os.path.join(os.path.dirname(first["files"]), out))).all()

    fp32 = geflow.compile(overflowing(), options={"enable_dump_debug": "true"})
    fp32.run({"x": x})
    assert fp32.dumper.first_overflow() is None and fp32.dumper.overflows() == []


@pytest.mark.parametrize("mode, reported", [
    ("aicore_overflow", ["mm2"]), ("atomic_overflow", []), ("all", ["mm2"])])
def test_dump_debug_mode(mode, reported):
    """mm2 is an AI Core op (a cube kernel): aicore_overflow and all report
    it; atomic_overflow watches the float work outside AI Core only (the
    host-op case is in the C++ executor test)."""
    exe = geflow.compile(overflowing(), options={
        "precision_mode": "force_fp16", "enable_dump_debug": "true", "dump_debug_mode": mode})
    exe.run({"x": np.ones((4, 8), np.float32)})
    assert [o["op_name"] for o in exe.dumper.overflows()] == reported


def test_padded_runs_are_profiled_and_dumped(tmp_path):
    """A gear_padding run (batch 3 in the batch-4 gear) is recorded like any
    other, noted as padded: the tasks' shapes are the gear's."""
    exe = geflow.compile(mlp(-1), options={
        "input_shape": "x:-1,8", "dynamic_batch_size": "2,4", "gear_padding": "true",
        "enable_dump": "true", "dump_path": str(tmp_path / "dump"), "profiling_mode": "true",
        "profiling_options": '{"output": "%s"}' % (tmp_path / "prof")})
    x = np.random.default_rng(5).standard_normal((3, 8)).astype(np.float32)
    (y,) = exe.run({"x": x})
    assert y.shape == (3, 4)
    rows = exe.profiler.op_summary()
    assert len(rows) == 3 and all(r["padding"] == "batch 3 padded to 4" for r in rows)
    assert rows[0]["input_shapes"].startswith("4,8")
    (exe.profiler.write(str(tmp_path / "prof")))
    summary = list(csv.DictReader(open(tmp_path / "prof" / "op_summary.csv")))
    assert {r["Padding"] for r in summary} == {"batch 3 padded to 4"}
    d = os.path.join(run_dir(tmp_path / "dump"), "0")
    mapping = list(csv.DictReader(open(os.path.join(d, "mapping.csv"))))
    assert {r["Padding"] for r in mapping} == {"batch 3 padded to 4"}
    fc2 = np.load(os.path.join(d, next(f for f in files(d) if f.startswith("MatMulV2.fc2."))))
    assert fc2.shape == (4, 4)  # the gear's shape; row 3 is padding
    np.testing.assert_allclose(fc2[:3], reference(x)["fc2"], rtol=1e-5, atol=1e-5)
    # An exact gear is not marked.
    exe.run({"x": x[:2]})
    assert exe.profiler.op_summary()[-1]["padding"] == ""


def test_exception_dump(tmp_path):
    g = geflow.Graph("gather")
    table = g.constant(np.arange(12, dtype=np.float32).reshape(4, 3))
    idx = g.data("idx", [2], "int32")
    g.output(ops.gather(table, idx, name="lookup"), "y")
    exe = geflow.compile(g, options={"enable_exception_dump": "1", "dump_path": str(tmp_path)})
    (ok,) = exe.run({"idx": np.array([1, 3], np.int32)})
    assert np.array_equal(ok, [[3, 4, 5], [9, 10, 11]])
    with pytest.raises(geflow.TaskFailedError, match="lookup"):
        exe.run({"idx": np.array([0, 40], np.int32)})
    (stamp,) = os.listdir(tmp_path)
    exc = os.path.join(tmp_path, stamp, "0", "gather", "1", "1", "exception")
    dumped = os.listdir(exc)
    index_file = next(f for f in dumped if ".input.1.npy" in f)
    assert index_file.startswith("GatherV2.lookup.")
    assert np.array_equal(np.load(os.path.join(exc, index_file)), [0, 40])


@pytest.mark.parametrize("options, message", [
    ({"enable_dump": "true"}, "option 'enable_dump' needs dump_path"),
    ({"enable_dump": "maybe"}, "option 'enable_dump' has value 'maybe': expected true or false"),
    ({"enable_dump": "true", "dump_path": "d", "dump_step": "1|x"}, "'x' is not a step"),
    ({"enable_dump": "true", "dump_path": "d", "dump_step": "5-2"}, "'5-2' is not a step"),
    ({"enable_dump": "true", "dump_path": "d", "dump_mode": "both"},
     "option 'dump_mode' has value 'both': allowed values are input, output, all"),
    ({"enable_dump": "true", "dump_path": "d", "dump_data": "npy"},
     "allowed values are tensor, stats"),
    ({"dump_step": "1"}, "option 'dump_step' needs enable_dump true"),
    ({"dump_path": "d"}, "option 'dump_path' needs enable_dump"),
    ({"enable_dump": "true", "enable_dump_debug": "true", "dump_path": "d"}, "cannot both be true"),
    ({"dump_debug_mode": "all"}, "option 'dump_debug_mode' needs enable_dump_debug true"),
    ({"enable_dump_debug": "true", "dump_debug_mode": "fp16"},
     "allowed values are aicore_overflow, atomic_overflow, all"),
    ({"enable_exception_dump": "3", "dump_path": "d"}, r"expected an integer in \[0, 2\]"),
    ({"enable_exception_dump": "1"}, "option 'enable_exception_dump' needs dump_path"),
])
def test_bad_dump_options(options, message):
    with pytest.raises(geflow.InvalidArgumentError, match=message):
        geflow.compile(mlp(), options=options)


def test_session_options_profile_and_dump_as_executable_does(tmp_path):
    """Session (and graph) options attach the same profiler and dumper as
    geflow.compile's options: same task rows, same dump files and layout."""
    import json
    prof, dump, exe_dump = tmp_path / "prof", tmp_path / "dump", tmp_path / "exe_dump"
    session = geflow.Session({"profiling_mode": "true",
                              "profiling_options": json.dumps({"output": str(prof)})})
    session.add_graph(1, mlp(), {"enable_dump": "true", "dump_path": str(dump),
                                 "dump_mode": "all"})
    session.add_graph(2, mlp())
    exe = geflow.compile(mlp(), options={"enable_dump": "true", "dump_path": str(exe_dump),
                                         "dump_mode": "all"})
    for step in range(2):
        (y,) = session.run_graph(1, [inputs(step)])
        (y2,) = session.run_graph(2, [inputs(step)])
        (expected,) = exe.run({"x": inputs(step)})
        assert np.array_equal(y, expected) and np.array_equal(y2, expected)
    assert session.dumper(2) is None
    assert session.profiler(2).runs() == 2          # the session's profiler
    assert session.profiler(1).runs() == 2          # graph 1's own (its options)
    assert session.dumper(1).files_written == exe.dumper.files_written == 2 * 6
    rows = session.profiler(1).op_summary()
    exe_rows = exe.profile({"x": inputs(0)}, runs=2)
    assert [(r["op_name"], r["op_type"], r["run"]) for r in rows] == \
        [(r["op_name"], r["op_type"], r["run"]) for r in exe_rows]
    for step in (0, 1):
        mine = [FILE.match(f).group("type", "name", "task", "kind", "index")
                for f in files(os.path.join(run_dir(dump), str(step)))]
        theirs = [FILE.match(f).group("type", "name", "task", "kind", "index")
                  for f in files(os.path.join(run_dir(exe_dump), str(step)))]
        assert mine == theirs and len(mine) == 6
    assert not prof.exists()
    del session
    import gc
    gc.collect()
    summary = list(csv.DictReader(open(prof / "op_summary.csv")))
    assert len(summary) == 2 * 3  # the session's profiler: graph 2's runs
    assert {"trace.json", "op_statistic.csv"} <= set(os.listdir(prof))


def test_session_bad_debug_option():
    session = geflow.Session()
    with pytest.raises(geflow.InvalidArgumentError, match="graph 5: option 'enable_dump' needs dump_path"):
        session.add_graph(5, mlp(), {"enable_dump": "true"})
