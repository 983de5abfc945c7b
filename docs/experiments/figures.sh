#!/usr/bin/env bash
# The paper's Figures 2, 3, 4 and 5 as sweeps (docs/reproduction.md): each sweep, then its
# table and plot. Rerunning keeps complete runs and continues incomplete ones.
# Usage: bash docs/experiments/figures.sh [selfassemble] [outdir] [jobs]
set -euo pipefail
bin=${1:-selfassemble}; out=${2:-figures}; jobs=${3:-2}
mkdir -p "$out"; cd "$out"
"$bin" sweep --connectome figure2-ratio --grid "ratio=1,2,4,6,7.5,8" \
    --grid "downstream_activation=identity,tanh,relu" --grid "seed=1..3" --out figure2 --jobs "$jobs"
"$bin" collect figure2 --metric test_accuracy --against ratio
"$bin" collect figure2 --against ratio --where downstream_activation=identity,tanh >/dev/null
"$bin" collect figure2 --metric alignment_bp_1 --against ratio >/dev/null
"$bin" sweep --connectome digits --grid "plastic=[W,V,Vbar,Wbar],[W,Vbar],[W,Wbar],[W,V],[W]" \
    --grid "seed=1..5" --out figure4 --jobs "$jobs"
"$bin" sweep --connectome figure4-linear-sgd --grid "seed=1..5" --out figure4-floor --jobs "$jobs"
"$bin" collect figure4 --against plastic
"$bin" collect figure4-floor
"$bin" sweep --connectome ablation-all-plastic --connectome ablation-vbar-only --connectome ablation-wbar-only \
    --connectome ablation-v-only --connectome ablation-none-plastic --connectome linear-sgd --grid "seed=1..3" \
    --out figure4-synthetic --jobs "$jobs"
"$bin" collect figure4-synthetic --against connectome
"$bin" sweep --connectome digits --grid "eta_w=0.03,0.1,0.3" --grid "eta_v=0,0.0001,0.001,0.01,0.1" \
    --grid "seed=1..3" --out figure5 --jobs "$jobs"
"$bin" collect figure5 --against eta_v
"$bin" sweep --connectome eight-hidden --grid "seed=1..3" --out figure3 --jobs "$jobs"
"$bin" collect figure3
"$bin" report figure3/runs/seed-1.h5 --out figure3/report
