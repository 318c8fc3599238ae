#!/usr/bin/env python3
"""Operator tuning (aoe_mode=2): tuned vs untuned vs the previous release.

For each model of bench/models_bench.py (same exports, fp32), three
executables are timed in interleaved rounds, each in a worker process of
its own build (so two geflow builds run side by side):

  previous  the baseline build (--baseline-bin, e.g. main at the release
            this branch started from), compiled without options
  untuned   this build, compiled without an op bank
  tuned     this build, compiled with op_bank_path after a compile with
            aoe_mode=2 filled the bank (a fresh bank per run)

Rows give each one's median latency (and tuned / untuned), and the compile
times (each in a process of its own, nothing else running): previous,
untuned (the bar: at most 2x previous), the tuning compile (aoe_mode=2,
timing kernels) and the compile that reads the bank. The load
average at the start and end of each model is printed with its row.

OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed from the environment
(models_bench.py does it on import), as for every benchmark run.

Usage: aoe_bench.py --bin BUILD/bin --baseline-bin OLD/bin [--models a,b]
                    [--rounds N] [--seconds S] [--json FILE]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models_bench  # noqa: E402  (re-executes without the BLAS variables)

import numpy as np  # noqa: E402


def python_dir(bin_dir):
    return os.path.join(os.path.abspath(bin_dir), "..", "python")


def worker(args):
    """--worker: compiles args.model with args.options (JSON), prints the
    compile seconds, then answers "time SECONDS" and "out" lines."""
    sys.path.insert(0, python_dir(args.bin))
    import geflow

    options = json.loads(args.options)
    start = time.perf_counter()
    exe = geflow.compile(args.model, options=options)
    seconds = time.perf_counter() - start
    x = np.load(args.input)
    run = lambda: exe.run({"x": x})  # noqa: E731
    models_bench.time_runs(run, 0.2, min_runs=2)  # warm-up
    print(json.dumps({"compile_s": seconds}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if words == ["out"]:
            np.save(args.input + ".out.npy", run()[0])
            print(json.dumps({"saved": True}), flush=True)
        elif len(words) == 2 and words[0] == "time":
            print(json.dumps({"times": models_bench.time_runs(
                run, float(words[1]))}), flush=True)
        else:
            sys.exit(f"aoe_bench worker: bad command {line!r}")


class Worker:
    def __init__(self, bin_dir, model, x_path, options, label):
        env = dict(os.environ)
        env["PYTHONPATH"] = python_dir(bin_dir)
        self.label = label
        self.x_path = x_path
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker",
             "--bin", bin_dir, "--model", model, "--input", x_path,
             "--options", json.dumps(options)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        self.compile_s = self.ask(None)["compile_s"]

    def ask(self, command):
        if command:
            self.proc.stdin.write(command + "\n")
            self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            sys.exit(f"aoe_bench: the {self.label} worker died")
        return json.loads(line)

    def time(self, seconds):
        return self.ask(f"time {seconds}")["times"]

    def output(self):
        self.ask("out")
        return np.load(self.x_path + ".out.npy")

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def compile_seconds(bin_dir, model, options):
    """Seconds of one compile in a process of its own (the tuning one)."""
    code = ("import json, sys, time; import geflow; t = time.perf_counter(); "
            "geflow.compile(sys.argv[1], options=json.loads(sys.argv[2])); "
            "print(time.perf_counter() - t)")
    env = dict(os.environ, PYTHONPATH=python_dir(bin_dir))
    out = subprocess.run([sys.executable, "-c", code, model,
                          json.dumps(options)], env=env, check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def run(args):
    import torch
    import torchvision

    cases = models_bench.model_cases(torch, torchvision)
    wanted = args.models.split(",") if args.models else list(cases)
    unknown = [m for m in wanted if m not in cases]
    if unknown:
        sys.exit(f"aoe_bench: unknown model(s) {', '.join(unknown)}; "
                 f"known: {', '.join(cases)}")
    print(HEADER, flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in wanted:
            make, shape, _ = cases[name]
            torch.manual_seed(0)
            model = make().eval()
            x = torch.randn(*shape)
            path = os.path.join(tmp, name + ".onnx")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(model, x, path, opset_version=17,
                                  input_names=["x"], output_names=["y"])
            del model
            x_path = os.path.join(tmp, name + ".x.npy")
            np.save(x_path, x.numpy())
            bank = os.path.join(args.bank_dir or tmp, name + ".bank")
            if os.path.exists(os.path.join(bank, "geflow_op_bank.json")):
                os.remove(os.path.join(bank, "geflow_op_bank.json"))
            load0 = models_bench.load_average()
            tune_s = compile_seconds(args.bin, path,
                                     {"aoe_mode": "2", "op_bank_path": bank})
            # Compile times in processes of their own, one at a time (a
            # worker's idle executable would share the cores otherwise).
            compile_s = {
                "previous": compile_seconds(args.baseline_bin, path, {}),
                "untuned": compile_seconds(args.bin, path, {}),
                "tuned": compile_seconds(args.bin, path,
                                         {"op_bank_path": bank}),
            }
            workers = {
                "previous": Worker(args.baseline_bin, path, x_path, {},
                                   "previous"),
                "untuned": Worker(args.bin, path, x_path, {}, "untuned"),
                "tuned": Worker(args.bin, path, x_path,
                                {"op_bank_path": bank}, "tuned"),
            }
            try:
                ref = workers["untuned"].output()
                error = float(np.abs(workers["tuned"].output() - ref).max()
                              / max(np.abs(ref).max(), 1e-30))
                times = {label: [] for label in workers}
                for _ in range(args.rounds):
                    for label, w in workers.items():
                        times[label] += w.time(args.seconds / args.rounds)
            finally:
                for w in workers.values():
                    w.close()
            with open(os.path.join(bank, "geflow_op_bank.json")) as f:
                entries = json.load(f)["entries"]
            row = {"model": name, "load": [load0, models_bench.load_average()],
                   "tuned_vs_untuned_error": error, "tune_compile_s": tune_s,
                   "bank_entries": len(entries),
                   "bank_hinted": sum(1 for e in entries if any(e["tiling"]))}
            for label, w in workers.items():
                row[label] = {"ms": float(np.median(times[label])) * 1e3,
                              "compile_s": compile_s[label]}
            rows.append(row)
            print_row(row)
    return rows


HEADER = (f"{'model':13s} {'prev ms':>8s} {'untuned':>8s} {'tuned':>8s} "
          f"{'tun/unt':>7s} | {'compile s: prev':>15s} {'untuned':>8s} "
          f"{'x prev':>6s} {'tuning':>7s} {'bank':>6s} | {'hinted':>9s} "
          f"{'rel err':>8s} load")


def print_row(row):
    p, u, t = row["previous"], row["untuned"], row["tuned"]
    print(f"{row['model']:13s} {p['ms']:8.2f} {u['ms']:8.2f} {t['ms']:8.2f} "
          f"{t['ms'] / u['ms']:7.3f} | {p['compile_s']:15.2f} "
          f"{u['compile_s']:8.2f} {u['compile_s'] / p['compile_s']:6.2f} "
          f"{row['tune_compile_s']:7.1f} {t['compile_s']:6.2f} | "
          f"{row['bank_hinted']:3d}/{row['bank_entries']:<5d} "
          f"{row['tuned_vs_untuned_error']:8.1e} "
          f"{row['load'][0]:.2f}->{row['load'][1]:.2f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="this build's bin/")
    parser.add_argument("--baseline-bin", default="",
                        help="the previous release's bin/ (default: --bin)")
    parser.add_argument("--models", default="",
                        help="comma-separated subset of models_bench.py's")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=6.0,
                        help="timed seconds per executable and model")
    parser.add_argument("--json", help="also write the rows here")
    parser.add_argument("--bank-dir", default="",
                        help="keep each model's op bank in DIR/<model>.bank "
                             "(default: a temporary directory)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--options", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    args.baseline_bin = args.baseline_bin or args.bin
    rows = run(args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
