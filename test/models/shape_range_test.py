"""Shape ranges (input_shape_range) end to end (issue 10).

One executable compiled for a range serves every shape in it: the memory
plan is sized for the upper bounds and the kernels are re-tiled per run.
For a CNN with batch range 1~8 and a transformer encoder with sequence
range 16~128, the outputs at several sizes (bounds included) match a static
compile of that size within fp32 tolerance (rtol 1e-5, atol 1e-5: re-tiling
may split reductions differently); a shape outside the range is a clear
error; the arena equals the static upper-bound compile's.

Usage: shape_range_test.py BUILD_BIN_DIR
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geflow_models  # noqa: E402
from gears_test import check, compile_model, failures, run  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else "build/bin"


def range_case(tmp, label, model, input_name, output, shape_of, range_text, values, beyond):
    path = os.path.join(tmp, label + ".onnx")
    onnx.save(model, path)
    ranged = os.path.join(tmp, label + "_ranged")
    rs = compile_model(path, ranged, f"--input_shape_range={input_name}:[{range_text}]")
    rng = np.random.default_rng(5)
    static_arena = None
    for v in values:
        shape = shape_of(v)
        static = os.path.join(tmp, f"{label}_{v}")
        ss = compile_model(path, static,
                           f"--input_shape={input_name}:{','.join(map(str, shape))}")
        static_arena = ss["arena_bytes"]
        x = rng.standard_normal(shape).astype(np.float32)
        a = run(ranged + ".gfm", input_name, x, os.path.join(tmp, f"{label}_r{v}"), output)
        b = run(static + ".gfm", input_name, x, os.path.join(tmp, f"{label}_s{v}"), output)
        err = float(np.max(np.abs(a - b))) if a.shape == b.shape else float("inf")
        check(a.shape == b.shape and np.allclose(a, b, rtol=1e-5, atol=1e-5),
              f"{label}: size {v} in the range matches the static compile "
              f"(shape {a.shape}, max abs diff {err:.2e})")
    # values end with the upper bound: the ranged plan is the upper bound's.
    check(rs["arena_bytes"] == static_arena,
          f"{label}: arena {rs['arena_bytes']} B = the upper bound's static arena "
          f"{static_arena} B")
    npy = os.path.join(tmp, label + "_beyond.npy")
    np.save(npy, np.zeros(shape_of(beyond), np.float32))
    bad = subprocess.run([os.path.join(BIN, "geflow-run"), "--model=" + ranged + ".gfm",
                          f"--input={input_name}={npy}"], capture_output=True, text=True)
    check(bad.returncode != 0 and f"= {beyond}, outside its range" in bad.stderr,
          f"{label}: size {beyond} outside the range is a clear error "
          f"({bad.stderr.strip().splitlines()[-1] if bad.stderr.strip() else 'no message'})")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        cnn = geflow_models.resnet(image=32, blocks=(1, 1, 1), base=8, bottleneck=False,
                                   classes=10, batch_dim="N")
        range_case(tmp, "cnn", cnn, "image", "logits", lambda b: [b, 3, 32, 32],
                   "1~8,3,32,32", [1, 3, 5, 8], 9)
        bert = geflow_models.transformer(seq=32, hidden=64, heads=4, layers=2, ffn=128,
                                         seq_dim="S")
        range_case(tmp, "bert", bert, "hidden", "encoded", lambda s: [1, s, 64],
                   "1,16~128,64", [16, 50, 97, 128], 129)
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
