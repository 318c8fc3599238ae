#!/usr/bin/env bash
# The built-in example: run by `make demo` after the build.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
echo "== geflow demo: shape inference and folding on examples/small_cnn.mlir"
echo "== geflow-opt --canonicalize --ge-infer-shapes --canonicalize"
"$build/bin/geflow-opt" "$root/examples/small_cnn.mlir" \
  --canonicalize --ge-infer-shapes --canonicalize
