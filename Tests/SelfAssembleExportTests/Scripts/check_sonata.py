"""Checks a SONATA export of a selfassemble run with libsonata, the SONATA reference reader.

Usage: check_sonata.py RUN_FILE EXPORT_DIR SNAPSHOT_INDEX THRESHOLD

The expected circuit is computed here, independently of the exporter, from the run file read
with h5py: the weights of every projection at the snapshot (and of every feedback pathway the
rule owns, /feedback/* with role "pathway", as edge population feedback_<kind>), populations laid end to end per
stream (upstream: U_0 ... U_L, downstream: D_1 ... D_L), matrix entry [r, c] a synapse from
source cell c to target cell r, kept when |w| >= threshold (every entry when the threshold
is 0). libsonata then has to agree on everything: populations and sizes, source and target
node ids, syn_weight (bit for bit), and afferent/efferent queries (which use the index
groups). Prints one JSON object {"ok", "errors", "checked", "libsonata"}; exit 1 on errors.
"""
import json
import os
import sys
from importlib.metadata import version

import h5py
import libsonata
import numpy as np

KINDS = ["W", "V", "Vbar", "Wbar"]


def expected_circuit(run_path, snapshot, threshold):
    """{kind: (source_population, target_population, [(src, tgt, weight), ...])} and sizes."""
    with h5py.File(run_path, "r") as f:
        levels = int(f.attrs["levels"])
        n = [int(f["populations/U_%d" % l].attrs["size"]) for l in range(levels + 1)]
        m = [int(f["populations/D_%d" % l].attrs["size"]) for l in range(1, levels + 1)]
        up_offset = {("U", l): sum(n[:l]) for l in range(levels + 1)}
        down_offset = {("D", l): sum(m[: l - 1]) for l in range(1, levels + 1)}
        offsets = {**up_offset, **down_offset}
        circuit = {}

        def add(population, d):
            """Adds the synapses of dataset d at the snapshot to an edge population."""
            weights = d[snapshot]
            src, tgt = d.attrs["source"], d.attrs["target"]
            s_key, t_key = (src[0], int(src[2:])), (tgt[0], int(tgt[2:]))
            streams = ("upstream" if src[0] == "U" else "downstream", "upstream" if tgt[0] == "U" else "downstream")
            edges = circuit.setdefault(population, (streams[0], streams[1], []))[2]
            rows, cols = weights.shape
            for r in range(rows):
                for c in range(cols):
                    w = weights[r, c]
                    if threshold == 0 or abs(w) >= threshold:
                        edges.append((offsets[s_key] + c, offsets[t_key] + r, w))

        for kind in KINDS:
            for l in range(1, levels + 1):
                name = "%s_%d" % (kind, l)
                if name in f["projections"]:
                    add(kind, f["projections/" + name])
        for name in f.get("feedback", {}):
            d = f["feedback/" + name]
            if d.attrs.get("role") == "pathway":
                add("feedback_" + d.attrs["kind"], d)
    return circuit, {"upstream": sum(n), "downstream": sum(m)}, n, m


