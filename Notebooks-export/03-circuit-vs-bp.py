# %% [markdown]
# # 3. The circuit beside backpropagation
#
# Two run files of the same configuration (same sizes, ratio, seed, data, learning rate, decay
# and epochs): one trained by the self-assembled circuit (`selfassemble simulate ...`, rule
# `circuit`) and one by exact backpropagation on the same upstream network
# (`selfassemble simulate ... --rule bp`). Plotted:
#
# - test accuracy after each learning epoch of both (`/summary/test_accuracy_by_epoch`) and, if
#   the circuit run was made with `--compare-bp`, the backpropagation comparisons stored inside it:
#   `/comparison/bp` (same network, data, seed and weight decay) and, from runs of this version,
#   `/comparison/bp_tuned`, bp at its best weight decay of a grid (attributes `weight_decay`, the
#   chosen lambda, and `weight_decay_grid`), so that the circuit is not compared with a bp that the
#   circuit's own weight decay handicaps;
# - test accuracy at every snapshot of both (`/metrics/test_accuracy`);
# - per level, how close the circuit's update dW_l is to the gradient: alignment_bp_l =
#   cos(dW_l, -grad W_l) and alignment_H_l = cos(dW_l, -H_l grad W_l) with H_l = Vbar_l Vbar_l^T,
#   on the run's fixed probe batch. Once the motif has assembled (V_l = Vbar_l^T,
#   Wbar_l V_l = W_l^T), dW_l = -eta H_l grad W_l exactly, so alignment_H_l approaches 1 while
#   alignment_bp_l stays below it by how far H_l is from a multiple of the identity.
#
# (The bp run stores the same metrics; there they describe what the unused motif would compute
# on bp's weights, not bp's own update, so they are not drawn.)

# %% tags=["parameters"]
import os

# The circuit run, the bp run of the same configuration, and where to write the figures (PNG).
# Override without editing: SELFASSEMBLE_RUN=... SELFASSEMBLE_BP_RUN=... SELFASSEMBLE_FIGURES=...
RUN = os.environ.get("SELFASSEMBLE_RUN", "../run-seed7.h5")
BP_RUN = os.environ.get("SELFASSEMBLE_BP_RUN", "../bp-seed7.h5")
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

for path, how in ((RUN, "selfassemble simulate --seed 7"), (BP_RUN, "selfassemble simulate --seed 7 --rule bp --out bp-seed7.h5")):
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"no run file at {path!r}: make one with `{how}` in the repository's top directory, "
            "or set SELFASSEMBLE_RUN / SELFASSEMBLE_BP_RUN (or RUN / BP_RUN in the parameters cell)")
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
# ## Reading both runs
#
# The configurations are compared field by field; only the rule (and whether the circuit run also
# trained bp for comparison) should differ.

# %%
def read_run(path):
    with h5py.File(path, "r") as f:
        steps = f["snapshots/step"][:]
        S = len(steps)
        run = {
            "path": path,
            "config": json.loads(f.attrs["configuration"]),
            "levels": int(f.attrs["levels"]),
            "steps": steps,
            "phase": f["snapshots/phase"][:S],
            "metrics": {name: f["metrics"][name][:S] for name in f["metrics"]},
            "onsets": f["assembly/onset_step"][:],
            "connectome": f.attrs.get("connectome"),
            "rule": f["summary"].attrs["rule"] if "summary" in f else None,
            "by_epoch": f["summary/test_accuracy_by_epoch"][:] if "summary" in f else np.array([]),
            "comparison": f["comparison/bp/test_accuracy_by_epoch"][:] if "comparison/bp" in f else None,
            "tuned": None,
        }
        if "comparison/bp_tuned" in f:
            tuned = f["comparison/bp_tuned"]
            grid = tuned.attrs.get("weight_decay_grid", "")
            run["tuned"] = {"by_epoch": tuned["test_accuracy_by_epoch"][:],
                            "weight_decay": float(tuned.attrs["weight_decay"]),
                            "grid": grid.decode() if isinstance(grid, bytes) else str(grid)}
    return run


