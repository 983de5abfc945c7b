# %% [markdown]
# # 1. Motif metrics over a run, with the assembly onsets
#
# A `selfassemble simulate` run file holds, for every snapshot, the motif metrics of every
# level l (`/metrics/<name>_l`, one value per snapshot, `/snapshots/step` as the time axis):
#
# - **reciprocity_l** = cos(V_l, Vbar_l^T): rises during the reciprocal stage of development,
#   when V_l and Vbar_l receive the same Hebbian update, transposed;
# - **descending_l** = cos(Wbar_l V_l, W_l^T) (levels l >= 2): rises during the descending stage
#   of development, when W_l and Wbar_l learn from noise with matching updates and the same decay
#   (in files of model version 1, which had no descending stage, it rose only during learning);
# - **alignment_H_l** = cos(dW_l, -H_l grad W_l) with H_l = Vbar_l Vbar_l^T: how close the
#   circuit's update is to the preconditioned gradient the model predicts once the motif has
#   assembled;
# - **alignment_bp_l** = cos(dW_l, -grad W_l): the alignment with plain backpropagation.
#
# The motif counts as assembled at level l (`/assembly/onset_step`) from the first of K
# consecutive snapshots at which reciprocity, descending consistency and alignment_H all pass
# their thresholds (stored as attributes of `/assembly/onset_step`). The figures mark the two
# stages of development (from `/snapshots/phase`), the thresholds and each level's onset, and the
# text says in which stage each level's motif assembled.

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
import numpy as np

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

# %% [markdown]
# ## The phases of the run
#
# `/snapshots/phase` gives each snapshot's phase: **0** the reciprocal stage of development
# (spontaneous activity; V and Vbar learn, Vbar_l becomes V_l^T), **2** the descending stage of
# development (spontaneous activity; W and Wbar learn from noise until Wbar_l V_l = W_l^T), **1**
# learning (the task). Files of model version 1 have no descending stage: only 0 and 1. A stage
# spans from the snapshot before its first one (the step it starts from) to its last snapshot.
# The stage a level's motif assembled in is the phase of its onset snapshot.

# %%
PHASE_NAMES = {0: "reciprocal stage of development", 2: "descending stage of development", 1: "learning"}
STAGE_SHADES = {0: "0.90", 2: "#fbe3c8"}  # reciprocal stage grey, descending stage light orange


def stage_span(code):
    """(first step, last step) of a development stage, None when the run has no such stage."""
    indices = [i for i in range(S) if phase[i] == code]
    if not indices:
        return None
    first = indices[0]
    return int(steps[first - 1] if first > 0 else steps[0]), int(steps[indices[-1]])


def onset_phase(level):
    """The phase the level's onset falls in, in words; None when it did not assemble."""
    onset = onsets[level - 1]
    at = np.nonzero(steps == onset)[0] if onset >= 0 else []
    return PHASE_NAMES.get(int(phase[at[0]]), "an unknown phase") if len(at) else None


stages = {code: span for code in (0, 2) if (span := stage_span(code)) is not None}
for code, (start, end) in stages.items():
    print(f"{PHASE_NAMES[code]}: steps {start} ... {end}")
if 0 in stages and 2 not in stages:
    print("no descending stage (a file of model version 1, or --descending-steps 0)")
for level in range(1, L + 1):
    if onset_phase(level):
        print(f"  level {level}: assembled at step {onsets[level - 1]}, during the {onset_phase(level)}")
    else:
        print(f"  level {level}: not assembled")

colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]


def level_color(level):
    return colors[(level - 1) % len(colors)]


def mark_phases(ax, legend=False):
    """Shades each stage of development and draws a dotted line where it ends (when a later
    snapshot exists)."""
    for code, (start, end) in stages.items():
        label = PHASE_NAMES[code].replace(" of development", "") if legend else None
        ax.axvspan(start, end, color=STAGE_SHADES[code], zorder=0, label=label)
        if end < steps[-1]:
            ax.axvline(end, color="0.4", linewidth=1, linestyle=":")


def mark_onset(ax, level):
    onset = onsets[level - 1]
    if onset >= 0:
        ax.axvline(onset, color=level_color(level), linestyle="--", linewidth=1.2)

# %% [markdown]
# ## Every level's metrics, one panel per metric
#
# Grey: the reciprocal stage of development (V and Vbar plastic); orange: the descending stage
# (W and Wbar plastic, learning from noise); dotted lines: their ends. Dashed horizontal line: the
# detector's threshold for that metric (alignment_bp has none).
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
    mark_phases(ax, legend=metric == "reciprocity")
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
    stage = onset_phase(level)
    ax.set_title(f"level {level}: onset at step {onset} ({stage.replace(' of development', '')})" if stage
                 else f"level {level}: not assembled", fontsize=10)
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
