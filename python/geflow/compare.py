"""Accuracy comparison of two data dumps (what msaccucmp gives GE users).

    rows = geflow.compare.compare("dump_fp32", "dump_fp16", csv_path="cmp.csv")
    first = next(r for r in rows if r["First Flagged"])
    records = geflow.compare.overflows("dump_debug")   # enable_dump_debug records

Each argument is a dump directory written with enable_dump (the dump_path,
or any directory below it down to one {data_index} directory holding
mapping.csv), by geflow or by geflow.reference_dump. Tensors are matched by
GE op name, input/output and index (a fused kernel by its first covered op's
name for inputs, its last's for outputs); the rows follow dump A's execution
order (task id), then tensors only dump B holds. dump_data=stats dumps are
compared by their statistics. Pure Python + NumPy: no extension needed. See
docs/debugging.md.
"""
import argparse
import csv
import os
import re
import sys

import numpy as np

__all__ = ["CompareError", "compare", "overflows", "main", "COLUMNS", "OVERFLOW_COLUMNS"]

COLUMNS = ["Index", "Task ID", "Op Type", "Op Name", "Tensor", "Shape", "Cosine Similarity",
           "Max Abs Error", "Max Rel Error", "Share Beyond Tol", "Status", "First Flagged",
           "Min Diff", "Max Diff", "Avg Diff", "NaN/Inf A", "NaN/Inf B"]
OVERFLOW_COLUMNS = ["Step", "Task ID", "Op Type", "Op Name", "Output", "NaN Count",
                    "Inf Count", "Files"]

_FILE = re.compile(r"^(?P<prefix>.+\.\d+)\.\d{16}\.(?P<kind>input|output)\.(?P<index>\d+)\.npy$")
_STATS_FILE = re.compile(r"^(?P<prefix>.+\.\d+)\.\d{16}\.csv$")
_OVERFLOW_FILE = re.compile(r"^(?P<type>[^.]+)\.(?P<name>[^.]+)\.(?P<task>\d+)\.(?P<ts>\d{16})"
                            r"(?:\.(?P<kind>input|output)\.(?P<index>\d+)\.npy|\.csv)$")
_STATS_COLUMNS = {"Input/Output", "Index", "Shape", "Count", "Min Value", "Max Value",
                  "Avg Value", "NaN Count", "Negative Inf Count", "Positive Inf Count"}


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


def _read_stats(path, label):
    """{(kind, index): stats dict} of a dump_data=stats CSV."""
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise CompareError(f"dump {label}: cannot read '{path}': {e}") from None
    if not rows or not _STATS_COLUMNS <= set(rows[0]):
        raise CompareError(f"dump {label}: '{path}' is not a geflow stats CSV "
                           f"(needs columns {', '.join(sorted(_STATS_COLUMNS))})")
    out = {}
    for r in rows:
        try:
            out[(r["Input/Output"], int(r["Index"]))] = {
                "shape": r["Shape"], "count": int(r["Count"]), "min": float(r["Min Value"]),
                "max": float(r["Max Value"]), "avg": float(r["Avg Value"]),
                "nan": int(r["NaN Count"]),
                "inf": int(r["Negative Inf Count"]) + int(r["Positive Inf Count"])}
            out[(r["Input/Output"], int(r["Index"]))]["nonfinite"] = \
                out[(r["Input/Output"], int(r["Index"]))]["nan"] + \
                out[(r["Input/Output"], int(r["Index"]))]["inf"]
        except ValueError as e:
            raise CompareError(f"dump {label}: '{path}': bad row {r}: {e}") from None
    return out


def _load_run(run_dir, label):
    """[(task_id, op_type, op_name, covered_ops, {(kind, index): npy path or
    stats dict})] in task order."""
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
            continue
        m = _STATS_FILE.match(name)
        if m:
            files.setdefault(m["prefix"], {}).update(
                _read_stats(os.path.join(run_dir, name), label))
    ops = []
    for r in rows:
        try:
            task = int(r["Task ID"])
        except ValueError:
            raise CompareError(f"dump {label}: '{path}' has task id {r['Task ID']!r}") from None
        tensors = files.get(r["File Prefix"], {})
        covered = [c for c in (r.get("Covered Ops") or "").split(";") if c] or [r["Op Name"]]
        if tensors:
            ops.append((task, r["Op Type"], r["Op Name"], covered, tensors))
    if not ops:
        raise CompareError(f"dump {label}: '{run_dir}' holds no tensors or stats "
                           "(dump_layer selected nothing?)")
    ops.sort(key=lambda o: o[0])
    return ops


def _entries(ops):
    """(covered key, op, tensor key, name key) per tensor, in execution
    order. A fused kernel reads its first covered op's inputs and writes its
    last covered op's outputs (the covered key), so a reference dump holding
    every op matches a kernel by those names; the name key uses the task's
    op name."""
    out = []
    for op in ops:
        covered = op[3]
        for key in sorted(op[4], key=lambda k: (k[0] != "input", k[1])):
            name = covered[0] if key[0] == "input" else covered[-1]
            out.append(((key[0], name, key[1]), op, key, (key[0], op[2], key[1])))
    return out


