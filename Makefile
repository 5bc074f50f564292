# The two entry points of the README's Quick start, plus benchmarks. Each target does all of
# its own set-up (scripts/setup.sh is idempotent: it installs nothing when all is present).
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: run test bench bench-cluster setup build clean

setup:
	bash scripts/setup.sh

# Release build, then the main job.
build: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

# The main job: the default scenario (a week of a 1,024-GPU facility), result set in build/.
run: build
	$(BUILD)/wattsim run scenarios/default.json -o $(BUILD)/default.h5

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

# wattsim beside the peer implementations of ../shared/bench (BENCH-SPEC.md); takes minutes.
bench-cluster: build
	python3 bench/cluster_bench.py --runs 5

clean:
	rm -rf $(BUILD) $(BUILD)-asan
