"""geflow.compare / geflow-compare: the first flagged op is the planted
divergent one (a copied dump with one op's output changed, and a real
force_fp16 run whose 'mm2' overflows), CSV columns, ops in one dump only,
and clear errors for bad input."""
import csv
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import geflow
from geflow import ops
from geflow.compare import COLUMNS, CompareError, compare

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "tools", "geflow-compare", "geflow-compare")
RNG = np.random.default_rng(1)
W1 = RNG.standard_normal((8, 16)).astype(np.float32)
W2 = RNG.standard_normal((16, 16)).astype(np.float32)
W3 = RNG.standard_normal((16, 4)).astype(np.float32)


def chain():
    g = geflow.Graph("chain")
    x = g.data("x", [2, 8], "float32")
    h = ops.relu(ops.matmul(x, g.constant(W1), name="fc1"), name="act1")
    h = ops.matmul(h, g.constant(W2), name="fc2")
    g.output(ops.softmax(ops.matmul(h, g.constant(W3), name="fc3"), name="prob"), "y")
    return g


def dump(graph, path, options=None):
    exe = geflow.compile(graph, options={"enable_dump": "true", "dump_path": str(path),
                                         "dump_mode": "all", **(options or {})})
    exe.run({"x": np.random.default_rng(7).standard_normal((2, 8)).astype(np.float32)})
    return path


