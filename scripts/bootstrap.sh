#!/usr/bin/env bash
# Installs the Debian packages geflow builds, tests and benchmarks with.
# Idempotent: quiet when everything is present; runs `apt-get update` only when
# something must be installed. Usage: scripts/bootstrap.sh [--bench|--fuzz]
set -euo pipefail

packages=(
  cmake ninja-build ccache g++ make git
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  libprotobuf-dev protobuf-compiler
  libonnx-dev python3-onnx libonnx-testdata
  pybind11-dev python3-pybind11 python3-dev python3-numpy python3-pytest
  libgtest-dev libgmock-dev clang-format-22
  libopenblas0-pthread
  python3-torch python3-torchvision
  # geflow-serve: HTTP (cpp-httplib), gRPC, and the test clients
  pkg-config libcpp-httplib-dev libgrpc++-dev protobuf-compiler-grpc
  python3-grpcio python3-protobuf python3-requests
  # collectives across ranks (runtime/collectives) and mpirun for their tests
  libopenmpi-dev openmpi-bin
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(libbenchmark-dev)
fi
if [[ "${1:-}" == "--fuzz" ]]; then
  # make fuzz: clang with libFuzzer and the sanitizer runtimes.
  packages+=(clang-22 libclang-rt-22-dev libfuzzer-22-dev)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "bootstrap: installing ${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
