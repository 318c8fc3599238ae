#!/usr/bin/env python3
"""Weight update benchmark (issue 19, docs/weight-update.md).

Compiles ResNet-50 (25.6 M parameters, ~102 MB of fp32 weights) with
updatable_weights=all, in fp32 and under force_fp16 (fp16 copies of every
weight), and times Model::updateWeights of all its weights (check, convert,
repack the conv/matmul panels, publish a new version) against a plain memcpy
of the same bytes into touched buffers (geflow_bench_weight_update).

Usage: weight_update_bench.py --bin BUILD/bin [--repeat N]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test",
                                "models"))
import geflow_models  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the build's bin directory")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        onnx_path = os.path.join(tmp, "resnet50.onnx")
        onnx.save(geflow_models.resnet(), onnx_path)
        rows = []
        for label, flags in [("fp32", []), ("force_fp16", ["--precision_mode=force_fp16"])]:
            out = os.path.join(tmp, "resnet50_" + label)
            subprocess.run([os.path.join(args.bin, "geflow-compile"), "--model=" + onnx_path,
                            "--output=" + out, "--quiet", "--updatable_weights=all", *flags],
                           check=True)
            result = subprocess.run([os.path.join(args.bin, "geflow_bench_weight_update"),
                                     "--model=" + out + ".gfm", f"--repeat={args.repeat}"],
                                    check=True, capture_output=True, text=True).stdout
            row = json.loads(result)
            row["label"] = label
            rows.append(row)
    print(f"{'ResNet-50':12} {'weights':>10} {'update ms':>10} {'memcpy ms':>10} "
          f"{'ratio':>6} {'update GB/s':>12}")
    for r in rows:
        print(f"{r['label']:12} {r['bytes'] / 2**20:8.1f}MB {r['update_ms']:10.1f} "
              f"{r['memcpy_ms']:10.1f} {r['ratio']:6.1f} {r['update_gbps']:12.2f}")


if __name__ == "__main__":
    main()
