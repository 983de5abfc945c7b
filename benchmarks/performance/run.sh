#!/usr/bin/env bash
# The engine against the sgemm ceiling of its own BLAS and against the NumPy implementation of
# the same step (benchmarks/numpy/step.py), case by case on the same shapes and thread count,
# each case in a fresh process. docs/performance.md holds a run of it.
#   bash benchmarks/performance/run.sh [--same-blas] [--full] [--threads N] [--reference-only] [--json]
# --same-blas: NumPy from Debian's python3-numpy, which calls the very OpenBLAS library (and
# kernel) the engine links, instead of PyPI's NumPy with its own newer OpenBLAS.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" = "--same-blas" ]; then
    shift
    if [ ! -d /usr/lib/python3/dist-packages/numpy ]; then
        sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-numpy >/dev/null
    fi
    export PYTHONPATH=/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}
fi
if ! python3 -c "import numpy, threadpoolctl" 2>/dev/null; then
    python3 -m pip install --quiet numpy threadpoolctl
fi
swift build -c release --product selfassemble-bench >/dev/null
exec "$(swift build -c release --show-bin-path)/selfassemble-bench" --numpy benchmarks/numpy/step.py "$@"
