#!/usr/bin/env python3
"""Checks that every notebook in Notebooks-export/ matches its committed percent-format copy.

    python3 check_sync.py NOTEBOOKS_DIR NAME...

Each NAME (e.g. 01-motif-metrics) must have NAME.ipynb and NAME.py; the notebook is converted to
percent format with the converter of NOTEBOOKS_DIR/sync.py (json module only) and compared with
NAME.py. Prints one line per problem, `out of sync: NAME.ipynb ...` naming the notebook, and the
first differing line; exits 1 if there is any problem, 0 otherwise.
"""
import difflib
import importlib.util
import json
import pathlib
import sys


def main(directory, names):
    spec = importlib.util.spec_from_file_location("notebook_sync", directory / "sync.py")
    sync = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sync)
    problems = []
    for name in names:
        notebook_path, copy_path = directory / (name + ".ipynb"), directory / (name + ".py")
        if not notebook_path.exists():
            problems.append(f"missing: {notebook_path.name}")
            continue
        if not copy_path.exists():
            problems.append(f"out of sync: {notebook_path.name} has no percent-format copy {copy_path.name}")
            continue
        expected = sync.notebook_to_percent(json.loads(notebook_path.read_text(encoding="utf-8")))
        actual = copy_path.read_text(encoding="utf-8")
        if expected != actual:
            diff = list(difflib.unified_diff(actual.splitlines(), expected.splitlines(),
                                             copy_path.name + " (committed)", notebook_path.name + " (converted)",
                                             n=0, lineterm=""))
            problems.append(f"out of sync: {notebook_path.name} differs from {copy_path.name} "
                            f"(regenerate the .py with `python3 Notebooks-export/sync.py`, or the notebook with `python3 Notebooks-export/sync.py --from-py` if the .py was edited): " + " | ".join(diff[2:6]))
    # Every notebook in the directory must be one of the expected ones (so none escapes the tests).
    for path in sorted(directory.glob("*.ipynb")):
        if path.stem not in names:
            problems.append(f"untested: {path.name} is not in the test's list of notebooks")
    for problem in problems:
        print(problem)
    print(f"{len(names)} notebooks checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(pathlib.Path(sys.argv[1]), sys.argv[2:]))
