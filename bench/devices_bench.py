#!/usr/bin/env python3
"""Devices benchmark (issue 21, docs/distributed.md#devices).

Compiles the demo CNN (the small ResNet `make demo` runs) and measures its
throughput with two host threads on one device with two AI cores (unpinned,
the default, and pinned to two CPUs) against two devices with one AI core
each (one CPU each, a model copy per device): geflow_bench_devices.

Usage: devices_bench.py --bin BUILD/bin [--runs N] [--trials N]
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
    parser.add_argument("--runs", type=int, default=2000, help="timed runs per thread")
    parser.add_argument("--trials", type=int, default=5)
    args = parser.parse_args()
    if len(os.sched_getaffinity(0)) < 2:
        print("devices benchmark: needs two host CPUs, skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        onnx_path = os.path.join(tmp, "small_cnn.onnx")
        onnx.save(geflow_models.MODELS["resnet_small"](), onnx_path)
        out = os.path.join(tmp, "small_cnn")
        subprocess.run([os.path.join(args.bin, "geflow-compile"), "--model=" + onnx_path,
                        "--output=" + out, "--quiet"], check=True)
        result = subprocess.run([os.path.join(args.bin, "geflow_bench_devices"),
                                 "--model=" + out + ".gfm", f"--runs={args.runs}",
                                 f"--trials={args.trials}"],
                                check=True, capture_output=True, text=True).stdout
    report = json.loads(result)
    base = report["layouts"][0]["median"]
    print(f"demo CNN, 2 host threads x {report['runs_per_thread']} runs, "
          f"median of {report['trials']} trials")
    print(f"{'layout':14} {'inferences/s':>13} {'min':>10} {'max':>10} {'vs 1x2 default':>15}")
    for row in report["layouts"]:
        print(f"{row['name']:14} {row['median']:13.1f} {row['min']:10.1f} {row['max']:10.1f} "
              f"{row['median'] / base:15.2f}")


if __name__ == "__main__":
    main()
