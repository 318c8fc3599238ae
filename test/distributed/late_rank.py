"""One rank never joins: run under mpirun by timeout_test.py.

The rank given as argv[1] sets up its rank and then sleeps instead of
running the model; every other rank runs an HcomAllReduce with
hccl_timeout=2 and must fail with the timeout error naming the op, the
group and the missing rank. It prints the error on a line starting with
TIMEOUT: and exits 0; the failed collective makes the process abort at
exit (MPI_Abort), which ends the sleeping rank too.
"""
import sys
import time

import numpy as np

import geflow
from geflow import distributed as dist
from geflow import ops

late = int(sys.argv[1])
info = dist.init({"hccl_timeout": 2})
g = geflow.Graph("late")
x = g.data("x", [4], "float32")
g.output(ops.hcom_all_reduce(x, "sum", name="grad_allreduce"), "y")
exe = geflow.compile(g)
if info["rank"] == late:
    time.sleep(120)  # never joins; killed when another rank aborts
    sys.exit(0)
start = time.monotonic()
try:
    exe.run({"x": np.ones(4, np.float32)})
except geflow.Error as e:
    print(f"TIMEOUT: rank {info['rank']} after {time.monotonic() - start:.1f} s: {e}",
          flush=True)
    sys.exit(0)
print(f"rank {info['rank']}: the all-reduce completed without rank {late}",
      flush=True)
sys.exit(1)
