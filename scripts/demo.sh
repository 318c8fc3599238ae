#!/usr/bin/env bash
# The built-in example, run by `make demo` after the build: generate a small
# ResNet-style CNN deterministically (onnx.helper, fixed seed), compile it to
# a .gfm with geflow-compile, run it on the virtual NPU with geflow-run.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$build/demo"
mkdir -p "$out"
echo "== 1. generate a small ResNet-style CNN: $out/small_cnn.onnx"
/usr/bin/python3 "$root/test/models/geflow_models.py" resnet_small "$out/small_cnn.onnx"
echo "== 2. compile: geflow-compile --model=$out/small_cnn.onnx --output=$out/small_cnn"
"$build/bin/geflow-compile" --model="$out/small_cnn.onnx" --output="$out/small_cnn"
echo "== 3. run: geflow-run --model=$out/small_cnn.gfm --loop=200 --warmup=20"
"$build/bin/geflow-run" --model="$out/small_cnn.gfm" --output-dir="$out" --loop=200 --warmup=20
