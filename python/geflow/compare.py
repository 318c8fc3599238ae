"""Accuracy comparison of two data dumps (what msaccucmp gives GE users).

    rows = geflow.compare.compare("dump_fp32", "dump_fp16", csv_path="cmp.csv")
    first = next(r for r in rows if r["flagged"])

Each argument is a dump directory written with enable_dump (the dump_path,
or any directory below it down to one {data_index} directory holding
mapping.csv). Tensors are matched by GE op name, input/output and index; the
rows follow dump A's execution order (task id), then ops only dump B holds.
Pure Python + NumPy: no extension needed. See docs/debugging.md.
"""
import argparse
import csv
import os
import re
import sys

import numpy as np

__all__ = ["CompareError", "compare", "main", "COLUMNS"]

COLUMNS = ["Index", "Task ID", "Op Type", "Op Name", "Tensor", "Shape", "Cosine Similarity",
           "Max Abs Error", "Max Rel Error", "Share Beyond Tol", "Status", "First Flagged"]

_FILE = re.compile(r"^(?P<prefix>.+\.\d+)\.\d{16}\.(?P<kind>input|output)\.(?P<index>\d+)\.npy$")


class CompareError(ValueError):
    """Bad input to compare: a missing directory, not a dump, mismatched
    shapes."""


def _run_dirs(root):
    return sorted(d for d, _, fs in os.walk(root) if "mapping.csv" in fs
                  and os.path.basename(d).isdigit())


def _find_run(root, step, label):
    if not os.path.isdir(root):
        raise CompareError(f"dump {label} '{root}' is not a directory")
    runs = _run_dirs(root)
    if step is not None:
        runs = [d for d in runs if os.path.basename(d) == str(step)]
    if not runs:
        what = f" for step {step}" if step is not None else ""
        raise CompareError(f"dump {label} '{root}' holds no dumped run{what} "
                           "(no {data_index}/mapping.csv below it): not a geflow data dump")
    if len(runs) > 1:
        shown = ", ".join(os.path.relpath(d, root) for d in runs[:4])
        raise CompareError(f"dump {label} '{root}' holds {len(runs)} runs ({shown}"
                           f"{', ...' if len(runs) > 4 else ''}): pass step= (--step) or "
                           "one run's directory")
    return runs[0]


def _load_run(run_dir, label):
    """[(task_id, op_type, op_name, {(kind, index): path})] in task order."""
    path = os.path.join(run_dir, "mapping.csv")
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise CompareError(f"dump {label}: cannot read '{path}': {e}") from None
    needed = {"Task ID", "Op Type", "Op Name", "File Prefix"}
    if not rows or not needed <= set(rows[0]):
        raise CompareError(f"dump {label}: '{path}' is not a geflow mapping.csv "
                           f"(needs columns {', '.join(sorted(needed))})")
    files = {}
    for name in os.listdir(run_dir):
        m = _FILE.match(name)
        if m:
            files.setdefault(m["prefix"], {})[(m["kind"], int(m["index"]))] = \
                os.path.join(run_dir, name)
    ops = []
    for r in rows:
        try:
            task = int(r["Task ID"])
        except ValueError:
            raise CompareError(f"dump {label}: '{path}' has task id {r['Task ID']!r}") from None
        tensors = files.get(r["File Prefix"], {})
        if tensors:
            ops.append((task, r["Op Type"], r["Op Name"], tensors))
    if not ops:
        raise CompareError(f"dump {label}: '{run_dir}' holds no .npy tensors "
                           "(dump_data stats, or dump_layer selected nothing?)")
    ops.sort(key=lambda o: o[0])
    return ops


def _load(path, label):
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise CompareError(f"dump {label}: cannot read '{path}': {e}") from None


def _metrics(a, b, rtol, atol):
    a = a.astype(np.float64).ravel()
    b = b.astype(np.float64).ravel()
    if a.size == 0:
        return 1.0, 0.0, 0.0, 0.0
    finite = np.isfinite(a) & np.isfinite(b)
    same_nonfinite = ~finite & ((a == b) | (np.isnan(a) & np.isnan(b)))
    diff = np.where(finite, np.abs(a - b), np.where(same_nonfinite, 0.0, np.inf))
    beyond = diff > atol + rtol * np.where(finite, np.abs(a), 0.0)
    share = float(beyond.mean())
    # Matching Inf/NaN are equal; any other non-finite difference makes the
    # cosine undefined (NaN), which flags the tensor.
    cosine = _cos(a[finite], b[finite]) if same_nonfinite[~finite].all() else float("nan")
    max_abs = float(diff.max())
    rel = diff / np.maximum(np.where(finite, np.abs(a), 1.0), np.finfo(np.float64).tiny)
    return cosine, max_abs, float(rel.max()), share


def _cos(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 and nb == 0:
        return 1.0
    if na == 0 or nb == 0:
        return 0.0
    return float(np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0))


