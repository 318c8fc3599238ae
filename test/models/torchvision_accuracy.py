"""torchvision models exported by PyTorch, compiled and run by geflow.

Each case builds a model with random weights (fixed seed), exports it with
torch.onnx.export, runs it with geflow-run at batch 1 and compares the
output with PyTorch's: max |geflow - torch| <= TOL * max |torch|. The
export is what users feed geflow today, so this covers the frontend on
graphs nobody hand-wrote (ViT's class-token Expand takes its shape from a
constant Where/Equal/ConstantOfShape subgraph).

PyTorch is a test dependency (scripts/bootstrap.sh installs it): without it
the test fails rather than skipping, so a missing install is noticed.

Usage: torchvision_accuracy.py BUILD_BIN_DIR
"""
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

TOL = 1e-4


def vit_b_16(torch, torchvision):
    model = torchvision.models.vit_b_16(weights=None)
    # torchvision zero-initializes the classifier, which would make every
    # output 0 whatever the encoder computes.
    torch.nn.init.normal_(model.heads.head.weight, std=0.02)
    torch.nn.init.normal_(model.heads.head.bias, std=0.02)
    return model, (1, 3, 224, 224)


CASES = {"vit_b_16": vit_b_16}


def run_case(bin_dir, name, make, torch, torchvision, tmp):
    torch.manual_seed(0)
    model, shape = make(torch, torchvision)
    model.eval()
    x = torch.randn(*shape)
    path = os.path.join(tmp, name + ".onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about asserts
        torch.onnx.export(model, x, path, opset_version=17,
                          input_names=["x"], output_names=["y"])
    with torch.no_grad():
        ref = model(x).numpy()
    npy = os.path.join(tmp, name + ".x.npy")
    np.save(npy, x.numpy())
    out_dir = os.path.join(tmp, name)
    start = time.monotonic()
    subprocess.run([os.path.join(bin_dir, "geflow-run"), "--model=" + path,
                    "--input=x=" + npy, "--output-dir=" + out_dir],
                   check=True, stdout=subprocess.DEVNULL)
    seconds = time.monotonic() - start
    got = np.load(os.path.join(out_dir, "y.npy"))
    if got.shape != ref.shape:
        print(f"{name}: output shape {got.shape}, PyTorch gives {ref.shape}")
        return False
    scale = float(np.abs(ref).max())
    error = float(np.abs(got - ref).max())
    if not scale > 0:
        print(f"{name}: PyTorch's output is all zeros; the comparison would "
              "prove nothing")
        return False
    ok = error <= TOL * scale
    print(f"{name}: {'ok' if ok else 'FAILED'}, max abs error {error:.3g} "
          f"({error / scale:.3g} of the output's max abs {scale:.3g}; "
          f"tolerance {TOL}), compile + run {seconds:.1f} s")
    return ok


def main():
    bin_dir = sys.argv[1]
    try:
        import torch
        import torchvision
    except ImportError as e:
        print(f"error: PyTorch is needed for this test ({e}); install "
              "python3-torch and python3-torchvision (scripts/bootstrap.sh)")
        sys.exit(1)
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        ok = all([run_case(bin_dir, name, make, torch, torchvision, tmp)
                  for name, make in CASES.items()])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
