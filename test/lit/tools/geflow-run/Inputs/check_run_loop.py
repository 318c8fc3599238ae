"""Checks geflow-run's latency line after --duration=SECONDS on one stream:
the runs' latencies (mean x count) add up to at least 80% of SECONDS (the
loop stops issuing runs once the time has passed), and to at most SECONDS
plus one second (the last runs of a small model take microseconds).

Usage: check_run_loop.py OUTPUT.txt SECONDS
"""
import re
import sys

text = open(sys.argv[1]).read()
seconds = float(sys.argv[2])
m = re.search(r"latency over (\d+) run\(s\)[^:]*: min [0-9.]+ ms, median [0-9.]+ ms, "
              r"max [0-9.]+ ms; mean ([0-9.]+) ms", text)
if not m:
    sys.exit(f"no latency line in:\n{text}")
runs, mean_ms = int(m.group(1)), float(m.group(2))
busy = runs * mean_ms / 1000
print(f"{runs} runs, {busy:.3f} s busy for --duration={seconds}")
if not (0.8 * seconds <= busy <= seconds + 1.0):
    sys.exit(f"{busy:.3f} s of runs is not about {seconds} s")
