"""Helpers of the geflow-run lit tests: models, input files, references.

Usage:
  run_helpers.py tiny-onnx OUT.onnx            a small ONNX model (below)
  run_helpers.py cnn-onnx OUT.onnx             a small CNN with random weights
  run_helpers.py copies-onnx OUT.onnx          outputs that are copies
  run_helpers.py gather-onnx OUT.onnx          y = Gather(data[10,4], idx[3]), node 'idx_7'
  run_helpers.py npy OUT.npy DTYPE D0,D1,.. SEED    a deterministic input
  run_helpers.py npy-values OUT.npy DTYPE V0,V1,..  a 1-D input of these values
  run_helpers.py check-small-cnn X.npy Y.npy   examples/small_cnn.mlir in NumPy
  run_helpers.py check-tiny X.npy Y.npy DIR    the tiny model's outputs in DIR
  run_helpers.py check-cnn X.npy Y.npy         the CNN's output
  run_helpers.py check-copies X.npy DIR        the copies model's outputs
  run_helpers.py check-npy FILE DTYPE D0,D1,.. the file's dtype and shape

Every check prints what it compared and exits non-zero on a mismatch.
Tolerances (float32 data): rtol 1e-5, atol 1e-6 after the reference is
computed in float64; the reductions here have at most a few hundred terms.
"""
import sys

import numpy as np

RTOL, ATOL = 1e-5, 1e-6

# The tiny model's weights: deterministic, not round numbers.
W = (np.arange(8 * 4, dtype=np.float64).reshape(8, 4) % 7 - 3) / 8
B = np.array([0.5, -0.25, 0.125, 1.0])


