#!/usr/bin/python3
"""Cube-kernel benchmark: geflow sgemm / conv2d against OpenBLAS (through
NumPy) and PyTorch, on the same machine, in the same run, with the same
thread count; bf16 and f16 GEMMs (storage in that dtype, fp32 accumulation)
against geflow's fp32 and PyTorch's bf16 torch.matmul.

Each side runs in its own process (so no thread pool spins next to
another's), for a few alternating rounds; every entry keeps its best time.
Shapes come from the geflow benchmark executable, so both sides always
measure the same list.

Usage: cube_bench.py --exe build/bin/geflow_bench_cube [--threads 2]
                     [--rounds 2] [--quick] [--json out.json]
                     [--dtypes f32,bf16,f16] [--only sgemm|conv]
"""

import argparse
import json
import math
import os
import subprocess
import sys

TIMER = r'''
import time
def best_time(fn, trial):
    fn(); fn()
    best = 1e30
    for _ in range(3):
        reps, start = 0, time.perf_counter()
        while True:
            fn(); reps += 1
            elapsed = time.perf_counter() - start
            if elapsed >= trial:
                break
        best = min(best, elapsed / reps)
    return best
'''

NUMPY_SIDE = TIMER + r'''
import ctypes, json, sys
import numpy as np
sizes, trial = json.loads(sys.argv[1]), float(sys.argv[2])
out = {"sgemm": {}}
for n in sizes:
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    c = np.empty((n, n), np.float32)
    out["sgemm"][str(n)] = best_time(lambda: np.matmul(a, b, out=c), trial)
libs = sorted({l.split()[-1] for l in open("/proc/self/maps")
               if "blas" in l.split()[-1]})
out["blas_libs"] = libs
for lib in libs:
    try:
        cfg = ctypes.CDLL(lib).openblas_get_config
        cfg.restype = ctypes.c_char_p
        out["openblas_config"] = cfg().decode()
        break
    except (OSError, AttributeError):
        pass
print(json.dumps(out))
'''

TORCH_SIDE = TIMER + r'''
import json, sys
import torch
import torch.nn.functional as F
shapes, trial, threads = json.loads(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
gemms = json.loads(sys.argv[4])
torch.set_num_threads(threads)
out = {"conv": {}, "gemm_bf16": {}, "torch": torch.__version__,
       "mkldnn": torch.backends.mkldnn.is_available(),
       "threads": torch.get_num_threads()}
torch.manual_seed(0)
with torch.no_grad():
    for n in gemms:
        a = (torch.rand(n, n) * 2 - 1).to(torch.bfloat16)
        b = (torch.rand(n, n) * 2 - 1).to(torch.bfloat16)
        out["gemm_bf16"][str(n)] = best_time(lambda: torch.matmul(a, b), trial)
    for s in shapes:
        x = torch.randn(1, s["cin"], s["hw"], s["hw"])
        w = torch.randn(s["cout"], s["cin"], s["k"], s["k"])
        fn = lambda: F.conv2d(x, w, stride=s["stride"], padding=s["pad"])
        out["conv"][s["name"]] = best_time(fn, trial)
print(json.dumps(out))
'''


def run_json_lines(cmd, env=None):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), proc.stderr))
    return [json.loads(l) for l in proc.stdout.splitlines() if l.startswith("{")]


def parse_shape(text):
    # "CINxCOUTxHW kK sS pP" as printed by geflow_bench_cube
    dims, k, s, p = text.split()
    cin, cout, hw = (int(v) for v in dims.split("x"))
    return {"cin": cin, "cout": cout, "hw": hw, "k": int(k[1:]),
            "stride": int(s[1:]), "pad": int(p[1:])}


