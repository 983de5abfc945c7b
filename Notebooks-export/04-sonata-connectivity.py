# %% [markdown]
# # 4. The SONATA export as connectivity matrices
#
# `selfassemble export RUN OUTDIR --format sonata --step last` writes the circuit of one snapshot
# in SONATA, the format of the Allen Institute's and the Blue Brain Project's connectome tools
# (docs/export.md): two node populations, `upstream` (U_0 ... U_L end to end) and `downstream`
# (D_1 ... D_L), and one edge population per projection kind of the four-synapse motif:
#
# | edge population | source -> target | projections |
# |---|---|---|
# | `W` | upstream -> upstream | W_l: U_{l-1} -> U_l (basal) |
# | `V` | upstream -> downstream | V_l: U_l -> D_l |
# | `Vbar` | downstream -> upstream | Vbar_l: D_l -> U_l (apical) |
# | `Wbar` | downstream -> upstream | Wbar_l: D_l -> U_{l-1} (apical), l >= 2 |
#
# A run of a rule with feedback projections of its own (fa, dfa, usf, brsf, frsf,
# kolen-pollack: docs/rules.md) adds one edge population per kind of them, `feedback_B`
# (B_l: U_l -> U_{l-1}, the feedback that replaces W_l^T) or `feedback_Bdirect` (Bdirect_l:
# U_L -> U_l, direct feedback alignment), upstream -> upstream; they get their own section below.
#
# This notebook reads the export back with h5py alone (libsonata is used too when it is
# installed, not required), checks the groups SONATA requires, and draws each edge population as
# a connectivity matrix, **target x source** (the orientation of the run file's weight matrices),
# then all node populations together as one block matrix.

# %% tags=["parameters"]
import os

# The SONATA directory (OUTDIR of `selfassemble export`), the run file it came from (optional:
# used to export when the directory is missing, and to cross-check the weights), and where to
# write the figures (PNG). Override without editing: SELFASSEMBLE_SONATA=... SELFASSEMBLE_RUN=...
# SELFASSEMBLE_FIGURES=...
SONATA = os.environ.get("SELFASSEMBLE_SONATA", "../circuit-seed7")
RUN = os.environ.get("SELFASSEMBLE_RUN", "../run-seed7.h5")
FIGURES = os.environ.get("SELFASSEMBLE_FIGURES", "figures")

# %%
import csv
import json
import shutil
import subprocess
import sys

import h5py
import matplotlib
import numpy as np

if "ipykernel" not in sys.modules and not os.environ.get("MPLBACKEND") and not os.environ.get("DISPLAY"):
    matplotlib.use("Agg")  # headless: write the PNGs only
import matplotlib.pyplot as plt

if not os.path.exists(os.path.join(SONATA, "circuit_config.json")):
    if os.path.exists(RUN) and shutil.which("selfassemble") and not (os.path.isdir(SONATA) and os.listdir(SONATA)):
        command = ["selfassemble", "export", RUN, SONATA, "--format", "sonata", "--step", "last"]
        print("exporting:", " ".join(command))
        subprocess.run(command, check=True)
    else:
        raise FileNotFoundError(
            f"no SONATA export at {SONATA!r}: make one with `selfassemble export run-seed7.h5 circuit-seed7 "
            "--format sonata --step last`, or set SELFASSEMBLE_SONATA (or SONATA in the parameters cell)")
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
# ## The files and the groups SONATA requires
#
# `circuit_config.json` ties the files together (paths relative to its directory, `$NETWORK_DIR`);
# its `selfassemble` section says which run and snapshot the circuit came from. Every node
# population needs `node_type_id`, `node_group_id`, `node_group_index` (and here the attributes
# `level` and `cell_index` in group 0); every edge population `source_node_id` and
# `target_node_id` (with their `node_population` attribute), `edge_type_id`, `edge_group_id`,
# `edge_group_index`, the weights `0/syn_weight` and the two indices.

# %%
with open(os.path.join(SONATA, "circuit_config.json")) as file:
    circuit_config = json.load(file)
network_dir = os.path.join(SONATA, circuit_config.get("manifest", {}).get("$NETWORK_DIR", "."))


def resolve(path):
    return os.path.normpath(path.replace("$NETWORK_DIR", network_dir))


nodes_entry = circuit_config["networks"]["nodes"][0]
edges_entry = circuit_config["networks"]["edges"][0]
nodes_file, edges_file = resolve(nodes_entry["nodes_file"]), resolve(edges_entry["edges_file"])
origin = circuit_config.get("selfassemble", {})
print("circuit from", origin)

