#!/usr/bin/env bash
# What writing snapshots costs a run: the embedded default (`selfassemble simulate --seed 7`,
# a snapshot every 100 steps: 50 snapshots, ~34 MB) against the same run recording only the
# three snapshots every run has (first step, end of development, last step). Median of 5 runs
# each, release build, 1 OpenBLAS thread. Prints a Markdown table; RESULTS.md holds a run of it.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product selfassemble >/dev/null
bin="$(swift build -c release --show-bin-path)/selfassemble"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_run() {  # prints wall seconds of one run
    local start end
    start=$(date +%s.%N)
    "$bin" simulate --seed 7 --quiet --overwrite --out "$out/run.h5" "$@" > "$out/summary.txt"
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
}

with=(); without=()
for i in 1 2 3 4 5; do
    with+=("$(time_run)")
    without+=("$(time_run --snapshot-every 1000000)")
done
w=$(printf '%s\n' "${with[@]}" | median)
n=$(printf '%s\n' "${without[@]}" | median)
"$bin" simulate --seed 7 --quiet --overwrite --out "$out/run.h5" > "$out/summary.txt"
size=$(stat -c %s "$out/run.h5")

echo "| machine | $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores |"
echo "|---|---|"
echo "| run with 50 snapshots (default) | ${w} s (median of 5) |"
echo "| run with 3 snapshots | ${n} s (median of 5) |"
echo "| cost of the 47 extra snapshots | $(awk -v w="$w" -v n="$n" 'BEGIN { printf "%.1f", 100 * (w - n) / w }') % of the run |"
echo "| file size | $((size / 1000000)) MB |"
echo "| the run's own account | $(sed -n 's/^  snapshots: //p' "$out/summary.txt") |"
