#!/usr/bin/env bash
# What writing snapshots costs a run (issue: at most 5% at the default interval). Builds the
# release benchmark and prints a Markdown table; RESULTS.md holds a run of it.
#   bash benchmarks/snapshots/run.sh [ROUNDS] [--mnist DIR]   (--mnist: a whole MNIST run's snapshots, wall and CPU)
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product snapshot-cost >/dev/null
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; release build, 1 OpenBLAS thread"
echo
[ $# -eq 0 ] && set -- 7
"$(swift build -c release --show-bin-path)/snapshot-cost" "$@"