NODE_DATASETS = ["node_type_id", "node_group_id", "node_group_index", "0/level", "0/cell_index"]
EDGE_DATASETS = ["source_node_id", "target_node_id", "edge_type_id", "edge_group_id", "edge_group_index",
                 "0/syn_weight", "indices/source_to_target/node_id_to_ranges",
                 "indices/source_to_target/range_to_edge_id", "indices/target_to_source/node_id_to_ranges",
                 "indices/target_to_source/range_to_edge_id"]
missing = []
node_counts, edges = {}, {}
with h5py.File(nodes_file, "r") as f:
    assert int(f.attrs["magic"]) == 0x0A7A, "nodes.h5 lacks SONATA's magic number"
    print("nodes.h5: SONATA version", [int(v) for v in f.attrs["version"]])
    for population in nodes_entry["populations"]:
        missing += [f"nodes.h5:/nodes/{population}/{d}" for d in NODE_DATASETS if f"nodes/{population}/{d}" not in f]
        node_counts[population] = len(f[f"nodes/{population}/node_type_id"])
with h5py.File(edges_file, "r") as f:
    assert int(f.attrs["magic"]) == 0x0A7A, "edges.h5 lacks SONATA's magic number"
    for population in edges_entry["populations"]:
        if f"edges/{population}" not in f:
            missing.append(f"edges.h5:/edges/{population}")
            continue
        group = f[f"edges/{population}"]
        missing += [f"edges.h5:/edges/{population}/{d}" for d in EDGE_DATASETS if d not in group]
        edges[population] = {
            "source_population": group["source_node_id"].attrs["node_population"],
            "target_population": group["target_node_id"].attrs["node_population"],
            "source": group["source_node_id"][:].astype(np.int64),
            "target": group["target_node_id"][:].astype(np.int64),
            "type": group["edge_type_id"][:],
            "weight": group["0/syn_weight"][:],
        }
if missing:
    raise ValueError("the export lacks required SONATA groups: " + ", ".join(missing))
print("node populations:", node_counts)
for name, e in edges.items():
    print(f"edge population {name}: {e['source_population']} -> {e['target_population']}, {len(e['weight'])} edges")

# %% [markdown]
# ## Which nodes are which group
#
# `node_types.csv` (space-separated) names the model's group of each node type and its number of
# cells; within a population the groups are laid end to end in order of level, so group U_l
# occupies node ids n_0 + ... + n_{l-1} onwards. `edge_types.csv` names the projection of each
# edge type (W_1, V_1, Vbar_1, W_2, ...).

# %%
def read_table(path):
    with open(path) as file:
        return list(csv.DictReader(file, delimiter=" "))


node_types = read_table(resolve(nodes_entry["node_types_file"]))
edge_types = {int(row["edge_type_id"]): row for row in read_table(resolve(edges_entry["edge_types_file"]))}
groups = {population: [] for population in node_counts}   # population -> [(group, first node id, cells)]
for row in node_types:
    members = groups[row["population"]]
    first = members[-1][1] + members[-1][2] if members else 0
    members.append((row["group"], first, int(row["cells"])))
for population, members in groups.items():
    print(population + ":", ", ".join(f"{g} = {a}-{a + n - 1}" for g, a, n in members))

# %% [markdown]
# ## libsonata (optional)
#
# If libsonata is installed, it reads the same files; the synapses onto one node found through its
# index (`afferent_edges`) must be those h5py finds by `target_node_id`.

# %%
try:
    import libsonata
except ImportError:
    print("libsonata is not installed (`pip install libsonata`); h5py alone is enough here")
else:
    storage = libsonata.EdgeStorage(edges_file)
    print("libsonata edge populations:", sorted(storage.population_names))
    population = storage.open_population("W")
    node = groups["upstream"][1][1]   # the first cell of U_1
    selection = population.afferent_edges([node])
    via_index = np.sort(population.source_nodes(selection))
    via_h5py = np.sort(edges["W"]["source"][edges["W"]["target"] == node])
    assert np.array_equal(via_index, via_h5py), "libsonata's index and h5py disagree"
    print(f"libsonata: {len(via_index)} W synapses onto upstream node {node}, the same as h5py finds")

