#!/usr/bin/env bash
# Installs wattsim's build and test dependencies from Debian's packages.
# Idempotent and non-interactive: it does nothing when everything is already installed,
# otherwise runs `apt-get update` once and installs only what is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libboost-dev libboost-graph-dev libboost-random-dev
  libeigen3-dev
  libsimgrid-dev
  libhdf5-dev zlib1g-dev
  nlohmann-json3-dev
  catch2
  libfmt-dev
  libcli11-dev
  libbenchmark-dev
  libjemalloc2            # the SimGrid peer of bench/cluster_bench.py runs with it
  clang-14 libclang-rt-14-dev llvm-14  # `make fuzz`: libFuzzer (libclang_rt.fuzzer), llvm-symbolizer
  python3-h5py python3-numpy python3-pandas python3-matplotlib python3-jsonschema
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
