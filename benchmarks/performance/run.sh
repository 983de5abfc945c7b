#!/usr/bin/env bash
# The engine against the sgemm ceiling of its own BLAS and against the NumPy implementation of
# the same step (benchmarks/numpy/step.py), case by case on the same shapes and thread count,
# each case in a fresh process. docs/performance.md holds a run of it.
#   bash benchmarks/performance/run.sh [--full] [--threads N] [--reference-only] [--json]
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! python3 -c "import numpy, threadpoolctl" 2>/dev/null; then
    python3 -m pip install --quiet numpy threadpoolctl
fi
swift build -c release --product selfassemble-bench >/dev/null
exec "$(swift build -c release --show-bin-path)/selfassemble-bench" --numpy benchmarks/numpy/step.py "$@"
