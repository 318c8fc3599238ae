"""check_profile.py DIR RUNS STREAMS: the profile in DIR parses (trace.json
with Python's json, the CSVs with csv) and is consistent: RUNS runs, a track
per stream, an enqueue span per run, and a flow per event record."""
import csv
import json
import sys

root, runs, streams = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
events = json.load(open(f"{root}/trace.json"))["traceEvents"]
threads = {(e["pid"], e["tid"]) for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
assert {(1, s) for s in range(streams)} <= threads, threads
slices = [e for e in events if e["ph"] == "X"]
assert sum(e["name"].startswith("enqueue") for e in slices) == runs
records = [e for e in slices if e["name"].startswith("EventRecord")]
flows = [e for e in events if e["ph"] == "s"]
assert len(records) == len(flows) and (streams == 1 or flows), (len(records), len(flows))
tasks = [e for e in slices if e["pid"] == 1 and e["cat"] != "event"]
summary = list(csv.DictReader(open(f"{root}/op_summary.csv")))
assert len(summary) == len(tasks), (len(summary), len(tasks))
assert {int(r["Run"]) for r in summary} == set(range(runs))
stats = list(csv.DictReader(open(f"{root}/op_statistic.csv")))
assert sum(int(s["Count"]) for s in stats) == len(summary)
print("profile ok:", len(tasks), "tasks")
