# %% [markdown]
# # 1. Motif metrics over a run, with the assembly onsets
#
# A `selfassemble simulate` run file holds, for every snapshot, the motif metrics of every
# level l (`/metrics/<name>_l`, one value per snapshot, `/snapshots/step` as the time axis):
#
# - **reciprocity_l** = cos(V_l, Vbar_l^T): rises during the development phase, when V_l and
#   Vbar_l receive the same Hebbian update, transposed;
# - **descending_l** = cos(Wbar_l V_l, W_l^T) (levels l >= 2): rises during learning, when W_l
#   and Wbar_l receive matching updates; the slowest of the three;
# - **alignment_H_l** = cos(dW_l, -H_l grad W_l) with H_l = Vbar_l Vbar_l^T: how close the
#   circuit's update is to the preconditioned gradient the model predicts once the motif has
#   assembled;
# - **alignment_bp_l** = cos(dW_l, -grad W_l): the alignment with plain backpropagation.
#
# The motif counts as assembled at level l (`/assembly/onset_step`) from the first of K
# consecutive snapshots at which reciprocity, descending consistency and alignment_H all pass
# their thresholds (stored as attributes of `/assembly/onset_step`). The figures mark the end of
# the development phase (from `/snapshots/phase`), the thresholds and each level's onset.

# %% tags=["parameters"]
import os

# The run file to analyse, and where to write the figures (PNG). Override without editing:
# SELFASSEMBLE_RUN=... SELFASSEMBLE_FIGURES=... (or papermill -p RUN ...).
RUN = os.environ.get("SELFASSEMBLE_RUN", "../run-seed7.h5")
FIGURES = os.environ.get("SELFASSEMBLE_FIGURES", "figures")

# %%
import json
import sys

import h5py
import matplotlib

if "ipykernel" not in sys.modules and not os.environ.get("MPLBACKEND") and not os.environ.get("DISPLAY"):
    matplotlib.use("Agg")  # headless: write the PNGs only
import matplotlib.pyplot as plt

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
# ## Reading the run
#
# S, the number of completed snapshots, is the length of `/snapshots/step`; every other
# per-snapshot series is cut to S (a run interrupted inside a snapshot may have one entry more).

# %%
with h5py.File(RUN, "r") as f:
    assert f.attrs["format"] == "selfassemble-run", f"{RUN} is not a selfassemble run file"
    config = json.loads(f.attrs["configuration"])
    L = int(f.attrs["levels"])
    status = f.attrs["status"]
    steps = f["snapshots/step"][:]
    S = len(steps)
    phase = f["snapshots/phase"][:S]
    metrics = {name: f["metrics"][name][:S] for name in f["metrics"]}
    onset_dataset = f["assembly/onset_step"]
    onsets = onset_dataset[:]
    thresholds = {key: float(onset_dataset.attrs[key]) for key in ("reciprocity", "descending", "alignment_H", "consecutive")}

print(f"{RUN}: {status}, {L} levels, sizes {config['sizes']}, {S} snapshots (steps {steps[0]} ... {steps[-1]})")
print("thresholds:", thresholds)
for level in range(1, L + 1):
    onset = onsets[level - 1]
    print(f"  level {level}: " + (f"assembled at step {onset}" if onset >= 0 else "not assembled"))

# %% [markdown]
# The end of development is the last snapshot with phase 0 (development); snapshots after it
# are in the learning phase (phase 1). A run without learning has no boundary to draw.

# %%
development = steps[phase == 0]
end_of_development = int(development[-1]) if len(development) and (phase == 1).any() else None
colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]


def level_color(level):
    return colors[(level - 1) % len(colors)]


def mark_phases(ax):
    """Shades the development phase and draws the development/learning boundary."""
    if end_of_development is not None:
        ax.axvspan(steps[0], end_of_development, color="0.93", zorder=0)
        ax.axvline(end_of_development, color="0.4", linewidth=1, linestyle=":")


def mark_onset(ax, level):
    onset = onsets[level - 1]
    if onset >= 0:
        ax.axvline(onset, color=level_color(level), linestyle="--", linewidth=1.2)

