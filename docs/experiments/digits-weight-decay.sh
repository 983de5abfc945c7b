#!/usr/bin/env bash
# Version 2 on digits: circuit and bp at the same settings, seeds 1-3, for a grid of the
# learning-phase weight decay lambda. Chooses the default --weight-decay (docs/implementation.md).
# Usage: bash docs/experiments/digits-weight-decay.sh [selfassemble binary] > docs/experiments/digits-weight-decay.txt
set -euo pipefail
bin=${1:-selfassemble}
shared=${SELFASSEMBLE_SHARED:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-8s %-5s %-8s %-8s %-10s %-10s %-10s\n' lambda seed circuit bp min_desc min_alH min_rec
for lambda in 0 1e-4 3e-4 1e-3; do
  for seed in 1 2 3; do
    "$bin" simulate --seed "$seed" --data "$shared/data/digits8x8" --weight-decay "$lambda" --compare-bp \
      --out "$out/run.h5" --overwrite --json 2>/dev/null | python3 -c '
import json, sys
s = [json.loads(l) for l in sys.stdin if "\"summary\"" in l][-1]
lv = s["levels"]
desc = min(l["descending"] for l in lv if l["descending"] is not None)
print("%-8s %-5s %-8.3f %-8.3f %-10.3f %-10.3f %-10.3f" % (sys.argv[1], sys.argv[2], s["test_accuracy"], s["bp_test_accuracy"],
      desc, min(l["alignment_H"] for l in lv), min(l["reciprocity"] for l in lv)))' "$lambda" "$seed" \
      || [ $? -eq 3 ]  # 3: learning diverged
  done
done
