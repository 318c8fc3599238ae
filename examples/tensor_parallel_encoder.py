"""A transformer encoder layer split tensor-parallel across ranks.

Run it under Open MPI (as root add --allow-run-as-root):

    PYTHONPATH=build/python mpirun -np 2 /usr/bin/python3 \
        examples/tensor_parallel_encoder.py --save-dir=tp

Megatron-style split of one encoder layer (self-attention + GELU FFN, post
layer norm) built with the geflow Python builder:

- attention: Q, K, V are column-parallel (each rank owns heads/N heads:
  its columns of Wq, Wk, Wv and of their biases); the output projection Wo
  is row-parallel (the rows of its heads); the partial products are summed
  by an HcomAllReduce, then the bias is added once;
- FFN: W1 column-parallel (F/N columns, GELU applied locally), W2
  row-parallel, HcomAllReduce, bias.

Each rank compiles its own shard graph (saved as encoder_rank<r>.gfm with
--save-dir: GE's per-rank layout) and runs it on the same input; every rank
then compares its output with the single-rank model (the whole layer,
compiled without collectives) and with NumPy.
"""
import argparse
import os
import sys

import numpy as np

import geflow
from geflow import distributed as dist
from geflow import ops

SEQ, D, HEADS, FFN = 16, 64, 8, 128
HEAD_DIM = D // HEADS


def weights(seed=0):
    """The whole layer's weights (every rank makes the same ones)."""
    rng = np.random.default_rng(seed)

    def w(*shape, scale=None):
        scale = scale or 1.0 / np.sqrt(shape[0])
        return (rng.standard_normal(shape) * scale).astype(np.float32)
    return {
        "wq": w(D, D), "bq": w(D, scale=0.1), "wk": w(D, D), "bk": w(D, scale=0.1),
        "wv": w(D, D), "bv": w(D, scale=0.1), "wo": w(D, D), "bo": w(D, scale=0.1),
        "ln1_g": 1 + w(D, scale=0.1), "ln1_b": w(D, scale=0.1),
        "w1": w(D, FFN), "b1": w(FFN, scale=0.1),
        "w2": w(FFN, D), "b2": w(D, scale=0.1),
        "ln2_g": 1 + w(D, scale=0.1), "ln2_b": w(D, scale=0.1),
    }


def shard(p, rank, size):
    """Rank `rank`'s part: its heads' columns of Wq/Wk/Wv and rows of Wo,
    its FFN/size columns of W1 and rows of W2 (size 1: everything)."""
    cols = slice(rank * D // size, (rank + 1) * D // size)
    ffn = slice(rank * FFN // size, (rank + 1) * FFN // size)
    s = dict(p)
    for n in ("q", "k", "v"):
        s["w" + n] = np.ascontiguousarray(p["w" + n][:, cols])
        s["b" + n] = np.ascontiguousarray(p["b" + n][cols])
    s["wo"] = np.ascontiguousarray(p["wo"][cols, :])
    s["w1"] = np.ascontiguousarray(p["w1"][:, ffn])
    s["b1"] = np.ascontiguousarray(p["b1"][ffn])
    s["w2"] = np.ascontiguousarray(p["w2"][ffn, :])
    return s


def build(p, size, collectives):
    """The encoder layer for `size` ranks (`p` already sharded); without
    `collectives` it is the single-rank model."""
    heads = HEADS // size
    g = geflow.Graph(f"encoder_tp{size}")
    x = g.data("x", [SEQ, D], "float32")

    def project(n):
        y = ops.matmul(x, p["w" + n], bias=p["b" + n], name=f"{n}_proj")
        return ops.transpose(ops.reshape(y, [SEQ, heads, HEAD_DIM]), [1, 0, 2])

    q, k, v = project("q"), project("k"), project("v")
    scores = ops.mul(ops.batch_matmul(q, k, adj_x2=True),
                     np.float32(1 / np.sqrt(HEAD_DIM)))
    ctx = ops.batch_matmul(ops.softmax(scores, -1), v)
    ctx = ops.reshape(ops.transpose(ctx, [1, 0, 2]), [SEQ, heads * HEAD_DIM])
    attn = ops.matmul(ctx, p["wo"], name="out_proj")  # row-parallel
    if collectives:
        attn = ops.hcom_all_reduce(attn, "sum", name="attn_allreduce")
    h = ops.layer_norm(ops.add(x, ops.add(attn, p["bo"])), p["ln1_g"], p["ln1_b"])
    f = ops.gelu(ops.matmul(h, p["w1"], bias=p["b1"], name="ffn_up"))
    f = ops.matmul(f, p["w2"], name="ffn_down")  # row-parallel
    if collectives:
        f = ops.hcom_all_reduce(f, "sum", name="ffn_allreduce")
    y = ops.layer_norm(ops.add(h, ops.add(f, p["b2"])), p["ln2_g"], p["ln2_b"])
    g.output(y, "y")
    return g


def numpy_encoder(x, p):
    def ln(v, gamma, beta):
        mu = v.mean(-1, keepdims=True)
        var = ((v - mu) ** 2).mean(-1, keepdims=True)
        return (v - mu) / np.sqrt(var + 1e-5) * gamma + beta

    def split(y):
        return y.reshape(SEQ, HEADS, HEAD_DIM).transpose(1, 0, 2)
    q, k, v = (split(x @ p["w" + n] + p["b" + n]) for n in "qkv")
    s = q @ k.transpose(0, 2, 1) / np.sqrt(HEAD_DIM)
    a = np.exp(s - s.max(-1, keepdims=True))
    a /= a.sum(-1, keepdims=True)
    ctx = (a @ v).transpose(1, 0, 2).reshape(SEQ, D)
    h = ln(x + ctx @ p["wo"] + p["bo"], p["ln1_g"], p["ln1_b"])
    u = h @ p["w1"] + p["b1"]
    from math import erf
    gelu = 0.5 * u * (1 + np.vectorize(erf)(u / np.sqrt(2)))
    return ln(h + gelu @ p["w2"] + p["b2"], p["ln2_g"], p["ln2_b"])


def relative(a, b):
    """max |a - b| over max |b|: the error relative to the output's scale."""
    return float(np.max(np.abs(a.astype(np.float64) - b)) / np.max(np.abs(b)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save-dir", help="save each rank's encoder_rank<r>.gfm here")
    args = parser.parse_args()
    rank, size = dist.rank(), dist.size()
    if HEADS % size or FFN % size:
        sys.exit(f"{size} ranks do not divide {HEADS} heads and {FFN} FFN columns")
    p = weights()
    x = np.random.default_rng(1).standard_normal((SEQ, D)).astype(np.float32)

    exe = geflow.compile(build(shard(p, rank, size), size, collectives=True))
    if args.save_dir:
        os.makedirs(args.save_dir, exist_ok=True)
        exe.save(os.path.join(args.save_dir, f"encoder_rank{rank}.gfm"))
    (y,) = exe.run({"x": x})

    single = geflow.compile(build(p, 1, collectives=False))
    (want,) = single.run({"x": x})
    err = relative(y, want)
    err_np = relative(y, numpy_encoder(x.astype(np.float64), p))
    print(f"rank {rank} of {size}: tensor-parallel encoder vs single-rank "
          f"model: relative error {err:.2e}; vs NumPy (float64) {err_np:.2e}",
          flush=True)
    # Stated tolerances: 1e-5 against the single-rank model (the split only
    # changes the order of the float32 sums), 1e-4 against float64 NumPy.
    if err > 1e-5 or err_np > 1e-4:
        print(f"rank {rank}: outputs differ beyond the tolerance", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
