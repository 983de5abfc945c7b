#!/usr/bin/env bash
# Version 2 on MNIST (../shared/data/mnist, 60,000 / 10,000): sizes 784,256,256,10, r = 2,
# batch 32, eta_W 0.1, 3,000 + 2,000 development steps, 10 epochs, with --compare-bp (bp at
# the same settings and at its best weight decay from the grid 0, 1e-4, 3e-4, 1e-3).
# Usage: bash docs/experiments/mnist.sh [selfassemble] [seed ...] > docs/experiments/mnist.txt
set -euo pipefail
bin=${1:-selfassemble}; shift || true
seeds=${*:-1}
here=$(cd "$(dirname "$0")" && pwd)
shared=${SELFASSEMBLE_SHARED:-$here/../../../shared}
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
echo "seed circuit bp_same bp_tuned tuned_lambda min_descending min_alignment_H min_reciprocity assembled diverged seconds"
for seed in $seeds; do
  start=$(date +%s)
  "$bin" simulate --seed "$seed" --data "$shared/data/mnist" --sizes 784,256,256,10 --epochs 10 \
    --compare-bp --snapshot-every 500 --out "$out/run.h5" --overwrite --json 2>/dev/null > "$out/log.jsonl" \
    || [ $? -eq 3 ]  # 3: learning diverged; the row says where
  # The log is read by name: python's standard input is this script's program text.
  python3 - "$seed" "$(( $(date +%s) - start ))" "$out/log.jsonl" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[3]) if '"summary"' in l][-1]
lv = s["levels"]
f = lambda v: float("nan") if v is None else v
print(sys.argv[1], "%.4f" % s["test_accuracy"], "%.4f" % s["bp_test_accuracy"], "%.4f" % s["bp_tuned_test_accuracy"],
      s["bp_tuned_weight_decay"], "%.3f" % min(f(l["descending"]) for l in lv if l["level"] >= 2),
      "%.3f" % min(f(l["alignment_H"]) for l in lv), "%.3f" % min(f(l["reciprocity"]) for l in lv),
      "%d/%d" % (sum(o is not None for o in s["onset_steps"]), len(lv)),
      s.get("diverged_at_step") or "-", sys.argv[2])
PY
done
