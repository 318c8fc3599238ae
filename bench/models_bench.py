#!/usr/bin/env python3
"""Whole-model speed: geflow against PyTorch and against the machine's peak.

Models (random weights, fixed seed; exported with Debian's PyTorch through
torch.onnx.export): torchvision ResNet-18, ResNet-50 at batch 1 and 8,
MobileNetV2, and a 12-layer d768 encoder (12 heads, FFN 3072, GELU) at
sequence 128. Each is timed against PyTorch on the same cores (PyTorch
with `--threads` intra-op threads, geflow on its AI cores), in interleaved
rounds: every round times PyTorch, geflow fp32 and geflow
`allow_mix_precision_bf16` back to back, so a load spike hits them alike.
A row's latency is the median over every timed run of every round.

PyTorch runs in a worker process of its own (the same model and input,
rebuilt from the same seed), with OMP_NUM_THREADS / MKL_NUM_THREADS set
before it loads, one inter-op thread and `--torch-wait-policy` as
OMP_WAIT_POLICY (default passive: its OpenMP threads sleep while geflow is
timed instead of spinning against it; on a machine shared with builds,
spinning barriers of a descheduled team once gave 0.2-2.5 s ResNet
latencies). The load average at the start and end of each model is printed
with its row, so a measurement under load can be told apart.

The peak microbenchmark (geflow_bench_peak: vfmadd231ps zmm and vdpbf16ps
throughput) runs in the same process tree first, so "% of peak" uses this
machine's clock as it is now. Rows give latency (median and p99), the ratio
to PyTorch fp32 (< 1: geflow is faster), GFLOP/s (multiply-add = 2 FLOPs of
convolutions and matrix products), the fraction of the fp32 (or bf16) peak
of all cores, and the max error relative to PyTorch's max |output|.

PyTorch runs with its best BLAS settings: OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE (set on this machine for the tests) are removed from the
environment before NumPy or PyTorch load.

Usage: models_bench.py --bin BUILD/bin [--models a,b] [--rounds N]
                       [--seconds S] [--processes N] [--json FILE]
                       [--option NAME=VALUE]...
  --option       a GE option for both geflow compiles (A/B runs of one
                 build, e.g. format_selection=nchw against the default)
  --processes N  runs the whole benchmark N times in separate processes and
                 reports each model's spread of medians and worst p99/median
                 against the stability bar (`ninja bench_models_stability`:
                 5 processes).
"""
import argparse
import json
import os
import subprocess
import sys

_BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(v in os.environ for v in _BLAS_VARS):
    env = {k: v for k, v in os.environ.items() if k not in _BLAS_VARS}
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402


