#!/bin/bash
# Stress test of crash recovery: start a run that writes a snapshot at every step (so that kills
# land inside HDF5 flushes), kill -9 it after a random 0.3-2.5 s, continue it with --resume, and
# count the continuations that fail. Prints each failure (and keeps its files in ./kill-resume-fail-N)
# and, at the end, "failures: F of N".
#
#   bash docs/experiments/kill-resume.sh [N]        (N kills, default 30; BIN=path/to/selfassemble)
#
# Results in docs/experiments/kill-resume.txt.
set -u
BIN=${BIN:-selfassemble}
N=${1:-30}
fail=0
for i in $(seq 1 "$N"); do
  d=$(mktemp -d)
  "$BIN" simulate --seed 9 --sizes 12,16,8,4 --development-steps 1500 --descending-steps 500 --epochs 4 \
      --batch 16 --snapshot-every 1 --quiet --out "$d/run.h5" >/dev/null 2>"$d/err1" &
  pid=$!
  sleep "$(python3 -c 'import random; print(random.uniform(0.3, 2.5))')"
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  if [ ! -f "$d/run.h5" ]; then rm -rf "$d"; continue; fi
  cp "$d/run.h5" "$d/killed.h5"
  if ! "$BIN" simulate --resume "$d/run.h5" --quiet >"$d/out2" 2>"$d/err2"; then
    fail=$((fail + 1))
    echo "FAIL $i: $(head -c 400 "$d/err2")"
    cp -r "$d" "kill-resume-fail-$i"
  fi
  rm -rf "$d"
done
echo "failures: $fail of $N"
