"""geflow-run under mpirun and a rank that never joins; launched by CTest.

1. An all-reduce model compiled to a .gfm runs under
   `mpirun -np N geflow-run --model=m.gfm --input=x=x{rank}.npy
   --output-dir=out{rank}`: every rank's output is the sum of all ranks'
   inputs (NumPy, rtol 1e-6).
2. late_rank.py under `mpirun -np N`: the last rank never joins; the others
   must fail with the hccl_timeout error naming the op, the group and the
   missing rank, and the job must end within 60 s (hccl_timeout is 2 s).

usage: ranks_test.py BIN_DIR NPROCS MPIRUN [MPIRUN ARGS...]
"""
import glob
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import geflow
from geflow import ops

HERE = os.path.dirname(os.path.abspath(__file__))


def run_geflow_run(bin_dir, n, mpirun, tmp):
    g = geflow.Graph("allreduce")
    x = g.data("x", [3, 5], "float32")
    g.output(ops.hcom_all_reduce(ops.relu(x), "sum", name="ar"), "y")
    geflow.compile(g).save(os.path.join(tmp, "m.gfm"))
    xs = [np.random.default_rng(r).standard_normal((3, 5)).astype(np.float32)
          for r in range(n)]
    for r, v in enumerate(xs):
        np.save(os.path.join(tmp, f"x{r}.npy"), v)
    # Each rank's stdout in a file of its own (the ranks' lines interleave
    # on mpirun's stdout): mpiout/1/rank.<r>/stdout.
    cmd = mpirun + ["-np", str(n), "--output-filename",
                    os.path.join(tmp, "mpiout"), os.path.join(bin_dir, "geflow-run"),
                    "--model=m.gfm", "--input=x=x{rank}.npy",
                    "--output-dir=out{rank}", "--loop=3"]
    done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        sys.exit(f"geflow-run under mpirun failed:\n{done.stdout}\n{done.stderr}")
    want = sum(np.maximum(v, 0) for v in xs)
    for r in range(n):
        got = np.load(os.path.join(tmp, f"out{r}", "y.npy"))
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
        logs = glob.glob(os.path.join(tmp, "mpiout", "*", f"rank.{r}", "stdout"))
        text = "".join(open(f).read() for f in logs)
        if f"rank {r} of {n}" not in text:
            sys.exit(f"geflow-run did not report rank {r} of {n} in {logs}:\n{text}")
    print(f"geflow-run under mpirun -np {n}: every rank's output is the sum")


def run_late_rank(n, mpirun, tmp):
    late = n - 1
    out_dir = os.path.join(tmp, "late_out")
    cmd = mpirun + ["-np", str(n), "--output-filename", out_dir, sys.executable,
                    os.path.join(HERE, "late_rank.py"), str(late)]
    start = time.monotonic()
    done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - start
    # Per-rank files: the ranks' lines interleave on mpirun's stdout.
    text = "".join(open(f).read() for f in
                   sorted(glob.glob(os.path.join(out_dir, "*", "rank.*", "stdout"))))
    lines = [l for l in text.splitlines() if l.startswith("TIMEOUT:")]
    expected = ["HcomAllReduce 'grad_allreduce'", "group 'hccl_world_group'",
                f"rank(s) {late} of the group did not arrive", "hccl_timeout"]
    if len(lines) != n - 1 or not all(all(e in l for e in expected) for l in lines):
        sys.exit(f"expected {n - 1} timeout errors naming {expected}, got "
                 f"(exit {done.returncode}):\n{text}\n{done.stderr}")
    if done.returncode == 0:
        sys.exit("mpirun succeeded although a collective failed")
    if elapsed > 60:
        sys.exit(f"the job took {elapsed:.1f} s to end")
    print(f"mpirun -np {n}, rank {late} never joins: {n - 1} rank(s) failed "
          f"with the timeout error; the job ended in {elapsed:.1f} s")
    print(lines[0])


def main():
    bin_dir, n, mpirun = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    with tempfile.TemporaryDirectory() as tmp:
        run_geflow_run(bin_dir, n, mpirun, tmp)
        run_late_rank(n, mpirun, tmp)


if __name__ == "__main__":
    main()