def encoder_module(torch, layers=12, d=768, heads=12, ffn=3072):
    nn = torch.nn
    F = torch.nn.functional

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(d, 3 * d)
            self.out = nn.Linear(d, d)
            self.ln1 = nn.LayerNorm(d)
            self.fc1 = nn.Linear(d, ffn)
            self.fc2 = nn.Linear(ffn, d)
            self.ln2 = nn.LayerNorm(d)

        def forward(self, x):
            b, s, _ = x.shape
            q, k, v = self.qkv(x).reshape(b, s, 3, heads, d // heads).permute(
                2, 0, 3, 1, 4)
            att = torch.softmax(q @ k.transpose(-1, -2) * (d // heads) ** -0.5, -1)
            ctx = (att @ v).transpose(1, 2).reshape(b, s, d)
            x = self.ln1(x + self.out(ctx))
            return self.ln2(x + self.fc2(F.gelu(self.fc1(x))))

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList(Layer() for _ in range(layers))

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    return Encoder()


def model_cases(torch, torchvision):
    """name -> (make model, input shape, extra FLOPs not seen by the hooks)."""
    tv = torchvision.models
    seq, d, layers = 128, 768, 12
    # Q·Kᵀ and att·V: 2 matmuls of s x s x d per layer, 2 FLOPs each.
    attention_flops = layers * 2 * 2 * seq * seq * d
    return {
        "resnet18": (lambda: tv.resnet18(weights=None), (1, 3, 224, 224), 0),
        "resnet50": (lambda: tv.resnet50(weights=None), (1, 3, 224, 224), 0),
        "resnet50_b8": (lambda: tv.resnet50(weights=None), (8, 3, 224, 224), 0),
        "mobilenet_v2": (lambda: tv.mobilenet_v2(weights=None), (1, 3, 224, 224), 0),
        "encoder12": (lambda: encoder_module(torch), (1, seq, d), attention_flops),
    }


def count_flops(torch, model, x):
    """Multiply-adds x 2 of every Conv2d and Linear in one forward pass."""
    total = [0]

    def conv(mod, inp, out):
        k = mod.kernel_size[0] * mod.kernel_size[1] * mod.in_channels // mod.groups
        total[0] += 2 * out.numel() * k

    def linear(mod, inp, out):
        total[0] += 2 * out.numel() * mod.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            hooks.append(m.register_forward_hook(conv))
        elif isinstance(m, torch.nn.Linear):
            hooks.append(m.register_forward_hook(linear))
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    return total[0]


def time_runs(fn, seconds, min_runs=3, busy=None):
    """Calls fn repeatedly for about `seconds`; returns the per-call times.
    With `busy` (a [cpu seconds, wall seconds] pair), adds the process's CPU
    time and the wall time of the calls to it (core utilization)."""
    times = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    deadline = wall0 + seconds
    while len(times) < min_runs or time.perf_counter() < deadline:
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    if busy is not None:
        busy[0] += time.process_time() - cpu0
        busy[1] += time.perf_counter() - wall0
    return times


def measure_peak(bin_dir, threads):
    out = subprocess.run([os.path.join(bin_dir, "geflow_bench_peak"),
                          f"--threads={threads}", "--seconds=1"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def torch_worker(args):
    """--torch-worker NAME: builds the model and input as run_once does,
    then answers "time SECONDS" lines with a JSON line of per-call times
    and the CPU / wall seconds they took; stops at end of input."""
    import torch
    import torchvision

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    make, shape, _ = model_cases(torch, torchvision)[args.torch_worker]
    torch.manual_seed(0)
    model = make().eval()
    x = torch.randn(*shape)

    def run():
        with torch.no_grad():
            model(x)

    time_runs(run, 0.2, min_runs=2)  # warm-up
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if len(words) != 2 or words[0] != "time":
            sys.exit(f"models_bench torch worker: bad command {line!r}")
        busy = [0.0, 0.0]
        times = time_runs(run, float(words[1]), busy=busy)
        print(json.dumps({"times": times, "cpu": busy[0], "wall": busy[1]}),
              flush=True)


class TorchProcess:
    """The PyTorch side of one model, timed in its own process."""

    def __init__(self, args, name):
        env = dict(os.environ)
        env["OMP_NUM_THREADS"] = str(args.threads)
        env["MKL_NUM_THREADS"] = str(args.threads)
        if args.torch_wait_policy != "default":
            env["OMP_WAIT_POLICY"] = args.torch_wait_policy.upper()
        else:
            env.pop("OMP_WAIT_POLICY", None)
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--bin", args.bin,
             "--threads", str(args.threads), "--torch-worker", name],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        if self.proc.stdout.readline().strip() != "ready":
            self.close()
            sys.exit(f"models_bench: the PyTorch worker for {name} failed")

    def time(self, seconds, busy):
        self.proc.stdin.write(f"time {seconds}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            sys.exit("models_bench: the PyTorch worker died")
        got = json.loads(line)
        busy[0] += got["cpu"]
        busy[1] += got["wall"]
        return got["times"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def load_average():
    return os.getloadavg()[0]


def run_once(args):
    sys.path.insert(0, os.path.join(os.path.abspath(args.bin), "..", "python"))
    # This process only exports and computes references with PyTorch: its
    # OpenMP threads must not spin while geflow is timed.
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    import torch
    import torchvision

    import geflow

    torch.set_num_threads(args.threads)
    peak = measure_peak(args.bin, args.threads)
    print(f"peak ({args.threads} cores, measured now): fp32 "
          f"{peak['fp32'][str(args.threads)]} GFLOP/s, bf16 "
          f"{peak['bf16'][str(args.threads)]} GFLOP/s "
          f"(1 core: {peak['fp32']['1']} / {peak['bf16']['1']})", flush=True)
    cases = model_cases(torch, torchvision)
    wanted = args.models.split(",") if args.models else list(cases)
    unknown = [m for m in wanted if m not in cases]
    if unknown:
        sys.exit(f"models_bench: unknown model(s) {', '.join(unknown)}; "
                 f"known: {', '.join(cases)}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in wanted:
            make, shape, extra_flops = cases[name]
            torch.manual_seed(0)
            model = make().eval()
            x = torch.randn(*shape)
            flops = count_flops(torch, model, x) + extra_flops
            path = os.path.join(tmp, name + ".onnx")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(model, x, path, opset_version=17,
                                  input_names=["x"], output_names=["y"])
            with torch.no_grad():
                ref = model(x).numpy()
            xn = x.numpy()
            load0 = load_average()
            variants = {}
            for label, mode in (("fp32", "must_keep_origin_dtype"),
                                ("bf16", "allow_mix_precision_bf16")):
                start = time.perf_counter()
                options = {"precision_mode": mode}
                if args.impl_mode:
                    options["op_select_implmode"] = args.impl_mode
                options.update(args.option)
                exe = geflow.compile(path, options=options)
                seconds = time.perf_counter() - start
                got = exe.run({"x": xn})[0]
                error = float(np.abs(got - ref).max() / np.abs(ref).max())
                variants[label] = (exe, seconds, error)

            del model
            torch_side = TorchProcess(args, name)
            runners = {}
            for label, (exe, _, _) in variants.items():
                runners[label] = (lambda e: lambda: e.run({"x": xn}))(exe)
            for fn in runners.values():  # warm-up
                time_runs(fn, 0.2, min_runs=2)
            labels = ["torch"] + list(runners)
            times = {label: [] for label in labels}
            busy = {label: [0.0, 0.0] for label in labels}
            ai_busy_s = {label: 0.0 for label in runners}
            slice_s = args.seconds / args.rounds
            try:
                for _ in range(args.rounds):
                    times["torch"] += torch_side.time(slice_s, busy["torch"])
                    for label, fn in runners.items():
                        before = ai_core_busy_s()
                        times[label] += time_runs(fn, slice_s, busy=busy[label])
                        ai_busy_s[label] += ai_core_busy_s() - before
            finally:
                torch_side.close()
            median = {k: float(np.median(v)) for k, v in times.items()}
            p99 = {k: float(np.percentile(v, 99)) for k, v in times.items()}
            row = {"model": name, "gflop": flops / 1e9, "torch_ms": median["torch"] * 1e3,
                   "torch_p99_ms": p99["torch"] * 1e3,
                   "load": [load0, load_average()]}
            for label, (_, seconds, error) in variants.items():
                gflops = flops / median[label] / 1e9
                row[label] = {
                    "ms": median[label] * 1e3, "p99_ms": p99[label] * 1e3,
                    "ratio": median[label] / median["torch"], "gflops": gflops,
                    "peak_fraction": gflops / peak[label][str(args.threads)],
                    "error": error, "compile_s": seconds,
                    "cores_busy": busy[label][0] / max(busy[label][1], 1e-9),
                    "ai_cores_busy": ai_busy_s[label] / max(busy[label][1], 1e-9)}
            rows.append(row)
            print_row(row, flush=True)
    return {"peak": peak, "threads": args.threads, "rows": rows}


HEADER = (f"{'model':13s} {'GFLOP':>6s} {'torch ms':>9s} | "
          f"{'mode':4s} {'ms':>8s} {'p99/med':>7s} {'x torch':>7s} "
          f"{'GFLOP/s':>8s} {'% peak':>6s} {'cores':>5s} {'AI':>5s} {'max rel err':>11s} "
          f"{'compile s':>9s}")


def ai_core_busy_s():
    """Seconds the device's AI cores have spent running tasks, summed over
    the cores (the runtime's own count: polling and sleeping excluded)."""
    import geflow
    return sum(c["busy_ns"] for c in geflow.core_stats()) / 1e9


def print_row(row, flush=False):
    for i, label in enumerate(("fp32", "bf16")):
        v = row[label]
        lead = (f"{row['model']:13s} {row['gflop']:6.2f} {row['torch_ms']:9.2f}"
                if i == 0 else " " * 31)
        print(f"{lead} | {label:4s} {v['ms']:8.2f} {v['p99_ms'] / v['ms']:7.2f} "
              f"{v['ratio']:7.2f} {v['gflops']:8.1f} {100 * v['peak_fraction']:5.1f}% "
              f"{v['cores_busy']:5.2f} {v['ai_cores_busy']:5.2f} {v['error']:11.2e} "
              f"{v['compile_s']:9.1f}",
              flush=flush)
    if "load" in row:
        print(f"{'':31s}   (load average {row['load'][0]:.2f} -> "
              f"{row['load'][1]:.2f}; torch p99/med "
              f"{row['torch_p99_ms'] / row['torch_ms']:.2f})", flush=flush)


def ge_option(text):
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got '{text}'")
    return name, value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="build/bin")
    parser.add_argument("--models", default="",
                        help="comma-separated subset (default: all)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="timed seconds per model and variant, over all rounds")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--impl-mode", default="",
                        help="op_select_implmode for geflow's compiles "
                             "(high_performance: Winograd 3x3 convs)")
    parser.add_argument("--option", action="append", default=[],
                        type=ge_option, metavar="NAME=VALUE",
                        help="a GE option for both geflow compiles "
                             "(repeatable), e.g. format_selection=nc1hwc0")
    parser.add_argument("--torch-wait-policy", default="passive",
                        choices=("passive", "active", "default"),
                        help="OMP_WAIT_POLICY of the PyTorch worker process "
                             "(default: leave it unset)")
    parser.add_argument("--torch-worker", default="",
                        help=argparse.SUPPRESS)  # internal: the PyTorch side
    args = parser.parse_args()
    if args.torch_worker:
        torch_worker(args)
        return
    if args.rounds < 1 or args.seconds <= 0 or args.processes < 1 or args.threads < 1:
        sys.exit("models_bench: --rounds, --seconds, --processes and --threads "
                 "must be positive")

    if args.processes == 1:
        print(HEADER, flush=True)
        result = run_once(args)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=1)
        print("(ms: median over all timed runs; x torch: geflow / PyTorch fp32 "
              "latency, < 1 is faster; % peak: of the measured peak of "
              f"{args.threads} cores for the mode's arithmetic; cores: CPU "
              "time of the process over wall time while geflow runs, polling "
              "included; AI: the AI cores' time running tasks over wall time, "
              "summed over the cores (geflow.core_stats), 2.00 = both busy)")
        return

    # Stability: the whole benchmark in separate processes.
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for p in range(args.processes):
            out = os.path.join(tmp, f"run{p}.json")
            cmd = [sys.executable, os.path.abspath(__file__), "--bin", args.bin,
                   "--rounds", str(args.rounds), "--seconds", str(args.seconds),
                   "--threads", str(args.threads), "--json", out]
            if args.models:
                cmd += ["--models", args.models]
            if args.impl_mode:
                cmd += ["--impl-mode", args.impl_mode]
            for name, value in args.option:
                cmd += ["--option", f"{name}={value}"]
            cmd += ["--torch-wait-policy", args.torch_wait_policy]
            print(f"== process {p + 1} of {args.processes}", flush=True)
            subprocess.run(cmd, check=True)
            with open(out) as f:
                results.append(json.load(f))
    print(f"\nstability across {args.processes} processes (spread: max |median / "
          "median of medians - 1|, must be <= 10%; p99/median: worst of the "
          "processes, must be <= 1.25):")
    print(f"  {'model':13s} {'mode':5s} {'medians ms':>40s} {'spread':>7s} "
          f"{'p99/med':>7s} {'ok':>3s}")
    for i, row in enumerate(results[0]["rows"]):
        for label in ("fp32", "bf16"):
            meds = [r["rows"][i][label]["ms"] for r in results]
            mm = float(np.median(meds))
            spread = max(abs(m / mm - 1) for m in meds)
            worst_p99 = max(r["rows"][i][label]["p99_ms"] / r["rows"][i][label]["ms"]
                            for r in results)
            ok = spread <= 0.10 and worst_p99 <= 1.25
            print(f"  {row['model']:13s} {label:5s} "
                  f"{', '.join(f'{m:.2f}' for m in meds):>40s} "
                  f"{100 * spread:6.1f}% {worst_p99:7.2f} {'yes' if ok else 'NO':>3s}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