def _match(entries_a, entries_b):
    """{index in A: index in B}: first by covered key (the B entry of the
    same op name first, when several share it: a cast inserted for an op
    also covers it), then what is left by op name."""
    matched, taken = {}, set()
    for field in (0, 3):
        free = {}
        for j, e in enumerate(entries_b):
            if j not in taken:
                free.setdefault(e[field], []).append(j)
        for i, e in enumerate(entries_a):
            if i in matched:
                continue
            options = [j for j in free.get(e[field], []) if j not in taken]
            if not options:
                continue
            same = [j for j in options if entries_b[j][1][2] == e[1][2]]
            j = (same or options)[0]
            matched[i] = j
            taken.add(j)
    return matched


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


def _stats_of(array):
    """What dump_data=stats writes for a tensor (min/max/avg over the finite
    elements, non-finite count)."""
    a = array.astype(np.float64).ravel()
    finite = a[np.isfinite(a)]
    return {"shape": "x".join(map(str, array.shape)), "count": int(a.size),
            "min": float(finite.min()) if finite.size else 0.0,
            "max": float(finite.max()) if finite.size else 0.0,
            "avg": float(finite.mean()) if finite.size else 0.0,
            "nonfinite": int(a.size - finite.size)}


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
    Flagged" marks the first such tensor in execution order. A tensor that
    one dump holds as stats only (dump_data=stats) is compared by its
    statistics: "diverged" when the NaN/Inf counts differ or the min, max or
    mean differ by more than ``atol + rtol * |a's|`` (the cosine and error
    columns stay empty). Ops or tensors in one dump only get Status "only in
    A" / "only in B". With ``csv_path`` the table is also written there."""
    for name, value in (("rtol", rtol), ("atol", atol), ("max_share", max_share)):
        if not isinstance(value, (int, float)) or not value >= 0:
            raise CompareError(f"compare: {name} must be a number >= 0, got {value!r}")
    if not isinstance(min_cosine, (int, float)) or not -1 <= min_cosine <= 1:
        raise CompareError(f"compare: min_cosine must be in [-1, 1], got {min_cosine!r}")
    entries_a = _entries(_load_run(_find_run(dump_a, step, "A"), "A"))
    entries_b = _entries(_load_run(_find_run(dump_b, step, "B"), "B"))
    pairs = _match(entries_a, entries_b)
    rows = []
    flagged = False

    def value(entry, label):
        v = entry[1][4][entry[2]]
        return v if isinstance(v, dict) else _load(v, label)

    def row(entry, shape, metrics, stats, status):
        op, tensor = entry[1], entry[2]
        cos, mabs, mrel, share = metrics if metrics else ("",) * 4
        sa, sb = stats if stats else ({}, {})
        diff = (lambda k: sb[k] - sa[k]) if stats else (lambda k: "")
        return {"Index": len(rows), "Task ID": op[0], "Op Type": op[1], "Op Name": op[2],
                "Tensor": f"{tensor[0]}.{tensor[1]}", "Shape": shape,
                "Cosine Similarity": cos, "Max Abs Error": mabs, "Max Rel Error": mrel,
                "Share Beyond Tol": share, "Status": status, "First Flagged": "",
                "Min Diff": diff("min"), "Max Diff": diff("max"), "Avg Diff": diff("avg"),
                "NaN/Inf A": sa.get("nonfinite", ""), "NaN/Inf B": sb.get("nonfinite", "")}

    def shape_of(v):
        return v["shape"] if isinstance(v, dict) else "x".join(map(str, v.shape))

    for i, entry in enumerate(entries_a):
        a = value(entry, "A")
        if i not in pairs:
            rows.append(row(entry, shape_of(a), None, None, "only in A"))
            continue
        b = value(entries_b[pairs[i]], "B")
        if shape_of(a) != shape_of(b):
            raise CompareError(f"op '{entry[1][2]}' {entry[2][0]} {entry[2][1]}: shape "
                               f"{shape_of(a)} in dump A but {shape_of(b)} in dump B")
        sa = a if isinstance(a, dict) else _stats_of(a)
        sb = b if isinstance(b, dict) else _stats_of(b)
        if isinstance(a, dict) or isinstance(b, dict):
            m = None
            bad = sa["nonfinite"] != sb["nonfinite"] or any(
                abs(sb[k] - sa[k]) > atol + rtol * abs(sa[k]) for k in ("min", "max", "avg"))
        else:
            m = _metrics(a, b, rtol, atol)
            bad = not (m[0] >= min_cosine) or m[3] > max_share
        rows.append(row(entry, shape_of(a), m, (sa, sb), "diverged" if bad else "ok"))
        if bad and not flagged:
            rows[-1]["First Flagged"] = "yes"
            flagged = True
    used = set(pairs.values())
    for j, entry in enumerate(entries_b):
        if j not in used:
            rows.append(row(entry, shape_of(value(entry, "B")), None, None, "only in B"))
    if csv_path:
        with open(csv_path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    return rows


def overflows(dump, csv_path=None):
    """The overflow records of a dump (enable_dump_debug with dump_path: the
    {data_index}/overflow/ folders): one dict per overflowing task (keys
    OVERFLOW_COLUMNS), in execution order (step, then task id). Op names are
    as in the file names (GE's rule turned '.', '/', '\\' and spaces into
    '_'). Output is the first output holding Inf/NaN."""
    if not os.path.isdir(dump):
        raise CompareError(f"dump '{dump}' is not a directory")
    found = {}
    for d, _, names in os.walk(dump):
        if os.path.basename(d) != "overflow" or not os.path.basename(os.path.dirname(d)).isdigit():
            continue
        step = int(os.path.basename(os.path.dirname(d)))
        for name in sorted(names):
            m = _OVERFLOW_FILE.match(name)
            if not m:
                continue
            key = (step, int(m["task"]), m["type"], m["name"], m["ts"])
            rec = found.setdefault(key, {"Step": step, "Task ID": int(m["task"]),
                                         "Op Type": m["type"], "Op Name": m["name"],
                                         "Output": "", "NaN Count": "", "Inf Count": "",
                                         "Files": os.path.join(d, ".".join(
                                             [m["type"], m["name"], m["task"], m["ts"]]))})
            if m["kind"] == "output" and rec["Output"] == "":
                a = _load(os.path.join(d, name), "overflow").astype(np.float64)
                if not np.isfinite(a).all():
                    rec.update({"Output": int(m["index"]), "NaN Count": int(np.isnan(a).sum()),
                                "Inf Count": int(np.isinf(a).sum())})
            elif m["kind"] is None:
                for (kind, index), st in sorted(_read_stats(os.path.join(d, name),
                                                            "overflow").items()):
                    if kind == "output" and st["nonfinite"] and rec["Output"] == "":
                        rec.update({"Output": index, "NaN Count": st["nan"],
                                    "Inf Count": st["inf"]})
    rows = [found[k] for k in sorted(found)]
    if csv_path:
        with open(csv_path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=OVERFLOW_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    return rows


def format_table(rows):
    """The rows as an aligned text table, the first flagged one marked '>>'."""
    def num(v):
        return v if v == "" else f"{v:.6g}"
    head = ["", "Task", "Op Type", "Op Name", "Tensor", "Shape", "Cosine", "MaxAbsErr",
            "MaxRelErr", "Beyond", "AvgDiff", "NaN/Inf", "Status"]
    body = [[">>" if r["First Flagged"] else "", str(r["Task ID"]), r["Op Type"], r["Op Name"],
             r["Tensor"], r["Shape"], num(r["Cosine Similarity"]), num(r["Max Abs Error"]),
             num(r["Max Rel Error"]), num(r["Share Beyond Tol"]), num(r["Avg Diff"]),
             "" if r["NaN/Inf A"] == "" else f'{r["NaN/Inf A"]}/{r["NaN/Inf B"]}',
             r["Status"]] for r in rows]
    widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip()
                     for line in [head] + body)


def format_overflows(rows, label):
    """The overflow records as text lines, the first in execution order marked."""
    if not rows:
        return f"no overflow records in dump {label}"
    lines = [f"overflow records in dump {label} ({len(rows)}; first in execution order marked >>):"]
    for i, r in enumerate(rows):
        lines.append(f"{'>>' if i == 0 else '  '} step {r['Step']}  task {r['Task ID']}  "
                     f"{r['Op Type']} '{r['Op Name']}'  output {r['Output']}: "
                     f"{r['Inf Count']} Inf, {r['NaN Count']} NaN  ({r['Files']}.*)")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(prog="geflow-compare", description=(
        "Compares two geflow data dumps op by op (cosine similarity, max absolute and "
        "relative error, share of elements beyond rtol/atol; per-tensor statistics for "
        "dump_data=stats dumps) and marks the first op that crosses the threshold. Lists "
        "the overflow records (enable_dump_debug) a dump holds; with one dump, lists only "
        "those."))
    p.add_argument("dump_a", help="reference dump directory (e.g. the fp32 run)")
    p.add_argument("dump_b", nargs="?", help="dump directory to check")
    p.add_argument("--csv", help="also write the table to this CSV file")
    p.add_argument("--rtol", type=float, default=1e-3)
    p.add_argument("--atol", type=float, default=1e-5)
    p.add_argument("--min-cosine", type=float, default=0.99)
    p.add_argument("--max-share", type=float, default=0.0,
                   help="share of elements allowed beyond rtol/atol (default 0)")
    p.add_argument("--step", type=int, help="the data_index to compare when a dump holds several")
    args = p.parse_args(argv)
    try:
        dumps = [("A", args.dump_a)] + ([("B", args.dump_b)] if args.dump_b else [])
        records = {label: overflows(path) for label, path in dumps}
        if args.dump_b is None:
            print(format_overflows(records["A"], "A"))
            if args.csv:
                overflows(args.dump_a, csv_path=args.csv)
            return 0
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
    for label, _ in dumps:
        if records[label]:
            print(format_overflows(records[label], label))
    return 0


if __name__ == "__main__":
    sys.exit(main())
