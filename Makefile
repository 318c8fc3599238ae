# geflow top-level commands. `make demo` and `make test` do all set-up themselves.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all bootstrap configure build test demo bench test-tsan test-asan clean format check fuzz soak

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

# The runtime and its tests under ThreadSanitizer / AddressSanitizer (runtime only: no MLIR).
test-tsan: bootstrap
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGEFLOW_ENABLE_COMPILER=OFF -DGEFLOW_SANITIZER=thread
	cmake --build build-tsan -j $(JOBS)
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j $(JOBS)

test-asan: bootstrap
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGEFLOW_ENABLE_COMPILER=OFF -DGEFLOW_SANITIZER=address
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS)

# libFuzzer targets of test/fuzz (clang-22, ASan+UBSan) in their own build
# directory, each run for FUZZ_SECONDS from its seed corpus
# (docs/security.md). `make test` replays the seeds without clang.
FUZZ_SECONDS ?= 60
FUZZ_BUILD_DIR ?= build-fuzz
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
