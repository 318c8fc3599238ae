"""Every collective against a NumPy reference; run by every rank under
``mpirun -np N`` (CTest runs N = 2 and 4).

Each rank builds one graph per dtype (float32, float16, bfloat16, int32)
holding every collective, feeds its own input (seeded by its rank) and
checks each output against NumPy applied to all ranks' inputs (every rank
regenerates them). Tolerances: int32 and max/min exact; float32 rtol 1e-5
(MPI sums in another order than NumPy); float16 / bfloat16 are reduced in
float32 and rounded once, so within one unit in the last place of the
dtype (rtol 1e-3 / 8e-3 of the value).
"""
import sys

import numpy as np

import geflow
from geflow import distributed as dist
from geflow import ops
from geflow._dtypes import to_bfloat16_bits

RTOL = {"float32": 1e-5, "float16": 1e-3, "bfloat16": 8e-3, "int32": 0}


def from_bits(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def make_input(dtype, seed, shape, for_prod=False):
    """The rank's input as fed (bf16: bit patterns) and as float64/int values."""
    rng = np.random.default_rng(seed)
    if dtype == "int32":
        lo, hi = (1, 4) if for_prod else (-50, 50)
        v = rng.integers(lo, hi, size=shape).astype(np.int32)
        return v, v.astype(np.int64)
    v = (rng.uniform(0.5, 1.5, size=shape) if for_prod
         else rng.standard_normal(shape)).astype(np.float32)
    if dtype == "float16":
        v = v.astype(np.float16)
        return v, v.astype(np.float32)
    if dtype == "bfloat16":
        bits = to_bfloat16_bits(v)
        return bits, from_bits(bits)
    return v, v


def as_dtype(dtype, values):
    """Reference values rounded to the dtype, as comparable floats/ints."""
    if dtype == "float16":
        return np.asarray(values, np.float32).astype(np.float16).astype(np.float32)
    if dtype == "bfloat16":
        return from_bits(to_bfloat16_bits(np.asarray(values, np.float32)))
    if dtype == "int32":
        return np.asarray(values, np.int64).astype(np.int32).astype(np.int64)
    return np.asarray(values, np.float32)


def decode(dtype, out):
    if dtype == "bfloat16":
        return from_bits(out)
    if dtype == "int32":
        return out.astype(np.int64)
    return out.astype(np.float32)


def check(what, dtype, got, want, exact=False):
    got, want = decode(dtype, got), np.asarray(want)
    if got.shape != want.shape:
        raise AssertionError(f"{what} {dtype}: shape {got.shape}, want {want.shape}")
    rtol = 0 if exact else RTOL[dtype]
    if rtol == 0:
        ok = np.array_equal(got, want)
    else:
        ok = np.allclose(got, want, rtol=rtol, atol=rtol)
    if not ok:
        bad = np.argmax(np.abs(got.astype(np.float64) - want))
        raise AssertionError(
            f"{what} {dtype} on rank {dist.rank()}: element {bad} is "
            f"{got.flat[bad]}, NumPy says {want.flat[bad]} (rtol {rtol})")


def run_dtype(dtype, rank, size, subgroup, subranks):
    rows = 2 * size
    shape = (rows, 3)
    xs = [make_input(dtype, 100 * r + 1, shape) for r in range(size)]
    ps = [make_input(dtype, 100 * r + 2, shape, for_prod=True) for r in range(size)]
    root = size - 1
    nxt, prev = (rank + 1) % size, (rank - 1) % size

    g = geflow.Graph(f"collectives_{dtype}")
    x = g.data("x", list(shape), dtype)
    p = g.data("p", list(shape), dtype)
    g.output(ops.hcom_all_reduce(x, "sum"), "sum")
    g.output(ops.hcom_all_reduce(p, "prod"), "prod")
    g.output(ops.hcom_all_reduce(x, "max"), "max")
    g.output(ops.hcom_all_reduce(x, "min"), "min")
    g.output(ops.hcom_all_gather(x, size), "gather")
    g.output(ops.hcom_reduce_scatter(x, size, "sum"), "scatter")
    b0, b1 = ops.hcom_broadcast([x, p], root)
    g.output(b0, "bcast0")
    g.output(b1, "bcast1")
    # A ring: even ranks send first, odd ranks receive first (each stream
    # runs its transfers in order, so both sending first would wait forever).
    def send():
        ops.hcom_send(x, nxt, sr_tag=7)

    def receive():
        g.output(ops.hcom_receive(shape, dtype, prev, sr_tag=7, graph=g), "recv")
    if rank % 2 == 0:
        send()
        receive()
    else:
        receive()
        send()
    if subgroup:
        g.output(ops.hcom_all_reduce(x, "sum", group=subgroup), "group_sum")
    exe = geflow.compile(g)
    out = exe.run({"x": xs[rank][0], "p": ps[rank][0]}, as_dict=True)

    vals = np.stack([v for _, v in xs])
    pvals = np.stack([v for _, v in ps])
    exact = dtype == "int32"
    check("HcomAllReduce sum", dtype, out["sum"], as_dtype(dtype, vals.sum(0)), exact)
    check("HcomAllReduce prod", dtype, out["prod"], as_dtype(dtype, pvals.prod(0)), exact)
    check("HcomAllReduce max", dtype, out["max"], vals.max(0), exact=True)
    check("HcomAllReduce min", dtype, out["min"], vals.min(0), exact=True)
    check("HcomAllGather", dtype, out["gather"], np.concatenate(list(vals)), exact=True)
    scattered = as_dtype(dtype, vals.sum(0))[rank * 2:(rank + 1) * 2]
    check("HcomReduceScatter", dtype, out["scatter"], scattered, exact)
    check("HcomBroadcast", dtype, out["bcast0"], vals[root], exact=True)
    check("HcomBroadcast", dtype, out["bcast1"], pvals[root], exact=True)
    check("HcomSend/HcomReceive", dtype, out["recv"], vals[prev], exact=True)
    if subgroup:
        want = as_dtype(dtype, vals[subranks].sum(0))
        check(f"HcomAllReduce on group {subgroup}", dtype, out["group_sum"],
              want, exact)


def main():
    info = dist.init({"hccl_timeout": 60})
    rank, size = info["rank"], info["size"]
    if size < 2:
        print("run this under mpirun -np 2 or more", file=sys.stderr)
        return 2
    assert dist.rank() == rank and dist.size() == size
    assert dist.group_ranks() == list(range(size))
    subgroup, subranks = None, None
    if size >= 4:
        # Groups from rank lists: every rank creates both; each uses its own.
        evens, odds = list(range(0, size, 2)), list(range(1, size, 2))
        dist.create_group("evens", evens)
        dist.create_group("odds", odds)
        subgroup, subranks = ("evens", evens) if rank % 2 == 0 else ("odds", odds)
        assert dist.group_ranks(subgroup) == subranks
    for dtype in ("float32", "float16", "bfloat16", "int32"):
        run_dtype(dtype, rank, size, subgroup, subranks)
    print(f"rank {rank} of {size}: every collective matches NumPy for "
          "float32, float16, bfloat16, int32")
    return 0


if __name__ == "__main__":
    sys.exit(main())