def tiny_onnx(path):
    """z = relu(x + y); logits = x @ W + B; for x, y of [batch, 8]."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    F = TensorProto.FLOAT
    nodes = [
        helper.make_node("Add", ["x", "y"], ["s"], name="add"),
        helper.make_node("Relu", ["s"], ["z"], name="relu"),
        helper.make_node("MatMul", ["x", "w"], ["m"], name="matmul"),
        helper.make_node("Add", ["m", "b"], ["logits"], name="bias"),
    ]
    inits = [numpy_helper.from_array(W.astype(np.float32), "w"),
             numpy_helper.from_array(B.astype(np.float32), "b")]
    g = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("x", F, [2, 8]),
         helper.make_tensor_value_info("y", F, [2, 8])],
        [helper.make_tensor_value_info("z", F, [2, 8]),
         helper.make_tensor_value_info("logits", F, [2, 4])],
        initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.save(m, path)


def gather_onnx(path):
    """y = data[idx] (Gather on axis 0) with the indices a model input, so
    that a bad index reaches the kernel at run time."""
    import onnx
    from onnx import TensorProto, helper

    g = helper.make_graph(
        [helper.make_node("Gather", ["data", "idx"], ["y"], name="idx_7", axis=0)],
        "gather",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, [10, 4]),
         helper.make_tensor_value_info("idx", TensorProto.INT64, [3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 4])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.save(m, path)


def copies_onnx(path):
    """Outputs the executor fills by copies: the input itself (y), a value
    that is also another output (r, r2) and a constant (c)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    F = TensorProto.FLOAT
    nodes = [helper.make_node("Identity", ["x"], ["y"], name="same"),
             helper.make_node("Relu", ["x"], ["r"], name="relu"),
             helper.make_node("Identity", ["r"], ["r2"], name="again")]
    outs = [helper.make_tensor_value_info(n, F, s)
            for n, s in (("y", [3, 4]), ("r", [3, 4]), ("r2", [3, 4]), ("c", [2]))]
    g = helper.make_graph(
        nodes, "copies", [helper.make_tensor_value_info("x", F, [3, 4])], outs,
        initializer=[numpy_helper.from_array(np.array([1.5, 2.5], np.float32), "c")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.save(m, path)


def cnn_weights():
    rng = np.random.default_rng(1234)
    return (rng.normal(0, 0.3, (8, 3, 3, 3)), rng.normal(0, 0.1, 8),
            rng.normal(0, 0.1, (8 * 8 * 8, 10)), rng.normal(0, 0.1, 10))


def cnn_onnx(path):
    """x[1,3,16,16] -> Conv(8, 3x3, pad 1) -> Relu -> MaxPool 2x2 ->
    Flatten -> Gemm(10): logits. Random weights, so every stage shows."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    wc, bc, wg, bg = (a.astype(np.float32) for a in cnn_weights())
    nodes = [
        helper.make_node("Conv", ["x", "wc", "bc"], ["c"], name="conv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("MaxPool", ["r"], ["p"], name="pool",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "wg", "bg"], ["logits"], name="fc"),
    ]
    inits = [numpy_helper.from_array(a, n)
             for a, n in ((wc, "wc"), (bc, "bc"), (wg, "wg"), (bg, "bg"))]
    g = helper.make_graph(
        nodes, "cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])],
        initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.save(m, path)


def cnn(x):
    wc, bc, wg, bg = (a.astype(np.float32).astype(np.float64) for a in cnn_weights())
    y = np.maximum(conv2d(x.astype(np.float64), wc, bc, 1, 1), 0)
    n, c, h, w = y.shape
    y = y.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
    return y.reshape(n, -1) @ wg + bg


def make_npy(path, dtype, dims, seed):
    shape = tuple(int(d) for d in dims.split(",")) if dims else ()
    rng = np.random.default_rng(int(seed))
    if np.dtype(dtype).kind == "f":
        a = rng.uniform(-2, 2, size=shape).astype(dtype)
    else:
        a = rng.integers(0, 5, size=shape).astype(dtype)
    np.save(path, a)


def compare(name, got, want):
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        sys.exit(f"{name}: shape {got.shape}, expected {want.shape}")
    if got.dtype != np.float32:
        sys.exit(f"{name}: dtype {got.dtype}, expected float32")
    err = np.abs(got.astype(np.float64) - want)
    bad = err > ATOL + RTOL * np.abs(want)
    if bad.any():
        i = np.unravel_index(np.argmax(err), err.shape)
        sys.exit(f"{name}: {bad.sum()} of {bad.size} values differ; worst at "
                 f"{i}: got {got[i]}, expected {want[i]}")
    print(f"{name}: {got.size} values match (max abs err {err.max():.3g})")


def conv2d(x, w, b, stride, pad):
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    y = np.zeros((n, o, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            y += np.einsum("nchw,oc->nohw", patch, w[:, :, i, j])
    return y + (0 if b is None else b.reshape(1, -1, 1, 1))


def small_cnn(x):
    """examples/small_cnn.mlir in float64."""
    x = x.astype(np.float64)
    y = conv2d(x, np.full((16, 3, 3, 3), 0.05), np.full(16, 0.1), 1, 1)
    y = y / np.sqrt(1.0 + np.float64(np.float32(1e-5)))  # BatchNorm(1, 0, 0, 1)
    y = np.maximum(y, 0)
    n, c, h, w = y.shape
    y = y.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
    y = np.maximum(conv2d(y, np.full((32, 16, 3, 3), 0.02), None, 2, 1), 0)
    y = y.mean(axis=(2, 3))
    y = y @ np.full((32, 10), 0.01) + np.arange(10.0)
    e = np.exp(y - y.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main(argv):
    cmd = argv[1]
    if cmd == "tiny-onnx":
        tiny_onnx(argv[2])
    elif cmd == "cnn-onnx":
        cnn_onnx(argv[2])
    elif cmd == "copies-onnx":
        copies_onnx(argv[2])
    elif cmd == "check-copies":
        x, out = np.load(argv[2]).astype(np.float64), argv[3]
        compare("y", np.load(f"{out}/y.npy"), x)
        compare("r", np.load(f"{out}/r.npy"), np.maximum(x, 0))
        compare("r2", np.load(f"{out}/r2.npy"), np.maximum(x, 0))
        compare("c", np.load(f"{out}/c.npy"), [1.5, 2.5])
    elif cmd == "check-cnn":
        compare("cnn", np.load(argv[3]), cnn(np.load(argv[2])))
    elif cmd == "gather-onnx":
        gather_onnx(argv[2])
    elif cmd == "npy":
        make_npy(argv[2], argv[3], argv[4], argv[5])
    elif cmd == "npy-values":
        np.save(argv[2], np.array([int(v) for v in argv[4].split(",")], dtype=argv[3]))
    elif cmd == "check-small-cnn":
        x = np.load(argv[2])
        compare("small_cnn", np.load(argv[3]), small_cnn(x))
    elif cmd == "check-tiny":
        x, y = np.load(argv[2]).astype(np.float64), np.load(argv[3]).astype(np.float64)
        out = argv[4]
        compare("z", np.load(f"{out}/z.npy"), np.maximum(x + y, 0))
        compare("logits", np.load(f"{out}/logits.npy"), x @ W + B)
    elif cmd == "check-npy":
        a = np.load(argv[2])
        shape = tuple(int(d) for d in argv[4].split(",")) if argv[4] else ()
        if a.dtype != np.dtype(argv[3]) or a.shape != shape:
            sys.exit(f"{argv[2]}: {a.dtype}{a.shape}, expected {argv[3]}{shape}")
        print(f"{argv[2]}: {a.dtype} {a.shape}")
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
