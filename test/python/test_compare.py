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
    with pytest.raises(CompareError, match=r"op 'fc3' output 0: shape \(2, 4\) in dump A "
                       r"but \(3, 4\) in dump B"):
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
