# The two entry points of the README's Quick start, plus benchmarks. Each target does all of
# its own set-up (scripts/setup.sh is idempotent: it installs nothing when all is present).
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: run test bench bench-cluster setup build clean fuzz fuzz-build

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

# Coverage-guided fuzzing of every input reader (tests/fuzz/README.md): a clang build with
# libFuzzer + ASan + UBSan in $(FUZZ_BUILD), then each harness for FUZZ_SECONDS, one after
# another, niced. New interesting inputs go to $(FUZZ_BUILD)/corpus/<target> (not committed);
# a crash, sanitizer report, timeout or memory blow-up is written to
# tests/fuzz/regressions/<target>/ (minimise it, name it, fix the reader: `make test` replays
# it). `make test` never fuzzes.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= scenario quantity job_csv series_csv open_meteo epw batch
FUZZ_MAX_LEN ?= 16384
FUZZ_MAX_LEN_quantity = 64
FUZZ_FLAGS ?= -timeout=10 -rss_limit_mb=2048 -print_final_stats=1

fuzz-build: setup
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWATTSIM_FUZZ=ON \
	  -DWATTSIM_BUILD_BENCH=OFF -DWATTSIM_CUDA=OFF -DWATTSIM_MPI=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))

fuzz-%: fuzz-build
	mkdir -p $(FUZZ_BUILD)/corpus/$* tests/fuzz/regressions/$*
	nice -n 10 $(FUZZ_BUILD)/tests/fuzz/fuzz_$* $(FUZZ_BUILD)/corpus/$* tests/fuzz/corpus/$* tests/fuzz/regressions/$* \
	  -max_total_time=$(FUZZ_SECONDS) -max_len=$(or $(FUZZ_MAX_LEN_$*),$(FUZZ_MAX_LEN)) $(FUZZ_FLAGS) \
	  $(if $(wildcard tests/fuzz/$*.dict),-dict=tests/fuzz/$*.dict) \
	  -artifact_prefix=tests/fuzz/regressions/$*/

fuzz: fuzz-build
	@failed=""; for t in $(FUZZ_TARGETS); do $(MAKE) --no-print-directory fuzz-$$t || failed="$$failed $$t"; done; \
	if [ -n "$$failed" ]; then echo "fuzz: findings in tests/fuzz/regressions/ for:$$failed" >&2; exit 1; fi

clean:
	rm -rf $(BUILD) $(BUILD)-asan