def main():
    run_path, export_dir, snapshot, threshold = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    threshold = np.float32(threshold)
    errors = []
    checked = {"node_populations": {}, "edge_populations": {}, "queries": 0}

    def check(condition, message):
        if not condition:
            errors.append(message)
        return condition

    circuit, sizes, n, m = expected_circuit(run_path, snapshot, threshold)
    nodes_path = os.path.join(export_dir, "nodes.h5")
    edges_path = os.path.join(export_dir, "edges.h5")

    # The SONATA file conventions, read with h5py: magic, version, node_population.
    for path in (nodes_path, edges_path):
        with h5py.File(path, "r") as f:
            magic = f.attrs.get("magic")
            check(magic is not None and int(magic) == 0x0A7A and np.asarray(magic).dtype == np.uint32,
                  "%s: root attribute magic must be uint32 0x0A7A, is %r" % (path, magic))
            v = f.attrs.get("version")
            check(v is not None and list(v) == [0, 1] and np.asarray(v).dtype == np.uint32,
                  "%s: root attribute version must be uint32 [0, 1], is %r" % (path, v))
    with h5py.File(nodes_path, "r") as f:
        for population in ("upstream", "downstream"):
            g = f["nodes/" + population]
            for name in ("node_type_id", "node_group_id", "node_group_index"):
                check(name in g and g[name].shape == (sizes[population],), "nodes/%s/%s missing or wrong length" % (population, name))
            check("0" in g, "nodes/%s has no node group 0" % population)
    with h5py.File(edges_path, "r") as f:
        for kind in circuit:
            g = f["edges/" + kind]
            for name, pop in (("source_node_id", circuit[kind][0]), ("target_node_id", circuit[kind][1])):
                check(g[name].attrs.get("node_population") == pop,
                      "edges/%s/%s: node_population is %r, expected %r" % (kind, name, g[name].attrs.get("node_population"), pop))
            for name in ("edge_type_id", "edge_group_id", "edge_group_index"):
                check(name in g and g[name].shape == (len(circuit[kind][2]),), "edges/%s/%s missing or wrong length" % (kind, name))
            for index in ("source_to_target", "target_to_source"):
                for name in ("node_id_to_ranges", "range_to_edge_id"):
                    d = g.get("indices/%s/%s" % (index, name))
                    check(d is not None and d.dtype == np.uint64 and d.ndim == 2 and d.shape[1] == 2,
                          "edges/%s/indices/%s/%s must be a uint64 [N, 2] dataset" % (kind, index, name))

    # Nodes through libsonata.
    storage = libsonata.NodeStorage(nodes_path)
    check(storage.population_names == {"upstream", "downstream"}, "node populations %s" % storage.population_names)
    levels = len(n) - 1
    expected_levels = {"upstream": np.repeat(np.arange(levels + 1), n), "downstream": np.repeat(np.arange(1, levels + 1), m)}
    for population in sorted(storage.population_names):
        pop = storage.open_population(population)
        check(pop.size == sizes[population], "%s has %d nodes, expected %d" % (population, pop.size, sizes[population]))
        level = pop.get_attribute("level", pop.select_all())
        check(np.array_equal(level, expected_levels[population]), "%s: the level attribute does not follow the id mapping" % population)
        checked["node_populations"][population] = pop.size

    # Edges through libsonata.
    storage = libsonata.EdgeStorage(edges_path)
    check(storage.population_names == set(circuit), "edge populations %s, expected %s" % (storage.population_names, set(circuit)))
    for kind in sorted(storage.population_names & set(circuit)):
        source_population, target_population, edges = circuit[kind]
        pop = storage.open_population(kind)
        check(pop.source == source_population and pop.target == target_population,
              "%s: %s -> %s, expected %s -> %s" % (kind, pop.source, pop.target, source_population, target_population))
        check(pop.size == len(edges), "%s has %d edges, expected %d" % (kind, pop.size, len(edges)))
        # select_all() refuses an empty population (libsonata 0.2: "Invalid range: 0-0"),
        # which a high threshold can produce; an empty selection reads the same.
        everything = pop.select_all() if pop.size else libsonata.Selection([])
        sources, targets = pop.source_nodes(everything), pop.target_nodes(everything)
        weights = pop.get_attribute("syn_weight", everything)
        check(weights.dtype == np.float32, "%s: syn_weight is %s, expected float32" % (kind, weights.dtype))
        expected = {(s, t): w for s, t, w in edges}
        found = {}
        for s, t, w in zip(sources.tolist(), targets.tolist(), weights):
            check((s, t) not in found, "%s: two edges %d -> %d" % (kind, s, t))
            found[(s, t)] = w
        check(set(found) == set(expected), "%s: the (source, target) pairs differ from the matrices" % kind)
        mismatched = [k for k in expected if k in found and np.float32(found[k]).tobytes() != np.float32(expected[k]).tobytes()]
        check(not mismatched, "%s: %d weights differ from the run file, e.g. %s" % (kind, len(mismatched), mismatched[:3]))

        # Queries use the index groups: a node's afferent (efferent) edges must be exactly the
        # synapses in its row (column) of the matrices.
        by_target, by_source = {}, {}
        for s, t, w in edges:
            by_target.setdefault(t, []).append((s, w))
            by_source.setdefault(s, []).append((t, w))
        for node in sorted(set([0, sizes[target_population] // 2, sizes[target_population] - 1] + list(by_target)[:3])):
            selection = pop.afferent_edges(node)
            got = sorted(zip(pop.source_nodes(selection).tolist(), pop.get_attribute("syn_weight", selection).tolist()))
            want = sorted((s, float(w)) for s, w in by_target.get(node, []))
            check(got == want, "%s: afferent_edges(%d) gives %d edges, expected %d (or different weights)" % (kind, node, len(got), len(want)))
            checked["queries"] += 1
        for node in sorted(set([0, sizes[source_population] // 2, sizes[source_population] - 1] + list(by_source)[:3])):
            selection = pop.efferent_edges(node)
            got = sorted(zip(pop.target_nodes(selection).tolist(), pop.get_attribute("syn_weight", selection).tolist()))
            want = sorted((t, float(w)) for t, w in by_source.get(node, []))
            check(got == want, "%s: efferent_edges(%d) gives %d edges, expected %d (or different weights)" % (kind, node, len(got), len(want)))
            checked["queries"] += 1
        checked["edge_populations"][kind] = pop.size

    # The circuit config resolves every file and population.
    config = libsonata.CircuitConfig.from_file(os.path.join(export_dir, "circuit_config.json"))
    check(config.node_populations == {"upstream", "downstream"}, "circuit config node populations %s" % config.node_populations)
    check(config.edge_populations == set(circuit), "circuit config edge populations %s" % config.edge_populations)
    for population in config.node_populations:
        check(config.node_population(population).size == sizes[population], "config: %s size" % population)

    print(json.dumps({"ok": not errors, "errors": errors, "checked": checked, "libsonata": version("libsonata")}))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
