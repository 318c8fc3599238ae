#!/usr/bin/env bash
# Runs every libFuzzer target of a GEFLOW_FUZZ build for a fixed time each.
# Usage: scripts/run-fuzzers.sh BUILD_DIR SECONDS [TARGET...]
# Each target starts from its checked-in seeds (test/fuzz/corpus/<name>) and
# keeps what it finds in BUILD_DIR/fuzz-corpus/<name>; crashes, leaks,
# timeouts and sanitizer reports are written to BUILD_DIR/fuzz-artifacts/
# and make this script fail. One process per target: the machine is shared.
set -uo pipefail
build=${1:?usage: run-fuzzers.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: run-fuzzers.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for dir in "$root"/test/fuzz/corpus/*/; do
    targets+=("$(basename "$dir")")
  done
fi

mkdir -p "$build/fuzz-artifacts"
failed=()
for name in "${targets[@]}"; do
  bin="$build/bin/fuzz_$name"
  [[ -x "$bin" ]] || { echo "no $bin (make fuzz builds it)"; failed+=("$name"); continue; }
  work="$build/fuzz-corpus/$name"
  mkdir -p "$work"
  dict=()
  [[ -f "$root/test/fuzz/dict/$name.dict" ]] && dict=(-dict="$root/test/fuzz/dict/$name.dict")
  log="$build/fuzz-artifacts/$name.log"
  echo "== fuzz_$name for ${seconds}s"
  # 10 s per input is a hang (the slowest seed takes well under a second);
  # 2 GiB RSS is a runaway allocation.
  # allow_user_poisoning=0: LLVM's allocators poison memory in the inline
  # code of our instrumented objects but not in Debian's uninstrumented
  # libMLIR.so, which then reads it: false use-after-poison reports.
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:allow_user_poisoning=0 \
  UBSAN_OPTIONS=print_stacktrace=1 \
    "$bin" "$work" "$root/test/fuzz/corpus/$name" "${dict[@]}" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$build/fuzz-artifacts/$name-" >"$log" 2>&1
  status=$?
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|cov: " "$log" | tail -3
  if [[ $status -ne 0 ]]; then
    echo "fuzz_$name FAILED (exit $status); see $log"
    grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$log" | head -5
    failed+=("$name")
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "failing fuzz targets: ${failed[*]}"
  exit 1
fi
