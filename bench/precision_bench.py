#!/usr/bin/env python3
"""Precision modes benchmark: fp32 against force_fp16 and mixed_bfloat16.

A ResNet-50-shaped CNN (batch 1, 224x224) and a 12-layer BERT-base-shaped
encoder (batch 1, sequence 128), each compiled three times:
  fp32            precision_mode=must_keep_origin_dtype (host's default)
  force_fp16      every op in float16 storage (fp32 accumulation in kernels)
  mixed_bfloat16  precision_mode_v2=mixed_bfloat16: white-list (Cube) ops and
                  the gray ops that follow them in bfloat16, black-list ops
                  (Softmax, LayerNorm, ...) in float32
and timed with `geflow-run --loop` in one run. The variants are interleaved
over several rounds and each keeps its best median, so a load spike on the
shared machine hits them alike. Ratios are fp32 latency / mode latency
(> 1: the mode is faster).

Usage: precision_bench.py --bin BUILD/bin [--rounds N] [--quick]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test",
                                "models"))
import geflow_models  # noqa: E402

VARIANTS = [
    ("fp32", ["--precision_mode=must_keep_origin_dtype"]),
    ("force_fp16", ["--precision_mode=force_fp16"]),
    ("mixed_bfloat16", ["--precision_mode_v2=mixed_bfloat16"]),
]


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            flags = next(line for line in f if line.startswith("flags")).split()
    except (OSError, StopIteration):
        return "unknown"
    wanted = ["avx2", "f16c", "avx512f", "avx512_bf16", "amx_bf16"]
    return ", ".join(f for f in wanted if f in flags) or "none of " + ", ".join(wanted)


def compile_variant(bin_dir, onnx_path, out, flags):
    start = time.time()
    subprocess.run([os.path.join(bin_dir, "geflow-compile"), "--model=" + onnx_path,
                    "--output=" + out, "--quiet", *flags], check=True)
    return out + ".gfm", time.time() - start


def median_ms(bin_dir, gfm, loops, warmup):
    out = subprocess.run([os.path.join(bin_dir, "geflow-run"), "--model=" + gfm,
                          f"--loop={loops}", f"--warmup={warmup}"],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"latency over \d+ run\(s\)[^:]*: min ([0-9.]+) ms, median ([0-9.]+) ms", out)
    if not m:
        sys.exit(f"cannot read the latency from geflow-run's output:\n{out}")
    return float(m.group(2))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="build/bin")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true",
                        help="small models (smoke test of the script)")
    args = parser.parse_args()

    if args.quick:
        models = {"resnet_small": (geflow_models.MODELS["resnet_small"](), 20),
                  "bert_small": (geflow_models.MODELS["bert_small"](), 20)}
    else:
        models = {"resnet50": (geflow_models.MODELS["resnet50"](), 10),
                  "bert12 (seq 128)": (geflow_models.MODELS["bert12"](), 5)}
    print(f"CPU: {os.cpu_count()} cores; {cpu_flags()}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (model, loops) in models.items():
            path = os.path.join(tmp, "model.onnx")
            onnx.save(model, path)
            gfms = {}
            for label, flags in VARIANTS:
                gfm, seconds = compile_variant(args.bin, path,
                                               os.path.join(tmp, f"{len(rows)}_{label}"), flags)
                gfms[label] = gfm
                print(f"{name}: compiled {label} in {seconds:.1f} s "
                      f"({os.path.getsize(gfm) / 2**20:.1f} MiB)")
            best = {label: float("inf") for label in gfms}
            for _ in range(args.rounds):
                for label, gfm in gfms.items():
                    best[label] = min(best[label], median_ms(args.bin, gfm, loops, warmup=2))
            rows.append((name, best))
            os.remove(path)

    print()
    header = f"{'model':18s}" + "".join(f"{label:>26s}" for label, _ in VARIANTS)
    print(header)
    for name, best in rows:
        cells = []
        for label, _ in VARIANTS:
            ratio = best["fp32"] / best[label]
            cells.append(f"{best[label]:9.2f} ms" + ("" if label == "fp32" else f" ({ratio:4.2f}x)"))
        print(f"{name:18s}" + "".join(f"{c:>26s}" for c in cells))
    print("(median latency, best of the rounds; (r) = fp32 latency / mode latency)")


if __name__ == "__main__":
    main()
