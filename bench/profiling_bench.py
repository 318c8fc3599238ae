#!/usr/bin/env python3
"""Profiling overhead benchmark (GE 5.3's cost figures).

A ResNet-style CNN (ResNet-18 layout, batch 1, 112x112) and a 4-layer encoder
(batch 1, sequence 128, hidden 256), each compiled once and timed with
`geflow-run --loop` three ways:
  off       profiling compiled in, not enabled (the default)
  on        --profile=DIR: every task and kernel block timed, the trace and
            CSVs written after the runs
  baseline  (with --baseline-bin) another build's geflow-run, e.g. main's
            without the feature: off / baseline is the cost of having it
            compiled in
The variants are interleaved over several rounds and each keeps its best
median, so a load spike on the shared machine hits them alike.

Usage: profiling_bench.py --bin BUILD/bin [--baseline-bin OTHER/bin] [--rounds N]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test",
                                "models"))
import geflow_models  # noqa: E402


def median_ms(run_bin, gfm, loops, extra):
    out = subprocess.run([os.path.join(run_bin, "geflow-run"), "--model=" + gfm,
                          f"--loop={loops}", "--warmup=5", *extra],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"latency over \d+ run\(s\)[^:]*: min ([0-9.]+) ms, median ([0-9.]+) ms", out)
    if not m:
        sys.exit(f"cannot read the latency from geflow-run's output:\n{out}")
    return float(m.group(2))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="build/bin")
    parser.add_argument("--baseline-bin", help="another build's bin (without the feature)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    baseline = args.baseline_bin or os.environ.get("GEFLOW_BASELINE_BIN")
    models = {
        "resnet18-style 112x112": (geflow_models.resnet(image=112, blocks=(2, 2, 2, 2),
                                                        bottleneck=False), 40),
        "encoder 4x256 seq 128": (geflow_models.transformer(seq=128, hidden=256, heads=4,
                                                            layers=4, ffn=1024), 40),
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (model, loops) in models.items():
            path = os.path.join(tmp, "model.onnx")
            onnx.save(model, path)
            gfm = os.path.join(tmp, f"m{len(rows)}")
            subprocess.run([os.path.join(args.bin, "geflow-compile"), "--model=" + path,
                            "--output=" + gfm, "--quiet"], check=True)
            variants = {"off": (args.bin, []),
                        "on": (args.bin, ["--profile=" + os.path.join(tmp, "prof")])}
            if baseline:
                variants["baseline"] = (baseline, [])
            best = {k: float("inf") for k in variants}
            for _ in range(args.rounds):
                for label, (run_bin, extra) in variants.items():
                    best[label] = min(best[label], median_ms(run_bin, gfm + ".gfm", loops, extra))
            rows.append((name, best))
    print(f"{'model':26s}{'off':>12s}{'on':>12s}{'on/off':>9s}"
          + (f"{'baseline':>12s}{'off/base':>10s}" if baseline else ""))
    for name, best in rows:
        line = (f"{name:26s}{best['off']:9.3f} ms{best['on']:9.3f} ms"
                f"{best['on'] / best['off']:9.3f}")
        if baseline:
            line += f"{best['baseline']:9.3f} ms{best['off'] / best['baseline']:10.3f}"
        print(line)
    print("(median latency of --loop runs, best of the rounds)")


if __name__ == "__main__":
    main()
