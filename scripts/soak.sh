#!/usr/bin/env bash
# The soak run (`make soak`; not in `make test`): a geared CNN (batch gears
# 1,2,4,8) and a geared transformer encoder (sequence gears 16,32,64), built
# by test/models/geflow_models.py and compiled with geflow-compile, run by
# 8 threads x 4 streams for a fixed count with random gears and inputs
# (test/soak/Soak.cpp: every result checked, RSS flat after warm-up).
# Usage: scripts/soak.sh BUILD_DIR [ITERATIONS_PER_THREAD]
set -euo pipefail
build=${1:-build}
iterations=${2:-20000}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$build/soak"
mkdir -p "$out"
PYTHONPATH="$root/test/models" /usr/bin/python3 - "$out" <<'PY'
import sys
import onnx
import geflow_models as m
out = sys.argv[1]
onnx.save(m.resnet(image=32, blocks=(1, 1, 1), base=8, bottleneck=False,
                   classes=10, batch_dim="N"), f"{out}/cnn.onnx")
onnx.save(m.transformer(seq=16, hidden=64, heads=4, layers=2, ffn=128,
                        seq_dim="S"), f"{out}/bert.onnx")
PY
"$build/bin/geflow-compile" --model="$out/cnn.onnx" --output="$out/cnn" \
  --input_shape=image:-1,3,32,32 --dynamic_batch_size=1,2,4,8 >/dev/null
"$build/bin/geflow-compile" --model="$out/bert.onnx" --output="$out/bert" \
  --input_shape=hidden:1,-1,64 "--dynamic_dims=16;32;64" >/dev/null
# SOAK_FLAGS: more geflow_soak flags (make test-tsan widens --rss-slack-mb:
# ThreadSanitizer's shadow memory grows with the run).
# shellcheck disable=SC2086
"$build/bin/geflow_soak" --threads=8 --streams=4 --iterations="$iterations" \
  ${SOAK_FLAGS:-} "$out/cnn.gfm" "$out/bert.gfm"
