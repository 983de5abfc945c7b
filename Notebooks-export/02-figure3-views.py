# %% [markdown]
# # 2. The Figure-3 views: Vbar Vbar^T, W W^T and their spectra
#
# The paper's Figure 3 shows, before and after training, the matrices Vbar_l Vbar_l^T and
# W_l W_l^T (neurons of a layer become correlated) and the singular-value spectra of both
# pathways (they become effectively low-rank). Here they are computed from the weight snapshots
# stored in the run file (`/projections/<name>`, float32 `[snapshots, target, source]`):
#
# - H_l = Vbar_l Vbar_l^T (n_l x n_l) is the matrix learning rate of level l once the motif has
#   assembled (dW_l = -eta H_l grad W_l); W_l W_l^T (n_l x n_l) is the overlap of U_l's cells'
#   feedforward weight vectors;
# - the singular values s_i of W_l and Vbar_l, and the effective rank
#   exp(-sum_i p_i log p_i) with p_i = s_i^2 / sum_j s_j^2, the normalised eigenvalues of the
#   Gram matrix (for Vbar_l: of H_l, the run's own `H_effective_rank_l`).

# %% tags=["parameters"]
import os

# The run file to analyse, and where to write the figures (PNG). Override without editing:
# SELFASSEMBLE_RUN=... SELFASSEMBLE_FIGURES=... (or papermill -p RUN ...).
RUN = os.environ.get("SELFASSEMBLE_RUN", "../run-seed7.h5")
FIGURES = os.environ.get("SELFASSEMBLE_FIGURES", "figures")
# Snapshots to compare (indices along the first axis; -1 is the last snapshot).
BEFORE, AFTER = 0, -1

# %%
import json
import sys

import h5py
import matplotlib
import numpy as np

if "ipykernel" not in sys.modules and not os.environ.get("MPLBACKEND") and not os.environ.get("DISPLAY"):
    matplotlib.use("Agg")  # headless: write the PNGs only
import matplotlib.pyplot as plt
import matplotlib.ticker

if not os.path.exists(RUN):
    raise FileNotFoundError(
        f"no run file at {RUN!r}: make one with `selfassemble simulate --seed 7` in the repository's "
        "top directory, or set SELFASSEMBLE_RUN (or RUN in the parameters cell)")
os.makedirs(FIGURES, exist_ok=True)


def save_and_show(fig, name):
    """Writes the figure to FIGURES/name, then shows it (inline in Jupyter)."""
    path = os.path.join(FIGURES, name)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    print("saved", path)
    if matplotlib.get_backend().lower() == "agg":
        plt.close(fig)
    else:
        plt.show()

# %% [markdown]
# ## Reading the two snapshots
#
# Only the two snapshots are read (h5py reads a dataset lazily, one chunk per snapshot).
# S is the length of `/snapshots/step`; a negative index counts from the last completed snapshot.

# %%
with h5py.File(RUN, "r") as f:
    config = json.loads(f.attrs["configuration"])
    L = int(f.attrs["levels"])
    steps = f["snapshots/step"][:]
    S = len(steps)
    chosen = [index % S for index in (BEFORE, AFTER)]
    weights = {}   # (name, snapshot index) -> matrix, target x source
    for level in range(1, L + 1):
        for kind in ("W", "Vbar"):
            for index in chosen:
                weights[f"{kind}_{level}", index] = f[f"projections/{kind}_{level}"][index].astype(np.float64)
    stored_rank = {level: f[f"metrics/H_effective_rank_{level}"][:S] for level in range(1, L + 1)}

labels = {index: f"step {steps[index]}" for index in chosen}
print(f"{RUN}: {L} levels, sizes {config['sizes']}; comparing snapshot {chosen[0]} ({labels[chosen[0]]}) "
      f"with snapshot {chosen[1]} ({labels[chosen[1]]})")


def effective_rank(singular_values):
    """exp of the entropy of the normalised eigenvalues s^2 / sum(s^2) of the Gram matrix."""
    p = singular_values ** 2
    p = p[p > 0] / p.sum()
    return float(np.exp(-(p * np.log(p)).sum()))

# %% [markdown]
# ## Vbar_l Vbar_l^T and W_l W_l^T, before and after
#
# One row per level (U_l's n_l cells on both axes); each panel has its own symmetric colour
# scale (red positive, blue negative). At random initial connectivity both matrices are nearly
# diagonal; structure off the diagonal means that U_l's cells receive correlated teaching
# signals (Vbar Vbar^T) or have correlated feedforward weights (W W^T).

# %%
fig, axes = plt.subplots(L, 4, figsize=(13, 3.2 * L), squeeze=False)
for row, level in enumerate(range(1, L + 1)):
    for col, (kind, index) in enumerate([(k, i) for k in ("Vbar", "W") for i in chosen]):
        M = weights[f"{kind}_{level}", index]
        gram = M @ M.T
        limit = np.abs(gram).max() or 1.0
        ax = axes[row, col]
        image = ax.imshow(gram, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        ax.set_title(f"{kind}_{level} {kind}_{level}^T, {labels[index]}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
    axes[row, 0].set_ylabel(f"U_{level} ({weights[f'W_{level}', chosen[0]].shape[0]} cells)")
fig.suptitle(f"Gram matrices of the teaching (Vbar) and feedforward (W) pathways: {os.path.basename(RUN)}")
fig.tight_layout()
save_and_show(fig, "02-gram-heatmaps.png")

# %% [markdown]
# ## Singular-value spectra and effective rank
#
# Singular values of W_l and Vbar_l in decreasing order, before (grey) and after (colour), on a
# log scale; the legend gives the effective rank. The effective rank of Vbar_l is that of
# H_l = Vbar_l Vbar_l^T, which the run also stores as `H_effective_rank_l` (printed below as a
# cross-check).

# %%
fig, axes = plt.subplots(L, 2, figsize=(10, 3 * L), squeeze=False)
ranks = []
for row, level in enumerate(range(1, L + 1)):
    for col, kind in enumerate(("W", "Vbar")):
        ax = axes[row, col]
        for index, color in zip(chosen, ("0.55", "C3")):
            s = np.linalg.svd(weights[f"{kind}_{level}", index], compute_uv=False)
            rank = effective_rank(s)
            ranks.append((f"{kind}_{level}", labels[index], rank))
            ax.semilogy(np.arange(1, len(s) + 1), s, marker=".", color=color,
                        label=f"{labels[index]}: effective rank {rank:.1f} of {len(s)}")
        ax.set_title(f"singular values of {kind}_{level}", fontsize=10)
        ax.set_xlabel("index")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
fig.tight_layout()
save_and_show(fig, "02-spectra.png")

for name, label, rank in ranks:
    print(f"{name:8s} {label:>12s}  effective rank {rank:7.2f}")
for level in range(1, L + 1):
    print(f"H_effective_rank_{level} stored in the run at {labels[chosen[1]]}: {stored_rank[level][chosen[1]]:.2f}")