# %% [markdown]
# ## One connectivity matrix per edge population
#
# Entry [target, source] is the weight of the synapse from source node to target node (grey: no
# synapse). Lines separate the model's groups. W is block-subdiagonal (U_{l-1} -> U_l); V and Vbar
# are block-diagonal (U_l <-> D_l, and after development Vbar_l is close to V_l^T); Wbar sits one
# block above Vbar's (D_l -> U_{l-1}). Each panel's colour scale is symmetric, clipped at the
# 99th percentile of |weight|.

# %%
def connectivity(population):
    e = edges[population]
    matrix = np.full((node_counts[e["target_population"]], node_counts[e["source_population"]]), np.nan)
    matrix[e["target"], e["source"]] = e["weight"]
    return matrix


def draw_groups(ax, rows, cols, offset_rows=0, offset_cols=0):
    """Group boundaries and names along both axes."""
    for (names, position, line, set_ticks, set_labels) in (
            (rows, offset_rows, ax.axhline, ax.set_yticks, ax.set_yticklabels),
            (cols, offset_cols, ax.axvline, ax.set_xticks, ax.set_xticklabels)):
        ticks, labels = [], []
        for group, first, cells in names:
            if first + position > 0:
                line(first + position - 0.5, color="k", linewidth=0.5)
            ticks.append(first + position + cells / 2 - 0.5)
            labels.append(group)
        set_ticks(ticks)
        set_labels(labels, fontsize=7)


def symmetric_limit(values):
    values = np.abs(values[np.isfinite(values)])
    return float(np.percentile(values, 99)) if values.size else 1.0


cmap = plt.get_cmap("RdBu_r").copy()
cmap.set_bad("0.85")
matrices = {}


