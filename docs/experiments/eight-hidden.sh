#!/usr/bin/env bash
# Version 2 at the depth of the paper's Figure 3: eight hidden levels of 100 cells, r = 2,
# 2,000 + 2,000 development steps, 30 epochs on digits, seeds 1-5, circuit and bp at the same
# settings, for the learning-phase weight decays given (default: 0 3e-4).
# Usage: bash docs/experiments/eight-hidden.sh [selfassemble] [lambda ...] > docs/experiments/eight-hidden.txt
set -euo pipefail
bin=${1:-selfassemble}; shift || true
lambdas=${*:-0 3e-4}
here=$(cd "$(dirname "$0")" && pwd)
shared=${SELFASSEMBLE_SHARED:-$here/../../../shared}
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
echo "lambda seed circuit bp min_descending min_alignment_H min_reciprocity assembled diverged"
for lambda in $lambdas; do
  for seed in 1 2 3 4 5; do
    "$bin" simulate --seed "$seed" --data "$shared/data/digits8x8" --sizes 64,100,100,100,100,100,100,100,100,10 \
      --development-steps 2000 --descending-steps 2000 --epochs 30 --eta-w 0.1 --weight-decay "$lambda" \
      --compare-bp --out "$out/run.h5" --overwrite --json 2>/dev/null | python3 "$here/summarize.py" "$lambda" "$seed" \
      || [ $? -eq 3 ]  # 3: learning diverged; the summary row says where
  done
done
