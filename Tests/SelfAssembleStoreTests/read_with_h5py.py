#!/usr/bin/env python3
"""Reads a selfassemble run file with h5py, independently of the Swift reader.

Usage: python3 read_with_h5py.py RUN.h5 [EXPECTED_COMPRESSION_LEVEL]

Opens the file, reads every dataset and every attribute, checks shapes, dtypes, chunking
and compression against docs/hdf5-format.md, and prints one JSON object on stdout:
{"ok": bool, "errors": [...], ...what was read...}. Floating-point values that a test
compares bit for bit (weights, biases, metrics, accuracies) are printed as exact hex
strings (float.hex(), "nan" for NaN), since decimal JSON numbers need not round-trip.
Exit status: 0 when the file follows the documented layout, 1 when it does not, 2 on
bad usage, 3 when h5py cannot be imported.
"""
import datetime
import json
import math
import sys

try:
    import h5py
    import numpy as np
except ImportError as error:  # the Swift test installs h5py first; this is the fallback
    print(json.dumps({"ok": False, "errors": ["cannot import h5py: %s" % error]}))
    sys.exit(3)

errors = []


def expect(condition, message):
    if not condition:
        errors.append(message)
    return condition


def plain(value):
    """A JSON-friendly copy of a value read from the file (NaN becomes null)."""
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value


def exact(value):
    """Exact hex strings of floating-point values (a list for an array)."""
    if isinstance(value, np.ndarray):
        return [float(v).hex() for v in value.ravel().tolist()]
    return None if value is None else float(value).hex()


def is_utf8_string_attribute(obj, name):
    dtype = obj.attrs.get_id(name).dtype
    info = h5py.check_string_dtype(dtype)
    return info is not None and info.encoding == "utf-8"


def string_attribute(obj, name, where):
    if not expect(name in obj.attrs, "%s: attribute %s is missing" % (where, name)):
        return None
    value = obj.attrs[name]
    expect(isinstance(value, str), "%s: attribute %s is %r, not a str" % (where, name, type(value)))
    expect(is_utf8_string_attribute(obj, name), "%s: attribute %s is not a UTF-8 string" % (where, name))
    return value


def int_attribute(obj, name, where, dtype=None):
    if not expect(name in obj.attrs, "%s: attribute %s is missing" % (where, name)):
        return None
    value = obj.attrs[name]
    expect(isinstance(value, np.integer), "%s: attribute %s is %r, not an integer" % (where, name, type(value)))
    if dtype is not None:
        expect(value.dtype == np.dtype(dtype), "%s: attribute %s has dtype %s, expected %s" % (where, name, value.dtype, dtype))
    return int(value)


def float_attribute(obj, name, where):
    if not expect(name in obj.attrs, "%s: attribute %s is missing" % (where, name)):
        return None
    value = obj.attrs[name]
    expect(isinstance(value, np.floating) and value.dtype == np.float64,
           "%s: attribute %s is %r, not a float64" % (where, name, type(value)))
    return float(value)


def check_series(dataset, dtype, count, trailing, compression):
    """An extendible dataset: one entry per snapshot along axis 0."""
    where = dataset.name
    expect(dataset.dtype == np.dtype(dtype), "%s: dtype %s, expected %s" % (where, dataset.dtype, dtype))
    expect(dataset.shape == (count,) + trailing, "%s: shape %s, expected %s" % (where, dataset.shape, (count,) + trailing))
    expect(dataset.maxshape == (None,) + trailing, "%s: maxshape %s, expected %s" % (where, dataset.maxshape, (None,) + trailing))
    if trailing:
        expect(dataset.chunks == (1,) + trailing, "%s: chunks %s, expected %s" % (where, dataset.chunks, (1,) + trailing))
        if compression > 0:
            expect(dataset.compression == "gzip" and dataset.compression_opts == compression,
                   "%s: compression %s/%s, expected gzip/%d" % (where, dataset.compression, dataset.compression_opts, compression))
            expect(dataset.shuffle, "%s: the shuffle filter is off" % where)
        else:
            expect(dataset.compression is None, "%s: compressed although the level is 0" % where)
    else:
        expect(dataset.chunks is not None, "%s: not chunked (cannot grow)" % where)


