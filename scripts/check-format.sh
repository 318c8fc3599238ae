#!/usr/bin/env bash
# Fails when a tracked C/C++ file differs from what clang-format makes of it
# (.clang-format at the root). Checks every file: it takes a few seconds.
# `make format` fixes what it reports.
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=$(command -v clang-format-22 || command -v clang-format || true)
if [[ -z "$clang_format" ]]; then
  echo "check-format: clang-format-22 is not installed (scripts/bootstrap.sh installs it)" >&2
  exit 1
fi
mapfile -t files < <(git ls-files '*.c' '*.cpp' '*.h')
if ! "$clang_format" --dry-run --Werror "${files[@]}" 2> /tmp/check-format.$$; then
  grep -E '^[^ ].*: (error|warning):' /tmp/check-format.$$ | cut -d: -f1 | sort -u |
    sed 's/^/check-format: not formatted: /' >&2
  rm -f /tmp/check-format.$$
  echo "check-format: run 'make format' and commit the result" >&2
  exit 1
fi
rm -f /tmp/check-format.$$
echo "check-format: ${#files[@]} files formatted"