def test_planted_divergence_is_first_flagged(tmp_path):
    a = dump(chain(), tmp_path / "a")
    b = tmp_path / "b"
    shutil.copytree(a, b)
    planted = next(os.path.join(d, f) for d, _, fs in os.walk(b) for f in fs
                   if ".fc2." in f and f.endswith(".output.0.npy"))
    z = np.load(planted)
    z[0, 3] += 10.0  # one element: beyond tolerance, cosine still close
    np.save(planted, z)

    rows = compare(str(a), str(b), csv_path=str(tmp_path / "cmp.csv"))
    flagged = [r for r in rows if r["First Flagged"]]
    assert [(r["Op Name"], r["Tensor"]) for r in flagged] == [("fc2", "output.0")]
    before = rows[:rows.index(flagged[0])]
    assert before and all(r["Status"] == "ok" and r["Cosine Similarity"] == 1.0 for r in before)
    r = flagged[0]
    assert r["Status"] == "diverged" and r["Max Abs Error"] == pytest.approx(10.0, rel=1e-5)
    assert r["Share Beyond Tol"] == pytest.approx(1 / z.size)
    # Execution order: task ids never decrease.
    tasks = [row["Task ID"] for row in rows]
    assert tasks == sorted(tasks)

    with open(tmp_path / "cmp.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert list(table[0]) == COLUMNS
    assert len(table) == len(rows)
    assert [t["Op Name"] for t in table if t["First Flagged"] == "yes"] == ["fc2"]

    # Compared with itself nothing is flagged.
    assert not any(r["First Flagged"] for r in compare(str(a), str(a)))


def test_force_fp16_overflow_flags_first_op(tmp_path):
    g = geflow.Graph("ovf")
    x = g.data("x", [2, 8], "float32")
    h = ops.matmul(x, g.constant(np.full((8, 16), 10, np.float32)), name="mm1")
    z = ops.matmul(h, g.constant(np.full((16, 4), 100, np.float32)), name="mm2")
    g.output(ops.softmax(z, name="sm"), "y")

    def run(path, options):
        exe = geflow.compile(g, options={"enable_dump": "true", "dump_path": str(path),
                                         **options})
        exe.run({"x": np.ones((2, 8), np.float32)})
    run(tmp_path / "fp32", {})
    run(tmp_path / "fp16", {"precision_mode": "force_fp16"})
    rows = compare(str(tmp_path / "fp32"), str(tmp_path / "fp16"))
    # The casts force_fp16 inserted exist in the fp16 run only.
    assert [r["Op Name"] for r in rows if r["Status"] == "only in B"] == [
        "input 'x'/Cast_f16", "sm/Cast_f32"]
    rows = [r for r in rows if r["Status"] != "only in B"]
    assert [r["Op Name"] for r in rows] == ["mm1", "mm2", "sm"]
    assert rows[0]["Status"] == "ok"  # 80 is exact in fp16
    assert rows[1]["First Flagged"] == "yes" and rows[1]["Status"] == "diverged"
    assert np.isnan(rows[1]["Cosine Similarity"]) and rows[1]["Max Abs Error"] == np.inf


def test_ops_in_one_dump_only_and_cli(tmp_path):
    a = dump(chain(), tmp_path / "a", {"dump_mode": "output"})
    b = dump(chain(), tmp_path / "b", {"dump_mode": "output", "dump_layer": "fc1 prob"})
    rows = compare(str(a), str(b))
    status = {r["Op Name"]: r["Status"] for r in rows}
    assert status == {"fc1": "ok", "fc2": "only in A", "fc3": "only in A", "prob": "ok"}
    assert not any(r["First Flagged"] for r in rows)
    rows = compare(str(b), str(a))
    assert [r["Op Name"] for r in rows if r["Status"] == "only in B"] == ["fc2", "fc3"]

    out = subprocess.run([sys.executable, SCRIPT, str(a), str(b), "--csv",
                          str(tmp_path / "t.csv")], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "only in A" in out.stdout and "no op beyond the threshold" in out.stdout
    assert os.path.getsize(tmp_path / "t.csv") > 0

    bad = subprocess.run([sys.executable, SCRIPT, str(a), str(tmp_path / "nope")],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "is not a directory" in bad.stderr


def test_bad_input(tmp_path):
    a = dump(chain(), tmp_path / "a")
    with pytest.raises(CompareError, match="'.*missing' is not a directory"):
        compare(str(a), str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(CompareError, match="not a geflow data dump"):
        compare(str(a), str(tmp_path / "empty"))
    with pytest.raises(CompareError, match="no dumped run for step 5"):
        compare(str(a), str(a), step=5)

    b = tmp_path / "b"
    shutil.copytree(a, b)
    path = next(os.path.join(d, f) for d, _, fs in os.walk(b) for f in fs
                if ".fc3." in f and f.endswith(".output.0.npy"))
    np.save(path, np.zeros((3, 4), np.float32))
    with pytest.raises(CompareError, match=r"op 'fc3' output 0: shape 2x4 in dump A "
                       r"but 3x4 in dump B"):
        compare(str(a), str(b))

    several = tmp_path / "several"
    exe = geflow.compile(chain(), options={"enable_dump": "true", "dump_path": str(several)})
    for _ in range(2):
        exe.run({"x": np.zeros((2, 8), np.float32)})
    with pytest.raises(CompareError, match="holds 2 runs .*pass step="):
        compare(str(several), str(a))
    assert compare(str(several), str(several), step=1)

    mapping = next(os.path.join(d, "mapping.csv") for d, _, fs in os.walk(b)
                   if "mapping.csv" in fs)
    with open(mapping, "w") as f:
        f.write("hello,world\n1,2\n")
    with pytest.raises(CompareError, match="is not a geflow mapping.csv"):
        compare(str(a), str(b))
    with pytest.raises(CompareError, match="min_cosine must be in"):
        compare(str(a), str(a), min_cosine=2)


def _ovf_graph():
    g = geflow.Graph("ovf")
    x = g.data("x", [2, 8], "float32")
    h = ops.matmul(x, g.constant(np.full((8, 16), 10, np.float32)), name="mm1")
    z = ops.matmul(h, g.constant(np.full((16, 4), 100, np.float32)), name="mm2")
    g.output(ops.softmax(z, name="sm"), "y")
    return g


def _run(path, options):
    exe = geflow.compile(_ovf_graph(), options={"dump_path": str(path), **options})
    exe.run({"x": np.ones((2, 8), np.float32)})
    return path


def test_stats_dumps_are_compared_by_their_statistics(tmp_path):
    fp32 = _run(tmp_path / "fp32", {"enable_dump": "true"})
    stats32 = _run(tmp_path / "s32", {"enable_dump": "true", "dump_data": "stats"})
    stats16 = _run(tmp_path / "s16", {"enable_dump": "true", "dump_data": "stats",
                                      "precision_mode": "force_fp16"})
    rows = compare(str(fp32), str(stats32))
    assert [(r["Op Name"], r["Status"]) for r in rows] == [("mm1", "ok"), ("mm2", "ok"),
                                                           ("sm", "ok")]
    assert rows[1]["Cosine Similarity"] == "" and rows[1]["NaN/Inf A"] == 0
    assert abs(rows[1]["Avg Diff"]) < 1e-3  # 128000 in both
    rows = [r for r in compare(str(stats32), str(stats16)) if r["Status"] != "only in B"]
    assert [(r["Op Name"], r["Status"]) for r in rows] == [
        ("mm1", "ok"), ("mm2", "diverged"), ("sm", "diverged")]
    assert rows[1]["First Flagged"] == "yes" and rows[1]["NaN/Inf B"] == 8
    # A stats dump's numbers against a planted change: the mean moves.
    b = tmp_path / "planted"
    shutil.copytree(stats32, b)
    path = next(os.path.join(d, f) for d, _, fs in os.walk(b) for f in fs
                if f.startswith("MatMulV2.mm1.") and f.endswith(".csv"))
    text = open(path).read().replace(",80,80,80,", ",80,80,81,")
    open(path, "w").write(text)
    flagged = [r for r in compare(str(stats32), str(b)) if r["First Flagged"]]
    assert [(r["Op Name"], r["Avg Diff"]) for r in flagged] == [("mm1", 1.0)]


def test_overflow_records_are_listed(tmp_path):
    dbg = _run(tmp_path / "dbg", {"enable_dump_debug": "true", "precision_mode": "force_fp16"})
    from geflow.compare import overflows
    (rec,) = overflows(str(dbg), csv_path=str(tmp_path / "ovf.csv"))
    assert (rec["Step"], rec["Op Type"], rec["Op Name"], rec["Output"], rec["Inf Count"],
            rec["NaN Count"]) == (0, "MatMulV2", "mm2", 0, 8, 0)
    assert os.path.exists(rec["Files"] + ".output.0.npy")
    assert next(csv.DictReader(open(tmp_path / "ovf.csv")))["Op Name"] == "mm2"
    out = subprocess.run([sys.executable, SCRIPT, str(dbg)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "overflow records in dump A (1;" in out.stdout
    assert f">> step 0 task {rec['Task ID']} MatMulV2 'mm2' output 0: 8 Inf, 0 NaN" in \
        " ".join(out.stdout.split())
    ok = _run(tmp_path / "ok", {"enable_dump_debug": "true"})
    os.makedirs(ok, exist_ok=True)  # nothing overflowed: nothing was written
    assert overflows(str(ok)) == []


def test_reference_dump_is_a_golden_for_compare(tmp_path):
    import importlib.util
    from geflow import reference_dump
    spec = importlib.util.spec_from_file_location(
        "fp16_overflow_mlp", os.path.join(ROOT, "examples", "fp16_overflow_mlp.py"))
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    model = example.model()
    onnx_path = str(tmp_path / "mlp.onnx")
    import onnx
    onnx.save(model, onnx_path)
    x = np.random.default_rng(3).uniform(0.5, 1.5, (4, 8)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    assert reference_dump.main(["--model", onnx_path, "--input", f"x={tmp_path / 'x.npy'}",
                                "--output", str(tmp_path / "golden")]) == 0
    # The golden values are the float64 evaluation of each node.
    h = np.maximum(x.astype(np.float64) @ np.full((8, 16), 10.0) + 0.5, 0)
    run = next(d for d, _, fs in os.walk(tmp_path / "golden") if "mapping.csv" in fs)
    fc2 = np.load(os.path.join(run, next(f for f in os.listdir(run)
                                         if f.startswith("MatMulV2.fc2.3."))))
    assert fc2.dtype == np.float64 and np.allclose(fc2, h @ np.full((16, 4), 100.0),
                                                   rtol=1e-12)

    def dump(path, options):
        exe = geflow.compile(onnx_path, options={"enable_dump": "true", "dump_path": str(path),
                                                 **options})
        exe.run({"x": x})
        return str(path)
    rows = compare(str(tmp_path / "golden"), dump(tmp_path / "d32", {}))
    status = {r["Op Name"]: r["Status"] for r in rows}
    # fc1's kernel computes fc1, fc1_bias and act1: matched by its last op.
    assert status == {"fc1": "only in A", "fc1_bias": "only in A", "act1": "ok",
                      "fc2": "ok", "prob": "ok"}
    rows = compare(str(tmp_path / "golden"),
                   dump(tmp_path / "d16", {"precision_mode": "force_fp16"}))
    first = next(r for r in rows if r["First Flagged"])
    assert (first["Op Name"], first["Status"]) == ("fc2", "diverged")

    bad = onnx.helper.make_model(onnx.helper.make_graph(
        [onnx.helper.make_node("Celu", ["x"], ["y"], name="c")], "g",
        [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2])],
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2])]))
    with pytest.raises(reference_dump.ReferenceDumpError,
                       match="node 'c' \\(Celu\\): the reference evaluator has no Celu"):
        reference_dump.evaluate(bad, {"x": np.ones(2, np.float32)})
    with pytest.raises(reference_dump.ReferenceDumpError, match="no value for model input 'x'"):
        reference_dump.evaluate(bad, {})
