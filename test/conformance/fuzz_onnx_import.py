#!/usr/bin/python3
"""Mutation fuzzing of geflow-compile's ONNX import.

A model file is untrusted input: whatever its bytes, geflow-compile must end
with output or a clear error, never a crash or a hang. This takes the ONNX
node-test models as seeds, corrupts them (bit flips, truncation, spliced and
duplicated byte ranges, and protobuf-aware edits of dims and attribute
values) with a fixed seed, and runs the importer on each variant.

Prints the number of runs per outcome and every crash (with the seed and the
mutated file kept in --keep-dir), and exits non-zero when anything crashed
or timed out.
"""
import argparse
import concurrent.futures
import os
import random
import subprocess
import sys
import tempfile

DEFAULT_DATA = "/usr/share/libonnx-testdata/data/node"
CRASH_MARKERS = ("LLVM ERROR", "Stack dump", "Assertion", "terminate called",
                 "PLEASE submit a bug report")


def mutate_bytes(data, rng):
    data = bytearray(data)
    kind = rng.randrange(5)
    if kind == 0 and data:  # flip a few bits
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
    elif kind == 1 and data:  # truncate
        del data[rng.randrange(len(data)):]
    elif kind == 2 and data:  # overwrite bytes with extreme values
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(data))
            data[i] = rng.choice([0x00, 0x7F, 0x80, 0xFF])
    elif kind == 3 and len(data) > 2:  # duplicate a range
        a = rng.randrange(len(data))
        b = min(len(data), a + rng.randint(1, 64))
        data[a:a] = data[a:b]
    elif data:  # delete a range
        a = rng.randrange(len(data))
        del data[a:a + rng.randint(1, 32)]
    return bytes(data)


def mutate_model(data, rng):
    """Structured edits that stay valid protobuf but stress the importer."""
    try:
        import onnx
    except ImportError:
        return mutate_bytes(data, rng)
    m = onnx.ModelProto()
    try:
        m.ParseFromString(data)
    except Exception:
        return mutate_bytes(data, rng)
    extremes = [0, -1, -2, 1, 2**31 - 1, -2**31, 2**62, -2**62, 2**63 - 1]
    nodes = list(m.graph.node)
    choice = rng.randrange(4)
    if choice == 0 and nodes:  # extreme int attributes
        node = rng.choice(nodes)
        for attr in node.attribute:
            if attr.ints:
                attr.ints[rng.randrange(len(attr.ints))] = rng.choice(extremes)
            elif attr.type == onnx.AttributeProto.INT:
                attr.i = rng.choice(extremes)
    elif choice == 1:  # extreme input dims
        for value in m.graph.input:
            dims = value.type.tensor_type.shape.dim
            if dims:
                dims[rng.randrange(len(dims))].dim_value = rng.choice(extremes)
    elif choice == 2 and m.graph.initializer:  # lie about initializer dims
        init = rng.choice(m.graph.initializer)
        if init.dims:
            init.dims[rng.randrange(len(init.dims))] = rng.choice(extremes)
        else:
            init.dims.append(rng.choice(extremes))
    elif nodes:  # drop or rename an input
        node = rng.choice(nodes)
        if node.input:
            node.input[rng.randrange(len(node.input))] = rng.choice(["", "nope"])
    return m.SerializeToString()


def run(args, seed, seeds, workdir):
    rng = random.Random(seed)
    source = rng.choice(seeds)
    with open(source, "rb") as f:
        data = f.read()
    data = mutate_model(data, rng) if rng.random() < 0.5 else mutate_bytes(data, rng)
    path = os.path.join(workdir, f"fuzz_{seed}.onnx")
    with open(path, "wb") as f:
        f.write(data)
    out = os.path.join(workdir, f"fuzz_{seed}")
    try:
        proc = subprocess.run([args.geflow_compile, f"--model={path}", "--framework=onnx",
                               "--emit=mlir", f"--output={out}"],
                              capture_output=True, text=True, errors="replace",
                              timeout=args.timeout)
        outcome = "ok" if proc.returncode == 0 else "error"
        if proc.returncode < 0 or proc.returncode >= 128 or any(
                m in proc.stderr for m in CRASH_MARKERS):
            outcome = "crash"
        detail = proc.stderr.strip().splitlines()[:3]
    except subprocess.TimeoutExpired:
        outcome, detail = "timeout", []
    if outcome in ("crash", "timeout") and args.keep_dir:
        os.makedirs(args.keep_dir, exist_ok=True)
        os.replace(path, os.path.join(args.keep_dir, os.path.basename(path)))
    else:
        os.remove(path)
    for leftover in (out + ".mlir",):
        if os.path.exists(leftover):
            os.remove(leftover)
    return seed, source, outcome, detail


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--geflow-compile",
                        default=os.path.join(here, "..", "..", "build", "bin",
                                             "geflow-compile"))
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    # Above the importer's own 60 s limit on ONNX shape inference.
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--keep-dir", default="", help="keep crashing inputs here")
    args = parser.parse_args()

    seeds = sorted(os.path.join(args.data, t, "model.onnx")
                   for t in os.listdir(args.data)
                   if os.path.isfile(os.path.join(args.data, t, "model.onnx")))
    counts = {"ok": 0, "error": 0, "crash": 0, "timeout": 0}
    bad = []
    with tempfile.TemporaryDirectory(prefix="geflow-fuzz-") as workdir:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            jobs = [pool.submit(run, args, args.seed * 1000003 + i, seeds, workdir)
                    for i in range(args.runs)]
            for job in concurrent.futures.as_completed(jobs):
                seed, source, outcome, detail = job.result()
                counts[outcome] += 1
                if outcome in ("crash", "timeout"):
                    bad.append((seed, source, outcome, detail))
    for seed, source, outcome, detail in sorted(bad):
        print(f"{outcome.upper()} seed {seed} from {source}: {' | '.join(detail)}")
    print(f"{args.runs} runs: {counts['ok']} imported, {counts['error']} rejected, "
          f"{counts['crash']} crashed, {counts['timeout']} timed out")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
