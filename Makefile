# The two entry points of the README's Quick start, plus benchmarks. Each target does all of
# its own set-up (scripts/setup.sh is idempotent: it installs nothing when all is present).
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: run test bench setup build build-test clean

setup:
	bash scripts/setup.sh

# Release build, then the main job.
build: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/bench/bench_simcore --benchmark_filter='BM_EventQueue_NoOp/1024' --benchmark_min_time=0.5

# The test suite twice: a warnings-as-errors Release build, then AddressSanitizer +
# UndefinedBehaviorSanitizer (with internal invariants checked).
test: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DWATTSIM_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWATTSIM_WERROR=ON \
	  -DWATTSIM_SANITIZE=address,undefined -DWATTSIM_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ctest --output-on-failure -j $(JOBS)

bench: build
	for b in $(BUILD)/bench/bench_*; do $$b --benchmark_repetitions=5 --benchmark_report_aggregates_only=true; done

clean:
	rm -rf $(BUILD) $(BUILD)-asan