def draw_populations(names, title, figure):
    """One connectivity matrix per edge population in `names`, two per row, saved as `figure`."""
    columns = 2 if len(names) > 2 else len(names)
    rows = -(-len(names) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(6.2 * columns, 5.2 * rows), squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    for ax, name in zip(axes.flat, names):
        matrix = matrices[name] = connectivity(name)
        limit = symmetric_limit(matrix) or 1.0
        image = ax.imshow(matrix, cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest", aspect="auto")
        e = edges[name]
        draw_groups(ax, groups[e["target_population"]], groups[e["source_population"]])
        ax.set_title(f"{name}: {e['source_population']} -> {e['target_population']} ({len(e['weight'])} edges)", fontsize=9)
        ax.set_xlabel(f"source ({e['source_population']} node id)")
        ax.set_ylabel(f"target ({e['target_population']} node id)")
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.03, label="syn_weight")
    fig.suptitle(f"{title}, step {origin.get('step', '?')} of {origin.get('run_file', '?')}")
    fig.tight_layout()
    save_and_show(fig, figure)


names = [name for name in ("W", "V", "Vbar", "Wbar") if name in edges]
draw_populations(names, "SONATA edge populations", "04-edge-populations.png")

# %% [markdown]
# ## The rule's feedback projections
#
# The edge populations `feedback_<kind>` hold the feedback pathways the learning rule owns at the
# exported snapshot (the run file's `/feedback/<name>`, docs/hdf5-format.md): B_l from U_l to
# U_{l-1}, one block above W_l's transpose, or Bdirect_l from the top U_L to U_l. With feedback
# alignment B_l stays random and W_l comes to align with B_l^T; with Kolen-Pollack B_l itself
# learns and converges to W_l^T. frSF's magnitudes R_l and target propagation's biases c_l are not
# synapses and stay in the run file. A circuit or bp run has none.

# %%
feedback_names = sorted(name for name in edges if name.startswith("feedback_"))
if not feedback_names:
    print("no feedback edge populations: the rule owns no feedback projections (circuit, bp), or the run file predates them")
for name in feedback_names:
    e = edges[name]
    projections = sorted({edge_types[int(t)]["projection"] for t in np.unique(e["type"])})
    print(f"{name}: {e['source_population']} -> {e['target_population']}, {len(e['weight'])} edges, projections {', '.join(projections)}")
if feedback_names:
    draw_populations(feedback_names, "the rule's feedback edge populations", "04-feedback-populations.png")

# %% [markdown]
# ## All node populations as one block matrix
#
# Rows and columns run over every node, upstream first, then downstream; the four edge
# populations fill disjoint blocks (target x source). The four-synapse motif of level l is the
# loop U_{l-1} -W-> U_l -V-> D_l -Wbar-> U_{l-1} with D_l -Vbar-> U_l beside it.

# %%
populations = list(node_counts)
start = {p: sum(node_counts[q] for q in populations[:i]) for i, p in enumerate(populations)}
total = sum(node_counts.values())
block = np.full((total, total), np.nan)
for name in names:
    e = edges[name]
    block[start[e["target_population"]] + e["target"], start[e["source_population"]] + e["source"]] = e["weight"]
all_groups = [(g, start[p] + a, n) for p in populations for g, a, n in groups[p]]
fig, ax = plt.subplots(figsize=(8.5, 7.5))
limit = symmetric_limit(block) or 1.0
image = ax.imshow(block, cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest")
draw_groups(ax, all_groups, all_groups)
for p in populations[1:]:
    ax.axhline(start[p] - 0.5, color="k", linewidth=1.5)
    ax.axvline(start[p] - 0.5, color="k", linewidth=1.5)
ax.set_xlabel("source node (upstream | downstream)")
ax.set_ylabel("target node (upstream | downstream)")
ax.set_title(f"all edge populations, {total} nodes, {sum(len(e['weight']) for e in edges.values())} synapses", fontsize=10)
fig.colorbar(image, ax=ax, fraction=0.046, pad=0.03, label="syn_weight")
fig.tight_layout()
save_and_show(fig, "04-block-matrix.png")

# %% [markdown]
# ## Group by group
#
# The same block matrix reduced to the model's groups: mean |weight| of each projection (named
# from `edge_types.csv`), empty where two groups are not connected.

# %%
group_names = [g for g, _, _ in all_groups]
group_of = {}
for p in populations:
    for g, a, n in groups[p]:
        group_of[p, g] = (a, n)
summary = np.full((len(group_names), len(group_names)), np.nan)
labels = {}
for name in names:
    e = edges[name]
    for type_id in np.unique(e["type"]):
        row = edge_types[int(type_id)]
        mask = e["type"] == type_id
        t, s = group_names.index(row["target_group"]), group_names.index(row["source_group"])
        summary[t, s] = np.abs(e["weight"][mask]).mean() if mask.any() else np.nan
        labels[t, s] = row["projection"]
fig, ax = plt.subplots(figsize=(6.5, 5.5))
image = ax.imshow(summary, cmap="viridis", interpolation="nearest")
middle = (np.nanmin(summary) + np.nanmax(summary)) / 2
for (t, s), text in labels.items():
    ax.text(s, t, text, ha="center", va="center", fontsize=7, color="k" if summary[t, s] > middle else "w")
ax.set_xticks(range(len(group_names)))
ax.set_xticklabels(group_names)
ax.set_yticks(range(len(group_names)))
ax.set_yticklabels(group_names)
ax.set_xlabel("source group")
ax.set_ylabel("target group")
ax.set_title("mean |syn_weight| per projection", fontsize=10)
fig.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
fig.tight_layout()
save_and_show(fig, "04-group-matrix.png")

# %% [markdown]
# ## Cross-check with the run file (when it is at hand)
#
# Every block must be exactly the stored float32 matrix of its projection at the exported snapshot
# (`/projections/<name>[snapshot_index]`, or `/feedback/<name>` for the rule's feedback; target x
# source), up to the export's threshold.

# %%
same_run = os.path.basename(str(origin.get("run_file", ""))) == os.path.basename(RUN)
if os.path.exists(RUN) and same_run and "snapshot_index" in origin:
    index, threshold = int(origin["snapshot_index"]), float(origin.get("threshold", 0.0))
    with h5py.File(RUN, "r") as f:
        for name in names + feedback_names:
            e = edges[name]
            rows, cols = groups[e["target_population"]], groups[e["source_population"]]
            stored = "feedback" if name.startswith("feedback_") else "projections"
            for type_id in np.unique(e["type"]):
                row = edge_types[int(type_id)]
                projection = f[f"{stored}/{row['projection']}"][index]
                (t0, tn), = [(a, n) for g, a, n in rows if g == row["target_group"]]
                (s0, sn), = [(a, n) for g, a, n in cols if g == row["source_group"]]
                exported = np.nan_to_num(matrices[name][t0:t0 + tn, s0:s0 + sn], nan=0.0)
                expected = np.where(np.abs(projection) >= threshold, projection, 0.0)
                assert np.array_equal(exported, expected), f"{row['projection']} differs from the run file"
    print(f"every projection ({', '.join(names + feedback_names)}) matches {RUN} at snapshot {index} exactly")
else:
    print(f"cross-check skipped: the export came from {origin.get('run_file')!r}, RUN is {RUN!r}"
          + ("" if os.path.exists(RUN) else " (not found)"))
