#!/usr/bin/env bash
# Benchmark of `selfassemble report` on a large run: three levels 1,000 cells wide (downstream
# 1,000 too: ratio 1) and about 100 snapshots. The simulation is kept short (150 development
# steps and one epoch of the synthetic task, a snapshot every 2 steps); only the report is timed.
#
#   benchmarks/report/run.sh            # build release, simulate, time the report
#   KEEP=1 benchmarks/report/run.sh     # keep the run file and the report directory
#
# Environment: SCRATCH (SwiftPM scratch path, default .build-report), WORK (where the run file
# goes, default a new temporary directory; the file is about 2.6 GB), NULL_SAMPLES (default: the
# report's default).
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRATCH=${SCRATCH:-.build-report}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
RUN="$WORK/wide.h5"
OUT="$WORK/wide-report"

swift build -c release --scratch-path "$SCRATCH" --product selfassemble >&2
BIN="$SCRATCH/release/selfassemble"

echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores" >&2
if [ ! -f "$RUN" ]; then
    SIM_START=$(date +%s.%N)
    "$BIN" simulate --quiet --seed 7 --sizes 1000,1000,1000,10 --ratio 1 --batch 32 \
        --development-steps 150 --epochs 1 --eta-w 0.01 --snapshot-every 2 --out "$RUN" >&2
    SIM_END=$(date +%s.%N)
    echo "simulation: $(echo "$SIM_END - $SIM_START" | bc) s" >&2
fi
SNAPSHOTS=$(python3 -c "import h5py,sys; print(len(h5py.File(sys.argv[1],'r')['snapshots/step']))" "$RUN" 2>/dev/null || echo "?")
SIZE=$(du -m "$RUN" | cut -f1)

extra=()
if [ -n "${NULL_SAMPLES:-}" ]; then extra=(--null-samples "$NULL_SAMPLES"); fi
START=$(date +%s.%N)
/usr/bin/time -v "$BIN" report "$RUN" --out "$OUT" "${extra[@]}" > "$WORK/report-stdout.txt" 2> "$WORK/report-time.txt"
END=$(date +%s.%N)
SECONDS_TAKEN=$(echo "$END - $START" | bc)
PEAK_KB=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$WORK/report-time.txt")

cat "$WORK/report-stdout.txt"
echo
echo "run file: $RUN, $SIZE MB, $SNAPSHOTS snapshots"
echo "report: $SECONDS_TAKEN s wall clock, peak memory $((PEAK_KB / 1024)) MB"
echo "command: $BIN report $RUN --out $OUT ${extra[*]}"

if [ -z "${KEEP:-}" ]; then rm -rf "$RUN" "$OUT"; fi