circuit, bp = read_run(RUN), read_run(BP_RUN)
print(f"circuit run {RUN}: rule {circuit['rule']}; bp run {BP_RUN}: rule {bp['rule']}")
if circuit["rule"] != "circuit" or bp["rule"] != "bp":
    print("warning: expected a circuit run and a bp run (`--rule bp`); the files may be swapped")
# bp has no development (simulate runs it only for rules that use the motif): its stage lengths are 0.
differences = {key: (circuit["config"].get(key), bp["config"].get(key))
               for key in sorted(set(circuit["config"]) | set(bp["config"]))
               if key not in ("rule", "compareBackprop", "developmentSteps", "descendingSteps")
               and circuit["config"].get(key) != bp["config"].get(key)}
if differences:
    print("warning: the two runs' configurations differ in", differences)
else:
    print("same configuration apart from the rule:", {k: circuit["config"][k] for k in ("sizes", "ratios", "seed", "epochs", "etaW", "weightDecay")})
if circuit["connectome"] is not None or bp["connectome"] is not None:
    same = circuit["connectome"] == bp["connectome"]
    print("circuit definitions (root attribute `connectome`):", "the same" if same else "DIFFERENT")
L = circuit["levels"]
if circuit["tuned"] is not None:
    t = circuit["tuned"]
    print(f"bp at its best weight decay {t['weight_decay']:g} (grid {t['grid']}): final test accuracy {t['by_epoch'][-1]:.3f}")
else:
    print("no /comparison/bp_tuned in the circuit run (made without --compare-bp, or by an earlier version)")

# %% [markdown]
# ## Test accuracy
#
# Left: after each learning epoch. Right: at every snapshot, over steps; the shaded bands are
# the two stages of development (`/snapshots/phase`: 0 the reciprocal stage, grey; 2 the
# descending stage, orange; 1 learning; files of model version 1 have no descending stage). The
# task is not seen during development, so the circuit stays near chance there; the bp run has no
# development and starts learning at step 0.

# %%
PHASE_NAMES = {0: "reciprocal stage", 2: "descending stage", 1: "learning"}
STAGE_SHADES = {0: "0.90", 2: "#fbe3c8"}


def stages(run):
    """{phase code: (first step, last step)} of the run's stages of development."""
    spans = {}
    for code in (0, 2):
        indices = np.nonzero(run["phase"] == code)[0]
        if len(indices):
            first = indices[0]
            spans[code] = (int(run["steps"][first - 1] if first > 0 else run["steps"][0]), int(run["steps"][indices[-1]]))
    return spans


def mark_stages(ax, run, legend=False):
    """Shades each stage of development; a dotted line where it ends when a later snapshot exists."""
    for code, (start, end) in stages(run).items():
        ax.axvspan(start, end, color=STAGE_SHADES[code], zorder=0, label=PHASE_NAMES[code] if legend else None)
        if end < run["steps"][-1]:
            ax.axvline(end, color="0.4", linestyle=":", linewidth=1)


def onset_phase(run, level):
    """The phase the level's onset falls in; None when it did not assemble."""
    at = np.nonzero(run["steps"] == run["onsets"][level - 1])[0] if run["onsets"][level - 1] >= 0 else []
    return PHASE_NAMES.get(int(run["phase"][at[0]]), "?") if len(at) else None


for code, (start, end) in stages(circuit).items():
    print(f"circuit run, {PHASE_NAMES[code]} of development: steps {start} ... {end}")
for level in range(1, L + 1):
    print(f"level {level}: " + (f"assembled at step {circuit['onsets'][level - 1]}, during the {onset_phase(circuit, level)}"
                                if onset_phase(circuit, level) else "not assembled"))


fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
for run, label, style in ((circuit, "circuit", "o-"), (bp, "bp run (--rule bp)", "s-")):
    epochs = np.arange(1, len(run["by_epoch"]) + 1)
    left.plot(epochs, run["by_epoch"], style, label=f"{label}: final {run['by_epoch'][-1]:.3f}" if len(epochs) else label)
if circuit["comparison"] is not None and len(circuit["comparison"]):
    epochs = np.arange(1, len(circuit["comparison"]) + 1)
    left.plot(epochs, circuit["comparison"], "k--", alpha=0.7,
              label=f"bp comparison in the circuit run: final {circuit['comparison'][-1]:.3f}")
if circuit["tuned"] is not None and len(circuit["tuned"]["by_epoch"]):
    t = circuit["tuned"]
    epochs = np.arange(1, len(t["by_epoch"]) + 1)
    left.plot(epochs, t["by_epoch"], ":", color="C3",
              label=f"bp at its best weight decay {t['weight_decay']:g}: final {t['by_epoch'][-1]:.3f}")
left.set_xlabel("learning epoch")
left.set_ylabel("test accuracy")
left.set_title("test accuracy after each epoch", fontsize=10)
left.grid(alpha=0.3)
left.legend(fontsize=8)

mark_stages(right, circuit, legend=True)
right.plot(circuit["steps"], circuit["metrics"]["test_accuracy"], ".-", label="circuit")
right.plot(bp["steps"], bp["metrics"]["test_accuracy"], ".-", label="bp run")
right.set_xlabel("step")
right.set_title("test accuracy at each snapshot", fontsize=10)
right.set_ylim(0, 1)
right.grid(alpha=0.3)
right.legend(fontsize=8)
fig.tight_layout()
save_and_show(fig, "03-accuracy.png")

# %% [markdown]
# ## Per-level gradient alignment of the circuit
#
# alignment_bp_l (solid) and alignment_H_l (dashed) of the circuit run over steps; the shaded
# bands are the reciprocal (grey) and descending (orange) stages of development, the dotted lines
# their ends, and the coloured dashed line the level's assembly onset, if it assembled (the title
# says in which stage). Every level, the top included, learns from its apical input
# a_l = Vbar_l g_l, so alignment_H_l approaches 1 at every level once the motif has assembled. (In
# files of model version 1 the error module trained W_L directly, so both were 1 at the top level.)

# %%
columns = min(4, L)
rows = -(-L // columns)
fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.6 * rows), squeeze=False)
for ax in axes.flat[L:]:
    ax.set_visible(False)
for level, ax in zip(range(1, L + 1), axes.flat):
    mark_stages(ax, circuit)
    ax.plot(circuit["steps"], circuit["metrics"][f"alignment_bp_{level}"], "-", color=f"C{level - 1}",
            label="alignment_bp = cos(dW, -grad W)")
    ax.plot(circuit["steps"], circuit["metrics"][f"alignment_H_{level}"], "--", color=f"C{level - 1}",
            label="alignment_H = cos(dW, -H grad W)")
    onset = circuit["onsets"][level - 1]
    if onset >= 0:
        ax.axvline(onset, color=f"C{level - 1}", linestyle="--", linewidth=1, alpha=0.6)
    stage = onset_phase(circuit, level)
    ax.set_title(f"level {level} (W_{level}): " + (f"onset {onset} ({stage})" if stage else "not assembled"), fontsize=10)
    ax.set_xlabel("step")
    ax.set_ylim(-1.05, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
fig.suptitle(f"How close the circuit's update is to the gradient: {os.path.basename(RUN)}")
fig.tight_layout()
save_and_show(fig, "03-alignment.png")

for level in range(1, L + 1):
    m = circuit["metrics"]
    print(f"level {level}: at the end alignment_bp {m[f'alignment_bp_{level}'][-1]:.3f}, "
          f"alignment_H {m[f'alignment_H_{level}'][-1]:.3f}")
