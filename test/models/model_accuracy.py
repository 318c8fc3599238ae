"""End-to-end accuracy of whole models against the NumPy reference.

Builds the ResNet-style CNN and the transformer encoder of geflow_models.py,
compiles and runs each with geflow-run on random inputs, and compares every
output with geflow_models.reference (float64). Tolerance for fp32 runs:
|out - ref| <= ATOL + RTOL * |ref|, stated below.

Usage: model_accuracy.py BUILD_BIN_DIR
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geflow_models  # noqa: E402

RTOL, ATOL = 1e-4, 1e-4

CASES = {
    "resnet_small": lambda: geflow_models.MODELS["resnet_small"](),
    "resnet_bottleneck": lambda: geflow_models.resnet(image=64, blocks=(1, 2, 1), base=16,
                                                      classes=100, seed=3),
    "bert_small": lambda: geflow_models.MODELS["bert_small"](),
    "bert_batch2": lambda: geflow_models.transformer(batch=2, seq=32, hidden=128, heads=8,
                                                     layers=3, ffn=256, seed=5),
}


def run_case(bin_dir, name, model, tmp):
    path = os.path.join(tmp, name + ".onnx")
    onnx.save(model, path)
    rng = np.random.default_rng(7)
    args = [os.path.join(bin_dir, "geflow-run"), "--model=" + path,
            "--output-dir=" + os.path.join(tmp, name)]
    feeds = {}
    for inp in model.graph.input:
        shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
        feeds[inp.name] = rng.standard_normal(shape).astype(np.float32)
        npy = os.path.join(tmp, f"{name}.{inp.name}.npy")
        np.save(npy, feeds[inp.name])
        args.append(f"--input={inp.name}={npy}")
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    refs = geflow_models.reference(model, feeds)
    worst = 0.0
    for out, ref in zip(model.graph.output, refs):
        got = np.load(os.path.join(tmp, name, out.name + ".npy"))
        if got.shape != ref.shape:
            print(f"{name}: output {out.name} has shape {got.shape}, expected {ref.shape}")
            return False
        excess = np.abs(got - ref) - (ATOL + RTOL * np.abs(ref))
        worst = max(worst, float(np.abs(got - ref).max()))
        if (excess > 0).any():
            print(f"{name}: output {out.name} off by up to {np.abs(got - ref).max():.3g} "
                  f"(rtol {RTOL}, atol {ATOL})")
            return False
    print(f"{name}: ok, max abs error {worst:.3g}")
    return True


def main():
    bin_dir = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        ok = all([run_case(bin_dir, name, make(), tmp) for name, make in CASES.items()])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
