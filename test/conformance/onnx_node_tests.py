#!/usr/bin/python3
"""Imports every ONNX backend node test model with geflow-compile.

Walks the node tests of Debian's libonnx-testdata, runs
`geflow-compile --model=<test>/model.onnx --framework=onnx --emit=mlir` on
each (in parallel, with a per-model timeout) and re-parses the output with
geflow-opt, which verifies it. Each model ends up as:

  passed   imported, and the written IR parses and verifies
  skipped  the importer reported only unsupported operators/attributes/types
  failed   any other error, a missing or unparsable output, or an output
           left behind by a failed import
  crashed  a signal, an LLVM fatal error, or a timeout (also counted failed)

Prints counts per category (the ONNX operator the test is named after) and
ends with the line `N passed, N failed, N skipped`. Exits non-zero when any
model crashed or timed out, so CTest catches crashes while known gaps stay
visible in the counts. The executor issue extends "passed" to running the
model and comparing its outputs with the test data.
"""
import argparse
import collections
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

DEFAULT_DATA = "/usr/share/libonnx-testdata/data/node"


def onnx_op_names():
    """ONNX operator names, longest first, to name a test's category."""
    try:
        from onnx import defs
        names = {s.name for s in defs.get_all_schemas_with_history()}
    except ImportError:  # categories degrade to the test name's first word
        names = set()
    return sorted(names, key=len, reverse=True)


def category_of(test, ops):
    """The operator a test is named after: the longest op name the test name
    starts with, else the longest one it contains (test_basic_conv_...)."""
    key = test[len("test_"):].replace("_", "").lower()
    for op in ops:
        if key.startswith(op.lower()):
            return op
    for op in ops:
        if len(op) > 2 and op.lower() in key:
            return op
    return test[len("test_"):].split("_")[0]


def classify_error(stderr):
    """'skipped' when every reported problem is an unsupported feature."""
    lines = [l.strip() for l in stderr.splitlines()]
    if any(l.startswith("failed:") for l in lines):
        return "failed"
    if any(l.startswith("unsupported") for l in lines):
        return "skipped"
    return "failed"


def first_problem(stderr):
    for line in stderr.splitlines():
        line = line.strip()
        if line.startswith(("unsupported", "failed:")):
            return line
    lines = [l for l in stderr.splitlines() if l.strip()]
    return lines[0] if lines else "(no message)"


CRASH_MARKERS = ("LLVM ERROR", "Stack dump", "Assertion", "terminate called",
                 "Segmentation fault", "PLEASE submit a bug report")


def run_one(test, args, outdir):
    model = os.path.join(args.data, test, "model.onnx")
    out = os.path.join(outdir, test + ".mlir")
    cmd = [args.geflow_compile, f"--model={model}", "--framework=onnx",
           "--emit=mlir", f"--output={out}"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              errors="replace", timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return test, "crashed", f"timed out after {args.timeout} s"
    except OSError as e:
        return test, "failed", f"cannot run geflow-compile: {e}"
    stderr = proc.stderr
    if proc.returncode < 0 or proc.returncode >= 128 or any(
            m in stderr for m in CRASH_MARKERS):
        return test, "crashed", f"exit {proc.returncode}: {first_problem(stderr)}"
    if proc.returncode != 0:
        if os.path.exists(out):
            return test, "failed", "a failed import left an output file"
        return test, classify_error(stderr), first_problem(stderr)
    if not os.path.exists(out):
        return test, "failed", "exit 0 but no output file"
    try:
        check = subprocess.run([args.geflow_opt, out, "-o", os.devnull],
                               capture_output=True, text=True, errors="replace",
                               timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return test, "crashed", "geflow-opt timed out re-parsing the output"
    except OSError as e:
        return test, "failed", f"cannot run geflow-opt: {e}"
    finally:
        os.remove(out)
    if check.returncode != 0:
        return test, "failed", "output does not verify: " + first_problem(
            check.stderr)
    return test, "passed", ""


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    build_bin = os.path.join(here, "..", "..", "build", "bin")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--geflow-compile",
                        default=os.path.join(build_bin, "geflow-compile"))
    parser.add_argument("--geflow-opt", default=os.path.join(build_bin, "geflow-opt"))
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--filter", default="", help="regex on test names")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every failed and skipped test with its reason")
    args = parser.parse_args()

    if not os.path.isdir(args.data):
        print(f"error: no ONNX node tests at {args.data} "
              "(install libonnx-testdata)", file=sys.stderr)
        return 2
    tests = sorted(t for t in os.listdir(args.data)
                   if os.path.isfile(os.path.join(args.data, t, "model.onnx"))
                   and re.search(args.filter, t))
    ops = onnx_op_names()
    results = []
    with tempfile.TemporaryDirectory(prefix="geflow-onnx-node-") as outdir:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(run_one, t, args, outdir) for t in tests]
            for future in concurrent.futures.as_completed(futures):
                results.append(future.result())
    results.sort()

    per_category = collections.defaultdict(collections.Counter)
    totals = collections.Counter()
    reasons = collections.Counter()
    for test, status, reason in results:
        per_category[category_of(test, ops)][status] += 1
        totals[status] += 1
        if status in ("failed", "crashed"):
            reasons[re.sub(r"'[^']*'", "'...'", reason)[:100]] += 1

    print("category: passed failed skipped")
    for cat in sorted(per_category):
        c = per_category[cat]
        print(f"  {cat}: {c['passed']} {c['failed'] + c['crashed']} {c['skipped']}")
    if args.verbose:
        for test, status, reason in results:
            if status != "passed":
                print(f"{status.upper()} {test}: {reason}")
    else:
        for test, status, reason in results:
            if status == "crashed":
                print(f"CRASHED {test}: {reason}")
    if reasons:
        print("most common failures:")
        for reason, count in reasons.most_common(10):
            print(f"  {count:4d}  {reason}")
    if totals["crashed"]:
        print(f"{totals['crashed']} crashed or timed out")
    failed = totals["failed"] + totals["crashed"]
    print(f"{totals['passed']} passed, {failed} failed, {totals['skipped']} skipped")
    return 1 if totals["crashed"] else 0


if __name__ == "__main__":
    sys.exit(main())