def keep_best(store, key, seconds):
    store[key] = min(store.get(key, 1e30), seconds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exe", required=True, help="geflow_bench_cube")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--dtypes", default="f32,bf16,f16",
                    help="GEMM storage dtypes of geflow (f32 always runs)")
    ap.add_argument("--only", choices=["sgemm", "conv"],
                    help="only the GEMMs or only the convolutions")
    args = ap.parse_args()
    dtypes = ["f32"] + [d for d in args.dtypes.split(",") if d and d != "f32"]
    trial = 0.05 if args.quick else 0.2
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(args.threads),
               OMP_NUM_THREADS=str(args.threads))

    ours, blas, torch_t = {}, {}, {}
    meta, info, torch_info = {}, {}, {}
    gemm_flops = {}
    for _ in range(args.rounds):
        cmd = [args.exe, "--json", "--threads", str(args.threads),
               "--dtypes", ",".join(dtypes)]
        if args.quick:
            cmd.append("--quick")
        if args.only:
            cmd += ["--only", args.only]
        for r in run_json_lines(cmd):
            keep_best(ours, (r["group"], r["name"]), r["seconds"])
            meta[(r["group"], r["name"])] = r
        sizes = [int(n) for (g, n) in meta if g == "sgemm"]
        convs = [dict(parse_shape(m["shape"]), name=n)
                 for (g, n), m in meta.items() if g == "conv"]
        info = run_json_lines([sys.executable, "-c", NUMPY_SIDE,
                               json.dumps(sizes), str(trial)], env)[0]
        for n, sec in info["sgemm"].items():
            keep_best(blas, n, sec)
        bf16_sizes = sizes if "bf16" in dtypes else []
        torch_info = run_json_lines([sys.executable, "-c", TORCH_SIDE,
                                     json.dumps(convs), str(trial),
                                     str(args.threads), json.dumps(bf16_sizes)],
                                    env)[0]
        for n, sec in torch_info["conv"].items():
            keep_best(torch_t, n, sec)
        for n, sec in torch_info["gemm_bf16"].items():
            keep_best(torch_t, ("gemm_bf16", n), sec)

    print("BLAS: %s (%s)" % (", ".join(info.get("blas_libs", [])) or "?",
                             info.get("openblas_config", "no openblas_get_config")))
    print("PyTorch %s, mkldnn %s, %d threads; geflow %d threads\n" % (
        torch_info["torch"], torch_info["mkldnn"], torch_info["threads"],
        args.threads))

    results = {"sgemm": [], "conv": [], "gemm_dtypes": []}
    print("%-8s %14s %16s %7s" % ("sgemm n", "geflow GF/s", "OpenBLAS GF/s", "ratio"))
    for (g, n), m in meta.items():
        if g != "sgemm":
            continue
        ours_gf = m["flops"] / ours[(g, n)] / 1e9
        ref_gf = m["flops"] / blas[n] / 1e9
        results["sgemm"].append({"n": int(n), "geflow": ours_gf,
                                 "openblas": ref_gf, "ratio": ours_gf / ref_gf})
        print("%-8s %14.1f %16.1f %7.2f" % (n, ours_gf, ref_gf, ours_gf / ref_gf))

    if len(dtypes) > 1:
        # GFLOP/s per storage dtype; bf16 against fp32 and torch.matmul bf16.
        low = [d for d in dtypes if d != "f32"]
        head = "%-6s %9s" % ("n", "f32")
        for d in low:
            head += " %9s" % d
        if "bf16" in low:
            head += " %10s %10s %12s" % ("bf16/f32", "torch bf16",
                                         "bf16/torch")
        print("\nGEMM GFLOP/s by storage dtype (fp32 accumulation)")
        print(head)
        for (g, n), m in meta.items():
            if g != "sgemm":
                continue
            gf = {"f32": m["flops"] / ours[(g, n)] / 1e9}
            for d in low:
                key = ("gemm_" + d, n)
                gf[d] = meta[key]["flops"] / ours[key] / 1e9
            row = "%-6s %9.1f" % (n, gf["f32"])
            for d in low:
                row += " %9.1f" % gf[d]
            entry = {"n": int(n), **{"geflow_" + d: v for d, v in gf.items()}}
            if "bf16" in low:
                tgf = m["flops"] / torch_t[("gemm_bf16", n)] / 1e9
                row += " %10.2f %10.1f %12.2f" % (gf["bf16"] / gf["f32"], tgf,
                                                 gf["bf16"] / tgf)
                entry.update({"torch_bf16": tgf,
                              "bf16_over_f32": gf["bf16"] / gf["f32"]})
            results["gemm_dtypes"].append(entry)
            print(row)
        for e in results["gemm_dtypes"]:
            if e["n"] in (1024, 2048) and "bf16_over_f32" in e:
                print("bf16 GEMM %d: %.2fx fp32 (target >= 1.5 with "
                      "AVX512-BF16)" % (e["n"], e["bf16_over_f32"]))

    if any(g == "conv" for (g, n) in meta):
        print("\n%-10s %-22s %12s %13s %7s" % ("conv", "shape", "geflow GF/s",
                                              "PyTorch GF/s", "ratio"))
    logs, ours_net, torch_net = [], 0.0, 0.0
    for (g, n), m in meta.items():
        if g != "conv":
            continue
        ours_gf = m["flops"] / ours[(g, n)] / 1e9
        ref_gf = m["flops"] / torch_t[n] / 1e9
        ratio = ours_gf / ref_gf
        logs.append(math.log(ratio))
        ours_net += m["count"] * ours[(g, n)]
        torch_net += m["count"] * torch_t[n]
        results["conv"].append({"name": n, "shape": m["shape"], "geflow": ours_gf,
                                "pytorch": ref_gf, "ratio": ratio})
        print("%-10s %-22s %12.1f %13.1f %7.2f" % (n, m["shape"], ours_gf,
                                                  ref_gf, ratio))
    if logs:
        geo = math.exp(sum(logs) / len(logs))
        results["conv_geomean_ratio"] = geo
        results["resnet50_conv_time_ratio"] = torch_net / ours_net
        print("\nconv geometric-mean ratio geflow/PyTorch: %.2f (target >= 0.80)"
              % geo)
        print("ResNet-50 conv time (all 53 convs): geflow %.2f ms, PyTorch "
              "%.2f ms, speed ratio %.2f" % (ours_net * 1e3, torch_net * 1e3,
                                              torch_net / ours_net))
    conv_dtypes = [d for d in dtypes if d != "f32" and
                   any(g == "conv_" + d for (g, n) in meta)]
    if logs and conv_dtypes:
        # All 53 ResNet-50 convs per storage dtype (weights prepacked).
        line = "ResNet-50 conv time by storage dtype: f32 %.2f ms" % (
            ours_net * 1e3)
        for d in conv_dtypes:
            t = sum(m["count"] * ours[(g, n)] for (g, n), m in meta.items()
                    if g == "conv_" + d)
            results["resnet50_conv_ms_" + d] = t * 1e3
            line += ", %s %.2f ms (%.2fx)" % (d, t * 1e3, ours_net / t)
        print(line)
    s1024 = [r for r in results["sgemm"] if r["n"] == 1024]
    if s1024:
        print("sgemm 1024 ratio geflow/OpenBLAS: %.2f (target >= 0.80)" %
              s1024[0]["ratio"])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
