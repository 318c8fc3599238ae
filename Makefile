# geflow top-level commands. `make demo` and `make test` do all set-up themselves.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all bootstrap configure build test demo bench test-tsan test-asan test-asan-compiler clean format check fuzz soak

all: build

bootstrap:
	@scripts/bootstrap.sh

$(BUILD_DIR)/build.ninja:
	@scripts/bootstrap.sh
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/build.ninja

build: bootstrap configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: build
	@scripts/demo.sh $(BUILD_DIR)

bench:
	@scripts/bootstrap.sh --bench
	$(MAKE) build
	cmake --build $(BUILD_DIR) --target bench
	@scripts/run-benchmarks.sh $(BUILD_DIR)

# ThreadSanitizer over the runtime and executor test set: the runtime,
# lib/Session, lib/DataFlow and the unit tests instrumented (the compiler's
# libraries plain, shared with the normal build through ccache); runs the
# runtime, kernel, executor, session and DataFlow tests (docs/security.md).
# Then a short soak (8 threads x 4 streams, TSAN_SOAK_ITERATIONS each).
TSAN_TESTS = geflow_runtime_tests geflow_kernel_tests geflow_executor_tests \
  geflow_session_tests geflow_dataflow_tests geflow_soak geflow-compile
TSAN_ENV = TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/scripts/tsan-suppressions.txt"
TSAN_SOAK_ITERATIONS ?= 500
test-tsan: bootstrap
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DGEFLOW_SANITIZER=thread -DGEFLOW_SANITIZE_COMPILER=OFF
	cmake --build build-tsan --target $(TSAN_TESTS) -j $(JOBS)
	cd build-tsan && $(TSAN_ENV) ctest --output-on-failure -j $(JOBS) \
	  -R '^unit\.(runtime|kernels|executor|session|dataflow)$$'
	$(TSAN_ENV) SOAK_FLAGS=--rss-slack-mb=4096 scripts/soak.sh build-tsan $(TSAN_SOAK_ITERATIONS)

# The runtime and its tests under AddressSanitizer (runtime only: no MLIR).
test-asan: bootstrap
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGEFLOW_ENABLE_COMPILER=OFF -DGEFLOW_SANITIZER=address
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS)

# The compiler under AddressSanitizer and UndefinedBehaviorSanitizer: the
# `make fuzz` build (clang-22, every geflow library instrumented) runs the
# compiler, session, executor and DataFlow unit tests, the lit tests
# (geflow-opt, geflow-compile, geflow-run) and the seed replays.
ASAN_COMPILER_TARGETS = geflow_compiler_tests geflow_session_tests \
  geflow_executor_tests geflow_dataflow_tests geflow-lit-depends \
  geflow_ge_ir_pb2 geflow_fuzzers
test-asan-compiler:
	@scripts/bootstrap.sh --fuzz
	cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 -DGEFLOW_FUZZ=ON
	cmake --build $(FUZZ_BUILD_DIR) --target $(ASAN_COMPILER_TARGETS) -j $(JOBS)
	cd $(FUZZ_BUILD_DIR) && $(ASAN_COMPILER_ENV) \
	  ctest --output-on-failure -j $(JOBS) -R '^(unit\.(compiler|session|executor|dataflow)|lit|fuzz\..*)$$'

# libFuzzer targets of test/fuzz (clang-22, ASan+UBSan) in their own build
# directory, each run for FUZZ_SECONDS from its seed corpus
# (docs/security.md). `make test` replays the seeds without clang.
FUZZ_SECONDS ?= 60
FUZZ_BUILD_DIR ?= build-fuzz
# allow_user_poisoning=0: LLVM's allocators poison memory in the inline code
# of our instrumented objects but not in Debian's uninstrumented libMLIR.so,
# which then reads it (false use-after-poison reports).
ASAN_COMPILER_ENV = ASAN_OPTIONS=detect_leaks=1:allow_user_poisoning=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
FUZZ_TARGETS ?=
fuzz:
	@scripts/bootstrap.sh --fuzz
	cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 -DGEFLOW_FUZZ=ON
	cmake --build $(FUZZ_BUILD_DIR) --target geflow_fuzzers -j $(JOBS)
	@scripts/run-fuzzers.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# 8 threads x 4 streams over geared models, results and RSS checked
# (scripts/soak.sh; not in `make test`). SOAK_ITERATIONS per thread.
SOAK_ITERATIONS ?= 20000
soak: build
	@scripts/soak.sh $(BUILD_DIR) $(SOAK_ITERATIONS)

format: bootstrap
	git ls-files '*.c' '*.cpp' '*.h' | xargs clang-format-22 -i

# The repository checks .ci/run makes before the suite: layering, formatting.
check: bootstrap
	@scripts/check-layering.py
	@scripts/check-format.sh

clean:
	rm -rf $(BUILD_DIR) build-tsan build-asan build-fuzz
