"""Memory plans of ResNet-50 and a 12-layer BERT-base encoder.

Compiles both full-size models with geflow-compile and checks that the arena
is at most 1.10x the max-live lower bound (issue 6). Prints arena, naive sum
and lower bound for each. Usage: memory_plan.py BUILD_BIN_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geflow_models  # noqa: E402
from onnx import save  # noqa: E402

LIMIT = 1.10


def main():
    bin_dir = sys.argv[1]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("resnet50", "bert12"):
            onnx_path = os.path.join(tmp, name + ".onnx")
            save(geflow_models.MODELS[name](), onnx_path)
            summary_path = os.path.join(tmp, name + ".json")
            subprocess.run([os.path.join(bin_dir, "geflow-compile"), "--model=" + onnx_path,
                            "--output=" + os.path.join(tmp, name), "--quiet",
                            "--summary-json=" + summary_path], check=True)
            with open(summary_path) as f:
                s = json.load(f)
            ratio = s["arena_bytes"] / s["max_live_bytes"]
            ok = ratio <= LIMIT
            failures += not ok
            print(f"{name}: arena {s['arena_bytes']} B, naive {s['naive_bytes']} B, "
                  f"max-live lower bound {s['max_live_bytes']} B, "
                  f"arena/lower bound {ratio:.3f} (limit {LIMIT}) {'ok' if ok else 'FAIL'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
