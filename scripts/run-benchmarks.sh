#!/usr/bin/env bash
# Runs every benchmark against the build in $1 (default: build). Each prints
# its figures as ratios against PyTorch, OpenBLAS, memcpy or a static
# compile measured in the same run. `make bench` builds and calls this.
set -euo pipefail
BUILD_DIR=${1:-build}
BIN="$BUILD_DIR/bin"
HERE=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3

echo "== runtime: launch overhead and event round trip"
"$BIN/runtime_launch"
echo
echo "== vector unit: elementwise and fused chains against memcpy"
"$BIN/geflow_bench_vector"
echo
echo "== cube unit: sgemm / conv2d against OpenBLAS and PyTorch (f32, bf16, f16)"
$PY "$HERE/bench/kernels/cube/cube_bench.py" --exe "$BIN/geflow_bench_cube"
echo
echo "== dynamic shapes: gear selection and switching, shape ranges"
$PY "$HERE/bench/gears_bench.py" --bin "$BIN"
for extra in "$HERE"/bench/*_bench.py; do
  case "$(basename "$extra")" in
    gears_bench.py) ;;
    *) echo; echo "== $(basename "$extra" .py)"; $PY "$extra" --bin "$BIN" ;;
  esac
done