def main(path, expected_compression=None):
    result = {}
    counts = {"datasets": 0, "attributes": 0}

    with h5py.File(path, "r") as f:
        # Read everything once: every dataset's values and every attribute of every object.
        def read_all(name, obj):
            for key in obj.attrs:
                obj.attrs[key]
                counts["attributes"] += 1
            if isinstance(obj, h5py.Dataset):
                obj[()]
                counts["datasets"] += 1
        for key in f.attrs:
            f.attrs[key]
            counts["attributes"] += 1
        f.visititems(read_all)

        # Root attributes.
        expect(string_attribute(f, "format", "/") == "selfassemble-run", "/: format is not selfassemble-run")
        result["format_version"] = int_attribute(f, "format_version", "/", "int32")
        expect(result["format_version"] == 1, "/: format_version is not 1")
        result["software_version"] = string_attribute(f, "software_version", "/")
        result["seed"] = str(int_attribute(f, "seed", "/", "uint64"))
        configuration = string_attribute(f, "configuration", "/")
        try:
            result["configuration"] = json.loads(configuration)
        except (TypeError, ValueError) as error:
            errors.append("/: configuration is not JSON: %s" % error)
        result["data"] = string_attribute(f, "data", "/")
        result["blas"] = string_attribute(f, "blas", "/")
        status = string_attribute(f, "status", "/")
        result["status"] = status
        expect(status in ("running", "complete"), "/: status %r" % status)
        for name in ["created"] + (["finished"] if status == "complete" else []):
            stamp = string_attribute(f, name, "/")
            try:
                parsed = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
                result[name] = parsed.isoformat()
            except (TypeError, ValueError):
                errors.append("/: %s %r is not ISO 8601 UTC" % (name, stamp))
        levels = int_attribute(f, "levels", "/", "int32")
        result["levels"] = levels
        L = levels

        expected_groups = {"populations", "projections", "biases", "snapshots", "metrics", "assembly", "resume"}
        if status == "complete":
            expected_groups.add("summary")
        present = set(f.keys())
        expect(expected_groups <= present, "/: missing groups %s" % sorted(expected_groups - present))
        expect(present <= expected_groups | {"comparison", "summary", "data"},
               "/: unexpected groups %s" % sorted(present - expected_groups - {"comparison", "data"}))

        # Populations.
        sizes = {}
        expected_populations = ["U_%d" % l for l in range(L + 1)] + ["D_%d" % l for l in range(1, L + 1)]
        expect(sorted(f["populations"].keys()) == sorted(expected_populations),
               "/populations: %s, expected %s" % (sorted(f["populations"].keys()), expected_populations))
        for name in expected_populations:
            group = f["populations"][name]
            where = group.name
            stream = string_attribute(group, "stream", where)
            expect(stream == ("upstream" if name.startswith("U") else "downstream"), "%s: stream %r" % (where, stream))
            expect(int_attribute(group, "level", where) == int(name.split("_")[1]), "%s: wrong level" % where)
            sizes[name] = int_attribute(group, "size", where)
            expect(sizes[name] is not None and sizes[name] > 0, "%s: size %r" % (where, sizes[name]))
            expect(string_attribute(group, "compartments", where) == "basal,apical", "%s: compartments" % where)
        result["sizes"] = sizes

        # What the inputs were (optional: files of earlier versions have no /data).
        if "data" in f:
            data = f["data"]
            n0 = sizes["U_0"]
            for name in ("feature_offset", "feature_scale"):
                expect(data[name].dtype == np.float32 and data[name].shape == (n0,),
                       "/data/%s: %s %s, expected float32 (%d,)" % (name, data[name].dtype, data[name].shape, n0))
            classes = data["classes_present"]
            expect(classes.dtype == np.int32 and classes.ndim == 1, "/data/classes_present: %s %s" % (classes.dtype, classes.shape))
            result["data_record"] = {
                "normalization": string_attribute(data, "normalization", "/data"),
                "feature_offset": exact(data["feature_offset"][()]),
                "feature_scale": exact(data["feature_scale"][()]),
                "classes_present": plain(classes[()]),
            }

        # Snapshots.
        snapshots = f["snapshots"]
        S = snapshots["step"].shape[0]
        result["snapshots"] = S
        check_series(snapshots["step"], "int64", S, (), 0)
        check_series(snapshots["phase"], "uint8", S, (), 0)
        check_series(snapshots["epoch"], "int32", S, (), 0)
        expect(string_attribute(snapshots["phase"], "labels", "/snapshots/phase")
               == "0=development (reciprocal stage),2=development (descending stage),1=learning", "/snapshots/phase: labels")
        steps = snapshots["step"][()]
        phases = snapshots["phase"][()]
        result["steps"] = plain(steps)
        result["phases"] = plain(phases)
        result["epochs"] = plain(snapshots["epoch"][()])
        expect(all(a < b for a, b in zip(steps, steps[1:])), "/snapshots/step: not increasing")
        expect(set(phases.tolist()) <= {0, 1, 2}, "/snapshots/phase: codes other than 0, 1 and 2")
        order = [{0: 0, 2: 1, 1: 2}[int(p)] for p in phases]
        expect(order == sorted(order), "/snapshots/phase: not reciprocal stage, descending stage, learning in that order")

        # Checkpoints: one JSON text per snapshot, taken at that snapshot's step.
        checkpoints = f["resume"]["checkpoint"]
        expect(checkpoints.ndim == 1 and checkpoints.shape[0] == S, "/resume/checkpoint: shape %s, expected (%d,)" % (checkpoints.shape, S))
        expect(h5py.check_string_dtype(checkpoints.dtype) is not None, "/resume/checkpoint: not strings (%s)" % checkpoints.dtype)
        checkpoint_steps = [json.loads(text)["step"] for text in checkpoints.asstr()[()]]
        expect(checkpoint_steps == plain(steps), "/resume/checkpoint: steps %s, expected %s" % (checkpoint_steps, plain(steps)))
        result["checkpoint_steps"] = checkpoint_steps

        # Projections, in the model's table (source, target, compartment).
        projections = f["projections"]
        compression = None
        expected = []
        for l in range(1, L + 1):
            expected.append(("W_%d" % l, "U_%d" % (l - 1), "U_%d" % l, "basal", "W"))
            expected.append(("V_%d" % l, "U_%d" % l, "D_%d" % l, "basal", "V"))
            expected.append(("Vbar_%d" % l, "D_%d" % l, "U_%d" % l, "apical", "Vbar"))
            if l >= 2:
                expected.append(("Wbar_%d" % l, "D_%d" % l, "U_%d" % (l - 1), "apical", "Wbar"))
        result["projection_order"] = list(projections.keys())
        expect(sorted(projections.keys()) == sorted(e[0] for e in expected), "/projections: %s" % list(projections.keys()))
        result["weights_first"] = {}
        result["weights_last"] = {}
        for name, source, target, compartment, kind in expected:
            if name not in projections:
                continue
            dataset = projections[name]
            where = dataset.name
            if compression is None:
                compression = dataset.compression_opts if dataset.compression == "gzip" else 0
            check_series(dataset, "float32", S, (sizes[target], sizes[source]), compression)
            expect(string_attribute(dataset, "source", where) == source, "%s: source" % where)
            expect(string_attribute(dataset, "target", where) == target, "%s: target" % where)
            expect(string_attribute(dataset, "compartment", where) == compartment, "%s: compartment" % where)
            expect(string_attribute(dataset, "kind", where) == kind, "%s: kind" % where)
            expect(int_attribute(dataset, "level", where) == int(name.split("_")[1]), "%s: level" % where)
            if S > 0:
                result["weights_first"][name] = exact(dataset[0])
                result["weights_last"][name] = exact(dataset[S - 1])
        result["compression"] = compression
        if expected_compression is not None:
            expect(compression == expected_compression,
                   "/projections: compression level %s, expected %d" % (compression, expected_compression))

        # Biases.
        biases = f["biases"]
        expect(sorted(biases.keys()) == sorted("b_%d" % l for l in range(1, L + 1)), "/biases: %s" % list(biases.keys()))
        result["biases_last"] = {}
        for l in range(1, L + 1):
            dataset = biases["b_%d" % l]
            check_series(dataset, "float32", S, (sizes["U_%d" % l],), compression or 0)
            expect(string_attribute(dataset, "target", dataset.name) == "U_%d" % l, "%s: target" % dataset.name)
            if S > 0:
                result["biases_last"]["b_%d" % l] = exact(dataset[S - 1])

        # Metrics.
        metrics = f["metrics"]
        names = []
        for l in range(1, L + 1):
            names.append("reciprocity_%d" % l)
            if l >= 2:
                names.append("descending_%d" % l)
            names += ["alignment_H_%d" % l, "alignment_bp_%d" % l, "H_eig_min_%d" % l, "H_eig_max_%d" % l, "H_effective_rank_%d" % l]
        names += ["train_loss", "train_accuracy", "test_accuracy"]
        result["metric_order"] = list(metrics.keys())
        expect(sorted(metrics.keys()) == sorted(names), "/metrics: %s, expected %s" % (sorted(metrics.keys()), sorted(names)))
        result["metrics"] = {}
        for name in names:
            if name in metrics:
                check_series(metrics[name], "float64", S, (), 0)
                result["metrics"][name] = exact(metrics[name][()])

        # Assembly.
        onset = f["assembly"]["onset_step"]
        expect(onset.dtype == np.int64 and onset.shape == (L,), "/assembly/onset_step: %s %s" % (onset.dtype, onset.shape))
        result["onsets"] = plain(onset[()])
        result["thresholds"] = {
            "reciprocity": float_attribute(onset, "reciprocity", onset.name),
            "descending": float_attribute(onset, "descending", onset.name),
            "alignment_H": float_attribute(onset, "alignment_H", onset.name),
            "consecutive": int_attribute(onset, "consecutive", onset.name),
        }
        expect(all(v == -1 or v >= 0 for v in result["onsets"]), "/assembly/onset_step: values below -1")

        # Outcome.
        def outcome(group):
            by_epoch = group["test_accuracy_by_epoch"]
            expect(by_epoch.dtype == np.float64 and by_epoch.ndim == 1, "%s: %s %s" % (by_epoch.name, by_epoch.dtype, by_epoch.shape))
            return {
                "final_test_accuracy": exact(float_attribute(group, "final_test_accuracy", group.name)),
                "final_train_accuracy": exact(float_attribute(group, "final_train_accuracy", group.name)),
                "steps": int_attribute(group, "steps", group.name, "int64"),
                "rule": string_attribute(group, "rule", group.name),
                "diverged_at_step": int_attribute(group, "diverged_at_step", group.name, "int64"),
                "test_accuracy_by_epoch": exact(by_epoch[()]),
            }
        result["summary"] = outcome(f["summary"]) if "summary" in f else None
        result["comparison"] = outcome(f["comparison"]["bp"]) if "comparison" in f else None

    result["datasets_read"] = counts["datasets"]
    result["attributes_read"] = counts["attributes"]
    result["h5py_version"] = h5py.__version__
    result["errors"] = errors
    result["ok"] = not errors
    print(json.dumps(result, allow_nan=False))
    return 0 if not errors else 1


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3) or (len(sys.argv) == 3 and not sys.argv[2].isdigit()):
        print("usage: read_with_h5py.py RUN.h5 [EXPECTED_COMPRESSION_LEVEL]", file=sys.stderr)
        sys.exit(2)
    try:
        sys.exit(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else None))
    except Exception as error:  # a layout so broken that reading it raises
        print(json.dumps({"ok": False, "errors": ["%s: %s" % (type(error).__name__, error)]}))
        sys.exit(1)