def compare(dump_a, dump_b, csv_path=None, rtol=1e-3, atol=1e-5, min_cosine=0.99,
            max_share=0.0, step=None):
    """Compares the tensors of two dumps; returns one dict per tensor (keys
    COLUMNS, numbers as floats). A tensor is flagged (Status "diverged") when
    its cosine similarity is below ``min_cosine`` or more than ``max_share``
    of its elements differ by more than ``atol + rtol * |a|``; "First
    Flagged" marks the first such tensor in execution order. Ops or tensors
    in one dump only get Status "only in A" / "only in B". With ``csv_path``
    the table is also written there."""
    for name, value in (("rtol", rtol), ("atol", atol), ("max_share", max_share)):
        if not isinstance(value, (int, float)) or not value >= 0:
            raise CompareError(f"compare: {name} must be a number >= 0, got {value!r}")
    if not isinstance(min_cosine, (int, float)) or not -1 <= min_cosine <= 1:
        raise CompareError(f"compare: min_cosine must be in [-1, 1], got {min_cosine!r}")
    ops_a = _load_run(_find_run(dump_a, step, "A"), "A")
    ops_b = _load_run(_find_run(dump_b, step, "B"), "B")
    by_name_b = {o[2]: o for o in ops_b}
    names_a = {o[2] for o in ops_a}
    rows = []
    flagged = False

    def row(op, tensor, shape, metrics, status):
        cos, mabs, mrel, share = metrics if metrics else ("",) * 4
        return {"Index": len(rows), "Task ID": op[0], "Op Type": op[1], "Op Name": op[2],
                "Tensor": f"{tensor[0]}.{tensor[1]}", "Shape": shape,
                "Cosine Similarity": cos, "Max Abs Error": mabs, "Max Rel Error": mrel,
                "Share Beyond Tol": share, "Status": status, "First Flagged": ""}

    for op in ops_a:
        other = by_name_b.get(op[2])
        keys = sorted(set(op[3]) | set(other[3] if other else {}),
                      key=lambda k: (k[0] != "input", k[1]))
        for key in keys:
            if other is None or key not in other[3]:
                a = _load(op[3][key], "A")
                rows.append(row(op, key, "x".join(map(str, a.shape)), None, "only in A"))
                continue
            if key not in op[3]:
                b = _load(other[3][key], "B")
                rows.append(row(op, key, "x".join(map(str, b.shape)), None, "only in B"))
                continue
            a, b = _load(op[3][key], "A"), _load(other[3][key], "B")
            if a.shape != b.shape:
                raise CompareError(f"op '{op[2]}' {key[0]} {key[1]}: shape {a.shape} in dump A "
                                   f"but {b.shape} in dump B")
            m = _metrics(a, b, rtol, atol)
            bad = not (m[0] >= min_cosine) or m[3] > max_share
            rows.append(row(op, key, "x".join(map(str, a.shape)), m,
                            "diverged" if bad else "ok"))
            if bad and not flagged:
                rows[-1]["First Flagged"] = "yes"
                flagged = True
    for op in ops_b:
        if op[2] not in names_a:
            for key in sorted(op[3], key=lambda k: (k[0] != "input", k[1])):
                b = _load(op[3][key], "B")
                rows.append(row(op, key, "x".join(map(str, b.shape)), None, "only in B"))
    if csv_path:
        with open(csv_path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    return rows


def format_table(rows):
    """The rows as an aligned text table, the first flagged one marked '>>'."""
    def num(v):
        return v if v == "" else f"{v:.6g}"
    head = ["", "Task", "Op Type", "Op Name", "Tensor", "Shape", "Cosine", "MaxAbsErr",
            "MaxRelErr", "Beyond", "Status"]
    body = [[">>" if r["First Flagged"] else "", str(r["Task ID"]), r["Op Type"], r["Op Name"],
             r["Tensor"], r["Shape"], num(r["Cosine Similarity"]), num(r["Max Abs Error"]),
             num(r["Max Rel Error"]), num(r["Share Beyond Tol"]), r["Status"]] for r in rows]
    widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip()
                     for line in [head] + body)


def main(argv=None):
    p = argparse.ArgumentParser(prog="geflow-compare", description=(
        "Compares two geflow data dumps op by op (cosine similarity, max absolute and "
        "relative error, share of elements beyond rtol/atol) and marks the first op "
        "that crosses the threshold."))
    p.add_argument("dump_a", help="reference dump directory (e.g. the fp32 run)")
    p.add_argument("dump_b", help="dump directory to check")
    p.add_argument("--csv", help="also write the table to this CSV file")
    p.add_argument("--rtol", type=float, default=1e-3)
    p.add_argument("--atol", type=float, default=1e-5)
    p.add_argument("--min-cosine", type=float, default=0.99)
    p.add_argument("--max-share", type=float, default=0.0,
                   help="share of elements allowed beyond rtol/atol (default 0)")
    p.add_argument("--step", type=int, help="the data_index to compare when a dump holds several")
    args = p.parse_args(argv)
    try:
        rows = compare(args.dump_a, args.dump_b, csv_path=args.csv, rtol=args.rtol,
                       atol=args.atol, min_cosine=args.min_cosine, max_share=args.max_share,
                       step=args.step)
    except (CompareError, OSError) as e:
        print(f"geflow-compare: error: {e}", file=sys.stderr)
        return 2
    print(format_table(rows))
    first = next((r for r in rows if r["First Flagged"]), None)
    if first:
        print(f"first op beyond the threshold: {first['Op Type']} '{first['Op Name']}' "
              f"(task {first['Task ID']}, {first['Tensor']})")
    else:
        print("no op beyond the threshold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