# %% [markdown]
# ## Every level's metrics, one panel per metric
#
# Grey: the development phase (spontaneous activity, only V and Vbar plastic); dotted line: its
# end. Dashed horizontal line: the detector's threshold for that metric (alignment_bp has none).
# Dashed vertical lines, in each level's colour: that level's assembly onset.

# %%
panels = [
    ("reciprocity", "reciprocity_l = cos(V_l, Vbar_l^T)", thresholds["reciprocity"], range(1, L + 1)),
    ("descending", "descending_l = cos(Wbar_l V_l, W_l^T)", thresholds["descending"], range(2, L + 1)),
    ("alignment_H", "alignment_H_l = cos(dW_l, -H_l grad W_l)", thresholds["alignment_H"], range(1, L + 1)),
    ("alignment_bp", "alignment_bp_l = cos(dW_l, -grad W_l)", None, range(1, L + 1)),
]
fig, axes = plt.subplots(2, 2, figsize=(12, 7.5), sharex=True)
for ax, (metric, title, threshold, levels) in zip(axes.flat, panels):
    mark_phases(ax)
    for level in levels:
        onset = onsets[level - 1]
        label = f"level {level}" + (f" (onset {onset})" if onset >= 0 else " (not assembled)")
        ax.plot(steps, metrics[f"{metric}_{level}"], marker=".", color=level_color(level), label=label)
        mark_onset(ax, level)
    if threshold is not None:
        ax.axhline(threshold, color="k", linestyle="--", linewidth=0.8, label=f"threshold {threshold:g}")
    ax.set_title(title, fontsize=10)
    ax.set_ylim(-1.05, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
for ax in axes[-1]:
    ax.set_xlabel("step")
fig.suptitle(f"Motif metrics: {os.path.basename(RUN)} (K = {int(thresholds['consecutive'])} consecutive snapshots)")
fig.tight_layout()
save_and_show(fig, "01-motif-metrics.png")

# %% [markdown]
# ## Level by level
#
# The same series grouped by level: the three quantities the detector requires (reciprocity,
# descending consistency, alignment_H) pass their thresholds together at the onset, and
# alignment_bp shows how far the preconditioned update H_l grad W_l is from the plain gradient.
# Thin horizontal lines: the thresholds, in the metric's colour; dashed black line: the onset.
# The circuit's test accuracy (`/metrics/test_accuracy`) is drawn in the last panel.

# %%
columns = min(4, L + 1)
rows = -(-(L + 1) // columns)
fig, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3.6 * rows), squeeze=False)
axes = axes.flat
styles = {  # metric: (line style, colour, threshold)
    "reciprocity": ("-", "C0", thresholds["reciprocity"]),
    "descending": ("--", "C1", thresholds["descending"]),
    "alignment_H": ("-.", "C2", thresholds["alignment_H"]),
    "alignment_bp": (":", "C3", None),
}
for level, ax in zip(range(1, L + 1), axes):
    mark_phases(ax)
    for metric, (style, color, threshold) in styles.items():
        name = f"{metric}_{level}"
        if name in metrics:
            ax.plot(steps, metrics[name], linestyle=style, color=color, label=metric)
            if threshold is not None:
                ax.axhline(threshold, color=color, linewidth=0.6, alpha=0.7)
    onset = onsets[level - 1]
    if onset >= 0:
        ax.axvline(onset, color="k", linestyle="--", linewidth=1.2)
    ax.set_title(f"level {level}: " + (f"onset at step {onset}" if onset >= 0 else "not assembled"), fontsize=10)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("step")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
ax = axes[L]
mark_phases(ax)
ax.plot(steps, metrics["test_accuracy"], color="k", marker=".")
ax.set_title("test accuracy (circuit)", fontsize=10)
ax.set_ylim(0, 1)
ax.set_xlabel("step")
ax.grid(alpha=0.3)
for ax in axes[L + 1:]:
    ax.set_visible(False)
fig.tight_layout()
save_and_show(fig, "01-metrics-by-level.png")
