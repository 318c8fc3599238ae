#!/usr/bin/env python3
"""Mixed compute benchmark: the cost of a device -> host -> device round trip.

For tensors of 1, 4, 16 and 64 MiB (float32), the graph
    x -> Relu (device) -> Neg (host CPU engine) -> Relu (device) -> y
is compiled with mix_compile_mode and in_out_pair_flag=false on the Neg
(so a device_to_host and a host_to_device copy surround it), and once with
everything on the device. Reported per MiB (medians over --runs runs):
  d2h, h2d     the two copy tasks, from the executable's profile
  round trip   d2h + h2d
  added        end-to-end latency of the mixed executable minus the
               all-device one: the copies, the hand-offs between the engines
               (events) and the Neg running on one host thread instead of
               the AI cores
  memcpy       a plain NumPy copy of the same bytes, for scale

Usage: PYTHONPATH=build/python mixed_compute_bench.py [--runs N] [--quick]
"""
import argparse
import statistics
import time

import numpy as np
from onnx import TensorProto, helper

import geflow

MIB = 1 << 20


def model(n):
    nodes = [helper.make_node("Relu", ["x"], ["a"], name="dev_a"),
             helper.make_node("Neg", ["a"], ["h"], name="host_h"),
             helper.make_node("Relu", ["h"], ["y"], name="dev_b")]
    graph = helper.make_graph(
        nodes, "roundtrip", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def median_run_ms(exe, x, runs):
    exe.run({"x": x})  # warm: contexts, pages
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        exe.run({"x": x})
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="1 and 4 MiB, 5 runs")
    args = parser.parse_args()
    sizes = [1, 4] if args.quick else [1, 4, 16, 64]
    runs = 5 if args.quick else args.runs
    mixed_options = {"mix_compile_mode": "true", "in_out_pair": "[[['host_h'], ['host_h']]]",
                     "in_out_pair_flag": "false"}
    print(f"{'MiB':>4} {'d2h ms':>8} {'h2d ms':>8} {'round trip':>11} {'per MiB':>8} "
          f"{'added ms':>9} {'per MiB':>8} {'memcpy/MiB':>10}")
    for mib in sizes:
        n = mib * MIB // 4
        x = np.random.default_rng(0).standard_normal(n).astype(np.float32)
        mixed = geflow.compile(model(n), mixed_options)
        device = geflow.compile(model(n))
        np.testing.assert_array_equal(mixed.run({"x": x})[0], device.run({"x": x})[0])
        rows = mixed.profile({"x": x}, runs=runs)
        d2h = statistics.median(r["duration_us"] for r in rows if r["kernel"] == "memcpy_d2h")
        h2d = statistics.median(r["duration_us"] for r in rows if r["kernel"] == "memcpy_h2d")
        added = median_run_ms(mixed, x, runs) - median_run_ms(device, x, runs)
        copy = []
        dst = np.empty_like(x)
        for _ in range(runs):
            start = time.perf_counter()
            np.copyto(dst, x)
            copy.append((time.perf_counter() - start) * 1e3)
        trip = (d2h + h2d) / 1e3
        print(f"{mib:>4} {d2h / 1e3:>8.3f} {h2d / 1e3:>8.3f} {trip:>11.3f} {trip / mib:>8.3f} "
              f"{added:>9.3f} {added / mib:>8.3f} {statistics.median(copy) / mib:>10.3f}")


if __name__ == "__main__":
    main()
